"""Reading the cells of an XLSX workbook as text, fast (used by ``_transfer_read``).

openpyxl's read-only mode needs about 4,5 s for a 10 000-row statement on the reference
machine, most of the 5 s budget (product.md §6); the workbook is a zip of XML files that the
standard library's C parser reads in a fraction of that. What is kept of each cell: its text
(shared or inline strings, numbers without a useless « .0 »), its formula (a ``<f>`` element:
refused by the import), dates turned to ISO text and times of day (« 7:30 » typed in a cell
formatted ``h:mm``) to « 7:30 », from the cell's number format.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from xml.etree.ElementTree import iterparse

from asr_desktop.domain.formats import EXCEL_EPOCH

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DATE_IDS = {14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)}
_TIME_IDS = {18, 19, 20, 21, 45, 46, 47}
_COLUMN = re.compile(r"[A-Z]+")
FORMULA = "\x00formule"


class WorkbookError(Exception):
    """The file is not a readable workbook."""


def _column_index(reference: str) -> int:
    letters = _COLUMN.match(reference)
    index = 0
    for char in letters.group(0) if letters else "A":
        index = index * 26 + ord(char) - 64
    return index - 1


def _format_kind(code: str) -> str:
    cleaned = re.sub(r'"[^"]*"|\\.|\[(?!h\]|m\]|s\])[^\]]*\]', "", code.lower())
    has_date = any(c in cleaned for c in "dy")
    has_time = "h" in cleaned or "s" in cleaned
    if has_time and not has_date:
        return "time"
    if has_date or ("m" in cleaned and not has_time and "0" not in cleaned):
        return "date"
    return "number"


def _styles(book: zipfile.ZipFile) -> list[str]:
    """Kind of each cell style (``number``, ``date`` or ``time``), by style index."""
    if "xl/styles.xml" not in book.namelist():
        return []
    custom: dict[int, str] = {}
    kinds: list[str] = []
    in_xfs = False
    with book.open("xl/styles.xml") as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag
            if tag == f"{_NS}numFmt" and event == "end":
                custom[int(element.get("numFmtId", "0"))] = _format_kind(
                    element.get("formatCode", "")
                )
            elif tag == f"{_NS}cellXfs":
                in_xfs = event == "start"
            elif tag == f"{_NS}xf" and in_xfs and event == "end":
                number = int(element.get("numFmtId", "0"))
                kind = custom.get(number)
                if kind is None:
                    kind = "date" if number in _DATE_IDS else "time" if number in _TIME_IDS else ""
                kinds.append(kind or "number")
    return kinds


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    strings = []
    with book.open("xl/sharedStrings.xml") as stream:
        for _event, element in iterparse(stream):
            if element.tag == f"{_NS}si":
                strings.append("".join(t.text or "" for t in element.iter(f"{_NS}t")))
                element.clear()
    return strings


def _sheet_paths(book: zipfile.ZipFile) -> list[str]:
    """The worksheets' paths in the workbook's order."""
    targets = {}
    with book.open("xl/_rels/workbook.xml.rels") as stream:
        for _event, element in iterparse(stream):
            if element.tag == f"{_PKG_REL}Relationship":
                target = element.get("Target", "").lstrip("/")
                targets[element.get("Id")] = target if target.startswith("xl/") else f"xl/{target}"
    paths = []
    with book.open("xl/workbook.xml") as stream:
        for _event, element in iterparse(stream):
            if element.tag == f"{_NS}sheet":
                path = targets.get(element.get(f"{_REL_NS}id"))
                if path and path in book.namelist():
                    paths.append(path)
    return paths


def _number_text(raw: str, kind: str) -> str:
    try:
        value = float(raw)
    except ValueError:
        return raw
    if kind == "date" and 1 <= value < 2958466:
        day = EXCEL_EPOCH + timedelta(days=int(value))
        return day.isoformat()
    if kind == "time":
        minutes = round(value * 24 * 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return str(int(value)) if value.is_integer() else repr(value)


def read_rows(path, max_rows: int) -> Iterator[list[tuple[int, list[str]]]]:
    """Each worksheet as ``[(row number, cell texts)]``; more than ``max_rows`` rows stop the
    reading of a sheet with ``OverflowError(row count so far)``."""
    try:
        book = zipfile.ZipFile(path)
        names = set(book.namelist())
        if "xl/workbook.xml" not in names:
            raise WorkbookError("no workbook")
        strings, styles = _shared_strings(book), _styles(book)
        paths = _sheet_paths(book)
    except (zipfile.BadZipFile, KeyError, SyntaxError, WorkbookError, ValueError) as error:
        raise WorkbookError(str(error)) from error
    with book:
        for sheet in paths:
            yield _read_sheet(book, sheet, strings, styles, max_rows)


def _read_sheet(book, sheet, strings, styles, max_rows) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    cells: dict[int, str] = {}
    row_number = 0
    c_tag, row_tag = f"{_NS}c", f"{_NS}row"
    v_tag, f_tag, is_tag, t_tag = f"{_NS}v", f"{_NS}f", f"{_NS}is", f"{_NS}t"
    try:
        with book.open(sheet) as stream:
            for event, element in iterparse(stream, events=("start", "end")):
                tag = element.tag
                if tag == row_tag:
                    if event == "start":
                        row_number = int(element.get("r") or row_number + 1)
                        cells = {}
                        continue
                    if len(rows) >= max_rows:
                        raise OverflowError(row_number)
                    width = max(cells) + 1 if cells else 0
                    rows.append((row_number, [cells.get(i, "") for i in range(width)]))
                    element.clear()
                elif tag == c_tag and event == "end":
                    reference = element.get("r")
                    index = _column_index(reference) if reference else len(cells)
                    formula = element.find(f_tag)
                    if formula is not None:
                        cells[index] = f"{FORMULA}\t={formula.text or '…'}"
                        continue
                    kind = element.get("t", "n")
                    value = element.find(v_tag)
                    raw = value.text if value is not None and value.text is not None else ""
                    if kind == "s":
                        text = strings[int(raw)] if raw else ""
                    elif kind == "inlineStr":
                        inline = element.find(is_tag)
                        text = (
                            "".join(t.text or "" for t in inline.iter(t_tag))
                            if inline is not None
                            else ""
                        )
                    elif kind in ("str", "e"):
                        text = raw
                    elif kind == "b":
                        text = "VRAI" if raw == "1" else "FAUX"
                    elif raw:
                        style = int(element.get("s", "0"))
                        text = _number_text(raw, styles[style] if style < len(styles) else "number")
                    else:
                        text = ""
                    if text.strip():
                        cells[index] = text.strip()
    except (SyntaxError, KeyError, ValueError, IndexError) as error:
        raise WorkbookError(str(error)) from error
    return rows

"""The files of an access-right export: an XLSX workbook (a « Lisez-moi » sheet, then one sheet
per table with French headings, real dates and numbers) or a JSON document.

Text cells are written as text whatever they start with (« = », « + », « @ »…), so nothing
typed into a record can become a formula in Excel or LibreOffice. The file's properties name
the program, never the person. The file is written under a temporary name, then renamed.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asr_desktop import APPLICATION_NAME
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_date, format_int

if TYPE_CHECKING:
    from asr_desktop.services.rights import PersonExport

SUFFIXES = (".xlsx", ".json")
_DATE_FORMAT = "DD/MM/YYYY"
_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
_TITLE = "Données détenues sur une personne (droit d'accès, article 15 du RGPD)"
_MAX_WIDTH = 60


def write_export(export: PersonExport, path: str | Path) -> Path:
    """Write ``export`` at ``path``: XLSX or JSON according to the suffix."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(
            "Le fichier d'export doit se terminer par .xlsx (classeur) ou .json.", "path"
        )
    partial = target.with_name(target.name + ".partiel")
    try:
        if suffix == ".xlsx":
            _write_xlsx(export, partial)
        else:
            partial.write_text(_json_text(export), encoding="utf-8")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


# --- XLSX -----------------------------------------------------------------------------------


def _write_xlsx(export: PersonExport, path: Path) -> None:
    from openpyxl import Workbook  # deferred: openpyxl (and numpy) cost 0,4 s at start-up
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.properties.creator = APPLICATION_NAME
    book.properties.lastModifiedBy = APPLICATION_NAME
    book.properties.title = "Données d'une personne (droit d'accès)"
    readme = book.active
    readme.title = "Lisez-moi"
    _write_readme(readme, export)
    for table in export.tables:
        sheet = book.create_sheet(_sheet_title(table.title, book.sheetnames))
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append([_cell_value(v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                _format_cell(cell)
        sheet.freeze_panes = "A2"
        _size_columns(sheet, table.headers, table.rows)
    book.save(path)


def _write_readme(sheet, export: PersonExport) -> None:
    from openpyxl.styles import Font

    lines = [
        _TITLE,
        "",
        f"Dossier n° {export.participant_id} (référence {export.reference})",
        f"Produit le {format_date(export.produced_at.date())} à "
        f"{export.produced_at:%H:%M} par {APPLICATION_NAME}",
        "",
        "Une feuille par nature d'information, avec le nombre de lignes :",
        *(f"  {t.title} : {format_int(len(t.rows))}" for t in export.tables),
        "",
        "Les « N° interne » sont les numéros que le programme donne à chaque ligne ; ils "
        "permettent de relier les feuilles entre elles.",
        "Le journal des accès dit qui a créé, modifié, consulté ou exporté ces informations, "
        "et quand.",
    ]
    for line in lines:
        sheet.append([line])
        _format_cell(sheet.cell(row=sheet.max_row, column=1))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 100


def _sheet_title(title: str, taken: list[str]) -> str:
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31]
    candidate, number = cleaned, 2
    while candidate in taken:
        ending = f" ({number})"
        candidate, number = cleaned[: 31 - len(ending)] + ending, number + 1
    return candidate


def _cell_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value


def _format_cell(cell) -> None:
    value = cell.value
    if isinstance(value, str):
        cell.data_type = "s"  # « =… » stays text: no formula from a record (injection)
    elif isinstance(value, datetime):
        cell.number_format = _DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = _DATE_FORMAT


def _size_columns(sheet, headers, rows) -> None:
    from openpyxl.utils import get_column_letter

    for index, header in enumerate(headers, start=1):
        longest = max([len(str(header))] + [len(_shown(r[index - 1])) for r in rows[:500]])
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, _MAX_WIDTH)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return "00/00/0000 00:00"
    if isinstance(value, date):
        return "00/00/0000"
    return str(value)


# --- JSON -----------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def _json_text(export: PersonExport) -> str:
    document = {
        "objet": _TITLE,
        "dossier": export.participant_id,
        "référence": export.reference,
        "produit_le": export.produced_at.isoformat(sep=" "),
        "tables": [
            {
                "titre": table.title,
                "table": table.table,
                "lignes": [dict(zip(table.headers, row, strict=True)) for row in table.rows],
            }
            for table in export.tables
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_value)

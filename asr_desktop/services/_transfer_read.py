"""Reading a statement file as companies really send it (used by ``TransferService``).

Everything is read as text: CSV through pandas (``dtype=str``) after guessing the encoding
(UTF-8 with or without BOM, else cp1252) and the separator (``;``, ``,`` or tab), XLSX
through ``_transfer_xlsx`` so that formulas are seen as formulas (a cached value would hide
them). The header row is looked for in the first lines (a title may sit above it)
and its names are mapped to known keys whatever their case, accents or spacing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from asr_desktop.domain.formats import normalise_header
from asr_desktop.services._transfer_xlsx import FORMULA, WorkbookError, read_rows

#: Beyond this many data lines a file is refused (a monthly statement has a few hundred).
MAX_ROWS = 20_000
#: Lines searched for the header row.
HEADER_SEARCH = 15

#: Known column names (normalised by ``normalise_header``) → key.
KNOWN_HEADERS: dict[str, tuple[str, ...]] = {
    "reference": (
        "identifiant", "id", "identifiant_participant", "identifiant_du_participant",
        "identifiant_asr", "reference", "ref", "reference_participant",
        "reference_du_participant", "ref_participant", "id_participant", "n_participant",
        "no_participant", "numero_participant", "numero_du_participant", "code_participant",
        "n_dossier", "numero_de_dossier", "matricule",
    ),
    "last_name": ("nom", "nom_de_famille", "nom_du_salarie", "nom_salarie", "nom_d_usage"),
    "first_name": ("prenom", "prenom_du_salarie", "prenom_salarie", "prenoms"),
    "full_name": (
        "nom_prenom", "nom_et_prenom", "nom_prenom_du_salarie", "salarie", "nom_complet",
        "beneficiaire", "participant", "intervenant", "personne", "salarie_en_insertion",
        "interimaire", "nom_de_l_interimaire",
    ),
    "birth_date": (
        "date_de_naissance", "naissance", "ne_le", "ne_e_le", "nee_le", "date_naissance", "ddn",
    ),
    "lot": (
        "lot", "reference_du_lot", "ref_lot", "reference_lot", "ref_du_lot", "n_lot", "no_lot",
        "numero_de_lot", "numero_du_lot", "lot_n", "lot_no", "chantier", "chantier_lot",
        "lot_chantier",
    ),
    "market": (
        "marche", "reference_du_marche", "ref_marche", "reference_marche", "n_marche",
        "no_marche", "numero_de_marche", "numero_du_marche", "marche_n", "ref_du_marche",
    ),
    "month": (
        "mois", "periode", "mois_concerne", "mois_annee", "mois_de_travail", "periode_concernee",
        "date", "mois_de_realisation", "mois_d_execution",
    ),
    "worked": (
        "heures_travaillees", "heures_realisees", "heures", "nb_heures", "nombre_d_heures",
        "nombre_heures", "heures_effectuees", "heures_de_travail", "heures_payees",
        "heures_d_insertion", "heures_insertion", "nb_heures_travaillees", "heures_du_mois",
    ),
    "training": (
        "heures_de_formation", "formation", "heures_formation", "dont_formation",
        "nb_heures_formation", "nombre_d_heures_de_formation",
    ),
    "proof": (
        "justificatif", "reference_justificatif", "reference_du_justificatif",
        "piece_justificative", "ref_justificatif",
    ),
}  # fmt: skip
_BY_NAME = {name: key for key, names in KNOWN_HEADERS.items() for name in names}
#: Longer headers that start with a known name: « heures_travaillees_h », « heures_de_formation_en_h ».
_PREFIXES = (
    ("heures_de_formation", "training"),
    ("heures_formation", "training"),
    ("heures_travaillees", "worked"),
    ("heures_realisees", "worked"),
    ("heures_effectuees", "worked"),
    ("nombre_d_heures_travaillees", "worked"),
    ("date_de_naissance", "birth_date"),
    ("reference_du_lot", "lot"),
    ("reference_du_marche", "market"),
)


def header_key(text: str) -> str | None:
    name = normalise_header(text)
    if name in _BY_NAME:
        return _BY_NAME[name]
    for prefix, key in _PREFIXES:
        if name.startswith(prefix):
            return key
    return None


@dataclass
class SheetText:
    """The cells of a file as text, by line (1-based line numbers as the user sees them),
    with the header row found and its columns mapped to keys."""

    kind: str  # "CSV" or "XLSX"
    columns: dict[str, int] = field(default_factory=dict)  # key → column index
    headers: list[str] = field(default_factory=list)  # as written in the file
    lines: list[tuple[int, list[str]]] = field(default_factory=list)  # after the header
    problem: str | None = None  # why the file cannot be read at all
    encoding: str | None = None


def read_sheet(path: Path) -> SheetText:
    suffix = path.suffix.lower()
    if not path.is_file():
        return SheetText("?", problem=f"Le fichier « {path.name} » est introuvable.")
    if path.stat().st_size == 0:
        return SheetText("?", problem="Le fichier est vide.")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        return SheetText(
            "XLS",
            problem="Ancien format Excel (.xls) : enregistrez le fichier au format .xlsx ou "
            ".csv, puis importez-le à nouveau.",
        )
    return _read_csv(path)


# --- CSV --------------------------------------------------------------------------------------


def _decode(raw: bytes) -> tuple[str | None, str | None]:
    """(text, encoding name), or (None, French reason)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        return None, (
            "Encodage non reconnu (UTF-16 ou fichier binaire) : enregistrez le fichier en « CSV "
            "UTF-8 » ou en « CSV (séparateur : point-virgule) » depuis votre tableur."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), ("UTF-8" if encoding == "utf-8-sig" else "Windows-1252")
        except UnicodeDecodeError:
            continue
    return None, (
        "Encodage non reconnu : le fichier n'est ni en UTF-8 ni en Windows-1252. Enregistrez-le "
        "en « CSV UTF-8 » depuis votre tableur."
    )


def _separator(text: str) -> str:
    for line in text.splitlines()[:HEADER_SEARCH]:
        if line.strip().strip(";,\t"):
            counts = {sep: line.count(sep) for sep in (";", "\t", ",")}
            best = max(counts, key=lambda sep: counts[sep])
            if counts[best]:
                return best
    return ";"


def _read_csv(path: Path) -> SheetText:
    import pandas as pd  # deferred: heavy

    raw = path.read_bytes()
    text, encoding = _decode(raw)
    if text is None:
        return SheetText("CSV", problem=encoding)
    if not text.strip():
        return SheetText("CSV", problem="Le fichier est vide.", encoding=encoding)
    if len(text) > 200 and text.count("\n") > MAX_ROWS + HEADER_SEARCH:
        return SheetText("CSV", problem=_too_many(text.count("\n")), encoding=encoding)
    separator = _separator(text)
    width = max((len(r) for r in csv.reader(io.StringIO(text), delimiter=separator)), default=1)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            header=None,
            names=list(range(width)),
            keep_default_na=False,
            skip_blank_lines=False,
            engine="python",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        return SheetText(
            "CSV", problem=f"Fichier CSV illisible ({error.__class__.__name__}).", encoding=encoding
        )
    cells = [[_csv_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return _with_header("CSV", [(n + 1, row) for n, row in enumerate(cells)], encoding)


def _csv_cell(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if text.startswith("=") and len(text) > 1:
        return f"{FORMULA}\t{text}"
    return text


# --- XLSX -------------------------------------------------------------------------------------


def _read_xlsx(path: Path) -> SheetText:
    if not zipfile.is_zipfile(path):
        return SheetText(
            "XLSX",
            problem="Ce fichier n'est pas un classeur Excel valide (.xlsx) : il est peut-être "
            "endommagé, ou c'est un autre format renommé.",
        )
    first: SheetText | None = None
    try:
        for rows in read_rows(path, MAX_ROWS + HEADER_SEARCH):
            found = _with_header("XLSX", rows, None)
            if found.problem is None:
                return found
            first = first or found
    except OverflowError as too_many:
        return SheetText("XLSX", problem=_too_many(int(too_many.args[0])))
    except WorkbookError:
        return SheetText("XLSX", problem="Classeur Excel illisible : il est peut-être endommagé.")
    return first or SheetText("XLSX", problem="Le classeur ne contient aucune feuille.")


# --- header -----------------------------------------------------------------------------------


def _too_many(count: int) -> str:
    return (
        f"Le fichier compte environ {count:,} lignes".replace(",", "\u00a0")
        + f" : un relevé en compte au plus {MAX_ROWS:,}".replace(",", "\u00a0")
        + ". Découpez-le par mois ou par entreprise."
    )


def _with_header(kind: str, rows: list[tuple[int, list[str]]], encoding: str | None) -> SheetText:
    non_blank = [(n, cells) for n, cells in rows if any(c for c in cells)]
    if not non_blank:
        return SheetText(kind, problem="Le fichier est vide.", encoding=encoding)
    for position, (_number, cells) in enumerate(rows[: HEADER_SEARCH + 1]):
        columns: dict[str, int] = {}
        for index, text in enumerate(cells):
            key = header_key(text) if text and not text.startswith(FORMULA) else None
            if key and key not in columns:
                columns[key] = index
        if "worked" in columns and len(columns) >= 2:
            data = rows[position + 1 :]
            if len(data) > MAX_ROWS:
                return SheetText(kind, problem=_too_many(len(data)), encoding=encoding)
            return SheetText(kind, columns, list(cells), data, None, encoding)
    return SheetText(
        kind,
        problem="Ligne d'en-tête introuvable : aucune colonne d'heures (« Heures travaillées ») "
        "dans les premières lignes du fichier.",
        encoding=encoding,
    )

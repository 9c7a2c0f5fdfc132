"""Writes the statement corpus of ``tests/data/statements/`` (run once; the files are committed).

    .venv/bin/python tests/data/make_statements.py

Every file refers to the people, lots and placements of :func:`build_scenario`, which the
tests build again in a fresh database (invented people: Faker ``fr_FR``, seeded). The
manifest ``statements/expected.json`` says for each file whether it must be accepted (and
how many rows of each status) or rejected (and a word of the reason, with its line and
column for a rejected row). The files under ``HAND_WRITTEN`` were typed by hand to look like
what companies send; the manifest lists them too. The 50 000-row file is made by the test.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from faker import Faker
from openpyxl import Workbook, load_workbook
from stdnum import luhn

HERE = Path(__file__).resolve().parent
OUT = HERE / "statements"
SEED = 4242
MARCH = date(2026, 3, 1)


def _siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


SIRET = _siret(52345678)


def people() -> list[dict]:
    """Eight invented people: references P-000101 … P-000108."""
    fake = Faker("fr_FR")
    Faker.seed(SEED)
    found = []
    for n in range(8):
        found.append(
            {
                "reference": f"P-{101 + n:06d}",
                "last_name": fake.last_name(),
                "first_name": fake.first_name(),
                "birth_date": fake.date_of_birth(minimum_age=19, maximum_age=58).isoformat(),
            }
        )
    return found


#: (person index, market, lot number, start, end): person 7 is not eligible, person 6's
#: placement ended on 31/03/2026.
PLACEMENTS = (
    (0, "2026-VOI-0001", "1", "2026-01-05", None),
    (1, "2026-VOI-0001", "1", "2026-01-05", None),
    (2, "2026-VOI-0001", "1", "2026-02-02", None),
    (3, "2026-VOI-0001", "2", "2026-01-12", None),
    (4, "2026-VOI-0001", "2", "2026-01-12", None),
    (5, "2026-ECO-0002", "1", "2026-01-05", None),
    (6, "2026-ECO-0002", "1", "2026-02-01", "2026-03-31"),
    (7, "2026-VOI-0001", "1", "2026-01-05", None),
)
#: Already in the ledger: person 0, March 2026, 120 h worked.
STORED = ((0, MARCH, Decimal(120)),)


def build_scenario(sv) -> dict:
    """Create the scenario through the services ``sv`` (``services.container.Services``);
    returns ``{"company_id", "placements": [ids], "people": [...]}``."""
    from asr_desktop.domain.enums import (
        AuthorityKind,
        CompanyKind,
        ContractType,
        LegalMechanism,
        MarketKind,
        Modality,
        Sector,
        Sex,
    )
    from asr_desktop.domain.model import (
        Authority,
        Company,
        EligibilityRecord,
        Market,
        Operation,
        Participant,
        Placement,
    )

    authority = sv.clauses.create_authority(
        Authority(id=None, name="Ville de Créteil", kind=AuthorityKind.COMMUNE)
    )
    operation = sv.clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Requalification du centre")
    )
    lots = {}
    for reference, numbers in (("2026-VOI-0001", ("1", "2")), ("2026-ECO-0002", ("1",))):
        market = sv.clauses.create_market(
            Market(
                id=None,
                operation_id=operation.id,
                reference=reference,
                object=f"Travaux {reference}",
                mechanism=LegalMechanism.EXECUTION,
                kind=MarketKind.WORKS,
                sector=Sector.BUILDING,
                notification_date=date(2025, 11, 1),
            )
        )
        for number in numbers:
            lots[(reference, number)] = sv.clauses.create_calibrated_lot(
                market.id, number, f"Lot {number}", "manual", {"required_hours": 2000},
                start_date=date(2025, 12, 1), end_date=date(2027, 12, 31),
            )  # fmt: skip
    company = sv.companies.create_company(
        Company(id=None, siret=SIRET, name="Bâtiments du Val SAS", kind=CompanyKind.ORDINARY)
    )
    created = []
    for n, person in enumerate(people()):
        stored = sv.participants.create(
            Participant(
                id=None,
                reference=person["reference"],
                last_name=person["last_name"],
                first_name=person["first_name"],
                birth_date=date.fromisoformat(person["birth_date"]),
                sex=Sex.FEMALE if n % 2 else Sex.MALE,
            ),
            allow_duplicate=True,
        )
        if n != 7:
            sv.participants.add_eligibility(
                EligibilityRecord(
                    id=None,
                    participant_id=stored.id,
                    criterion="RSA",
                    proof_date=date(2025, 12, 1),
                    validated_on=date(2025, 12, 5),
                )
            )
        created.append(stored)
    placements = []
    for person, market, number, start, end in PLACEMENTS:
        placements.append(
            sv.placements.create(
                Placement(
                    id=None,
                    participant_id=created[person].id,
                    lot_id=lots[(market, number)].id,
                    employer_id=company.id,
                    modality=Modality.DIRECT_HIRE,
                    contract_type=ContractType.CDD,
                    start_date=date.fromisoformat(start),
                    end_date=date.fromisoformat(end) if end else None,
                    weekly_hours=Decimal(35),
                )
            ).placement.id
        )
    for person, month, hours in STORED:
        sv.hours.record_month(placements[person], month, hours)
    return {"company_id": company.id, "placements": placements, "people": created}


# --- the files ----------------------------------------------------------------------------------

P = people()
HEAD = ["Identifiant", "Nom", "Prénom", "Lot", "Mois", "Heures travaillées", "Heures de formation"]


def line(n: int, month: str = "03/2026", worked: str = "151,67", training: str = "") -> list:
    person = PLACEMENTS[n]
    who = P[person[0]]
    lot = f"{person[1]} · lot {person[2]}"
    return [who["reference"], who["last_name"], who["first_name"], lot, month, worked, training]


def valid_rows() -> list[list]:
    """Five new lines for March 2026 (people 1 to 5; person 0's March is stored)."""
    return [line(n, worked=w) for n, w in ((1, "151,67"), (2, "140"), (3, "98,5"), (4, "7,5"), (5, "35"))]  # fmt: skip


def write_csv(name, rows, *, sep=";", encoding="utf-8", head=HEAD) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    if head is not None:
        writer.writerow(head)
    writer.writerows(rows)
    (OUT / name).write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(name, rows, head=HEAD, title=None, cell_hook=None) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Heures"
    if title:
        sheet.append([title])
        sheet.append([])
    if head:
        sheet.append(head)
    for row in rows:
        sheet.append(row)
    if cell_hook:
        cell_hook(sheet)
    book.save(OUT / name)


EXPECTED: dict[str, dict] = {}


def accept(name: str, new: int = 0, same: int = 0, correction: int = 0) -> None:
    EXPECTED[name] = {"accepted": True, "new": new, "same": same, "correction": correction}


def reject(name: str, words: str, line: int = 0, column: str = "") -> None:
    EXPECTED[name] = {"accepted": False, "words": words, "line": line, "column": column}


def generate(sv) -> None:
    _templates(sv)
    _csv_variants()
    _xlsx_variants()
    _malformed()
    HAND_WRITTEN()


def _templates(sv) -> None:
    company = sv_company(sv)
    path = OUT / "template_march_filled.xlsx"
    sv_transfer(sv).write_template(company, MARCH, MARCH, path)
    book = load_workbook(path)
    sheet = book["Relevé"]
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=1):
        if row[0].value == P[0]["reference"]:
            row[7].value = 120  # as stored: identical
        elif row[0].value == P[6]["reference"]:
            row[7].value = 60
        elif row[0].value != P[7]["reference"]:
            row[7].value = 140 + number
            row[8].value = 7 if number % 2 else None
    # person 7 (not eligible) left blank: a line not filled in is not imported
    book.save(path)
    accept("template_march_filled.xlsx", new=6, same=1)
    path = OUT / "template_q1_partly_filled.xlsx"
    sv_transfer(sv).write_template(company, date(2026, 1, 1), MARCH, path)
    book = load_workbook(path)
    sheet = book["Relevé"]
    filled = 0
    for row in sheet.iter_rows(min_row=2):
        if row[6].value == "02/2026" and row[0].value not in (P[7]["reference"],):
            row[7].value = "151,67"
            filled += 1
    book.save(path)
    accept("template_q1_partly_filled.xlsx", new=filled)


def sv_company(sv) -> int:
    return sv.companies.find_by_siret(SIRET).id


def sv_transfer(sv):
    from asr_desktop.services.transfer import TransferService

    return TransferService(sv.database.sessions, sv.user_id)


def _csv_variants() -> None:
    rows = valid_rows()
    write_csv("csv_semicolon_utf8_bom.csv", rows, encoding="utf-8-sig")
    write_csv("csv_semicolon_utf8.csv", rows)
    write_csv("csv_semicolon_cp1252.csv", rows, encoding="cp1252")
    write_csv("csv_comma_decimal_point.csv", [r[:5] + [r[5].replace(",", "."), r[6]] for r in rows], sep=",")  # fmt: skip
    write_csv("csv_comma_quoted_decimal_comma.csv", rows, sep=",")
    write_csv("csv_tab.csv", rows, sep="\t")
    for name in ("csv_semicolon_utf8_bom.csv", "csv_semicolon_utf8.csv", "csv_semicolon_cp1252.csv",
                 "csv_comma_decimal_point.csv", "csv_comma_quoted_decimal_comma.csv", "csv_tab.csv"):  # fmt: skip
        accept(name, new=5)
    write_csv("hours_h_and_minutes.csv", [line(1, worked="151h40"), line(2, worked="7h30", training="3h"), line(3, worked="98:30"), line(4, worked="120 h")])  # fmt: skip
    accept("hours_h_and_minutes.csv", new=4)
    for name, month in (
        ("month_mm_yyyy.csv", "03/2026"),
        ("month_named.csv", "mars 2026"),
        ("month_named_capital_short.csv", "Mars-26"),
        ("month_full_date.csv", "01/03/2026"),
        ("month_iso.csv", "2026-03"),
        ("month_excel_serial_text.csv", "46082"),
    ):
        write_csv(name, [line(n, month=month) for n in (1, 2, 3)])
        accept(name, new=3)
    head = ["IDENTIFIANT", "NOM", "PRENOM", "reference du LOT", "MOIS", "HEURES TRAVAILLEES", "Heures  de  Formation (h)"]  # fmt: skip
    write_csv("headers_case_accents.csv", valid_rows(), head=head)
    accept("headers_case_accents.csv", new=5)
    head = ["  N° participant ", "Nom", "Prénom", " Lot ", "Période", " Heures réalisées (h) ", "Formation"]  # fmt: skip
    write_csv("headers_spacing_synonyms.csv", valid_rows(), head=head)
    accept("headers_spacing_synonyms.csv", new=5)
    rows = valid_rows()
    write_csv("blank_lines.csv", [[], rows[0], [""] * 7, rows[1], [], rows[2], [], []])
    accept("blank_lines.csv", new=3)
    write_csv("total_row.csv", [*valid_rows(), [], ["", "TOTAL", "", "", "", "432,67", ""]])
    accept("total_row.csv", new=5)
    head = ["Nom", "Prénom", "Date de naissance", "Lot", "Mois", "Heures travaillées"]
    rows = [[P[n]["last_name"], P[n]["first_name"], date.fromisoformat(P[n]["birth_date"]).strftime("%d/%m/%Y"), f"{PLACEMENTS[n][1]} lot {PLACEMENTS[n][2]}", "03/2026", "100"] for n in (1, 2, 3)]  # fmt: skip
    write_csv("name_and_birth_date.csv", rows, head=head)
    accept("name_and_birth_date.csv", new=3)
    head = ["Salarié", "Date de naissance", "Lot", "Mois", "Heures"]
    rows = [[f"{P[n]['last_name'].upper()} {P[n]['first_name']}", P[n]["birth_date"], f"{PLACEMENTS[n][1]} - Lot n°{PLACEMENTS[n][2]}", "mars 2026", "88"] for n in (3, 4)]  # fmt: skip
    write_csv("full_name_column.csv", rows, head=head)
    accept("full_name_column.csv", new=2)
    head = ["Identifiant", "Marché", "Lot", "Mois", "Heures travaillées"]
    rows = [[P[n]["reference"], PLACEMENTS[n][1], PLACEMENTS[n][2], "03/2026", "70"] for n in (1, 3, 5)]  # fmt: skip
    write_csv("market_and_lot_columns.csv", rows, head=head)
    accept("market_and_lot_columns.csv", new=3)
    write_csv("identical_to_stored.csv", [line(0, worked="120")])
    accept("identical_to_stored.csv", same=1)
    write_csv("correction_of_stored.csv", [line(0, worked="130,5"), line(1)])
    accept("correction_of_stored.csv", new=1, correction=1)
    head = [*HEAD, "SIRET", "Commentaire"]
    write_csv("extra_columns.csv", [[*r, SIRET, "RAS"] for r in valid_rows()], head=head)
    accept("extra_columns.csv", new=5)
    write_csv("lowercase_reference.csv", [[r[0].lower(), *r[1:]] for r in valid_rows()[:2]])
    accept("lowercase_reference.csv", new=2)
    write_csv("above_plausible_maximum.csv", [line(1, worked="230")])
    accept("above_plausible_maximum.csv", new=1)  # kept, with the warning flag


def _xlsx_variants() -> None:
    write_xlsx("company_xlsx_numbers.xlsx", [r[:5] + [float(r[5].replace(",", ".")), None] for r in valid_rows()])  # fmt: skip
    accept("company_xlsx_numbers.xlsx", new=5)
    rows = [r[:4] + [46082, 100, None] for r in valid_rows()[:3]]
    write_xlsx("month_excel_serial.xlsx", rows)
    accept("month_excel_serial.xlsx", new=3)

    def date_cells(sheet):
        for row in sheet.iter_rows(min_row=2):
            row[4].value = date(2026, 3, 1)
            row[4].number_format = "mm/yyyy"

    write_xlsx("month_date_cells.xlsx", [r[:5] + [100, None] for r in valid_rows()[:3]], cell_hook=date_cells)  # fmt: skip
    accept("month_date_cells.xlsx", new=3)

    def time_cells(sheet):
        from datetime import time

        for row in sheet.iter_rows(min_row=2):
            row[6].value = time(7, 30)
            row[6].number_format = "h:mm"

    write_xlsx("hours_time_cells.xlsx", [r[:5] + [100, None] for r in valid_rows()[:2]], cell_hook=time_cells)  # fmt: skip
    accept("hours_time_cells.xlsx", new=2)
    write_xlsx("title_above_header.xlsx", [r[:5] + [120, None] for r in valid_rows()], title="Relevé d'heures d'insertion — mars 2026")  # fmt: skip
    accept("title_above_header.xlsx", new=5)

    def total_formula(sheet):
        last = sheet.max_row
        sheet.append(["", "Total", "", "", "", f"=SUM(F2:F{last})", ""])

    write_xlsx("total_row_formula.xlsx", [r[:5] + [120, None] for r in valid_rows()], cell_hook=total_formula)  # fmt: skip
    accept("total_row_formula.xlsx", new=5)


def _malformed() -> None:
    (OUT / "empty.csv").write_bytes(b"")
    reject("empty.csv", "vide")
    write_csv("header_only.csv", [])
    reject("header_only.csv", "aucune heure")
    (OUT / "encoding_utf16.csv").write_bytes(
        "\n".join(";".join(r) for r in [HEAD, *valid_rows()]).encode("utf-16")
    )
    reject("encoding_utf16.csv", "Encodage")
    (OUT / "binary_garbage.csv").write_bytes(bytes(range(256)) * 8)
    reject("binary_garbage.csv", "Encodage")
    write_csv("not_really_xlsx.xlsx", valid_rows())
    reject("not_really_xlsx.xlsx", "classeur Excel valide")
    (OUT / "old_format.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    reject("old_format.xls", ".xls")
    write_csv("missing_month_column.csv", [r[:4] + r[5:] for r in valid_rows()], head=HEAD[:4] + HEAD[5:])  # fmt: skip
    reject("missing_month_column.csv", "Colonnes manquantes : Mois")
    write_csv("missing_hours_column.csv", [r[:5] for r in valid_rows()], head=HEAD[:5])
    reject("missing_hours_column.csv", "Ligne d'en-tête introuvable")
    rows = valid_rows()
    rows[2][0], rows[2][1] = "P-009999", "Inconnu"
    write_csv("unknown_participant.csv", rows)
    reject("unknown_participant.csv", "Identifiant inconnu", 4, "Identifiant")
    rows = valid_rows()
    rows[1][3] = "2026-ZZZ-0099 · lot 1"
    write_csv("unknown_lot.csv", rows)
    reject("unknown_lot.csv", "Lot inconnu", 3, "Lot")
    rows = valid_rows()
    rows[3][5] = "-7,5"
    write_csv("negative_hours.csv", rows)
    reject("negative_hours.csv", "négatif", 5, "Heures travaillées")
    rows = valid_rows()
    rows[0][5] = "1515"
    write_csv("absurd_hours.csv", rows)
    reject("absurd_hours.csv", "impossible", 2, "Heures travaillées")
    rows = valid_rows()
    rows[4][5] = "beaucoup"
    write_csv("unreadable_hours.csv", rows)
    reject("unreadable_hours.csv", "illisible", 6, "Heures travaillées")
    rows = valid_rows()
    write_csv("duplicate_rows.csv", [*rows, rows[1]])
    reject("duplicate_rows.csv", "Ligne en double", 7, "Mois")
    rows = valid_rows()
    rows[2][5] = "=7*20"
    write_csv("formula_in_csv.csv", rows)
    reject("formula_in_csv.csv", "Formule refusée", 4, "Heures travaillées")

    def formula(sheet):
        sheet["F3"] = "=140+11.67"

    write_xlsx("formula_cell.xlsx", [r[:5] + [100, None] for r in valid_rows()], cell_hook=formula)  # fmt: skip
    reject("formula_cell.xlsx", "Formule refusée", 3, "Heures travaillées")
    write_csv("outside_placement.csv", [line(6, month="05/2026", worked="40")])
    reject("outside_placement.csv", "en dehors des dates", 2, "Mois")
    write_csv("not_eligible.csv", [line(7, worked="35")])
    reject("not_eligible.csv", "éligibilité", 2, "Identifiant")
    write_csv("impossible_month.csv", [line(1, month="13/2026")])
    reject("impossible_month.csv", "Mois impossible", 2, "Mois")
    rows = valid_rows()[:2]
    rows[0][1], rows[0][2] = P[2]["last_name"], P[2]["first_name"]
    write_csv("identifier_of_someone_else.csv", rows)
    reject("identifier_of_someone_else.csv", "autre personne", 2, "Identifiant")
    head = ["Nom", "Prénom", "Date de naissance", "Lot", "Mois", "Heures travaillées"]
    write_csv("unknown_name_and_birth.csv", [[P[1]["last_name"], P[1]["first_name"], "01/01/1901", "2026-VOI-0001 lot 1", "03/2026", "10"]], head=head)  # fmt: skip
    reject("unknown_name_and_birth.csv", "Aucun participant", 2, "Date de naissance")


def HAND_WRITTEN() -> None:  # noqa: N802 — the files below were typed by hand
    accept("hand_interim_agency.csv", new=3)
    accept("hand_btp_company.csv", new=2)
    reject("hand_messy_rejected.csv", "Lot inconnu", 8, "Chantier / lot")


def main() -> int:
    sys.path.insert(0, str(HERE.parent.parent))
    from asr_desktop.persistence.db import open_database
    from asr_desktop.services.container import build_services

    OUT.mkdir(exist_ok=True)
    keep = {"hand_interim_agency.csv", "hand_btp_company.csv", "hand_messy_rejected.csv"}
    for old in OUT.iterdir():
        if old.name not in keep:
            old.unlink()
    folder = Path(tempfile.mkdtemp())
    try:
        database = open_database(folder / "scenario.db")
        try:
            sv = build_services(database)
            build_scenario(sv)
            generate(sv)
        finally:
            database.close()
    finally:
        shutil.rmtree(folder)
    (OUT / "expected.json").write_text(
        json.dumps(EXPECTED, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    (OUT / "people.json").write_text(json.dumps(P, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")  # fmt: skip
    print(f"{len(EXPECTED)} relevés décrits dans {OUT / 'expected.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Statement templates: what the XLSX holds, that it reads back, file names, and the one-entry
audit of an import."""

from __future__ import annotations

import importlib.util
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from asr_desktop.domain.errors import NotFound, ValidationError
from asr_desktop.services.audit import AuditService
from asr_desktop.services.container import build_services
from asr_desktop.services.settings import UserService
from asr_desktop.services.transfer import RowStatus, TransferService

DATA = Path(__file__).resolve().parent.parent / "data"
MARCH = date(2026, 3, 1)


def _generator():
    spec = importlib.util.spec_from_file_location("make_statements", DATA / "make_statements.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


@pytest.fixture
def world(db):
    user = UserService(db.sessions).create_user("import", "Agent d'import")
    sv = build_services(db, user.id)
    built = GENERATOR.build_scenario(sv)
    return sv, TransferService(db.sessions, user.id), built


def test_template_lists_the_placements_active_in_the_month_with_empty_hours(world, tmp_path):
    _sv, transfer, built = world
    path = tmp_path / "modele.xlsx"

    count = transfer.write_template(built["company_id"], MARCH, MARCH, path)

    book = load_workbook(path)
    assert book.sheetnames == ["Relevé", "Notice"]
    sheet = book["Relevé"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "Identifiant", "Nom", "Prénom", "Lot", "Contrat", "Modalité", "Mois",
        "Heures travaillées", "Heures de formation",
    )  # fmt: skip
    assert count == len(rows) - 1 == 8  # the eight placements are active in March 2026
    first = next(r for r in rows if r[0] == "P-000101")
    assert first[3] == "2026-VOI-0001 · lot 1" and first[6] == "03/2026"
    assert first[7] is None and first[8] is None
    validation = sheet.data_validations.dataValidation[0]
    assert (validation.type, validation.formula1, validation.formula2) == ("decimal", "0", "200.0")
    assert "H2:I9" in str(validation.sqref)
    notice = " ".join(str(c.value) for c in book["Notice"]["A"] if c.value)
    assert "SIRET" in notice and "formule" in notice


def test_a_range_template_has_one_line_per_placement_and_active_month(world, tmp_path):
    _sv, transfer, built = world
    count = transfer.write_template(
        built["company_id"], date(2026, 1, 1), MARCH, tmp_path / "t.xlsx"
    )
    # January: 6 placements started; February and March: all 8
    assert count == 6 + 8 + 8


def test_the_filled_template_imports_and_the_import_is_audited_once(world, tmp_path):
    sv, transfer, built = world
    path = tmp_path / "modele.xlsx"
    transfer.write_template(built["company_id"], MARCH, MARCH, path)
    book = load_workbook(path)
    for row in book["Relevé"].iter_rows(min_row=2):
        if row[0].value not in ("P-000101", "P-000108"):
            row[7].value = "7h30"
    book.save(path)
    audit_before = len(AuditService(sv.database.sessions).list_entries(limit=None))

    preview = transfer.preview_statement(path)
    report = transfer.commit_statement(preview)

    assert preview.acceptable and report.created == 6
    assert {r.worked for r in preview.rows} == {Decimal("7.50")}
    entries = AuditService(sv.database.sessions).list_entries(limit=None)
    assert len(entries) == audit_before + 1
    assert "relevé" in entries[0].detail and "6 lignes créées" in entries[0].detail


def test_month_templates_are_named_by_siret_never_by_person(world, tmp_path):
    _sv, transfer, _built = world
    written = transfer.write_month_templates(MARCH, tmp_path / "relevés")

    assert [p.name for p in written] == [f"releve-heures-{GENERATOR.SIRET}-2026-03.xlsx"]
    names = " ".join(p["last_name"] for p in GENERATOR.people())
    assert not any(word in written[0].name for word in names.split())


def test_no_template_for_an_unknown_company_or_a_reversed_range(world, tmp_path):
    _sv, transfer, built = world
    with pytest.raises(NotFound):
        transfer.write_template(99999, MARCH, MARCH, tmp_path / "x.xlsx")
    with pytest.raises(ValidationError):
        transfer.write_template(built["company_id"], MARCH, date(2026, 1, 1), tmp_path / "x.xlsx")
    with pytest.raises(NotFound):
        transfer.company_for_siret("73282932000074")


def test_skip_invalid_writes_the_valid_rows_only(world, tmp_path):
    _sv, transfer, _built = world
    path = tmp_path / "mixte.csv"
    path.write_text(
        "Identifiant;Lot;Mois;Heures travaillées\n"
        "P-000102;2026-VOI-0001 · lot 1;03/2026;100\n"
        "P-000199;2026-VOI-0001 · lot 1;03/2026;100\n",
        encoding="utf-8",
    )
    preview = transfer.preview_statement(path)
    assert [r.status for r in preview.rows] == [RowStatus.NEW, RowStatus.REJECTED]

    report = transfer.commit_statement(preview, skip_invalid=True)

    assert (report.created, report.skipped_rejected) == (1, 1)

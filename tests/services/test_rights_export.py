"""« Exporter ses données » (access right, domain.md §7.5): every row about one person, found
from the schema so that no table can be forgotten, written as XLSX or JSON with French
headings, logged in the audit trail and the export log."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text, select, update

from asr_desktop.domain.enums import AuditAction, ExportKind
from asr_desktop.domain.errors import NotFound, ValidationError
from asr_desktop.persistence.db import open_database
from asr_desktop.persistence.models import Base
from asr_desktop.persistence.repositories.rights import personal_tables
from asr_desktop.services._rights_labels import COLUMN_TITLES, TABLE_TITLES
from asr_desktop.services.container import build_services
from asr_desktop.services.demo import generate_demo
from asr_desktop.services.rights import export_file_name

TODAY = date(2026, 11, 25)
PERSONAL = {t.name for t in personal_tables()}


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("rights") / "demo.db"
    generate_demo(path, "small", seed=2026, today=TODAY)
    return path


@pytest.fixture
def services(tmp_path, demo_template):
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    database = open_database(path)
    yield build_services(database, user_id=1)
    database.close()


def busiest_person(services) -> int:
    """The participant with the most placements (so hours, outcomes and follow-up too)."""
    counts: dict[int, int] = {}
    for placement in services.placements.list():
        counts[placement.participant_id] = counts.get(placement.participant_id, 0) + 1
    return max(counts, key=lambda pid: (counts[pid], -pid))


def plant_canaries(services, participant_id: int) -> set[str]:
    """A distinct marker in every text column of every row about the person, through SQL."""
    export = services.rights.export_person(participant_id)
    planted: set[str] = set()
    with services.database.engine.begin() as con:
        for table_name in PERSONAL:
            table = Base.metadata.tables[table_name]
            ids = [row[0] for row in export.table(table_name).rows]
            texts = [c for c in table.columns if isinstance(c.type, String | Text)]
            for row_id in ids:
                values = {c.name: f"CANARI-{table_name}-{c.name}-{row_id}" for c in texts}
                con.execute(update(table).where(table.c.id == row_id).values(values))
                planted.update(values.values())
    return planted


# --- the schema decides what is exported ----------------------------------------------------


def test_every_table_that_refers_to_a_person_is_covered():
    assert "participant" in PERSONAL
    for table in Base.metadata.sorted_tables:
        referred = {fk.column.table.name for fk in table.foreign_keys} - {table.name}
        if referred & PERSONAL:
            assert table.name in PERSONAL, f"{table.name} fait référence à une personne"
        elif table.name != "participant":
            assert table.name not in PERSONAL
    assert {"eligibility", "placement", "hours_entry", "follow_up_action", "outcome"} <= PERSONAL


def test_a_table_added_later_is_found_without_being_listed():
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table(
        "interview",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("participant_id", ForeignKey("participant.id")),
        Column("notes", Text),
    )
    Table(
        "interview_attachment",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("interview_id", ForeignKey("interview.id")),
    )
    names = [t.name for t in personal_tables(metadata)]
    assert {"interview", "interview_attachment"} <= set(names)
    assert names.index("interview") < names.index("interview_attachment")


def test_every_exported_column_has_a_french_heading():
    for name in PERSONAL | {"audit_entry"}:
        assert name in TABLE_TITLES and len(TABLE_TITLES[name]) <= 31
        for column in Base.metadata.tables[name].columns:
            if column.name not in {"id", "created_at", "updated_at"}:
                assert column.name in COLUMN_TITLES[name], f"{name}.{column.name}"


# --- what the export holds ------------------------------------------------------------------


def test_the_export_holds_every_row_about_the_person_and_nobody_else(services):
    person = busiest_person(services)
    export = services.rights.export_person(person)

    assert [t.table for t in export.tables][0] == "participant"
    assert {t.table for t in export.tables} == PERSONAL | {"audit_entry"}
    assert export.table("participant").rows[0][0] == person
    placements = {p.id for p in services.placements.list(participant_id=person)}
    assert {r[0] for r in export.table("placement").rows} == placements
    hours_placements = {r[1] for r in export.table("hours_entry").rows}
    assert hours_placements and hours_placements <= placements
    with services.database.engine.connect() as con:
        hours = Base.metadata.tables["hours_entry"]
        stored = set(
            con.scalars(select(hours.c.id).where(hours.c.placement_id.in_(placements))).all()
        )
    assert {r[0] for r in export.table("hours_entry").rows} == stored
    assert all(r[1] == person for r in export.table("eligibility").rows)
    assert all(r[1] == person for r in export.table("outcome").rows)


def test_every_text_held_on_the_person_reaches_both_files(services, tmp_path):
    person = busiest_person(services)
    planted = plant_canaries(services, person)
    assert len(planted) > 40

    services.rights.export_person_to(person, tmp_path / "acces.xlsx")
    services.rights.export_person_to(person, tmp_path / "acces.json")

    book = load_workbook(tmp_path / "acces.xlsx")
    cells = {
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    json_text = (tmp_path / "acces.json").read_text(encoding="utf-8")
    assert planted - cells == set()
    assert {c for c in planted if c not in json_text} == set()


def test_the_workbook_reads_in_french_with_real_dates_and_no_formulas(services, tmp_path):
    person = busiest_person(services)
    with services.database.engine.begin() as con:
        table = Base.metadata.tables["participant"]
        con.execute(
            update(table)
            .where(table.c.id == person)
            .values(address='=HYPERLINK("http://exemple.invalid","clic")')
        )
    services.rights.export_person_to(person, tmp_path / "acces.xlsx")

    book = load_workbook(tmp_path / "acces.xlsx")
    assert book.sheetnames[0] == "Lisez-moi"
    assert "Identité et situation" in book.sheetnames
    sheet = book["Identité et situation"]
    headers = [c.value for c in sheet[1]]
    assert {"Nom", "Prénom", "Date de naissance", "Téléphone", "Adresse"} <= set(headers)
    values = dict(zip(headers, [c for c in sheet[2]], strict=True))
    assert values["Adresse"].data_type == "s"
    assert values["Adresse"].value.startswith("=HYPERLINK")
    assert values["Date de naissance"].is_date
    assert values["Sexe"].value in {"Femme", "Homme"}
    placements = book["Mises en emploi"]
    employer = [c.value for c in placements[1]].index("Employeur")
    assert "(n° " in placements.cell(row=2, column=employer + 1).value
    assert book.properties.creator == "ASR Desktop"
    name = services.participants.get(person).last_name
    assert name not in (book.properties.title or "")


def test_an_export_is_logged_with_its_digest_and_audited(services, tmp_path):
    person = busiest_person(services)
    path = tmp_path / export_file_name(person, TODAY, ".json")
    record = services.rights.export_person_to(person, path)

    assert record.kind is ExportKind.ACCESS_REQUEST and record.named
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert record.row_count == sum(len(t["lignes"]) for t in json.loads(path.read_text())["tables"])
    (entry,) = services.audit.list_entries(
        entity="participant", entity_id=person, action=AuditAction.EXPORT
    )
    assert entry.user_id == 1 and f"export n° {record.id}" in entry.detail
    last_name = services.participants.get(person).last_name
    assert last_name not in entry.detail and last_name not in path.name


def test_the_audit_entries_about_the_person_are_part_of_the_export(services):
    person = busiest_person(services)
    other = next(p.id for p in services.participants.search() if p.id != person)
    services.participants.update(services.participants.get(person))  # no change: no entry
    first = services.rights.export_person(person)
    services.rights.export_person(other)
    second = services.rights.export_person(person)

    audit = second.table("audit_entry")
    column = audit.columns.index("entity_id")
    assert len(audit.rows) == len(first.table("audit_entry").rows) + 1
    assert {
        row[column] for row in audit.rows if row[audit.columns.index("entity")] == "Candidat"
    } == {person}


def test_a_refused_export_writes_nothing(services, tmp_path):
    person = busiest_person(services)
    logged = len(services.committees.list_exports())
    with pytest.raises(ValidationError):
        services.rights.export_person_to(person, tmp_path / "acces.pdf")
    with pytest.raises(NotFound):
        services.rights.export_person_to(999_999, tmp_path / "acces.xlsx")
    assert not any(p.name.startswith("acces") for p in tmp_path.iterdir())
    assert len(services.committees.list_exports()) == logged
    assert services.audit.list_entries(action=AuditAction.EXPORT, entity="participant") == []


def test_the_suggested_file_name_holds_no_name():
    assert export_file_name(12, TODAY) == "donnees-dossier-12-2026-11-25.xlsx"
    with pytest.raises(ValidationError):
        export_file_name(12, TODAY, ".csv")

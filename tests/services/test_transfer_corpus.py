"""The statement corpus (tests/data/statements, written by tests/data/make_statements.py): each
file is accepted with the expected statuses or rejected with its line, column and reason, and
a rejected file leaves the base exactly as it was."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from asr_desktop.domain.errors import ImportRejected
from asr_desktop.persistence.db import open_database, row_counts
from asr_desktop.services.container import build_services
from asr_desktop.services.settings import UserService
from asr_desktop.services.transfer import RowStatus, TransferService

DATA = Path(__file__).resolve().parent.parent / "data"
CORPUS = DATA / "statements"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def _generator():
    spec = importlib.util.spec_from_file_location("make_statements", DATA / "make_statements.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory, migrated_template):
    """The corpus' people, lots and placements, built once through the services."""
    path = tmp_path_factory.mktemp("scenario") / "scenario.db"
    shutil.copyfile(migrated_template, path)
    database = open_database(path)
    user = UserService(database.sessions).create_user("import", "Agent d'import")
    _generator().build_scenario(build_services(database, user.id))
    with database.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path, user.id


@pytest.fixture
def base(tmp_path, scenario_file):
    source, user_id = scenario_file
    path = tmp_path / "base.db"
    shutil.copyfile(source, path)
    database = open_database(path)
    yield database, TransferService(database.sessions, user_id)
    database.close()


def ledger_state(database) -> tuple[dict, str]:
    """Row counts of every table, and a digest of the ledger and the audit trail."""
    digest = hashlib.sha256()
    with database.engine.connect() as con:
        for table in ("hours_entry", "audit_entry"):
            for row in con.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id"):
                digest.update(repr(tuple(row)).encode())
    return row_counts(database.engine), digest.hexdigest()


def test_the_corpus_has_at_least_forty_files_all_described():
    files = {p.name for p in CORPUS.iterdir() if p.name not in ("expected.json", "people.json")}
    assert len(files) >= 40
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_statement_is_accepted_or_rejected_as_it_should(base, name):
    database, transfer = base
    expected = EXPECTED[name]
    before = ledger_state(database)

    preview = transfer.preview_statement(CORPUS / name)

    assert ledger_state(database) == before  # a preview never writes
    if expected["accepted"]:
        assert preview.acceptable, preview.errors
        counts = {s: preview.summary.count(s) for s in RowStatus}
        assert counts == {
            RowStatus.NEW: expected["new"],
            RowStatus.SAME: expected["same"],
            RowStatus.CORRECTION: expected["correction"],
            RowStatus.REJECTED: 0,
        }
        report = transfer.commit_statement(preview)
        assert (report.created, report.corrected, report.unchanged) == (
            expected["new"],
            expected["correction"],
            expected["same"],
        )
        again = transfer.preview_statement(CORPUS / name)
        assert again.summary.count(RowStatus.SAME) == len(again.rows)
        written = ledger_state(database)
        assert transfer.commit_statement(again).created == 0
        assert ledger_state(database) == written  # the same statement twice: no new line
    else:
        assert not preview.acceptable
        first = preview.errors[0]
        assert expected["words"] in first.reason
        assert (first.line, first.column) == (expected["line"], expected["column"])
        with pytest.raises(ImportRejected) as refused:
            transfer.commit_statement(preview)
        assert refused.value.errors
        assert ledger_state(database) == before


def test_a_fifty_thousand_row_file_is_refused_without_writing(base, tmp_path):
    database, transfer = base
    path = tmp_path / "enorme.csv"
    line = "P-000102;Perrier;Alex;2026-VOI-0001 · lot 1;03/2026;7\n"
    path.write_text("Identifiant;Nom;Prénom;Lot;Mois;Heures travaillées\n" + line * 50_000)
    before = ledger_state(database)

    preview = transfer.preview_statement(path)

    assert preview.file_problem and "20\u00a0000" in preview.file_problem
    with pytest.raises(ImportRejected):
        transfer.commit_statement(preview)
    assert ledger_state(database) == before

"""The database file's health and census as the command line and the window see them."""

import sqlite3

from asr_desktop.services.container import build_services
from asr_desktop.services.maintenance import inspect_file, report_as_dict


def test_fresh_database_is_healthy_with_seeded_parameters(db):
    services = build_services(db)
    report = services.maintenance.health()
    assert report.healthy, report.problems()
    counts = services.maintenance.row_counts()
    assert counts["parameter"] > 0
    assert counts["participant"] == 0
    assert set(counts) == set(report.row_counts)


def test_backup_copy_is_healthy_and_has_the_same_rows(db, tmp_path):
    services = build_services(db)
    copy = services.maintenance.backup_to(tmp_path / "copie.db")
    report = inspect_file(copy)
    assert report.healthy, report.problems()
    assert report.row_counts == services.maintenance.row_counts()
    assert not (tmp_path / "copie.db.partiel").exists()


def test_foreign_file_is_reported_in_french(tmp_path):
    foreign = tmp_path / "autre.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.close()
    data = report_as_dict(inspect_file(foreign))
    assert data["healthy"] is False
    assert any("ASR Desktop" in p for p in data["problems"])
    assert "Tables absentes" in " ".join(data["problems"])

"""Automatic backups: one at start, one at close when something changed, none when nothing
did; a failure is said in French and the program goes on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from asr_desktop.domain.enums import AuthorityKind
from asr_desktop.domain.model import Authority
from asr_desktop.services.backups import list_backups
from asr_desktop.ui.auto_backup import AutoBackup, backup_folder


def _backups(services) -> list:
    return list_backups(backup_folder(Path(services.database.path)))


def test_a_backup_at_start_and_one_at_close_after_a_change(qtbot, services):
    auto = AutoBackup(services.database, None)
    messages: list[str] = []
    auto.reported.connect(messages.append)
    auto.start()
    auto.wait()
    assert len(_backups(services)) == 1
    assert _backups(services)[0].verified

    services.clauses.create_authority(
        Authority(id=None, name="Ville de Sucy-en-Brie", kind=AuthorityKind.COMMUNE)
    )
    auto.check()  # the interval (15 minutes) has not passed: nothing yet
    auto.wait()
    assert len(_backups(services)) == 1
    auto.stop()
    assert len(_backups(services)) == 2
    qtbot.waitUntil(lambda: len(messages) == 2)
    assert messages[0] == "Base sauvegardée automatiquement."
    assert backup_folder(Path(services.database.path)).name == Path(services.database.path).stem
    assert date.today().strftime("%Y%m%d") in _backups(services)[-1].path.name


def test_no_backup_at_close_when_nothing_changed(services):
    auto = AutoBackup(services.database, None)
    auto.start()
    auto.stop()
    assert len(_backups(services)) == 1


def test_a_failed_backup_is_reported_and_the_program_goes_on(qtbot, services, monkeypatch):
    auto = AutoBackup(services.database, None)
    messages: list[str] = []
    auto.reported.connect(messages.append)

    def full(reason):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(auto.service, "backup_now", full)
    auto.start()
    auto.wait()
    auto.stop()
    qtbot.waitUntil(lambda: bool(messages))
    assert messages[0].startswith("Sauvegarde automatique impossible")

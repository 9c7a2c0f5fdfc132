"""Start-up: command-line dispatch without Qt, the window's screenshot mode, refused files."""

from __future__ import annotations

import os
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from asr_desktop import app
from asr_desktop.services.access import (
    DEMO_LOGIN,
    PASSPHRASE_VARIABLE,
    USER_VARIABLE,
)

PASSWORD = "Vx7#kLm2qP!z"

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Offscreen Qt, and the user's folders (settings, logs, data) inside ``tmp_path``;
    no credentials unless given in ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in (USER_VARIABLE, PASSPHRASE_VARIABLE)}
    env.update(extra)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONFAULTHANDLER="1",
    )
    return env


def _run(args: list[str], tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=tmp_path,
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])


def _foreign_database(path: Path) -> bytes:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recettes (nom TEXT)")
    con.commit()
    con.close()
    return path.read_bytes()


# --- dispatch ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["calibrate", "--method", "formula"], True),
        (["check"], True),
        (["--help"], True),
        ([], False),
        (["--db", "base.db"], False),
        (["--db=base.db", "--demo"], False),
        (["--screenshot", "x.png"], False),
        (["calibrer"], False),  # unknown: left to the window's parser, which refuses it
    ],
)
def test_only_sub_commands_go_to_the_command_line(argv, expected):
    assert app.is_command(argv) is expected


def test_wrong_window_options_exit_2_with_a_french_message(capsys):
    assert app.main(["--page", "deux"]) == 2
    assert "valeur invalide" in capsys.readouterr().err


def test_a_sub_command_runs_without_loading_qt(tmp_path):
    code = (
        "import sys\n"
        "from asr_desktop import app\n"
        "loaded_by_import = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken')))\n"
        "rc = app.main(['calibrate', '--method', 'formula', '--amount', '1000000',\n"
        "               '--labour-share', '0.5', '--rate', '0.05', '--hourly-cost', '30'])\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken')))\n"
        "print('QT', loaded_by_import, loaded)\n"
        "sys.exit(rc)\n"
    )
    result = _run(["-c", code], tmp_path)

    assert result.returncode == 0, result.stderr
    assert "833" in result.stdout  # 1 000 000 × 0,5 × 0,05 ÷ 30
    assert "QT [] []" in result.stdout


# --- the window, in a separate process ---------------------------------------------------------


def test_screenshot_of_a_new_database_gives_a_window_sized_png(tmp_path):
    database = tmp_path / "nouvelle.db"
    shot = tmp_path / "fenetre.png"

    result = _run(
        ["-m", "asr_desktop", "--screenshot", str(shot), "--db", str(database)],
        tmp_path,
        ASR_USER="alice",
        ASR_PASSPHRASE=PASSWORD,
    )

    assert result.returncode == 0, result.stderr
    width, height = _png_size(shot)
    assert width >= 800 and height >= 500
    assert shot.stat().st_size > 10_000  # text and icons drawn, not a blank image
    assert "Clé de secours" in result.stderr  # shown once, to whoever created the base
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):  # encrypted
        sqlite3.connect(database).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert (tmp_path / "nouvelle.db.cles").exists()
    assert not Path(str(database) + ".lock").exists()  # the lock went with the program
    if sys.platform.startswith("linux"):
        log = tmp_path / "state" / "ASR Desktop" / "log" / "asr-desktop.log"
        text = log.read_text(encoding="utf-8")
        assert "démarre" in text
        assert "alice" not in text and PASSWORD not in text


def test_without_a_screen_a_new_database_needs_credentials_and_nothing_is_created(tmp_path):
    database = tmp_path / "nouvelle.db"
    result = _run(
        ["-m", "asr_desktop", "--screenshot", str(tmp_path / "x.png"), "--db", str(database)],
        tmp_path,
    )
    assert result.returncode == 2
    assert "définissez ASR_USER et ASR_PASSPHRASE" in result.stderr
    assert not database.exists()


def test_the_demo_option_signs_in_with_the_demo_account_without_typing(tmp_path):
    from asr_desktop import cli

    database = tmp_path / "demo.db"
    assert cli.main(["demo", "--size", "small", "--db", str(database)]) == 0
    shot = tmp_path / "demo.png"

    result = _run(
        ["-m", "asr_desktop", "--demo", "--screenshot", str(shot), "--db", str(database)],
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert _png_size(shot)[0] >= 800
    refused = _run(
        ["-m", "asr_desktop", "--screenshot", str(shot), "--db", str(database)], tmp_path
    )
    assert refused.returncode == 2  # without --demo, the demo base asks who signs in
    assert "est chiffrée" in refused.stderr


def test_a_foreign_file_is_refused_with_exit_2_and_left_untouched(tmp_path):
    foreign = tmp_path / "recettes.db"
    before = _foreign_database(foreign)

    result = _run(
        ["-m", "asr_desktop", "--screenshot", str(tmp_path / "x.png"), "--db", str(foreign)],
        tmp_path,
    )

    assert result.returncode == 2
    assert "n'est pas une base ASR Desktop" in result.stderr
    assert "Le fichier n'a pas été modifié." in result.stderr
    assert "Traceback" not in result.stderr
    assert foreign.read_bytes() == before
    assert not (tmp_path / "x.png").exists()


# --- the launcher, in this process -----------------------------------------------------------


@pytest.fixture
def warnings(monkeypatch):
    from asr_desktop.ui import qt_support

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(qt_support, "warn", lambda parent, title, text: shown.append((title, text)))
    return shown


@pytest.fixture
def signed_in_as_alice(monkeypatch):
    monkeypatch.setenv(USER_VARIABLE, "alice")
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSWORD)


@pytest.fixture
def unfit_choices(monkeypatch):
    """The « base inutilisable » box answers ``unfit_choices.answer``; its texts are kept."""
    from asr_desktop.ui import sign_in

    class Choices:
        answer: str | None = None
        texts: list[str] = []

    choices = Choices()
    choices.texts = []

    def ask(parent, path, text, candidates):
        choices.texts.append(text)
        return choices.answer

    monkeypatch.setattr(sign_in, "ask_unfit", ask)
    return choices


@pytest.fixture
def launchers(qapp, tmp_path, monkeypatch):
    from argon2 import profiles

    monkeypatch.delenv(USER_VARIABLE, raising=False)
    monkeypatch.delenv(PASSPHRASE_VARIABLE, raising=False)
    made: list[app.Launcher] = []

    def make() -> app.Launcher:
        launcher = app.Launcher(
            settings=None, log_dir=tmp_path / "logs", interactive=True, cost=profiles.CHEAPEST
        )
        made.append(launcher)
        return launcher

    yield make
    for launcher in made:
        if launcher.window is not None:
            launcher.window.close()
        launcher.close()


def test_a_foreign_file_is_offered_to_be_set_aside_and_left_as_it_is(
    launchers, warnings, unfit_choices, tmp_path
):
    foreign = tmp_path / "recettes.db"
    before = _foreign_database(foreign)
    launcher = launchers()

    assert launcher.open(foreign) is False  # « Ne rien changer »

    assert launcher.window is None
    [text] = unfit_choices.texts
    assert "n'est pas une base ASR Desktop" in text
    assert "Aucune sauvegarde vérifiée" in text
    assert foreign.read_bytes() == before
    assert warnings == []


def test_an_unfit_file_is_set_aside_and_the_newest_backup_restored(
    launchers, warnings, unfit_choices, signed_in_as_alice, tmp_path
):
    path = tmp_path / "asr.db"
    first = launchers()
    assert first.open(path) is True
    first.services.companies  # noqa: B018 - the base works
    first.window.backup_to(tmp_path / "asr-sauvegarde-20261124-1800.db")
    first.window.close()
    first.close()
    damaged = bytearray(path.read_bytes())
    damaged[5000:5100] = bytes(100)  # a page whose check fails
    path.write_bytes(bytes(damaged))
    unfit_choices.answer = "restore"

    second = launchers()
    assert second.open(path) is True

    [text] = unfit_choices.texts
    assert "le contrôle d'intégrité a échoué" in text
    # the newest verified one: the automatic backup made at close, or the one made by hand
    assert "Sauvegarde vérifiée la plus récente : asr-" in text
    [aside] = tmp_path.glob("asr.db.ecartee-*[0-9]")
    assert aside.read_bytes() == bytes(damaged)  # set aside as it was
    assert (tmp_path / (aside.name + ".cles")).exists()  # still openable with its passwords
    assert second.opened.user.login == "alice"
    assert warnings == []


def test_a_database_open_in_another_window_is_refused(
    launchers, warnings, signed_in_as_alice, tmp_path
):
    path = tmp_path / "partagee.db"
    first, second = launchers(), launchers()

    assert first.open(path) is True
    assert second.open(path) is False

    assert "déjà ouverte" in warnings[0][1]
    first.close()
    assert second.open(path) is True


def test_a_database_in_a_synchronised_folder_is_refused(launchers, warnings, tmp_path):
    path = tmp_path / "OneDrive - Mairie" / "asr.db"

    assert launchers().open(path) is False

    [(title, text)] = warnings
    assert "synchronisé par OneDrive" in text
    assert not path.parent.exists()


def test_opening_another_base_replaces_the_window_and_its_lock(
    launchers, warnings, signed_in_as_alice, tmp_path
):
    launcher = launchers()
    launcher.open(tmp_path / "premiere.db")
    first_window, first_lock = launcher.window, launcher.lock_screen
    assert first_lock is not None and not first_lock.is_locked

    launcher.window.databaseOpenRequested.emit(str(tmp_path / "seconde.db"))

    assert launcher.window is not first_window
    assert launcher.lock_screen is not first_lock
    assert launcher.services.path.name == "seconde.db"
    assert "seconde.db" in launcher.window.windowTitle()
    assert warnings == []


def test_first_start_asks_for_the_first_account_in_a_dialog(
    launchers, warnings, tmp_path, monkeypatch
):
    from asr_desktop.ui.first_user_dialog import FirstUserDialog

    def fill_in(dialog):
        dialog.ui.loginEdit.setText("coord")
        dialog.ui.displayNameEdit.setText("Camille Coordination")
        dialog.ui.passwordEdit.setText(PASSWORD)
        dialog.ui.confirmEdit.setText(PASSWORD)
        dialog.submit()
        assert dialog.ui.pages.currentWidget() is dialog.ui.keyPage
        dialog.ui.notedCheck.setChecked(True)
        dialog.ui.continueButton.click()
        return dialog.result()

    monkeypatch.setattr(FirstUserDialog, "exec", fill_in)
    launcher = launchers()

    assert launcher.open(tmp_path / "asr.db") is True

    assert launcher.opened.user.login == "coord"
    assert launcher.opened.encrypted
    assert "Camille Coordination (Coordinateur)" in launcher.window.user_label.text()
    assert warnings == []


def test_demo_option_generates_an_encrypted_base_once_and_signs_in(
    launchers, warnings, tmp_path, monkeypatch
):
    from asr_desktop.services import demo

    calls: list[tuple[str, str]] = []
    real_generate = demo.generate_demo

    def small_generate(path, size="realistic", *args, progress, **kwargs):
        calls.append((Path(path).name, size))
        assert progress.cancelled is False  # the dialog takes progress without complaint
        return real_generate(path, "small", *args, progress=progress, **kwargs)

    monkeypatch.setattr(demo, "generate_demo", small_generate)
    path = tmp_path / "demo.db"
    first = launchers()

    assert first.open(path, demo=True) is True
    assert first.opened.encrypted and first.opened.user.login == DEMO_LOGIN
    first.window.close()
    first.close()
    assert launchers().open(path, demo=True) is True  # the file exists now: kept as it is

    assert [size for _name, size in calls] == ["realistic"]
    assert (tmp_path / "demo.db.cles").exists()
    assert warnings == []


def test_a_cancelled_demo_opens_nothing_and_says_nothing(
    launchers, warnings, tmp_path, monkeypatch
):
    from asr_desktop.domain.errors import Cancelled
    from asr_desktop.services import demo

    def cancelled(*args, **kwargs):
        raise Cancelled()

    monkeypatch.setattr(demo, "generate_demo", cancelled)
    launcher = launchers()

    assert launcher.open(tmp_path / "demo.db", demo=True) is False
    assert launcher.window is None
    assert warnings == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "logs") == []


# --- the crash hook ------------------------------------------------------------------------------


def _raise(error: BaseException):
    try:
        raise error
    except BaseException:
        return sys.exc_info()


def test_crash_hook_without_screen_logs_the_traceback(qapp, tmp_path, caplog, capsys):
    from asr_desktop.ui.qt_support import CrashReporter

    reporter = CrashReporter(tmp_path, interactive=False)
    reporter(*_raise(ValueError("valeur")))

    assert reporter.count == 1
    [record] = [r for r in caplog.records if r.levelname == "CRITICAL"]
    assert record.exc_info[0] is ValueError
    assert "ValueError: valeur" in capsys.readouterr().err


def test_crash_hook_shows_one_french_dialog_with_the_detail(qapp, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from asr_desktop.ui.qt_support import CrashReporter

    shown: list[tuple[str, str, str]] = []

    def fake_exec(box):
        shown.append((box.windowTitle(), box.text(), box.detailedText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    CrashReporter(tmp_path)(*_raise(ZeroDivisionError("division by zero")))

    [(title, text, detail)] = shown
    assert title == "Erreur inattendue"
    assert text.startswith("Une erreur inattendue s'est produite.")
    assert "ZeroDivisionError" in detail


def test_an_uncaught_domain_error_is_shown_in_its_own_words(qapp, tmp_path, warnings):
    from asr_desktop.domain.errors import ValidationError
    from asr_desktop.ui.qt_support import CrashReporter

    CrashReporter(tmp_path)(*_raise(ValidationError("Le SIRET est invalide.", "siret")))

    assert warnings == [("ASR Desktop", "Le SIRET est invalide.")]


# --- restoring a backup from Paramètres ------------------------------------------------------


@pytest.fixture
def informed(monkeypatch):
    from asr_desktop.ui import qt_support

    shown: list[str] = []
    monkeypatch.setattr(qt_support, "inform", lambda parent, title, text: shown.append(text))
    return shown


def _started_with_a_backup(launchers, path: Path):
    from asr_desktop.services.backups import default_backup_folder, list_backups

    launcher = launchers()
    assert launcher.open(path) is True
    launcher.auto_backup.wait()  # the backup made at start: the newest
    backups = list_backups(default_backup_folder(path), launcher.services.database.key)
    return launcher, backups[0]


def test_restoring_a_backup_reopens_the_base_as_it_was_for_the_same_user(
    launchers, warnings, informed, signed_in_as_alice, tmp_path
):
    from datetime import date

    from asr_desktop.domain.enums import AuthorityKind, Sex
    from asr_desktop.domain.model import Authority, Participant
    from asr_desktop.persistence.db import open_database

    path = tmp_path / "asr.db"
    launcher = launchers()
    assert launcher.open(path) is True
    person = launcher.services.participants.create(
        Participant(None, "", "Martin", "Inès", date(1990, 4, 2), Sex.FEMALE)
    )
    launcher.close()
    launcher, backup = _started_with_a_backup(launchers, path)  # holds « Martin »
    launcher.services.rights.anonymise(person.id)  # erased after the backup
    launcher.services.clauses.create_authority(
        Authority(None, "Ville de Sucy-en-Brie", AuthorityKind.COMMUNE)
    )
    old_window, old_lock = launcher.window, launcher.lock_screen

    report = launcher.restore(backup.path)

    assert report is not None and report.erasures_reapplied == 1
    assert launcher.window is not old_window and launcher.lock_screen is not old_lock
    assert launcher.opened.user.login == "alice" and launcher.auto_backup is not None
    services = launcher.services
    assert services.clauses.list_authorities() == []  # what came after the backup is gone
    assert services.participants.get(person.id).last_name != "Martin"  # erased stays erased
    [text] = informed
    assert "a été restaurée" in text and report.set_aside.name in text
    aside = open_database(report.set_aside, key=services.database.key, create=False)
    try:  # nothing committed is lost: the replaced base is kept beside it
        assert len(build_services_for(aside).clauses.list_authorities()) == 1
    finally:
        aside.close()
    assert warnings == []


def build_services_for(database):
    from asr_desktop.services.container import build_services

    return build_services(database)


def test_a_refused_backup_leaves_the_base_as_it_was_and_says_why(
    launchers, warnings, informed, signed_in_as_alice, tmp_path
):
    from asr_desktop.domain.enums import AuthorityKind
    from asr_desktop.domain.model import Authority

    path = tmp_path / "asr.db"
    launcher, backup = _started_with_a_backup(launchers, path)
    launcher.services.clauses.create_authority(
        Authority(None, "Ville de Créteil", AuthorityKind.COMMUNE)
    )
    damaged = backup.path.with_name("asr-20260101-120000.db")
    damaged.write_bytes(b"pas une base" * 1000)

    assert launcher.restore(damaged) is None

    [(title, text)] = warnings
    assert title == "Restauration impossible" and "La base n'a pas changé" in text
    assert [a.name for a in launcher.services.clauses.list_authorities()] == ["Ville de Créteil"]
    assert launcher.opened.user.login == "alice" and informed == []
    assert not list(tmp_path.glob("asr.avant-restauration-*"))


def test_backup_now_in_parametres_goes_through_the_automatic_backups(
    launchers, warnings, signed_in_as_alice, tmp_path, monkeypatch
):
    launcher, _backup = _started_with_a_backup(launchers, tmp_path / "asr.db")
    service = launcher.auto_backup.service
    reasons: list[str] = []
    real = service.backup_now
    monkeypatch.setattr(
        service, "backup_now", lambda reason: reasons.append(reason) or real(reason)
    )
    view = launcher.window.page("parameters").backups_view

    made = view.backup_now()

    assert reasons == ["manuelle"] and made is not None
    assert [line.file.path for line in view.lines][0] == made.path
    assert warnings == []

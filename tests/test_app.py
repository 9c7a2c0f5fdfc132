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

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path) -> dict[str, str]:
    """Offscreen Qt, and the user's folders (settings, logs, data) inside ``tmp_path``."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONFAULTHANDLER="1",
    )
    return env


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=tmp_path,
        env=_env(tmp_path),
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

    result = _run(["-m", "asr_desktop", "--screenshot", str(shot), "--db", str(database)], tmp_path)

    assert result.returncode == 0, result.stderr
    width, height = _png_size(shot)
    assert width >= 800 and height >= 500
    assert shot.stat().st_size > 10_000  # text and icons drawn, not a blank image
    with sqlite3.connect(database) as con:  # created and migrated on the way
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
    assert {"authority", "lot", "company", "participant"} <= tables
    assert not Path(str(database) + ".lock").exists()  # the lock went with the program
    if sys.platform.startswith("linux"):
        log = tmp_path / "state" / "ASR Desktop" / "log" / "asr-desktop.log"
        assert "démarre" in log.read_text(encoding="utf-8")


def test_a_foreign_file_is_refused_with_exit_2_and_left_untouched(tmp_path):
    foreign = tmp_path / "recettes.db"
    before = _foreign_database(foreign)

    result = _run(
        ["-m", "asr_desktop", "--screenshot", str(tmp_path / "x.png"), "--db", str(foreign)],
        tmp_path,
    )

    assert result.returncode == 2
    assert "n'est pas une base ASR Desktop" in result.stderr
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
def launchers(qapp, tmp_path):
    made: list[app.Launcher] = []

    def make() -> app.Launcher:
        launcher = app.Launcher(settings=None, log_dir=tmp_path / "logs", interactive=True)
        made.append(launcher)
        return launcher

    yield make
    for launcher in made:
        if launcher.window is not None:
            launcher.window.close()
        launcher.close()


def test_a_refused_file_gets_a_french_box_not_a_traceback(launchers, warnings, tmp_path):
    foreign = tmp_path / "recettes.db"
    _foreign_database(foreign)
    launcher = launchers()

    assert launcher.open(foreign) is False

    assert launcher.window is None
    [(title, text)] = warnings
    assert title == "Ouverture impossible"
    assert "n'est pas une base ASR Desktop" in text


def test_a_database_open_in_another_window_is_refused(launchers, warnings, tmp_path):
    path = tmp_path / "partagee.db"
    first, second = launchers(), launchers()

    assert first.open(path) is True
    assert second.open(path) is False

    assert "déjà ouverte" in warnings[0][1]
    first.close()
    assert second.open(path) is True


def test_opening_another_base_replaces_the_window(launchers, warnings, tmp_path):
    launcher = launchers()
    launcher.open(tmp_path / "premiere.db")
    first_window = launcher.window

    launcher.window.databaseOpenRequested.emit(str(tmp_path / "seconde.db"))

    assert launcher.window is not first_window
    assert launcher.services.path.name == "seconde.db"
    assert "seconde.db" in launcher.window.windowTitle()
    assert warnings == []


def test_demo_option_generates_a_missing_base_once(launchers, warnings, tmp_path, monkeypatch):
    from asr_desktop.services import demo

    calls: list[tuple[str, str]] = []

    def fake_generate(path, size="realistic", *args, progress, **kwargs):
        calls.append((Path(path).name, size))
        progress(1, 2, "donneurs d'ordre")  # the dialog takes progress without complaint
        assert progress.cancelled is False

    monkeypatch.setattr(demo, "generate_demo", fake_generate)
    path = tmp_path / "demo.db"
    first = launchers()

    assert first.open(path, demo=True) is True
    first.window.close()
    first.close()
    assert launchers().open(path, demo=True) is True  # the file exists now: kept as it is

    assert calls == [("demo.db", "realistic")]
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
    assert not (tmp_path / "demo.db.lock").exists()


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

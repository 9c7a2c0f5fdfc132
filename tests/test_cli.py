"""The command line (product.md §7) as a script sees it: output, French messages, exit codes."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from datetime import date

import pytest

from asr_desktop import __version__, cli
from asr_desktop.cli.demo import TerminalProgress
from asr_desktop.persistence.models import EXPECTED_TABLES
from asr_desktop.services.access import (
    DEMO_LOGIN,
    DEMO_PASSWORD,
    PASSPHRASE_VARIABLE,
    USER_VARIABLE,
)
from asr_desktop.services.settings import ParameterService

FORMULA_833 = [
    "calibrate",
    "--method",
    "formula",
    "--amount",
    "1000000",
    "--labour-share",
    "0.5",
    "--rate",
    "0.05",
    "--hourly-cost",
    "30",
]


@pytest.fixture
def run(capsys):
    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


# --- program level ----------------------------------------------------------------------------


def test_sub_commands_are_announced_to_the_launcher():
    assert {"demo", "calibrate", "check", "--version"} <= cli.COMMANDS
    assert {"backup", "restore", "export", "import", "bench"} <= cli.COMMANDS


def test_version(run):
    code, out, _ = run("--version")
    assert code == 0
    assert out.strip() == f"ASR Desktop {__version__}"


def test_help_is_french(run):
    code, out, _ = run("--help")
    assert code == 0
    assert out.startswith("utilisation : asr-desktop")
    assert "afficher cette aide et quitter" in out
    assert "usage:" not in out


def test_no_sub_command_is_a_usage_error(run):
    code, out, err = run()
    assert code == 2
    assert out == ""
    assert "erreur : arguments obligatoires manquants : SOUS-COMMANDE" in err


def test_unknown_sub_command_is_refused_in_french(run):
    code, _, err = run("exporter")
    assert code == 2
    assert "choix invalide : 'exporter'" in err
    assert "'calibrate'" in err


# --- calibrate --------------------------------------------------------------------------------


def test_calibrate_formula_prints_the_hours(run):
    code, out, err = run(*FORMULA_833)
    assert (code, out, err) == (0, "833\n", "")


def test_calibrate_reads_french_numbers(run):
    code, out, _ = run(
        "calibrate",
        "--method",
        "formula",
        "--amount",
        "1 000 000",
        "--labour-share",
        "50 %",
        "--rate",
        "0,05",
        "--hourly-cost",
        "30,00 €",
    )
    assert code == 0
    assert _last_line(out) == "833"


@pytest.mark.parametrize(
    ("options", "hours"),
    [
        # domain.md §3.1: one hour per 2 000 € invoiced on a 500 000 € frame agreement
        (["--method", "per-euro", "--amount", "500000", "--euros-per-hour", "2000"], "250"),
        (
            ["--method", "percent-hours", "--total-hours", "20 000", "--hours-percent", "5 %"],
            "1000",
        ),
        # cleaning: P = 1 − 200 × 25 × 36 / 600 000 = 0,7 ; 0,7 × 600 000 / 25 × 5 % = 840
        (
            [
                "--method",
                "cleaning",
                "--amount",
                "600000",
                "--rate",
                "0.05",
                "--transferred-hours",
                "200",
                "--months",
                "36",
            ],
            "840",
        ),
        (["--method", "manual", "--hours", "1200"], "1200"),
        (["--method", "manual", "--hours", "833,5"], "834"),  # HALF_UP to the whole hour
    ],
)
def test_calibrate_every_method(run, options, hours):
    code, out, _ = run("calibrate", *options)
    assert code == 0
    assert _last_line(out) == hours


def test_calibrate_details_list_the_inputs_in_french(run):
    code, out, _ = run(*FORMULA_833, "--details")
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == "833"
    assert "Montant HT : 1\u00a0000\u00a0000,00\u00a0€ (saisi)" in lines
    assert "Part de main-d'œuvre : 50\u00a0% (saisi)" in lines
    assert "Coût horaire chargé : 30,00\u00a0€/h (saisi)" in lines
    assert "Heures d'insertion à prévoir : 833\u00a0h" in lines


def test_calibrate_takes_missing_inputs_from_the_documented_defaults(run):
    code, out, _ = run(
        "calibrate",
        "--method",
        "formula",
        "--amount",
        "1000000",
        "--sector",
        "batiment",
        "--date",
        "01/03/2026",
        "--details",
    )
    assert code == 0
    assert _last_line(out) == "833"  # 50 % (bâtiment) × 5 % ÷ 30 €/h
    assert "en vigueur le 01/03/2026" in out
    assert "« Coût horaire chargé »" in out


def test_calibrate_takes_dated_parameters_from_the_database(run, db):
    parameters = ParameterService(db.sessions)
    parameters.add_value("hourly_cost", 25, date(2026, 1, 1))
    parameters.add_value("insertion_rate.anru_works", "0.10", date(2026, 1, 1))
    base = ["calibrate", "--method", "formula", "--amount", "1000000", "--labour-share", "0.5"]

    assert _last_line(run(*base, "--db", str(db.path), "--date", "2026-03-01")[1]) == "1000"
    assert _last_line(run(*base, "--db", str(db.path), "--date", "2025-12-31")[1]) == "833"
    anru = run(*base, "--db", str(db.path), "--date", "2026-03-01", "--anru", "--details")[1]
    assert _last_line(anru) == "2000"
    assert "paramètre de la base « Taux ANRU (travaux) »" in anru


def test_calibrate_cleaning_advice_goes_to_stderr(run):
    code, out, err = run(
        "calibrate", "--method", "cleaning", "--amount", "50000", "--rate", "5 %", "--months", "12"
    )
    assert code == 0
    assert out == "100\n"
    assert "déconseille" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--amount", "abc"],
            'argument --amount : valeur invalide : "abc" (nombre attendu, ex. 1 000 000',
        ),
        (["--rate", "150 %"], 'argument --rate : valeur invalide : "150 %"'),
        (["--amount"], "argument --amount : une valeur est attendue"),
        (["--date", "31/02/2026"], 'argument --date : valeur invalide : "31/02/2026"'),
        (["--sector", "mines"], "argument --sector/--secteur : choix invalide : 'mines'"),
        (["--inconnue", "1"], "arguments non reconnus : --inconnue 1"),
    ],
)
def test_calibrate_bad_arguments_exit_2_in_french(run, options, message):
    code, out, err = run(*FORMULA_833, *options)
    assert code == 2
    assert out == ""
    assert message in err
    assert "error" not in err


def test_calibrate_without_method(run):
    code, _, err = run("calibrate", "--amount", "1000")
    assert code == 2
    assert "arguments obligatoires manquants : --method" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--method", "formula", "--amount", "1000000", "--rate", "5 %"],
            "La part de main-d'œuvre est nécessaire",
        ),
        (["--method", "manual", "--hours", "100", "--amount", "5"], "ne sert pas"),
        (
            ["--method", "formula", "--amount", "1", "--labour-share", "1", "--hourly-cost", "0"],
            "Le coût horaire doit être supérieur à zéro (option --hourly-cost).",
        ),
    ],
)
def test_calibrate_inputs_the_rule_refuses_exit_2(run, options, message):
    code, out, err = run("calibrate", *options)
    assert code == 2
    assert out == ""
    assert message in err


def test_calibrate_with_a_missing_database_is_refused_and_creates_nothing(run, tmp_path):
    path = tmp_path / "absente.db"
    code, _, err = run(*FORMULA_833, "--db", str(path))
    assert code == 2
    assert "n'existe pas" in err
    assert not path.exists()


# --- check ------------------------------------------------------------------------------------


def test_check_a_healthy_database(run, db):
    code, out, _ = run("check", "--db", str(db.path))
    assert code == 0
    assert "Intégrité : ok" in out
    assert "Chiffrement : non" in out
    assert "Paramètres datés (parameter)" in out
    assert _last_line(out) == "Résultat : base saine."


def test_check_json_report(run, db):
    code, out, _ = run("check", "--json", "--db", str(db.path))
    assert code == 0
    report = json.loads(out)
    assert report["healthy"] is True
    assert report["integrity"] == "ok"
    assert report["foreign_key_problems"] == 0
    assert report["application_id_ok"] is True
    assert report["schema_revision"] == report["head_revision"]
    assert report["missing_tables"] == []
    assert report["problems"] == []
    assert report["encrypted"] is False
    assert set(report["row_counts"]) == set(EXPECTED_TABLES)
    assert report["row_counts"]["parameter"] > 0
    assert {"user_version", "path"} <= set(report)


def test_check_missing_file_exits_2_and_creates_nothing(run, tmp_path):
    path = tmp_path / "absente.db"
    code, out, err = run("check", "--db", str(path))
    assert code == 2
    assert out == ""
    assert "n'existe pas" in err
    assert not path.exists()


def test_check_foreign_file_exits_1_with_french_problems(run, tmp_path):
    path = tmp_path / "recettes.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recettes (nom TEXT)")
    con.commit()
    con.close()
    before = path.read_bytes()
    code, out, _ = run("check", "--db", str(path))
    assert code == 1
    assert "problème(s) trouvé(s)" in out
    assert "  - Ce fichier n'est pas identifié comme une base ASR Desktop" in out
    assert "Tables absentes" in out
    assert path.read_bytes() == before

    code, out, _ = run("check", "--db", str(path), "--json")
    assert code == 1
    assert json.loads(out)["healthy"] is False


def test_check_broken_references_exit_1(run, db):
    with db.engine.connect() as con:
        con.exec_driver_sql("PRAGMA foreign_keys=OFF")
        con.exec_driver_sql(
            "INSERT INTO operation (authority_id, name, anru, qpv) VALUES (999, 'Orpheline', 0, 0)"
        )
        con.commit()
    code, out, _ = run("check", "--json", "--db", str(db.path))
    assert code == 1
    report = json.loads(out)
    assert report["foreign_key_problems"] == 1
    assert "1 référence(s) cassée(s)" in report["problems"]


def test_check_a_folder_exits_2(run, tmp_path):
    code, _, err = run("check", "--db", str(tmp_path))
    assert code == 2
    assert "n'est pas un fichier" in err


# --- demo -------------------------------------------------------------------------------------


@pytest.fixture
def demo_module():
    return pytest.importorskip("asr_desktop.services.demo")


@pytest.fixture
def demo_account(monkeypatch):
    """ASR_USER / ASR_PASSPHRASE of the demonstration account, as a script would set them."""
    monkeypatch.setenv(USER_VARIABLE, DEMO_LOGIN)
    monkeypatch.setenv(PASSPHRASE_VARIABLE, DEMO_PASSWORD)


@pytest.fixture
def no_account(monkeypatch):
    monkeypatch.delenv(USER_VARIABLE, raising=False)
    monkeypatch.delenv(PASSPHRASE_VARIABLE, raising=False)


@pytest.fixture(scope="module")
def encrypted_demo(tmp_path_factory):
    """A small encrypted demonstration base made by the command (once for this module)."""
    path = tmp_path_factory.mktemp("chiffree") / "demo.db"
    assert cli.main(["demo", "--size", "small", "--db", str(path)]) == 0
    return path


def test_realistic_demo_is_encrypted_and_checks_healthy_with_the_demo_account(
    run, demo_module, demo_account, tmp_path
):
    path = tmp_path / "x.db"
    code, out, _ = run("demo", "--size", "realistic", "--db", str(path))
    assert code == 0
    assert f"Base de démonstration créée : {path} (chiffrée)" in out
    assert "Taille realistic, graine 2026" in out
    assert f"identifiant « {DEMO_LOGIN} », mot de passe « {DEMO_PASSWORD} »" in out
    assert "Clé de secours de cette base" in out
    assert not sqlite3_readable(path)

    code, out, _ = run("check", "--db", str(path), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["encrypted"] is True
    assert report["healthy"] is True, report["problems"]
    empty = [table for table, count in report["row_counts"].items() if count == 0]
    assert empty == []
    assert set(report["row_counts"]) == set(EXPECTED_TABLES)


def sqlite3_readable(path) -> bool:
    try:
        with sqlite3.connect(path) as con:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return False
    return True


def test_check_of_an_encrypted_base_without_credentials_exits_2(run, encrypted_demo, no_account):
    before = encrypted_demo.read_bytes()
    code, out, err = run("check", "--db", str(encrypted_demo))
    assert code == 2
    assert out == ""
    assert "est chiffrée : définissez ASR_USER" in err
    assert encrypted_demo.read_bytes() == before


def test_check_of_an_encrypted_base_with_a_wrong_password_exits_2_unchanged(
    run, encrypted_demo, monkeypatch
):
    monkeypatch.setenv(USER_VARIABLE, DEMO_LOGIN)
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "Mauvais-Mot-De-Passe-1")
    before = encrypted_demo.read_bytes()
    code, _, err = run("check", "--db", str(encrypted_demo))
    assert code == 2
    assert "Identifiant ou mot de passe incorrect." in err
    assert encrypted_demo.read_bytes() == before


def test_check_of_an_encrypted_base_in_words(run, encrypted_demo, demo_account):
    code, out, _ = run("check", "--db", str(encrypted_demo))
    assert code == 0
    assert "Chiffrement : oui (SQLCipher)" in out
    assert _last_line(out) == "Résultat : base saine."


def test_calibrate_reads_the_parameters_of_an_encrypted_base(run, encrypted_demo, demo_account):
    base = ["calibrate", "--method", "formula", "--amount", "1000000", "--labour-share", "0.5"]
    code, out, _ = run(*base, "--db", str(encrypted_demo), "--details")
    assert code == 0
    assert "paramètre de la base « Coût horaire chargé »" in out


def test_demo_without_encryption_is_plain_and_has_the_demo_account(run, demo_module, tmp_path):
    path = tmp_path / "claire.db"
    code, out, _ = run("demo", "--size", "small", "--no-encryption", "--db", str(path))
    assert code == 0
    assert "(non chiffrée)" in out
    assert "Clé de secours" not in out
    assert sqlite3_readable(path)
    assert not (tmp_path / "claire.db.cles").exists()
    with sqlite3.connect(path) as con:
        role, hashed = con.execute(
            "SELECT role, password_hash FROM app_user WHERE login = ?", (DEMO_LOGIN,)
        ).fetchone()
    assert role == "coordinateur" and hashed.startswith("$argon2id$")
    code, out, _ = run("check", "--db", str(path), "--json")
    assert code == 0
    assert json.loads(out)["encrypted"] is False


def test_demo_refuses_an_existing_file_unless_asked(run, demo_module, demo_account, tmp_path):
    path = tmp_path / "demo.db"
    path.write_bytes(b"ne pas effacer")
    code, out, err = run("demo", "--size", "small", "--db", str(path))
    assert code == 2
    assert "--remplacer" in err
    assert path.read_bytes() == b"ne pas effacer"

    code, out, _ = run("demo", "--size", "small", "--seed", "7", "--remplacer", "--db", str(path))
    assert code == 0
    assert "graine 7" in out
    assert run("check", "--db", str(path))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db", "demo.db.cles"]


def test_demo_cancelled_exits_1_and_leaves_nothing(run, demo_module, monkeypatch, tmp_path):
    from asr_desktop.domain.errors import Cancelled

    def cancelled(*args, **kwargs):
        raise Cancelled("Génération annulée.")

    monkeypatch.setattr(demo_module, "generate_demo", cancelled)
    code, _, err = run("demo", "--size", "small", "--db", str(tmp_path / "d.db"))
    assert code == 1
    assert "Génération annulée." in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--size", "enorme"], "argument --size/--taille : choix invalide : 'enorme'"),
        (["--seed", "douze"], 'argument --seed/--graine : valeur invalide : "douze"'),
        (["--seed", "-3"], 'argument --seed/--graine : valeur invalide : "-3"'),
    ],
)
def test_demo_bad_arguments_exit_2(run, tmp_path, options, message):
    path = tmp_path / "d.db"
    code, _, err = run("demo", "--db", str(path), *options)
    assert code == 2
    assert message in err
    assert not path.exists()


def test_demo_requires_a_path(run):
    code, _, err = run("demo", "--size", "small")
    assert code == 2
    assert "arguments obligatoires manquants : --db" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_percentage_line_on_a_terminal_only():
    terminal = _Terminal()
    progress = TerminalProgress(terminal)
    progress(0, 200, "Entreprises")
    progress(84, 200, "Participants")
    progress(85, 200, "Participants")  # same percentage: not rewritten
    progress.finish()
    assert terminal.getvalue() == (
        "\rGénération :   0 % — Entreprises\x1b[K\rGénération :  42 % — Participants\x1b[K\n"
    )
    piped = io.StringIO()
    quiet = TerminalProgress(piped)
    quiet(50, 100, "Lots")
    quiet.finish()
    assert piped.getvalue() == ""


# --- the installed entry point ----------------------------------------------------------------


def test_python_m_asr_desktop_dispatches_to_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "asr_desktop", *FORMULA_833],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "833"

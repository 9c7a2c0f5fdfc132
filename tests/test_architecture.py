"""House rules that a reviewer would otherwise have to remember (architecture §2.2, §3.2)."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from pathlib import Path

import pytest

import asr_desktop
from asr_desktop.domain import model as domain_model
from asr_desktop.persistence.models import Base

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(asr_desktop.__file__).resolve().parent
#: Build output of hatch_build.py (forms/*.ui, resources.qrc): not written by hand.
GENERATED = {PACKAGE / "ui" / "resources_rc.py"} | set((PACKAGE / "ui" / "forms").glob("ui_*.py"))
MAX_LINES = 600
#: Alembic revisions are frozen snapshots of the schema: they are never split or edited.
MIGRATIONS = PACKAGE / "persistence" / "migrations" / "versions"
#: What a social-security number (NIR) field would be called; the product never stores one.
NIR_NAME = re.compile(r"(^|_)(nir|ssn|secu|securite_sociale|social_security)(_|$)", re.IGNORECASE)
CORE_LAYERS = ("domain", "persistence", "reporting", "services", "cli")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p not in GENERATED)


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_import_contracts_are_kept(capsys):
    from importlinter.cli import lint_imports

    exit_code = lint_imports(
        config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True
    )

    assert exit_code == 0, capsys.readouterr().out


def test_every_module_stays_under_600_lines():
    too_long = {
        _relative(path): n
        for path in _modules()
        if not path.is_relative_to(MIGRATIONS)
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


@pytest.mark.parametrize("layer", CORE_LAYERS)
def test_the_core_layers_never_import_qt(layer):
    folder = PACKAGE / layer
    paths = list(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{layer}.py"]
    offenders = {
        _relative(path): sorted(n for n in _imported_names(path) if n.startswith("PySide6"))
        for path in paths
        if path.exists()
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_ui_never_imports_the_database_layer():
    offenders = {
        _relative(path): sorted(
            n
            for n in _imported_names(path)
            if n.startswith(("sqlalchemy", "alembic", "asr_desktop.persistence"))
        )
        for path in (PACKAGE / "ui").rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_nothing_prints_outside_the_command_line():
    """The window has no console (pythonw, frozen build): messages go through logging."""
    offenders = []
    for path in _modules():
        if path.is_relative_to(PACKAGE / "cli") or path == PACKAGE / "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "print"
            ):
                offenders.append(f"{_relative(path)}:{node.lineno}")
    assert offenders == []


def test_no_social_security_number_column_in_the_schema():
    columns = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
    ]
    assert len(columns) > 100  # the whole schema was seen
    assert [c for c in columns if NIR_NAME.search(c.split(".")[1])] == []


def test_no_social_security_number_field_in_the_domain():
    fields = [
        f"{cls.__name__}.{field.name}"
        for _name, cls in inspect.getmembers(domain_model, inspect.isclass)
        if dataclasses.is_dataclass(cls)
        for field in dataclasses.fields(cls)
    ]
    assert "Participant.birth_date" in fields  # the scan reaches the person's record
    assert [f for f in fields if NIR_NAME.search(f.split(".")[1])] == []


def test_no_social_security_number_column_in_the_migrations():
    names = set()
    for script in MIGRATIONS.glob("*.py"):
        names.update(re.findall(r"Column\(\s*[\"'](\w+)[\"']", script.read_text(encoding="utf-8")))
    assert "birth_date" in names
    assert sorted(n for n in names if NIR_NAME.search(n)) == []

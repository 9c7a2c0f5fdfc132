"""Fixtures of the security tests: canaries, a temporary folder of the test's own, the
program's logging (helpers in ``canary_dossier``)."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from canary_dossier import Canaries


@pytest.fixture
def canaries() -> Canaries:
    return Canaries()


@pytest.fixture
def sandbox_tmp(tmp_path, monkeypatch) -> Path:
    """A temporary folder of its own for the test: ``TMPDIR``/``TEMP``/``TMP`` and
    ``tempfile.tempdir`` point to it, so every temporary file Python code makes lands there."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    assert tempfile.gettempdir() == str(folder)
    return folder


@pytest.fixture
def app_logs(tmp_path) -> Iterator[Path]:
    """The program's logging (``app.configure_logging``) writing to a folder of the test;
    the handlers it added are removed afterwards."""
    from asr_desktop.app import configure_logging

    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    folder = tmp_path / "journaux"
    assert configure_logging(folder) is not None
    yield folder
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)

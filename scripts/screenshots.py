"""Screenshots of every page of the real window, for the docs and for looking at our work.

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python scripts/screenshots.py \
        [--db demo/asr-demo.db] [--out docs/screenshots] [--size 1360x820]

(``scripts/dev.sh screenshots`` does exactly this.) The database is copied to a temporary
folder first: nothing is written to it. On each page the first row of each list is selected,
so that record panes show a record, then the window is grabbed to ``NN-<page>.png``.
Only generated demonstration data may be used: the images are committed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView, QTreeView

from asr_desktop.services import access
from asr_desktop.ui.main_window import MainWindow
from asr_desktop.ui.pages import PAGES
from asr_desktop.ui.qt_support import install_french


def settle(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def select_first_rows(page) -> None:
    """Select the first row of the page's lists (the first child of a tree's first branch),
    so the record pane beside each list is filled."""
    for view in page.findChildren(QAbstractItemView):
        if not isinstance(view, QTableView | QTreeView) or not view.isVisible():
            continue
        model = view.model()
        if model is None or model.rowCount() == 0:
            continue
        index = model.index(0, 0)
        if isinstance(view, QTreeView):
            while model.rowCount(index) > 0:  # down to a leaf: the lot, for Marchés
                view.expand(index)
                index = model.index(0, 0, index)
        view.setCurrentIndex(index)
        view.scrollTo(index)


def open_demo(path: Path):
    """The demo base, signed in with ``ASR_USER``/``ASR_PASSPHRASE`` or the demo account."""
    credentials = access.environment_credentials() or access.Credentials(
        access.DEMO_LOGIN, access.DEMO_PASSWORD
    )
    if Path(str(path) + ".cles").is_file():
        key = access.unlock(path, credentials.login, credentials.password)
        return access.open_encrypted(path, key, credentials.login)
    return access.open_plain(path)


def take(db: Path, out: Path, size: tuple[int, int]) -> list[Path]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_french(app)
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="asr-shots-") as folder:
        copy = Path(folder) / "demo.db"
        shutil.copyfile(db, copy)
        for side in (".cles",):  # the key slots of an encrypted demo base go with it
            if Path(str(db) + side).is_file():
                shutil.copyfile(str(db) + side, str(copy) + side)
        opened = open_demo(copy)
        services = opened.services
        settings = QSettings(str(Path(folder) / "shots.ini"), QSettings.Format.IniFormat)
        window = MainWindow(services, settings=settings)
        window.resize(*size)
        window.show()
        settle(app, 0.5)
        for number, spec in enumerate(PAGES, start=1):
            window.show_page(spec.key)
            settle(app)
            select_first_rows(window.page(spec.key))
            settle(app, 0.5)
            target = out / f"{number:02d}-{spec.key.replace('_', '-')}.png"
            image = window.grab().toImage()
            image.save(str(target), "PNG", 0)  # quality 0 = strongest PNG compression
            saved.append(target)
            print(f"{target} ({target.stat().st_size // 1024} Ko)")
        window.close()
        opened.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Captures d'écran de chaque page.")
    parser.add_argument("--db", type=Path, default=Path("demo/asr-demo.db"))
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--size", default="1360x820", help="largeur x hauteur de la fenêtre")
    options = parser.parse_args(argv)
    if not options.db.is_file():
        print(f"Base introuvable : {options.db}", file=sys.stderr)
        return 2
    width, height = (int(part) for part in options.size.lower().split("x"))
    take(options.db, options.out, (width, height))
    return 0


if __name__ == "__main__":
    sys.exit(main())

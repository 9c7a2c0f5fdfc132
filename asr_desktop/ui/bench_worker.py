"""The benchmark's Qt scenarios, each run in a fresh process by ``asr-desktop bench``
(``cli.bench``, which imports no Qt):

    python -m asr_desktop.ui.bench_worker SCENARIO [--db PATH] [--runs N] [--lot ID]
                                          [--word TEXT]

- ``floor-window``: a bare PySide6 ``QMainWindow`` shown, then the event loop reached;
- ``startup``: what ``app.run_gui`` does for a plain base without accounts (French
  translations, start-up gate, services, main window on its first page) up to the event loop;
- ``pages``: in one process, the Candidats list refreshed for each keystroke of ``--word``,
  the Marchés page showing lot ``--lot`` in its pane, the Tableau de bord built;
- ``memory``: the main window shown, every page visited (the Marchés standings read in the
  background included), then the peak resident memory of the process.

The worker prints one JSON object on its last line of standard output: seconds since the
epoch for the start-up scenarios (the parent knows when it launched the process), lists of
seconds for the pages, bytes for the memory. No name or personal value is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

_NO_SCREEN = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
if _NO_SCREEN and sys.platform.startswith("linux"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import __version__ as pyside_version  # noqa: E402 - the platform is set first
from PySide6.QtCore import QTimer, qVersion  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

SETTLE_SECONDS = 30.0  # the longest wait for a background read while visiting the pages


def _report(values: dict) -> None:
    values.setdefault("qt", qVersion())
    values.setdefault("pyside6", pyside_version)
    values.setdefault("platform", QApplication.platformName())
    sys.stdout.write(json.dumps(values) + "\n")  # read by cli.bench, not shown to a user
    sys.stdout.flush()


def _application() -> QApplication:
    return QApplication.instance() or QApplication([sys.argv[0]])  # type: ignore[return-value]


def _loop_then_report(app: QApplication, values: dict) -> int:
    def reached() -> None:
        values["loop_reached_at"] = time.time()
        app.quit()

    QTimer.singleShot(0, reached)
    app.exec()
    values["peak_rss_bytes"] = peak_rss_bytes()
    _report(values)
    return 0


def floor_window() -> int:
    app = _application()
    window = QMainWindow()
    window.resize(1200, 800)
    window.show()
    return _loop_then_report(app, {"window_shown_at": time.time()})


def startup(path: Path) -> int:
    """As ``app.run_gui`` for ``--db PATH`` without screen prompts: no log file, no lock
    beside the base, no automatic backups (those run in the background once shown)."""
    from asr_desktop.ui import qt_support, resources_rc  # noqa: F401 - icons
    from asr_desktop.ui.main_window import MainWindow
    from asr_desktop.ui.sign_in import SignIn

    marks = {"imports_done_at": time.time()}
    app = _application()
    qt_support.install_french(app)
    opened = SignIn(path, interactive=False).run()
    if opened is None:
        raise SystemExit("base refusée")
    marks["database_open_at"] = time.time()
    window = MainWindow(opened.services, settings=None, start_page=0)
    window.show()
    marks["window_shown_at"] = time.time()
    try:
        return _loop_then_report(app, marks)
    finally:
        window.close()
        opened.close()


def _idle() -> bool:
    return False


def _settle(app: QApplication, busy=_idle) -> None:
    """Let Qt lay out and paint what was asked, and background reads come back."""
    app.processEvents()
    deadline = time.perf_counter() + SETTLE_SECONDS
    while busy() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


def pages(path: Path, runs: int, lot_id: int | None, word: str) -> int:
    from asr_desktop.services.container import open_services
    from asr_desktop.ui import resources_rc  # noqa: F401 - icons
    from asr_desktop.ui.markets.tree_nodes import LOT, MARKET
    from asr_desktop.ui.pages.candidates import CandidatesPage
    from asr_desktop.ui.pages.dashboard import DashboardPage
    from asr_desktop.ui.pages.markets import MarketsPage

    app = _application()
    services = open_services(path, create=False)
    values: dict = {
        "search": [],
        "search_listed": [],  # search + list model filled, before Qt lays out and paints
        "lot": [],
        "dashboard": [],
        "markets_build": [],
    }
    try:
        candidates = CandidatesPage(services)
        candidates.resize(1200, 800)
        candidates.show()
        _settle(app)
        prefixes = [word[:n] for n in range(1, min(6, len(word)) + 1)]
        for run in range(runs + 1):  # the first round warms up (plans, file cache)
            candidates.search_edit.clear()
            _settle(app)
            for prefix in prefixes:
                started = time.perf_counter()
                candidates.search_edit.setText(prefix)  # searches at once (no delay)
                candidates.run_search()  # in case a typing delay is set again
                listed = time.perf_counter()
                _settle(app)
                if run:
                    values["search"].append(time.perf_counter() - started)
                    values["search_listed"].append(listed - started)
        candidates.close()

        started = time.perf_counter()
        markets = MarketsPage(services)
        markets.resize(1200, 900)
        markets.show()
        _settle(app, lambda: markets.loader.busy)
        values["markets_build"].append(time.perf_counter() - started)
        values["markets_timings"] = dict(markets.timings)
        if lot_id is not None:
            lot_index = markets.model.find(LOT, lot_id)
            market_index = lot_index.parent()
            market_node = markets.model.node(market_index)
            if market_node is None or market_node.kind != MARKET:
                market_index = markets.model.index(0, 0)
            for run in range(runs + 1):
                markets.view.setCurrentIndex(market_index)
                _settle(app)
                started = time.perf_counter()
                markets.view.setCurrentIndex(lot_index)
                _settle(app)
                if run:
                    values["lot"].append(time.perf_counter() - started)
            values["lot_shown"] = markets.lot_pane.lot_id == lot_id
        markets.close()

        for run in range(runs + 1):
            started = time.perf_counter()
            dashboard = DashboardPage(services)
            dashboard.resize(1200, 800)
            dashboard.show()
            _settle(app)
            if run:
                values["dashboard"].append(time.perf_counter() - started)
            dashboard.close()
            dashboard.deleteLater()
    finally:
        services.close()
    _report(values)
    return 0


def peak_rss_bytes() -> int | None:
    """The peak resident memory of this process, or None where it cannot be read."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)  # bytes on macOS, KiB else


def memory(path: Path) -> int:
    from asr_desktop.services.container import open_services
    from asr_desktop.ui.main_window import MainWindow

    app = _application()
    services = open_services(path, create=False)
    try:
        window = MainWindow(services, settings=None, start_page=0)
        window.resize(1280, 900)
        window.show()
        _settle(app)
        visited = []
        for index, key in enumerate(window.page_keys):
            window.show_page(index)
            page = window.page(index)
            loader = getattr(page, "loader", None)
            _settle(app, (lambda page_loader=loader: page_loader.busy) if loader else _idle)
            visited.append(key)
        window.close()
    finally:
        services.close()
    _report({"peak_rss_bytes": peak_rss_bytes(), "pages": visited})
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m asr_desktop.ui.bench_worker")
    parser.add_argument("scenario", choices=("floor-window", "startup", "pages", "memory"))
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--lot", type=int)
    parser.add_argument("--word", default="")
    args = parser.parse_args(argv)
    if args.scenario == "floor-window":
        return floor_window()
    if args.db is None:
        parser.error("--db est obligatoire pour ce scénario")
    if args.scenario == "startup":
        return startup(args.db)
    if args.scenario == "pages":
        return pages(args.db, max(1, args.runs), args.lot, args.word)
    return memory(args.db)


if __name__ == "__main__":
    sys.exit(main())

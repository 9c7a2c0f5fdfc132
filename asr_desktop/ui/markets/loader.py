"""The lots' standings read off the GUI thread: on the large database the credited hours of
every lot take a second or two (the whole ledger is summed), so the tree is shown at once and
its progress columns fill in when this read comes back. Only the latest request is delivered.

The work is handed to the global thread pool as a plain callable: the pool owns it and drops
it after it ran, so nothing here has to outlive the page (a page closed while its read runs
simply never receives the result).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    finished = Signal(int, bool, object)  # ticket, succeeded, result


class BackgroundLoader(QObject):
    """``request(read)`` runs ``read()`` on the global thread pool; ``loaded(result)`` or
    ``failed()`` follows in the GUI thread, for the latest request only."""

    loaded = Signal(object)
    failed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._ticket = 0
        self._pending: set[int] = set()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def request(self, read: Callable[[], Any]) -> None:
        self._ticket += 1
        ticket = self._ticket
        signals = _Signals()  # lives in the GUI thread: the result is queued to it
        signals.finished.connect(self._deliver)

        def work() -> None:
            try:
                result, succeeded = read(), True
            except Exception:  # logged with its traceback, reported to the page
                log.exception("lecture de l'avancement des lots impossible")
                result, succeeded = None, False
            with contextlib.suppress(RuntimeError):  # the page went away meanwhile
                signals.finished.emit(ticket, succeeded, result)

        self._pending.add(ticket)
        QThreadPool.globalInstance().start(work)

    def _deliver(self, ticket: int, succeeded: bool, result: Any) -> None:
        self._pending.discard(ticket)
        if ticket != self._ticket:
            return
        if succeeded:
            self.loaded.emit(result)
        else:
            self.failed.emit()

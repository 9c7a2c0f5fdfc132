"""Reads that take a second or more on the large database (credited hours of every lot or
company: the whole ledger is summed) run on the global thread pool, so a page shows at once
and fills those figures in when the read comes back (architecture §3.4.1: readers use the
global pool; each service call opens its own session).

The work is handed to the pool as a plain callable: the pool owns it and drops it after it
ran, so nothing has to outlive the page (a page closed while its read runs simply never
receives the result). Only the latest request is delivered.
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


class BackgroundRead(QObject):
    """``request(read)`` runs ``read()`` off the GUI thread; ``ready(result)`` or ``failed()``
    follows in the GUI thread, for the latest request only."""

    ready = Signal(object)
    failed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._ticket = 0
        self._running: set[int] = set()

    @property
    def busy(self) -> bool:
        """Some read, even an overtaken one, has not come back yet."""
        return bool(self._running)

    @property
    def pending(self) -> bool:
        """The latest read has not come back yet."""
        return self._ticket in self._running

    def request(self, read: Callable[[], Any]) -> None:
        self._ticket += 1
        ticket = self._ticket
        signals = _Signals()  # lives in the GUI thread: the result is queued to it
        signals.finished.connect(self._deliver)

        def work() -> None:
            try:
                result, succeeded = read(), True
            except Exception:  # logged with its traceback, reported to the page
                log.exception("lecture en arrière-plan impossible")
                result, succeeded = None, False
            with contextlib.suppress(RuntimeError):  # the page went away meanwhile
                signals.finished.emit(ticket, succeeded, result)

        self._running.add(ticket)
        QThreadPool.globalInstance().start(work)

    def _deliver(self, ticket: int, succeeded: bool, result: Any) -> None:
        self._running.discard(ticket)
        if ticket != self._ticket:
            return  # an older request, overtaken
        if succeeded:
            self.ready.emit(result)
        else:
            self.failed.emit()

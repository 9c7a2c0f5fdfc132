"""A read that takes a second on the large database (hours credited per company: the whole
ledger is summed) runs on the global thread pool so the list shows at once; the result comes
back to the GUI thread through a queued signal. Only the latest request is delivered.

Reads only: each service call opens its own session (architecture §3.4.1), and SQLite works
without holding Python's lock, so the window stays responsive meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    finished = Signal(int, bool, object)  # token, succeeded, result


class _Job(QRunnable):
    def __init__(self, token: int, read: Callable[[], Any]):
        super().__init__()
        self.token = token
        self.read = read
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result, succeeded = self.read(), True
        except Exception:  # reported to the page, logged with its traceback
            log.exception("lecture en arrière-plan impossible")
            result, succeeded = None, False
        with contextlib.suppress(RuntimeError):  # the receiver went away with its page
            self.signals.finished.emit(self.token, succeeded, result)


class BackgroundRead(QObject):
    """``request(read)`` runs ``read()`` off the GUI thread; ``ready(result)`` or ``failed()``
    follows, for the latest request only."""

    ready = Signal(object)
    failed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._token = 0
        self._waiting: set[int] = set()

    @property
    def pending(self) -> bool:
        return self._token in self._waiting

    def request(self, read: Callable[[], Any]) -> None:
        self._token += 1
        job = _Job(self._token, read)  # the pool owns it (auto-delete) until it has run
        job.signals.finished.connect(self._deliver)
        self._waiting.add(self._token)
        QThreadPool.globalInstance().start(job)

    def _deliver(self, token: int, succeeded: bool, result: Any) -> None:
        self._waiting.discard(token)
        if token != self._token:
            return  # an older request, overtaken
        if succeeded:
            self.ready.emit(result)
        else:
            self.failed.emit()

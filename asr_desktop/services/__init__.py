"""Use cases of ASR Desktop. Each public method is one unit of work with its own session.

``Progress`` is the contract long operations accept (Orange's TaskState reduced to two
members): call it with (done, total, text) and read ``cancelled``.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    cancelled: bool

    def __call__(self, done: int, total: int, text: str = "") -> None: ...


class _NoProgress:
    cancelled = False

    def __call__(self, done: int, total: int, text: str = "") -> None:
        return None


NO_PROGRESS: Progress = _NoProgress()

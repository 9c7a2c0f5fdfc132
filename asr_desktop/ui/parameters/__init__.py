"""The views of the Paramètres page beyond the dated parameters: the access journal (audit
trail) and the data-retention review."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@contextmanager
def busy() -> Iterator[None]:
    """The wait cursor while the program works (restored whatever happens)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def may_erase(services) -> bool:
    """Whether the services let the signed-in user anonymise people and purge the access
    journal: a coordinator, or nobody signed in (a base without accounts has no roles)."""
    from asr_desktop.domain.enums import UserRole
    from asr_desktop.domain.errors import DomainError

    if services.user_id is None:
        return True
    try:
        user = services.users.get_user(services.user_id)
    except DomainError:
        return False
    return user.active and user.role is UserRole.COORDINATOR


#: Tooltip of the buttons an adviser sees disabled.
COORDINATORS_ONLY = "Réservé aux coordinateurs."

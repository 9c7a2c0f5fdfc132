"""Credentials of the people using the program: the Argon2id hash kept in ``app_user``.

Kept apart from ``UserRepository`` so that the hash is read only where a login is checked and
never travels inside the ``User`` values the rest of the program passes around.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from asr_desktop.domain.model import User
from asr_desktop.persistence.models import UserRow
from asr_desktop.persistence.repositories.settings import user_to_domain


class AccountRepository:
    def __init__(self, session: Session):
        self._s = session

    def credentials(self, login: str) -> tuple[User, str | None] | None:
        """The user with this login (any case) and the stored hash, or None."""
        row = self._s.scalars(
            select(UserRow).where(func.lower(UserRow.login) == login.strip().lower())
        ).first()
        return (user_to_domain(row), row.password_hash) if row else None

    def count_with_password(self) -> int:
        """Accounts that can sign in: an Argon2 hash, not a placeholder such as ``!demo``."""
        return (
            self._s.scalar(
                select(func.count())
                .select_from(UserRow)
                .where(UserRow.password_hash.like("$argon2%"))
            )
            or 0
        )

    def password_hash(self, user_id: int) -> str | None:
        return self._s.scalar(select(UserRow.password_hash).where(UserRow.id == user_id))

    def set_password_hash(self, user_id: int, password_hash: str) -> bool:
        result = self._s.execute(
            update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
        )
        return result.rowcount > 0

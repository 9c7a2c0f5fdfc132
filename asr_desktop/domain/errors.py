"""Expected failures, each with a French message the UI and the command line can show as is."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the expected errors. ``str(error)`` is a French sentence for the user."""


class ValidationError(DomainError):
    """A value is wrong. ``field`` names the field (English identifier) it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The record asked for does not exist (any more)."""


class Conflict(DomainError):
    """The change contradicts what is stored (duplicate key, record changed meanwhile…)."""


class Cancelled(DomainError):
    """The user cancelled a long operation."""

    def __init__(self, message: str = "Opération annulée."):
        super().__init__(message)


class ImportRejected(DomainError):
    """An import was refused; ``errors`` lists (line, column, French reason)."""

    def __init__(self, message: str, errors: list[tuple[int, str, str]] | None = None):
        super().__init__(message)
        self.errors = errors or []


class DatabaseRefused(DomainError):
    """The database file cannot be opened safely (foreign, newer, corrupted…)."""

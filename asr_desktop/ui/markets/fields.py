"""Typed fields of the Marchés forms: French text in, domain values out, checked as typed.

Dates, amounts and percentages are ``QLineEdit`` read by ``formats.parse_*`` (they accept
« 1 234,50 € », « 5 % », « 24/11/2026 »…); an unreadable value is shown under its field when
the field is left, without pulling the focus back, and again by ``FormErrors.guard`` on save.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import (
    format_amount,
    format_date,
    format_number,
    format_percent,
    parse_amount,
    parse_date,
    parse_hours,
    parse_percent,
)
from asr_desktop.ui.common import INVALID_STYLE, FormErrors, fill_combo


class SpotErrors(FormErrors):
    """``FormErrors`` that can also show a message while the user moves on (no focus jump)."""

    def show_quietly(self, error: ValidationError | str, field: str | None = None) -> None:
        """Like ``show``, without moving the focus (the user is typing elsewhere)."""
        message = str(error)
        name = field or (error.field if isinstance(error, ValidationError) else None) or ""
        widget = self.widget(name)
        if widget is None:
            self.general.setText(message)
            self.general.show()
            self.shown[""] = message
            return
        label = self._label_for(name, widget)
        label.setText(message)
        label.show()
        widget.setProperty("invalid", True)
        widget.setStyleSheet(INVALID_STYLE)
        widget.setToolTip(message)
        self.shown[name] = message

    def check_when_left(self, widget: QLineEdit, field: str, read: Callable[[], Any]) -> None:
        """Read the field when the user leaves it; show why it cannot be read."""

        def check() -> None:
            try:
                read()
            except ValidationError as error:
                self.show_quietly(error, field)

        widget.editingFinished.connect(check)

    def require_when_left(self, widget: QLineEdit, field: str, message: str) -> None:
        """A mandatory text: say so as soon as the field is left empty."""

        def check() -> None:
            if not widget.text().strip():
                self.show_quietly(message, field)

        widget.editingFinished.connect(check)


def text_of(widget: QLineEdit | QPlainTextEdit) -> str | None:
    value = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    return value.strip() or None


def date_of(widget: QLineEdit, field: str) -> date | None:
    return parse_date(widget.text(), field, optional=True)


def amount_of(widget: QLineEdit, field: str) -> Decimal | None:
    return parse_amount(widget.text(), field, optional=True)


def hours_of(widget: QLineEdit, field: str) -> Decimal | None:
    return parse_hours(widget.text(), field, optional=True)


def percent_of(widget: QLineEdit, field: str) -> Decimal | None:
    """« 5 % », « 5 » or « 0,05 » → 0.05 (``formats.parse_percent``)."""
    return parse_percent(widget.text(), field, optional=True)


def number_of(widget: QLineEdit, field: str, what: str) -> Decimal | None:
    """A plain number (« 12 », « 12,5 »); the services check its range."""
    text = widget.text().strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except ArithmeticError:
        raise ValidationError(f"{what} : « {widget.text()} » n'est pas un nombre.", field) from None


def whole_of(widget: QLineEdit, field: str, what: str) -> int | None:
    value = number_of(widget, field, what)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise ValidationError(f"{what} est un nombre entier.", field)
    return int(value)


def show_date(widget: QLineEdit, value: date | None) -> None:
    widget.setText(format_date(value) if value else "")


def show_amount(widget: QLineEdit, value: Decimal | None) -> None:
    widget.setText(format_amount(value) if value is not None else "")


def show_percent(widget: QLineEdit, ratio: Decimal | None) -> None:
    widget.setText(format_percent(ratio, 2) if ratio is not None else "")


def show_number(widget: QLineEdit, value: Decimal | int | None, decimals: int = 2) -> None:
    widget.setText(format_number(value, decimals) if value is not None else "")


def fill_enum(combo: QComboBox, enum_cls, current=None) -> None:
    """The members of a ``LabelledEnum``, by their French label."""
    fill_combo(combo, [(member.label, member) for member in enum_cls], current=current)

"""Fields of the follow-up forms: dates and hours typed in French, combo boxes of labelled
enums, French dialog buttons, and ``SearchCompleter`` — a line edit that searches as the user
types (participants, employers, lots) and remembers the id of the value chosen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QDialogButtonBox, QLineEdit

from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_date, format_number, parse_date, parse_hours
from asr_desktop.ui.common import fill_combo

DATE_PLACEHOLDER = "jj/mm/aaaa"
#: How long typing must pause before a search runs (one query per pause, not per key).
SEARCH_DELAY_MS = 150
#: How many choices a search proposes.
CHOICES = 20


def date_field(edit: QLineEdit, value: date | None = None) -> None:
    edit.setPlaceholderText(DATE_PLACEHOLDER)
    edit.setMaxLength(20)
    edit.setText(format_date(value))


def read_date(edit: QLineEdit, field: str, what: str, *, required: bool = False) -> date | None:
    """The date typed in ``edit``; None when empty (unless ``required``); otherwise a French
    ``ValidationError`` naming ``field``."""
    text = edit.text().strip()
    if not text:
        if required:
            raise ValidationError(f"{what} est obligatoire ({DATE_PLACEHOLDER}).", field)
        return None
    if text.isdigit():  # parse_date would read digits alone as an Excel serial number
        raise ValidationError(f"{what} est illisible : « {text} » ({DATE_PLACEHOLDER}).", field)
    try:
        return parse_date(text, field)
    except ValidationError as error:
        raise ValidationError(f"{what} : {error}", field) from None


def hours_text(value: Decimal | None) -> str:
    return "" if value is None else format_number(value)


def read_hours(edit: QLineEdit, field: str) -> Decimal | None:
    try:
        return parse_hours(edit.text(), field, optional=True)
    except ValidationError as error:
        raise ValidationError(f"La durée hebdomadaire : {error}", field) from None


def enum_combo(combo: QComboBox, enum_class, current=None, *, empty: str | None = None) -> None:
    fill_combo(combo, [(m.label, m) for m in enum_class], empty=empty, current=current)
    if current is None and empty is None:
        combo.setCurrentIndex(-1 if combo.count() == 0 else 0)


def combo_enum(combo: QComboBox, enum_class):
    """The member chosen in a combo filled by ``enum_combo`` (Qt hands string enums back as
    plain strings), or None for the empty choice."""
    data = combo.currentData()
    return None if data in (None, "") else enum_class(data)


def french_buttons(box: QDialogButtonBox, save: str = "&Enregistrer") -> None:
    """« Enregistrer » / « Annuler » whatever Qt translations are installed."""
    for role, text in (
        (QDialogButtonBox.StandardButton.Save, save),
        (QDialogButtonBox.StandardButton.Ok, save),
        (QDialogButtonBox.StandardButton.Cancel, "Annuler"),
    ):
        button = box.button(role)
        if button is not None:
            button.setText(text)


class SearchCompleter(QObject):
    """Turns ``edit`` into a chooser: what is typed is searched by ``search(text)`` →
    ``[(label, id)]`` (after a short pause), the results drop down under the field, and the
    one picked (mouse, arrows + Entrée) becomes ``value``. Editing the text again forgets it.
    Entrée with nothing picked takes the first result (and does not close the dialog)."""

    chosen = Signal(object)  # the id picked, or None when the text no longer names one

    def __init__(
        self,
        edit: QLineEdit,
        search: Callable[[str], Sequence[tuple[str, int]]],
        *,
        delay_ms: int = SEARCH_DELAY_MS,
    ):
        super().__init__(edit)
        self.edit = edit
        self._search = search
        self._ids: dict[str, int] = {}
        self.value: int | None = None
        self._model = QStandardItemModel(self)
        self.completer = QCompleter(self._model, edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.completer.setWidget(edit)  # not edit.setCompleter: Qt must not filter the labels
        self.completer.activated[str].connect(self._pick_label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.search_now)
        edit.textEdited.connect(self._edited)
        edit.installEventFilter(self)

    @property
    def labels(self) -> list[str]:
        """The labels proposed by the last search, in order."""
        return list(self._ids)

    def set_value(self, value: int | None, label: str = "") -> None:
        """Show a value chosen elsewhere (a record being edited); emits nothing."""
        self.value = value
        self.edit.setText(label if value is not None else "")
        self.edit.setCursorPosition(0)

    def clear(self) -> None:
        changed = self.value is not None
        self.set_value(None)
        if changed:
            self.chosen.emit(None)

    def search_now(self) -> None:
        self._timer.stop()
        text = self.edit.text().strip()
        found = list(self._search(text)) if text else []
        self._ids = {}
        self._model.clear()
        for label, value in found:
            shown = label if label not in self._ids else f"{label} (n° {value})"
            self._ids[shown] = value
            self._model.appendRow(QStandardItem(shown))
        if found and self.edit.hasFocus():
            self.completer.complete(self.edit.rect())  # as wide as the field
        else:
            self.completer.popup().hide()

    def pick(self, row: int = 0) -> None:
        """Choose the ``row``-th result of the last search (Entrée with nothing selected)."""
        labels = self.labels
        if 0 <= row < len(labels):
            self._pick_label(labels[row])

    def _pick_label(self, label: str) -> None:
        if label not in self._ids:
            return
        self.completer.popup().hide()
        self.value = self._ids[label]
        self.edit.setText(label)
        self.edit.setCursorPosition(0)
        self.chosen.emit(self.value)

    def _edited(self, _text: str) -> None:
        if self.value is not None:
            self.value = None
            self.chosen.emit(None)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.value is None:
                if self._timer.isActive():
                    self.search_now()
                if self._ids:
                    self.pick(0)
                    return True  # chosen: Entrée does not also close the dialog
            elif key == Qt.Key.Key_Down and not self.completer.popup().isVisible():
                if self._timer.isActive() or not self._ids:
                    self.search_now()
                elif self._ids:
                    self.completer.complete(self.edit.rect())
                return bool(self._ids)
        return super().eventFilter(watched, event)

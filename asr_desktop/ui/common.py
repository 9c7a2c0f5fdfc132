"""What every page and dialog shares: the ``Changes`` hub, French confirmations and errors,
the display of a service's ``ValidationError`` next to its field, list views and search fields.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableView,
    QTextEdit,
    QWidget,
)

from asr_desktop.domain.errors import Conflict, DomainError, NotFound, ValidationError
from asr_desktop.ui import qt_support

log = logging.getLogger(__name__)

T = TypeVar("T")

ERROR_COLOUR = "#b3261e"
#: Style of a field whose value was refused (set through the ``invalid`` dynamic property).
INVALID_STYLE = f'*[invalid="true"] {{ border: 1px solid {ERROR_COLOUR}; }}'


class Changes(QObject):
    """Emitted after every successful write, with what changed (« participant », « lot »,
    « placement »…), so that the other pages read their lists again when next shown."""

    changed = Signal(str)


_changes: Changes | None = None


def changes() -> Changes:
    """The one hub of the running program."""
    global _changes
    if _changes is None:
        _changes = Changes()
    return _changes


def today() -> date:
    """Today's date as the pages see it (tests replace this function)."""
    return date.today()


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "Confirmer") -> bool:
    """Ask a yes/no question in French; the safe answer is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is accept


def show_error(parent: QWidget | None, error: Exception, title: str = "Action impossible") -> None:
    """An expected failure (not found, conflict, refused value) in its own French words."""
    qt_support.warn(parent, title, str(error))


class FormErrors:
    """Shows a ``ValidationError`` under the field it names, in red, and moves the focus
    there; the message goes when the field is edited again. Fields the form does not know
    (or ``field=None``) are shown in ``general`` (a label at the bottom of the form).

    ``bind("last_name", self.ui.lastNameEdit)`` once per field; ``guard(fn)`` runs a service
    call and returns its result, or None after showing the error: what the user typed stays.
    """

    def __init__(self, general: QLabel):
        self.general = general
        self._widgets: dict[str, QWidget] = {}
        self._labels: dict[str, QLabel] = {}
        self.shown: dict[str, str] = {}
        _style_error_label(general)
        general.hide()

    def bind(self, field: str, widget: QWidget, *aliases: str) -> None:
        for name in (field, *aliases):
            self._widgets[name] = widget
        _on_edit(widget, lambda *_args, name=field: self.clear(name))

    def widget(self, field: str) -> QWidget | None:
        return self._widgets.get(field)

    def show(self, error: ValidationError | str, field: str | None = None) -> None:
        message = str(error)
        name = field or (error.field if isinstance(error, ValidationError) else None)
        widget = self._widgets.get(name or "")
        if widget is None:
            self.general.setText(message)
            self.general.show()
            self.shown[""] = message
            return
        label = self._label_for(name or "", widget)
        label.setText(message)
        _set_visible(label, True)
        widget.setProperty("invalid", True)
        widget.setStyleSheet(INVALID_STYLE)
        widget.setToolTip(message)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self.shown[name or ""] = message

    def clear(self, field: str | None = None) -> None:
        names = list(self.shown) if field is None else [field]
        for name in names:
            self.shown.pop(name, None)
            if not name:
                self.general.hide()
                continue
            label = self._labels.get(name)
            if label is not None:
                _set_visible(label, False)
            widget = self._widgets.get(name)
            if widget is not None:
                widget.setProperty("invalid", False)
                widget.setStyleSheet("")
                widget.setToolTip("")

    def guard(self, call: Callable[[], T]) -> T | None:
        """``call()``; a ``ValidationError`` is shown on its field, another expected error in
        the general label; in both cases None is returned and nothing else changes."""
        self.clear()
        try:
            return call()
        except ValidationError as error:
            log.info("saisie refusée (champ %s)", error.field)
            self.show(error)
        except (Conflict, NotFound, DomainError) as error:
            self.show(str(error))
        return None

    def _label_for(self, name: str, widget: QWidget) -> QLabel:
        label = self._labels.get(name)
        if label is not None:
            return label
        label = QLabel(widget.parentWidget())
        label.setObjectName(f"{name}Error")
        _style_error_label(label)
        _place_below(widget, label, self.general)
        self._labels[name] = label
        return label


def _style_error_label(label: QLabel) -> None:
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


def _set_visible(label: QLabel, visible: bool) -> None:
    """Show or hide an error label; in a form, its whole row, so that no blank gap stays."""
    parent = label.parentWidget()
    form = parent.layout() if parent is not None else None
    holder = _layout_holding(form, label) if form is not None else None
    if isinstance(holder, QFormLayout) and holder.getWidgetPosition(label)[0] >= 0:
        holder.setRowVisible(label, visible)
    label.setVisible(visible)


def _place_below(widget: QWidget, label: QLabel, fallback: QLabel) -> None:
    """Put ``label`` just under ``widget`` in whatever layout holds it."""
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    holder = _layout_holding(layout, widget) if layout is not None else None
    if isinstance(holder, QFormLayout):
        holder.insertRow(_form_row(holder, widget) + 1, "", label)
        holder.setRowVisible(label, False)
    elif isinstance(holder, QGridLayout):
        row, column, _rows, columns = holder.getItemPosition(holder.indexOf(widget))
        if holder.itemAtPosition(row + 1, column) is None:
            holder.addWidget(label, row + 1, column, 1, columns)
        else:
            _before_general(fallback, label)
    elif isinstance(holder, QBoxLayout):
        holder.insertWidget(holder.indexOf(widget) + 1, label)
    else:
        _before_general(fallback, label)


def _before_general(general: QLabel, label: QLabel) -> None:
    layout = general.parentWidget().layout() if general.parentWidget() else None
    if isinstance(layout, QBoxLayout):
        layout.insertWidget(layout.indexOf(general), label)
    elif isinstance(layout, QGridLayout | QFormLayout):
        layout.addWidget(label)


def _layout_holding(layout, widget: QWidget):
    """The layout holding ``widget``: a form layout when the widget sits in one of its rows
    (even inside a nested layout), otherwise the innermost layout."""
    if layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        child = layout.itemAt(i).layout()
        found = _layout_holding(child, widget) if child is not None else None
        if found is not None:
            if isinstance(layout, QFormLayout) and not isinstance(found, QFormLayout):
                return layout
            return found
    return None


def _form_row(form: QFormLayout, widget: QWidget) -> int:
    row, _role = form.getWidgetPosition(widget)
    if row >= 0:
        return row
    for r in range(form.rowCount()):
        for role in (QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole):
            item = form.itemAt(r, role)
            nested = item.layout() if item is not None else None
            if nested is not None and _layout_holding(nested, widget) is not None:
                return r
    return form.rowCount() - 1


def _on_edit(widget: QWidget, callback: Callable[..., Any]) -> None:
    """Call ``callback`` whenever the user changes ``widget``'s value."""
    if isinstance(widget, QLineEdit):
        widget.textEdited.connect(callback)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(callback)
        if widget.isEditable():
            widget.editTextChanged.connect(callback)
    elif isinstance(widget, QDateEdit):
        widget.dateChanged.connect(callback)
    elif isinstance(widget, QAbstractSpinBox) and hasattr(widget, "valueChanged"):
        widget.valueChanged.connect(callback)
    elif isinstance(widget, QCheckBox):
        widget.toggled.connect(callback)
    elif isinstance(widget, QPlainTextEdit | QTextEdit):
        widget.textChanged.connect(callback)


def record_view(model, object_name: str, parent: QWidget | None = None) -> QTableView:
    """A read-only, sortable list with whole-row selection; ``object_name`` (English, unique)
    is also the key under which the window remembers its column layout."""
    view = QTableView(parent)
    view.setObjectName(object_name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setSectionsMovable(True)
    view.setSortingEnabled(True)
    source = model.sourceModel() if hasattr(model, "sourceModel") else model
    for column, spec in enumerate(getattr(source, "columns", ())):
        if spec.width:
            view.setColumnWidth(column, spec.width)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    return view


def search_field(placeholder: str, parent: QWidget | None = None) -> QLineEdit:
    """The search box of a list: clear button, French placeholder, ``searchEdit`` name
    (Ctrl+F of the window focuses it)."""
    edit = QLineEdit(parent)
    edit.setObjectName("searchEdit")
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


def fill_combo(combo: QComboBox, choices, *, empty: str | None = None, current=None) -> None:
    """Fill ``combo`` with ``(text, data)`` pairs (``empty``: a first « — » choice with None);
    select the item whose data equals ``current``."""
    combo.blockSignals(True)
    combo.clear()
    if empty is not None:
        combo.addItem(empty, None)
    for text, data in choices:
        combo.addItem(text, data)
    if current is not None:
        found = combo.findData(current)
        combo.setCurrentIndex(max(found, 0))
    combo.blockSignals(False)

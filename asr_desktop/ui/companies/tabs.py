"""The tabs of a company record that change things: its contacts, and the actions to follow.

Their dialogs open window-modal with ``open()`` (the one open is ``self.dialog``) and are
handled when they finish, so tests drive them like a user would. Each tab emits ``loaded``
with the count its title shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.enums import FollowUpSubject
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.model import Company, CompanyContact, FollowUpAction
from asr_desktop.services.companies import CompanyService
from asr_desktop.services.placements import PlacementService
from asr_desktop.ui import common
from asr_desktop.ui.companies.action_dialogs import ActionDialog, ActionDoneDialog
from asr_desktop.ui.companies.contact_dialog import ContactDialog
from asr_desktop.ui.companies.models import CONTACT_COLUMNS, action_columns, is_open
from asr_desktop.ui.item_models import Column, RecordTableModel, SearchProxy


def note_label(parent: QWidget, name: str) -> QLabel:
    """The sentence a tab shows instead of an empty table."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text); padding: 6px 2px;")
    return label


def list_view(
    columns: Sequence[Column], name: str, parent: QWidget
) -> tuple[RecordTableModel, SearchProxy, QTableView]:
    model = RecordTableModel(columns, parent=parent)
    proxy = SearchProxy(parent)
    proxy.setSourceModel(model)
    return model, proxy, common.record_view(proxy, name, parent)


def show_rows_or_note(view: QTableView, note: QLabel, text: str) -> None:
    """The table when it has rows, else a sentence saying why it has none."""
    empty = view.model().rowCount() == 0
    note.setText(text)
    note.setVisible(empty)
    view.setVisible(not empty)


class _RecordTab(QWidget):
    loaded = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.company: Company | None = None
        self.dialog: QDialog | None = None
        self.layout_ = QVBoxLayout(self)
        self.buttons = QHBoxLayout()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def _selected(self, proxy: SearchProxy, view: QTableView):
        rows = view.selectionModel().selectedRows()
        return proxy.record_at(rows[0]) if rows else None

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda code: self._finished(dialog, code))
        dialog.open()

    def _finished(self, dialog: QDialog, code: int) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        if code == QDialog.DialogCode.Accepted and self.company is not None:
            self.reload(getattr(dialog, "saved", None))

    def reload(self, keep=None) -> None:
        raise NotImplementedError


class ContactsTab(_RecordTab):
    def __init__(self, companies: CompanyService, parent: QWidget | None = None):
        super().__init__(parent)
        self._companies = companies
        self.note = note_label(self, "contactsNote")
        self.layout_.addWidget(self.note)
        self.model, self.proxy, self.view = list_view(CONTACT_COLUMNS, "companyContactsTable", self)
        self.view.activated.connect(lambda _index: self.edit_contact())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        self.layout_.addWidget(self.view, 1)
        self.add_button = self._button("Ajouter un &contact…", "addContactButton", self.add)
        self.edit_button = self._button(
            "Mod&ifier le contact…", "editContactButton", self.edit_contact
        )
        self.remove_button = self._button(
            "Supp&rimer le contact", "removeContactButton", self.remove_contact
        )
        self.buttons.addStretch(1)
        self.layout_.addLayout(self.buttons)

    def show_company(self, company: Company) -> None:
        self.company = company
        self.reload()

    def reload(self, keep: CompanyContact | None = None) -> None:
        contacts = self._companies.list_contacts(self.company.id)
        self.model.set_rows(contacts)
        show_rows_or_note(
            self.view, self.note, "Aucun contact : « Ajouter un contact… » pour en noter un."
        )
        row = self.model.row_of(lambda c: keep is not None and c.id == keep.id)
        if contacts:
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(max(row, 0), 0)).row())
        self._selection()
        self.loaded.emit(len(contacts))

    def selected(self) -> CompanyContact | None:
        return self._selected(self.proxy, self.view)

    def _selection(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def add(self) -> None:
        if self.company is not None:
            self._open(ContactDialog(self._companies, self.company, parent=self))

    def edit_contact(self) -> None:
        contact = self.selected()
        if self.company is not None and contact is not None:
            self._open(ContactDialog(self._companies, self.company, contact, self))

    def remove_contact(self) -> None:
        contact = self.selected()
        if contact is None or not common.confirm(
            self,
            "Supprimer le contact",
            f"Supprimer le contact « {contact.name} » de l'entreprise ?",
            yes="Supprimer",
        ):
            return
        try:
            self._companies.delete_contact(contact.id)
        except DomainError as error:
            common.show_error(self, error)
            return
        common.changes().changed.emit("company")
        self.reload()


class ActionsTab(_RecordTab):
    """Actions to do first (overdue in red); the exchanges already logged on demand."""

    def __init__(self, placements: PlacementService, parent: QWidget | None = None):
        super().__init__(parent)
        self._placements = placements
        self.history_check = QCheckBox("Afficher aussi les échan&ges passés", self)
        self.history_check.setObjectName("historyCheck")
        self.history_check.toggled.connect(lambda _on: self._filter())
        self.layout_.addWidget(self.history_check)
        self.note = note_label(self, "actionsNote")
        self.layout_.addWidget(self.note)
        self.model, self.proxy, self.view = list_view(
            action_columns(common.today()), "companyActionsTable", self
        )
        self.view.activated.connect(lambda _index: self.mark_done())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        self.layout_.addWidget(self.view, 1)
        self.add_button = self._button("&Planifier une action…", "addActionButton", self.add)
        self.done_button = self._button("Action &réalisée…", "actionDoneButton", self.mark_done)
        self.buttons.addStretch(1)
        self.layout_.addLayout(self.buttons)
        self._filter()

    def show_company(self, company: Company) -> None:
        self.company = company
        self.reload()

    def reload(self, keep=None) -> None:
        actions = self._placements.list_actions(FollowUpSubject.COMPANY, self.company.id)
        self.model.set_rows(actions)
        self._filter()
        self.loaded.emit(sum(1 for a in actions if is_open(a)))

    def _filter(self) -> None:
        self.proxy.set_predicate(None if self.history_check.isChecked() else is_open)
        if self.model.rowCount() == 0:
            text = "Aucune action ni aucun échange noté avec cette entreprise."
        else:
            text = "Aucune action à faire. Cochez la case ci-dessus pour voir les échanges passés."
        show_rows_or_note(self.view, self.note, text)
        if self.proxy.rowCount():
            self.view.selectRow(0)
        self._selection()

    def selected(self) -> FollowUpAction | None:
        return self._selected(self.proxy, self.view)

    def _selection(self) -> None:
        action = self.selected()
        self.done_button.setEnabled(action is not None and is_open(action))

    def add(self) -> None:
        if self.company is not None:
            self._open(ActionDialog(self._placements, self.company, self))

    def mark_done(self) -> None:
        action = self.selected()
        if action is not None and is_open(action):
            self._open(ActionDoneDialog(self._placements, action, self))

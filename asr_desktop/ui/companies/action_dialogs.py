"""Follow-up actions on a company: plan or log one (``forms/company_action_dialog.ui``), and
close one, optionally planning the next (``forms/company_action_done_dialog.ui``)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QDialog, QDialogButtonBox, QWidget

from asr_desktop.domain.enums import ActionKind, FollowUpSubject
from asr_desktop.domain.formats import format_date
from asr_desktop.domain.model import Company, FollowUpAction
from asr_desktop.services.placements import ActionDone, PlacementService
from asr_desktop.ui import common
from asr_desktop.ui.forms.ui_company_action_dialog import Ui_CompanyActionDialog
from asr_desktop.ui.forms.ui_company_action_done_dialog import Ui_CompanyActionDoneDialog

#: Default delay of a new action or of the next one, in days.
DEFAULT_DELAY = 7


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def _optional_date(check: QCheckBox, edit: QDateEdit) -> date | None:
    return from_qdate(edit) if check.isChecked() else None


def _buttons(dialog: QDialog, box: QDialogButtonBox) -> None:
    save = box.button(QDialogButtonBox.StandardButton.Save)
    save.setText("&Enregistrer")
    save.setDefault(True)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)


def _pair(check: QCheckBox, edit: QDateEdit, checked: bool) -> None:
    """A date that only counts when its box is ticked."""
    check.setChecked(checked)
    edit.setEnabled(checked)
    check.toggled.connect(edit.setEnabled)


class ActionDialog(QDialog):
    """Plan an action on ``company`` (a due date) or note an exchange (no due date);
    ``saved`` holds the stored action."""

    def __init__(
        self, placements: PlacementService, company: Company, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ui = Ui_CompanyActionDialog()
        self.ui.setupUi(self)
        self._placements = placements
        self.company = company
        self.saved: FollowUpAction | None = None
        self.ui.companyLabel.setText(f"Entreprise : {company.name}")
        _buttons(self, self.ui.buttonBox)
        common.fill_combo(
            self.ui.kindCombo, [(k.label, k) for k in ActionKind], current=ActionKind.CALL
        )
        today = common.today()
        self.ui.occurredOnEdit.setDate(to_qdate(today))
        self.ui.dueDateEdit.setDate(to_qdate(today + timedelta(days=DEFAULT_DELAY)))
        _pair(self.ui.dueCheck, self.ui.dueDateEdit, True)
        self.errors = common.FormErrors(self.ui.generalErrorLabel)
        self.errors.bind("kind", self.ui.kindCombo)
        self.errors.bind("summary", self.ui.summaryEdit)
        self.errors.bind("occurred_on", self.ui.occurredOnEdit)
        self.errors.bind("due_date", self.ui.dueDateEdit)
        self.ui.summaryEdit.setFocus()

    def value(self) -> FollowUpAction:
        return FollowUpAction(
            id=None,
            subject=FollowUpSubject.COMPANY,
            subject_id=self.company.id,
            kind=ActionKind(self.ui.kindCombo.currentData()),
            summary=self.ui.summaryEdit.text(),
            occurred_on=from_qdate(self.ui.occurredOnEdit),
            due_date=_optional_date(self.ui.dueCheck, self.ui.dueDateEdit),
        )

    def accept(self) -> None:
        value = self.value()
        saved = self.errors.guard(lambda: self._placements.add_action(value))
        if saved is None:
            return
        self.saved = saved
        common.changes().changed.emit("follow_up")
        super().accept()


class ActionDoneDialog(QDialog):
    """Close ``action`` on a date; a next action with a date is planned at the same time.
    ``result_value`` holds the service's ``ActionDone``."""

    def __init__(
        self, placements: PlacementService, action: FollowUpAction, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ui = Ui_CompanyActionDoneDialog()
        self.ui.setupUi(self)
        self._placements = placements
        self.action = action
        self.result_value: ActionDone | None = None
        due = f", prévue pour le {format_date(action.due_date)}" if action.due_date else ""
        self.ui.actionLabel.setText(f"{action.kind.label} : {action.summary}{due}.")
        _buttons(self, self.ui.buttonBox)
        today = common.today()
        self.ui.doneOnEdit.setDate(to_qdate(today))
        self.ui.nextDueEdit.setDate(to_qdate(today + timedelta(days=DEFAULT_DELAY)))
        _pair(self.ui.nextDueCheck, self.ui.nextDueEdit, False)
        self.ui.nextActionEdit.textEdited.connect(self._next_typed)
        self.errors = common.FormErrors(self.ui.generalErrorLabel)
        self.errors.bind("done_on", self.ui.doneOnEdit)
        self.errors.bind("next_action", self.ui.nextActionEdit)
        self.errors.bind("next_due", self.ui.nextDueEdit)
        self.ui.doneOnEdit.setFocus()

    def _next_typed(self, text: str) -> None:
        """Typing a next action proposes to plan it (the box can still be unticked)."""
        if text.strip() and not self.ui.nextDueCheck.isChecked():
            self.ui.nextDueCheck.setChecked(True)

    def accept(self) -> None:
        done_on = from_qdate(self.ui.doneOnEdit)
        next_action = self.ui.nextActionEdit.text()
        next_due = _optional_date(self.ui.nextDueCheck, self.ui.nextDueEdit)
        result = self.errors.guard(
            lambda: self._placements.mark_done(self.action.id, done_on, next_action, next_due)
        )
        if result is None:
            return
        self.result_value = result
        common.changes().changed.emit("follow_up")
        super().accept()

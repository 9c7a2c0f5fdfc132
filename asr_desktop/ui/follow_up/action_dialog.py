"""Schedule the next action (« Prochaine action ») on a person, a company or a lot: due date,
kind and note. Opened from an action of the agenda, it also marks that action as done
(``PlacementService.mark_done`` with the next one), unless the user unticks the box."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QDialog, QWidget

from asr_desktop.domain.enums import ActionKind, FollowUpSubject
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import FollowUpAction
from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.fields import (
    combo_enum,
    date_field,
    enum_combo,
    french_buttons,
    read_date,
)
from asr_desktop.ui.forms.ui_action_dialog import Ui_ActionDialog

#: The due date proposed: in a week.
DEFAULT_DELAY = timedelta(days=7)


class ActionDialog(QDialog):
    """``saved`` holds the action planned once stored; ``closed_action`` the action closed with it
    (``current``), if any."""

    def __init__(
        self,
        services: Services,
        subject: FollowUpSubject,
        subject_id: int,
        *,
        subject_text: str = "",
        current: FollowUpAction | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_ActionDialog()
        self.ui.setupUi(self)
        self._services = services
        self._subject = subject
        self._subject_id = subject_id
        self._current = current
        self.saved: FollowUpAction | None = None
        self.closed_action: FollowUpAction | None = None
        ui = self.ui
        french_buttons(ui.buttonBox, "&Planifier")
        ui.buttonBox.accepted.connect(self.accept)
        ui.buttonBox.rejected.connect(self.reject)
        self.errors = common.FormErrors(ui.generalErrorLabel)
        self.errors.bind("due_date", ui.dueDateEdit, "next_due")
        self.errors.bind("kind", ui.kindCombo, "next_kind")
        self.errors.bind("summary", ui.summaryEdit, "next_action")
        date_field(ui.dueDateEdit, common.today() + DEFAULT_DELAY)
        enum_combo(ui.kindCombo, ActionKind, current.kind if current else ActionKind.CALL)
        header = f"Pour <b>{subject_text}</b>." if subject_text else ""
        if current is None:
            ui.closeCurrentCheck.hide()
            ui.closeCurrentLabel.hide()
        else:
            header += f"<br>Action en cours : « {current.summary} »."
            ui.closeCurrentCheck.setChecked(True)
        ui.headerLabel.setText(header)
        ui.headerLabel.setVisible(bool(header))

    def _save(self) -> FollowUpAction:
        ui = self.ui
        due = read_date(ui.dueDateEdit, "due_date", "L'échéance", required=True)
        summary = ui.summaryEdit.text().strip()
        if not summary:
            raise ValidationError("Indiquez ce qu'il faudra faire.", "summary")
        kind = combo_enum(ui.kindCombo, ActionKind)
        today = common.today()
        placements = self._services.placements
        if self._current is not None and ui.closeCurrentCheck.isChecked():
            done = placements.mark_done(self._current.id, today, summary, due, kind)
            self.closed_action = done.done
            assert done.next is not None  # a due date was given
            return done.next
        return placements.add_action(
            FollowUpAction(
                id=None,
                subject=self._subject,
                subject_id=self._subject_id,
                kind=kind,
                summary=summary,
                occurred_on=today,
                due_date=due,
            )
        )

    def accept(self) -> None:
        saved = self.errors.guard(self._save)
        if saved is None:
            return
        self.saved = saved
        common.changes().changed.emit("follow_up")
        super().accept()

"""The small dialog of a correction in the hours grid: why the stored line changes
(``forms/hours_reason_dialog.ui``). Saving records the new version of the line through
``HoursService.record_month``; the previous version stays in the history."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from asr_desktop.services.hours import HoursService, RecordedHours
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.hours_model import Correction
from asr_desktop.ui.forms.ui_hours_reason_dialog import Ui_HoursReasonDialog


class HoursReasonDialog(QDialog):
    """Asks the reason of ``correction`` and records it; ``saved`` holds the new version."""

    def __init__(self, hours: HoursService, correction: Correction, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = Ui_HoursReasonDialog()
        self.ui.setupUi(self)
        self._hours = hours
        self.correction = correction
        self.saved: RecordedHours | None = None
        self.ui.changeLabel.setText(correction.summary())
        save = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        save.setText("&Enregistrer la correction")
        save.setDefault(True)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.errors = common.FormErrors(self.ui.generalErrorLabel)
        self.errors.bind("reason", self.ui.reasonEdit)
        self.ui.reasonEdit.setFocus()

    def accept(self) -> None:
        c = self.correction
        current = c.current
        saved = self.errors.guard(
            lambda: self._hours.record_month(
                c.line.placement.id,
                c.month,
                c.worked,
                c.training,
                current.invoice_amount,
                current.proof_ref,
                self.ui.reasonEdit.text(),
                lot_id=current.lot_id,
            )
        )
        if saved is None:
            self.adjustSize()  # room for the message under the field
            return
        self.saved = saved
        super().accept()

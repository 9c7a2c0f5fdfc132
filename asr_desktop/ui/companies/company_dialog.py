"""Create or edit a company (``forms/company_dialog.ui``): the SIRET is checked as it is typed,
and a SIRET already in the base offers to open the company that has it."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QWidget

from asr_desktop.domain.enums import CompanyKind
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.model import Company
from asr_desktop.services.companies import CompanyService
from asr_desktop.ui import common
from asr_desktop.ui.companies.siret_check import SiretCheck, SiretState, check_siret
from asr_desktop.ui.forms.ui_company_dialog import Ui_CompanyDialog
from asr_desktop.ui.item_models import TONES

_STATE_COLOURS = {
    SiretState.EMPTY: TONES["muted"].name(),
    SiretState.INCOMPLETE: TONES["warning"].name(),
    SiretState.INVALID: common.ERROR_COLOUR,
    SiretState.VALID: TONES["success"].name(),
}

#: Dialog fields bound to the names of the service's ValidationError fields.
_TEXT_FIELDS = {
    "name": "nameEdit",
    "address": "addressEdit",
    "postcode": "postcodeEdit",
    "city": "cityEdit",
    "naf": "nafEdit",
    "contact_name": "contactNameEdit",
    "contact_email": "contactEmailEdit",
    "contact_phone": "contactPhoneEdit",
}


class CompanyDialog(QDialog):
    """``company=None`` creates one. After « Enregistrer », ``saved`` holds the stored
    company; after « Ouvrir la fiche existante », ``open_requested`` holds the company that
    already has the SIRET typed (the dialog is then closed without saving)."""

    def __init__(
        self,
        companies: CompanyService,
        company: Company | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_CompanyDialog()
        self.ui.setupUi(self)
        self._companies = companies
        self.company = company
        self.saved: Company | None = None
        self.open_requested: Company | None = None
        self.siret_check: SiretCheck = check_siret("")
        self.duplicate: Company | None = None
        self._height_before = 0
        self.setWindowTitle(
            "Nouvelle entreprise" if company is None else f"Entreprise « {company.name} »"
        )
        save = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        save.setText("&Enregistrer")
        save.setDefault(True)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.siretStatusLabel.setTextFormat(Qt.TextFormat.PlainText)
        lines = self.ui.siretStatusLabel.fontMetrics().lineSpacing()
        self.ui.siretStatusLabel.setMinimumHeight(2 * lines + 2)  # a reason never jumps the form
        self.ui.siretStatusLabel.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.ui.duplicateLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.ui.duplicateFrame.setStyleSheet(
            f"QFrame#duplicateFrame {{ border: 1px solid {TONES['warning'].name()}; "
            "border-radius: 3px; }"
        )
        self.ui.duplicateLabel.setStyleSheet(f"color: {TONES['warning'].name()};")
        self.ui.duplicateFrame.hide()
        self.ui.openExistingButton.clicked.connect(self._open_existing)
        common.fill_combo(
            self.ui.kindCombo,
            [(kind.label, kind) for kind in CompanyKind],
            current=company.kind if company else CompanyKind.ORDINARY,
        )
        self.errors = common.FormErrors(self.ui.generalErrorLabel)
        for field, name in _TEXT_FIELDS.items():
            self.errors.bind(field, getattr(self.ui, name))
        self.errors.bind("kind", self.ui.kindCombo)
        self.errors.bind("siret", self.ui.siretEdit)
        self.ui.siretEdit.textChanged.connect(self._siret_changed)
        if company is not None:
            self._fill(company)
        self._siret_changed(self.ui.siretEdit.text())
        _align_labels(self.ui)
        self.ui.nameEdit.setFocus()

    # --- filling and reading ------------------------------------------------------------------

    def _fill(self, company: Company) -> None:
        self.ui.nameEdit.setText(company.name)
        self.ui.siretEdit.setText(company.siret)
        for field, name in _TEXT_FIELDS.items():
            if field != "name":
                getattr(self.ui, name).setText(getattr(company, field) or "")

    def value(self) -> Company:
        """The company as typed (the service checks and cleans it)."""
        texts = {field: getattr(self.ui, name).text() for field, name in _TEXT_FIELDS.items()}
        number = self.siret_check.number or self.ui.siretEdit.text()
        kind = CompanyKind(self.ui.kindCombo.currentData())  # Qt gives back the value
        if self.company is None:
            return Company(id=None, siret=number, kind=kind, **texts)
        return replace(self.company, siret=number, kind=kind, **texts)

    # --- SIRET as typed -----------------------------------------------------------------------

    def _siret_changed(self, text: str) -> None:
        self.siret_check = check_siret(text)
        self._show_siret(self.siret_check)
        self.duplicate = self._existing_with(self.siret_check)
        if self.duplicate is not None:
            place = f" ({self.duplicate.city})" if self.duplicate.city else ""
            self.ui.duplicateLabel.setText(
                f"Ce SIRET est déjà celui de « {self.duplicate.name} »{place} : une "
                "entreprise n'a qu'une fiche."
            )
        self._show_duplicate(self.duplicate is not None)

    def _show_duplicate(self, shown: bool) -> None:
        """Show or hide the warning; the dialog grows for it and gives the height back."""
        frame = self.ui.duplicateFrame
        if shown == (not frame.isHidden()):
            return
        if shown:
            self._height_before = self.height()
            frame.show()
            layout = self.layout()
            layout.activate()
            needed = layout.totalHeightForWidth(self.width())
            if needed > self.height():  # a wrapped sentence must not be cut
                self.resize(self.width(), needed)
        else:
            frame.hide()
            before, self._height_before = self._height_before, 0
            # once the layout has let the frame go, and its minimum height with it
            QTimer.singleShot(0, lambda: self._shrink_to(before))

    def _shrink_to(self, height: int) -> None:
        layout = self.layout()
        layout.activate()
        self.resize(self.width(), max(height, layout.totalHeightForWidth(self.width())))

    def _show_siret(self, check: SiretCheck, *, alarm: bool = False) -> None:
        state = check.state
        if alarm and state in (SiretState.EMPTY, SiretState.INCOMPLETE):
            state = SiretState.INVALID
        label = self.ui.siretStatusLabel
        label.setText(check.message)
        label.setStyleSheet(f"color: {_STATE_COLOURS[state]};")
        edit: QLineEdit = self.ui.siretEdit
        edit.setProperty("invalid", state is SiretState.INVALID)
        edit.setStyleSheet(common.INVALID_STYLE if state is SiretState.INVALID else "")
        edit.setAccessibleDescription(check.message)

    def _existing_with(self, check: SiretCheck) -> Company | None:
        if not check.valid:
            return None
        try:
            found = self._companies.find_by_siret(check.number)
        except DomainError:
            return None
        if found is None or (self.company is not None and found.id == self.company.id):
            return None
        return found

    def _open_existing(self) -> None:
        if self.duplicate is not None:
            self.open_requested = self.duplicate
            self.reject()

    # --- saving -------------------------------------------------------------------------------

    def accept(self) -> None:
        if not self.siret_check.valid:
            self._show_siret(self.siret_check, alarm=True)
            self.ui.siretEdit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if self.duplicate is not None:  # the service would refuse it: say why, offer the record
            self.ui.openExistingButton.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        value = self.value()
        if self.company is None:
            saved = self.errors.guard(lambda: self._companies.create_company(value))
        else:
            saved = self.errors.guard(lambda: self._companies.update_company(value))
        if saved is None:
            return
        self.saved = saved
        common.changes().changed.emit("company")
        super().accept()


def _align_labels(ui: Ui_CompanyDialog) -> None:
    """One width for the labels of the three groups, so that their fields line up."""
    labels = [
        ui.nameLabel,
        ui.siretLabel,
        ui.kindLabel,
        ui.nafLabel,
        ui.addressLabel,
        ui.postcodeLabel,
        ui.cityLabel,
        ui.contactNameLabel,
        ui.contactEmailLabel,
        ui.contactPhoneLabel,
    ]
    width = max(label.sizeHint().width() for label in labels)
    for label in labels:
        label.setMinimumWidth(width)

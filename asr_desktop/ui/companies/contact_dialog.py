"""Add or edit one contact of a company (``forms/company_contact_dialog.ui``)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from asr_desktop.domain.model import Company, CompanyContact
from asr_desktop.services.companies import CompanyService
from asr_desktop.ui import common
from asr_desktop.ui.forms.ui_company_contact_dialog import Ui_CompanyContactDialog

_FIELDS = {"name": "nameEdit", "role": "roleEdit", "phone": "phoneEdit", "email": "emailEdit"}


class ContactDialog(QDialog):
    """``contact=None`` adds one to ``company``; ``saved`` holds the stored contact."""

    def __init__(
        self,
        companies: CompanyService,
        company: Company,
        contact: CompanyContact | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_CompanyContactDialog()
        self.ui.setupUi(self)
        self._companies = companies
        self.company = company
        self.contact = contact
        self.saved: CompanyContact | None = None
        self.setWindowTitle("Nouveau contact" if contact is None else "Modifier le contact")
        self.ui.companyLabel.setText(f"Entreprise : {company.name}")
        save = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        save.setText("&Enregistrer")
        save.setDefault(True)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.errors = common.FormErrors(self.ui.generalErrorLabel)
        for field, name in _FIELDS.items():
            self.errors.bind(field, getattr(self.ui, name))
        if contact is not None:
            for field, name in _FIELDS.items():
                getattr(self.ui, name).setText(getattr(contact, field) or "")
        self.ui.nameEdit.setFocus()

    def value(self) -> CompanyContact:
        texts = {field: getattr(self.ui, name).text() for field, name in _FIELDS.items()}
        if self.contact is None:
            return CompanyContact(id=None, company_id=self.company.id, **texts)
        return replace(self.contact, **texts)

    def accept(self) -> None:
        value = self.value()
        if self.contact is None:
            saved = self.errors.guard(lambda: self._companies.add_contact(value))
        else:
            saved = self.errors.guard(lambda: self._companies.update_contact(value))
        if saved is None:
            return
        self.saved = saved
        common.changes().changed.emit("company")
        super().accept()

"""Create/edit dialogs of the three upper levels: contracting authority, operation, market.

Each is built from its ``forms/*.ui``, filled from a domain value (``None`` to create),
checks what can be checked as it is typed, and on « Enregistrer » calls one service method;
a refused value is shown under its field and the dialog stays open with what was typed.
The stored value is then ``dialog.saved``. The lot's dialog is ``lot_dialog.py``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget
from stdnum.fr import siret as stdnum_siret

from asr_desktop.domain.enums import AuthorityKind, LegalMechanism, MarketKind, Sector
from asr_desktop.domain.model import Authority, Market, Operation
from asr_desktop.services.container import Services
from asr_desktop.ui.common import changes, fill_combo
from asr_desktop.ui.forms.ui_authority_dialog import Ui_AuthorityDialog
from asr_desktop.ui.forms.ui_market_dialog import Ui_MarketDialog
from asr_desktop.ui.forms.ui_operation_dialog import Ui_OperationDialog
from asr_desktop.ui.markets.fields import (
    SpotErrors,
    amount_of,
    date_of,
    fill_enum,
    number_of,
    show_amount,
    show_date,
    show_number,
    text_of,
)


class RecordDialog(QDialog):
    """What the dialogs share: the form, French buttons, errors under the fields, and
    ``accept()`` that closes only when the service stored the value (``saved``)."""

    changed_kind = "lot"  # what ``changes()`` announces after a save

    def __init__(self, form: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = form
        self.ui.setupUi(self)
        self.errors = SpotErrors(self.ui.generalErrorLabel)
        buttons = self.ui.buttonBox
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.saved: Any = None

    def save(self) -> Any:
        """Read the form and call the service (raises ``ValidationError`` on a bad value)."""
        raise NotImplementedError

    def accept(self) -> None:
        saved = self.errors.guard(self.save)
        if saved is None:
            return
        self.saved = saved
        changes().changed.emit(self.changed_kind)
        super().accept()


class AuthorityDialog(RecordDialog):
    changed_kind = "authority"

    def __init__(self, services: Services, authority: Authority | None = None, parent=None):
        super().__init__(Ui_AuthorityDialog(), parent)
        self._services = services
        self._authority = authority
        ui = self.ui
        self.setWindowTitle(
            "Modifier le donneur d'ordre" if authority else "Nouveau donneur d'ordre"
        )
        fill_enum(ui.kindCombo, AuthorityKind, authority.kind if authority else None)
        if authority is not None:
            ui.nameEdit.setText(authority.name)
            ui.communeEdit.setText(authority.commune or "")
            ui.siretEdit.setText(authority.siret or "")
            ui.contactNameEdit.setText(authority.contact_name or "")
            ui.contactEmailEdit.setText(authority.contact_email or "")
            ui.contactPhoneEdit.setText(authority.contact_phone or "")
        for field, widget in (
            ("name", ui.nameEdit),
            ("kind", ui.kindCombo),
            ("siret", ui.siretEdit),
            ("contact_email", ui.contactEmailEdit),
        ):
            self.errors.bind(field, widget)
        self.errors.require_when_left(
            ui.nameEdit, "name", "Le nom du donneur d'ordre est obligatoire."
        )
        ui.siretEdit.editingFinished.connect(self._check_siret)

    def _check_siret(self) -> None:
        text = self.ui.siretEdit.text().strip()
        if text and not stdnum_siret.is_valid(text):
            self.errors.show_quietly(
                f"Le SIRET « {text} » n'est pas valide : 14 chiffres dont le dernier est une clé "
                "de contrôle (vérifiez la saisie, ou laissez le champ vide).",
                "siret",
            )

    def save(self) -> Authority:
        ui = self.ui
        value = Authority(
            id=self._authority.id if self._authority else None,
            name=ui.nameEdit.text(),
            kind=AuthorityKind(ui.kindCombo.currentData()),
            commune=text_of(ui.communeEdit),
            siret=text_of(ui.siretEdit),
            contact_name=text_of(ui.contactNameEdit),
            contact_email=text_of(ui.contactEmailEdit),
            contact_phone=text_of(ui.contactPhoneEdit),
        )
        clauses = self._services.clauses
        if self._authority is None:
            return clauses.create_authority(value)
        return clauses.update_authority(value)


class OperationDialog(RecordDialog):
    changed_kind = "operation"

    def __init__(
        self,
        services: Services,
        operation: Operation | None = None,
        *,
        authority_id: int | None = None,
        parent=None,
    ):
        super().__init__(Ui_OperationDialog(), parent)
        self._services = services
        self._operation = operation
        ui = self.ui
        self.setWindowTitle("Modifier l'opération" if operation else "Nouvelle opération")
        current = operation.authority_id if operation else authority_id
        fill_combo(
            ui.authorityCombo,
            [(a.name, a.id) for a in services.clauses.list_authorities()],
            current=current,
        )
        if operation is not None:
            ui.nameEdit.setText(operation.name)
            ui.communeEdit.setText(operation.commune or "")
            ui.anruCheck.setChecked(operation.anru)
            ui.anruConventionEdit.setText(operation.anru_convention or "")
            ui.qpvCheck.setChecked(operation.qpv)
            ui.qpvCodeEdit.setText(operation.qpv_code or "")
            show_date(ui.startDateEdit, operation.start_date)
            show_date(ui.endDateEdit, operation.end_date)
        ui.anruCheck.toggled.connect(self._enable)
        ui.qpvCheck.toggled.connect(self._enable)
        self._enable()
        for field, widget in (
            ("authority_id", ui.authorityCombo),
            ("name", ui.nameEdit),
            ("start_date", ui.startDateEdit),
            ("end_date", ui.endDateEdit),
        ):
            self.errors.bind(field, widget)
        self.errors.require_when_left(ui.nameEdit, "name", "Le nom de l'opération est obligatoire.")
        for field, widget in (("start_date", ui.startDateEdit), ("end_date", ui.endDateEdit)):
            self.errors.check_when_left(widget, field, lambda w=widget, f=field: date_of(w, f))

    def _enable(self) -> None:
        self.ui.anruConventionEdit.setEnabled(self.ui.anruCheck.isChecked())
        self.ui.qpvCodeEdit.setEnabled(self.ui.qpvCheck.isChecked())

    def save(self) -> Operation:
        ui = self.ui
        value = Operation(
            id=self._operation.id if self._operation else None,
            authority_id=ui.authorityCombo.currentData(),
            name=ui.nameEdit.text(),
            commune=text_of(ui.communeEdit),
            anru=ui.anruCheck.isChecked(),
            qpv=ui.qpvCheck.isChecked(),
            qpv_code=text_of(ui.qpvCodeEdit) if ui.qpvCheck.isChecked() else None,
            anru_convention=text_of(ui.anruConventionEdit) if ui.anruCheck.isChecked() else None,
            start_date=date_of(ui.startDateEdit, "start_date"),
            end_date=date_of(ui.endDateEdit, "end_date"),
        )
        clauses = self._services.clauses
        if self._operation is None:
            return clauses.create_operation(value)
        return clauses.update_operation(value)


class MarketDialog(RecordDialog):
    changed_kind = "market"

    def __init__(
        self,
        services: Services,
        market: Market | None = None,
        *,
        operation_id: int | None = None,
        parent=None,
    ):
        super().__init__(Ui_MarketDialog(), parent)
        self._services = services
        self._market = market
        self._operation_id = market.operation_id if market else operation_id
        ui = self.ui
        self.setWindowTitle("Modifier le marché" if market else "Nouveau marché")
        operation = services.clauses.get_operation(self._operation_id)
        ui.operationLabel.setText(operation.name)
        fill_enum(ui.mechanismCombo, LegalMechanism, market.mechanism if market else None)
        fill_enum(ui.kindCombo, MarketKind, market.kind if market else None)
        fill_enum(ui.sectorCombo, Sector, market.sector if market else None)
        if market is not None:
            ui.referenceEdit.setText(market.reference)
            ui.objectEdit.setText(market.object)
            show_amount(ui.amountEdit, market.amount_ht)
            show_amount(ui.maxAmountEdit, market.max_amount_ht)
            ui.frameAgreementCheck.setChecked(market.frame_agreement)
            show_date(ui.notificationDateEdit, market.notification_date)
            show_date(ui.startDateEdit, market.start_date)
            show_date(ui.endDateEdit, market.end_date)
            show_number(ui.awardWeightEdit, market.award_weight_pct)
            ui.justificationEdit.setPlainText(market.no_clause_justification or "")
        fields = {
            "reference": ui.referenceEdit,
            "object": ui.objectEdit,
            "mechanism": ui.mechanismCombo,
            "kind": ui.kindCombo,
            "sector": ui.sectorCombo,
            "amount_ht": ui.amountEdit,
            "max_amount_ht": ui.maxAmountEdit,
            "notification_date": ui.notificationDateEdit,
            "start_date": ui.startDateEdit,
            "end_date": ui.endDateEdit,
            "award_weight_pct": ui.awardWeightEdit,
        }
        for field, widget in fields.items():
            self.errors.bind(field, widget)
        self.errors.require_when_left(
            ui.referenceEdit, "reference", "La référence du marché est obligatoire."
        )
        self.errors.require_when_left(ui.objectEdit, "object", "L'objet du marché est obligatoire.")
        for field in ("amount_ht", "max_amount_ht"):
            widget = fields[field]
            self.errors.check_when_left(widget, field, lambda w=widget, f=field: amount_of(w, f))
        for field in ("notification_date", "start_date", "end_date"):
            widget = fields[field]
            self.errors.check_when_left(widget, field, lambda w=widget, f=field: date_of(w, f))
        self.errors.check_when_left(ui.awardWeightEdit, "award_weight_pct", self._weight)

    def _weight(self):
        return number_of(
            self.ui.awardWeightEdit, "award_weight_pct", "Le poids du critère d'insertion"
        )

    def save(self) -> Market:
        ui = self.ui
        value = Market(
            id=self._market.id if self._market else None,
            operation_id=self._operation_id,
            reference=ui.referenceEdit.text(),
            object=ui.objectEdit.text(),
            mechanism=LegalMechanism(ui.mechanismCombo.currentData()),
            kind=MarketKind(ui.kindCombo.currentData()),
            sector=Sector(ui.sectorCombo.currentData()),
            amount_ht=amount_of(ui.amountEdit, "amount_ht"),
            max_amount_ht=amount_of(ui.maxAmountEdit, "max_amount_ht"),
            frame_agreement=ui.frameAgreementCheck.isChecked(),
            notification_date=date_of(ui.notificationDateEdit, "notification_date"),
            start_date=date_of(ui.startDateEdit, "start_date"),
            end_date=date_of(ui.endDateEdit, "end_date"),
            award_weight_pct=self._weight(),
            no_clause_justification=text_of(ui.justificationEdit),
        )
        clauses = self._services.clauses
        if self._market is None:
            return clauses.create_market(value)
        return clauses.update_market(value)

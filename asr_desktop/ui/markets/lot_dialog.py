"""Create or edit a lot (``forms/lot_dialog.ui``): its identity, its clause, and its
calibration with the calculator (the required hours shown as the inputs are typed).

Creation stores the lot with ``ClauseService.create_calibrated_lot`` (method and inputs, the
empty ones filled from the parameters in force); an edit stores it with ``update_lot`` and the
calibration the calculator shows. Either way one service call, errors under their fields.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem, QVBoxLayout

from asr_desktop.domain.criteria import CRITERIA
from asr_desktop.domain.enums import LotStatus
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import Lot
from asr_desktop.services.container import Services
from asr_desktop.ui.common import fill_combo
from asr_desktop.ui.forms.ui_lot_dialog import Ui_LotDialog
from asr_desktop.ui.markets.calculator import CalibrationCalculator
from asr_desktop.ui.markets.dialogs import RecordDialog
from asr_desktop.ui.markets.fields import (
    amount_of,
    date_of,
    fill_enum,
    percent_of,
    show_amount,
    show_date,
    show_percent,
    text_of,
)

#: Which tab holds each field, to show the tab of a refused value.
_TAB_OF = {
    "eligible_publics": 1,
    "penalty_per_hour": 1,
    "conversion_labour_share": 1,
    "conversion_hourly_cost": 1,
}


class LotDialog(RecordDialog):
    changed_kind = "lot"

    def __init__(
        self,
        services: Services,
        lot: Lot | None = None,
        *,
        market_id: int | None = None,
        parent=None,
    ):
        super().__init__(Ui_LotDialog(), parent)
        self._services, self._lot = services, lot
        self._market_id = lot.market_id if lot is not None else market_id
        ui = self.ui
        self.setWindowTitle("Modifier le lot" if lot else "Nouveau lot")
        market = services.clauses.get_market(self._market_id)  # type: ignore[arg-type]
        ui.marketLabel.setText(f"{market.reference} — {market.object}")
        fill_enum(ui.statusCombo, LotStatus, lot.status if lot else None)
        users = services.users.list_users(active_only=True)
        fill_combo(
            ui.facilitatorCombo,
            [(u.display_name, u.id) for u in users],
            empty="—",
            current=lot.facilitator_id if lot else services.user_id,
        )
        ui.publicsList.setToolTip(
            "Aucun public coché : tout critère de la liste commune des clauses (AVE) suffit."
        )
        for criterion in CRITERIA:
            item = QListWidgetItem(criterion.label, ui.publicsList)
            item.setData(Qt.ItemDataRole.UserRole, criterion.code)
            chosen = lot is not None and criterion.code in lot.eligible_publics
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
        ui.trainingCheck.setChecked(True if lot is None else lot.training_hours_counted)
        if lot is not None:
            self._fill(lot)
        self.calculator = CalibrationCalculator(services, ui.calculatorHolder)
        holder_layout = QVBoxLayout(ui.calculatorHolder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.calculator)
        amount = lot.amount_ht if lot else None
        self.calculator.set_context(self._market_id, amount, lot.calibration if lot else None)
        self._bind()

    def _fill(self, lot: Lot) -> None:
        ui = self.ui
        ui.numberEdit.setText(lot.number)
        ui.titleEdit.setText(lot.title)
        show_amount(ui.amountEdit, lot.amount_ht)
        show_date(ui.startDateEdit, lot.start_date)
        show_date(ui.endDateEdit, lot.end_date)
        show_amount(ui.penaltyEdit, lot.penalty_per_hour)
        ui.globalisationCheck.setChecked(lot.globalisation_allowed)
        show_percent(ui.conversionShareEdit, lot.conversion_labour_share)
        show_amount(ui.conversionCostEdit, lot.conversion_hourly_cost)
        ui.clauseTextEdit.setPlainText(lot.clause_text or "")

    def _bind(self) -> None:
        ui, errors = self.ui, self.errors
        fields = {
            "number": ui.numberEdit,
            "title": ui.titleEdit,
            "status": ui.statusCombo,
            "amount_ht": ui.amountEdit,
            "start_date": ui.startDateEdit,
            "end_date": ui.endDateEdit,
            "facilitator_id": ui.facilitatorCombo,
            "eligible_publics": ui.publicsList,
            "penalty_per_hour": ui.penaltyEdit,
            "conversion_labour_share": ui.conversionShareEdit,
            "conversion_hourly_cost": ui.conversionCostEdit,
        }
        for field, widget in fields.items():
            errors.bind(field, widget)
        errors.require_when_left(ui.numberEdit, "number", "Le numéro du lot est obligatoire.")
        errors.require_when_left(ui.titleEdit, "title", "L'intitulé du lot est obligatoire.")
        for field in ("amount_ht", "penalty_per_hour", "conversion_hourly_cost"):
            widget = fields[field]
            errors.check_when_left(widget, field, lambda w=widget, f=field: amount_of(w, f))
        for field in ("start_date", "end_date"):
            widget = fields[field]
            errors.check_when_left(widget, field, lambda w=widget, f=field: date_of(w, f))
        errors.check_when_left(
            ui.conversionShareEdit,
            "conversion_labour_share",
            lambda: percent_of(ui.conversionShareEdit, "conversion_labour_share"),
        )
        ui.amountEdit.editingFinished.connect(self._amount_to_calculator)

    def _amount_to_calculator(self) -> None:
        with contextlib.suppress(ValidationError):  # shown under the field by its own check
            self.calculator.set_lot_amount(amount_of(self.ui.amountEdit, "amount_ht"))

    def _publics(self) -> tuple[str, ...]:
        items = (self.ui.publicsList.item(i) for i in range(self.ui.publicsList.count()))
        return tuple(
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        )

    def _fields(self) -> dict[str, Any]:
        ui = self.ui
        return {
            "amount_ht": amount_of(ui.amountEdit, "amount_ht"),
            "start_date": date_of(ui.startDateEdit, "start_date"),
            "end_date": date_of(ui.endDateEdit, "end_date"),
            "status": LotStatus(ui.statusCombo.currentData()),
            "eligible_publics": self._publics(),
            "penalty_per_hour": amount_of(ui.penaltyEdit, "penalty_per_hour"),
            "globalisation_allowed": ui.globalisationCheck.isChecked(),
            "training_hours_counted": ui.trainingCheck.isChecked(),
            "conversion_labour_share": percent_of(
                ui.conversionShareEdit, "conversion_labour_share"
            ),
            "conversion_hourly_cost": amount_of(ui.conversionCostEdit, "conversion_hourly_cost"),
            "clause_text": text_of(ui.clauseTextEdit),
            "facilitator_id": ui.facilitatorCombo.currentData(),
        }

    def save(self) -> Lot:
        ui = self.ui
        fields = self._fields()
        self.calculator.set_lot_amount(fields["amount_ht"])
        calibration = self.calculator.result
        if calibration is None:
            ui.tabs.setCurrentIndex(2)
            self.calculator.recompute()  # shows why under the calculator's field
            raise ValidationError(
                "Le calibrage n'est pas complet : voyez l'onglet « Calibrage ».", "calibration"
            )
        clauses = self._services.clauses
        if self._lot is None:
            return clauses.create_calibrated_lot(
                self._market_id,  # type: ignore[arg-type]
                ui.numberEdit.text(),
                ui.titleEdit.text(),
                self.calculator.method(),
                self.calculator.inputs(),
                **fields,
            )
        value = replace(
            self._lot,
            number=ui.numberEdit.text(),
            title=ui.titleEdit.text(),
            calibration=calibration,
            **fields,
        )
        return clauses.update_lot(value)

    def accept(self) -> None:
        super().accept()
        field = next(iter(self.errors.shown), None)
        if field in _TAB_OF:
            self.ui.tabs.setCurrentIndex(_TAB_OF[field])
        elif field and field != "calibration" and field != "":
            self.ui.tabs.setCurrentIndex(0)

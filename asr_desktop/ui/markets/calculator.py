"""The calibration calculator: a method of ``domain.calibration``, its inputs, and the required
hours recomputed as they are typed by ``ClauseService.compute_calibration`` (empty inputs take
the parameters in force at the market's date; the values retained are shown in grey).

Used by the lot pane (« Appliquer » stores the result on the lot) and by the lot dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.calibration import needed_inputs
from asr_desktop.domain.enums import CalibrationMethod
from asr_desktop.domain.errors import DomainError, ValidationError
from asr_desktop.domain.formats import (
    format_amount,
    format_date,
    format_hours,
    format_number,
    format_percent,
)
from asr_desktop.domain.model import Calibration
from asr_desktop.services.container import Services
from asr_desktop.ui.markets.fields import (
    SpotErrors,
    amount_of,
    fill_enum,
    hours_of,
    percent_of,
    text_of,
    whole_of,
)


@dataclass(frozen=True)
class InputSpec:
    label: str
    kind: str  # "amount", "percent", "hours", "whole", "text"
    hint: str = ""


INPUTS: dict[str, InputSpec] = {
    "amount_ht": InputSpec("Montant HT", "amount", "montant du lot si vide"),
    "labour_share": InputSpec("Part de main-d'œuvre", "percent", "ex. 40 %"),
    "insertion_rate": InputSpec("Taux d'insertion", "percent", "ex. 5 %"),
    "hourly_cost": InputSpec("Coût horaire chargé", "amount", "ex. 30 €"),
    "euros_per_hour": InputSpec("Montant par heure d'insertion", "amount", "ex. 2 000 €"),
    "estimated_total_hours": InputSpec("Heures travaillées estimées", "hours", "ex. 12 000"),
    "hours_percent": InputSpec("Part des heures travaillées", "percent", "ex. 7 %"),
    "months": InputSpec("Durée en mois (N)", "whole", "ex. 36"),
    "transferred_monthly_hours": InputSpec(
        "Heures mensuelles du personnel transféré (S)", "hours", "0 si vide"
    ),
    "turnover_per_hour": InputSpec(
        "Chiffre d'affaires par heure (C)", "amount", "paramètre en vigueur si vide"
    ),
    "min_hours": InputSpec("Seuil de la formule propreté", "hours", "paramètre en vigueur si vide"),
    "required_hours": InputSpec("Heures exigées", "hours", "ex. 1 200"),
    "note": InputSpec("Note", "text", "d'où viennent ces chiffres (CCAP, article…)"),
}
#: Inputs a method accepts besides those it needs (``domain.calibration`` only publishes the
#: needed ones): the optional terms of the cleaning formula, and a note for every method.
_OPTIONAL = {
    CalibrationMethod.CLEANING: ("transferred_monthly_hours", "turnover_per_hour", "min_hours"),
}
_LABELS_BY_METHOD = {(CalibrationMethod.CLEANING, "amount_ht"): "Chiffre d'affaires estimé (A)"}


def inputs_for(method: CalibrationMethod) -> tuple[str, ...]:
    return (*needed_inputs(method), *_OPTIONAL.get(method, ()), "note")


def shown_value(name: str, value: object) -> str:
    """A stored input as the field shows it (« 5 % », « 30,00 € », « 1 200 »)."""
    if value is None:
        return ""
    kind = INPUTS[name].kind
    if kind == "percent":
        return format_percent(value, 2)
    if kind == "amount":
        return format_amount(value)
    if kind in ("hours", "whole"):
        return format_number(value, 2)
    return str(value)


class CalibrationCalculator(QWidget):
    """``set_context(market_id, lot_amount, calibration)`` then the user types; ``result`` is
    the calibration the inputs give (None while they give none), ``changed`` says it moved."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self._market_id: int | None = None
        self._lot_amount: Decimal | None = None
        self._filling = False
        self.result: Calibration | None = None
        self.edits: dict[str, QLineEdit] = {}
        self._labels: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        self.method_combo = QComboBox(self)
        self.method_combo.setObjectName("methodCombo")
        fill_enum(self.method_combo, CalibrationMethod)
        method_label = QLabel("Mét&hode", self)
        method_label.setBuddy(self.method_combo)
        self.form.addRow(method_label, self.method_combo)
        self.result_label = QLabel("—", self)
        self.result_label.setObjectName("calibrationResult")
        font = QFont(self.result_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.result_label.setFont(font)
        #: The result, then room for an action on it (the lot pane puts « Appliquer » there).
        self.result_line = QHBoxLayout()
        self.result_line.addWidget(self.result_label, 1)
        self.form.addRow("Heures exigées calculées", self.result_line)
        self.info_label = QLabel("", self)
        self.info_label.setObjectName("calibrationInfo")
        self.info_label.setWordWrap(True)
        self.form.addRow(self.info_label)
        for name, spec in INPUTS.items():
            edit = QLineEdit(self)
            edit.setObjectName(f"{name}Edit")
            label = QLabel(spec.label, self)
            label.setBuddy(edit)
            self.form.addRow(label, edit)
            self.edits[name], self._labels[name] = edit, label
            edit.textChanged.connect(self.recompute)
        general = QLabel(self)
        general.setObjectName("calculatorError")
        layout.addWidget(general)
        self.errors = SpotErrors(general)
        for name, edit in self.edits.items():
            self.errors.bind(name, edit)
        self.errors.bind("method", self.method_combo)
        self.method_combo.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

    # --- state --------------------------------------------------------------------------

    def method(self) -> CalibrationMethod:
        return CalibrationMethod(self.method_combo.currentData())

    def set_context(
        self,
        market_id: int | None,
        lot_amount: Decimal | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        """The market whose parameters apply, the lot's amount, the calibration to show."""
        self._market_id, self._lot_amount = market_id, lot_amount
        self._filling = True
        try:
            if calibration is not None:
                self.method_combo.setCurrentIndex(self.method_combo.findData(calibration.method))
            for name, edit in self.edits.items():
                stored = getattr(calibration, name, None) if calibration is not None else None
                if name == "required_hours" and calibration is not None:
                    manual = calibration.method is CalibrationMethod.MANUAL
                    stored = calibration.required_hours if manual else None
                edit.setText(shown_value(name, stored))
            self._method_changed()
        finally:
            self._filling = False
        self.recompute()

    def set_lot_amount(self, amount: Decimal | None) -> None:
        if amount != self._lot_amount:
            self._lot_amount = amount
            self.recompute()

    def inputs(self) -> dict[str, object]:
        """The values typed for the method, read as French text (``ValidationError`` names
        the field that cannot be read); empty fields are left out."""
        readers: dict[str, Callable[[QLineEdit, str], object]] = {
            "amount": amount_of,
            "percent": percent_of,
            "hours": hours_of,
            "whole": lambda w, f: whole_of(w, f, INPUTS[f].label),
            "text": lambda w, f: text_of(w),
        }
        values = {}
        for name in inputs_for(self.method()):
            value = readers[INPUTS[name].kind](self.edits[name], name)
            if value is not None:
                values[name] = value
        return values

    # --- behaviour ----------------------------------------------------------------------

    def _method_changed(self) -> None:
        method = self.method()
        used = set(inputs_for(method))
        self.errors.clear()
        for name, edit in self.edits.items():
            self.form.setRowVisible(edit, name in used)
            label = _LABELS_BY_METHOD.get((method, name), INPUTS[name].label)
            self._labels[name].setText(label)
        self.method_combo.setToolTip(method.label)
        self.recompute()

    def recompute(self) -> None:
        """Ask the service what the inputs give; show the result or why there is none."""
        if self._filling:
            return
        self.errors.clear()
        self.result = None
        if self._market_id is None:
            self._show(None, "Choisissez d'abord le marché du lot.")
            return
        try:
            self.result = self._services.clauses.compute_calibration(
                self._market_id, self.method(), self.inputs(), self._lot_amount
            )
        except ValidationError as error:
            self._show(None, "")
            self.errors.show_quietly(error)
        except DomainError as error:
            self._show(None, str(error))
        else:
            self._show(self.result, self._explain(self.result))
        self.changed.emit()

    def _show(self, result: Calibration | None, info: str) -> None:
        self.result_label.setText(format_hours(result.required_hours) if result else "—")
        self.info_label.setText(info)
        for name, edit in self.edits.items():
            kept = getattr(result, name, None) if result is not None else None
            edit.setPlaceholderText(
                f"{shown_value(name, kept)} (valeur retenue)"
                if kept is not None and name != "required_hours"
                else INPUTS[name].hint
            )

    def _explain(self, result: Calibration) -> str:
        on = self._services.clauses.calibration_date(self._market_id)
        text = f"Champs vides : paramètres en vigueur au {format_date(on)}."
        if result.note and result.note != self.edits["note"].text().strip():
            text += f"\n{result.note}"
        return text

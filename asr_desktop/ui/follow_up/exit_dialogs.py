"""Record a situation: at the exit from the clause (``ClosePlacementDialog`` →
``PlacementService.close_placement``, which also schedules M+6 and M+12) or at a follow-up
point (``OutcomeDialog`` → ``record_outcome``). The situations are grouped under the national
outcome classes of the domain, and the class of the one chosen is shown as it is chosen."""

from __future__ import annotations

from PySide6.QtGui import QFont, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QDialog, QWidget

from asr_desktop.domain.enums import (
    ContractType,
    InformationSource,
    OutcomeClass,
    Situation,
)
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_date
from asr_desktop.domain.model import Outcome, Placement
from asr_desktop.domain.outcomes import classify_outcome
from asr_desktop.services.container import Services
from asr_desktop.services.placements import ClosedPlacement
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.fields import (
    combo_enum,
    date_field,
    enum_combo,
    french_buttons,
    read_date,
)
from asr_desktop.ui.forms.ui_close_placement_dialog import Ui_ClosePlacementDialog
from asr_desktop.ui.forms.ui_outcome_dialog import Ui_OutcomeDialog

_CLASS_TONE = {
    OutcomeClass.DURABLE: "#1e6b34",
    OutcomeClass.TRANSITION: "#1e6b34",
    OutcomeClass.POSITIVE: "#1e6b34",
    OutcomeClass.OTHER: "#6b6b6b",
}


def fill_situations(combo: QComboBox, current: Situation | None = None) -> None:
    """Situations under the heading of their outcome class (headings cannot be chosen)."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("— à choisir —", None)
    model = combo.model()
    for outcome_class in OutcomeClass:
        combo.addItem(outcome_class.label.upper(), None)
        heading = model.item(combo.count() - 1) if isinstance(model, QStandardItemModel) else None
        if heading is not None:
            heading.setEnabled(False)
            font = QFont(heading.font())
            font.setBold(True)
            heading.setFont(font)
        for situation in Situation:
            if classify_outcome(situation) is outcome_class:
                combo.addItem(f"    {situation.label}", situation)
    combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
    combo.blockSignals(False)


class _ObservationForm:
    """The fields shared by both dialogs: date, situation (and its class), contract type,
    employer, source."""

    def _setup_observation(self, ui, date_edit, date_field_name: str) -> None:
        self._date_edit = date_edit
        self._date_field = date_field_name
        french_buttons(ui.buttonBox)
        ui.buttonBox.accepted.connect(self.accept)
        ui.buttonBox.rejected.connect(self.reject)
        self.errors = common.FormErrors(ui.generalErrorLabel)
        for field, widget in (
            (date_field_name, date_edit),
            ("situation", ui.situationCombo),
            ("contract_type", ui.contractCombo),
            ("employer_name", ui.employerNameEdit),
            ("source", ui.sourceCombo),
        ):
            self.errors.bind(field, widget)
        fill_situations(ui.situationCombo)
        enum_combo(ui.contractCombo, ContractType, empty="—")
        enum_combo(ui.sourceCombo, InformationSource, empty="—")
        ui.situationCombo.currentIndexChanged.connect(self._show_class)
        self._show_class()

    def _show_class(self) -> None:
        situation = combo_enum(self.ui.situationCombo, Situation)
        label = self.ui.classLabel
        if situation is None:
            label.setText("— (selon la situation choisie)")
            label.setStyleSheet("color: #6b6b6b;")
            return
        outcome_class = classify_outcome(situation)
        label.setText(outcome_class.label)
        label.setStyleSheet(f"color: {_CLASS_TONE[outcome_class]}; font-weight: bold;")

    def _observation(self, what: str) -> dict:
        ui = self.ui
        situation = combo_enum(ui.situationCombo, Situation)
        if situation is None:
            raise ValidationError("Choisissez la situation observée.", "situation")
        return {
            "situation": situation,
            "contract_type": combo_enum(ui.contractCombo, ContractType),
            "employer_name": ui.employerNameEdit.text().strip() or None,
            "source": combo_enum(ui.sourceCombo, InformationSource),
            self._date_field: read_date(self._date_edit, self._date_field, what, required=True),
        }


class ClosePlacementDialog(_ObservationForm, QDialog):
    """The exit from the clause of ``placement``: ``closed`` holds the ``ClosedPlacement``
    once stored (exit outcome, and the M+6 and M+12 points scheduled)."""

    def __init__(self, services: Services, placement: Placement, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = Ui_ClosePlacementDialog()
        self.ui.setupUi(self)
        self._services = services
        self._placement = placement
        self.closed: ClosedPlacement | None = None
        self._setup_observation(self.ui, self.ui.exitDateEdit, "exit_date")
        today = common.today()
        end = placement.end_date
        date_field(self.ui.exitDateEdit, end if end is not None and end <= today else today)
        person = services.participants.get(placement.participant_id)
        employer = services.companies.get_company(placement.employer_id)
        until = f" au {format_date(end)}" if end else ""
        self.setWindowTitle(f"Sortie de la clause — {person.display_name}")
        self.ui.headerLabel.setText(
            f"<b>{person.display_name}</b> — {employer.name} — contrat du "
            f"{format_date(placement.start_date)}{until}.<br>La sortie enregistre la situation "
            "de la personne et programme les suivis à 6 et à 12 mois."
        )

    def _save(self) -> ClosedPlacement:
        values = self._observation("La date de sortie")
        return self._services.placements.close_placement(
            self._placement.id,
            values.pop("exit_date"),
            values.pop("situation"),
            **values,
        )

    def accept(self) -> None:
        closed = self.errors.guard(self._save)
        if closed is None:
            return
        self.closed = closed
        common.changes().changed.emit("placement")
        super().accept()


class OutcomeDialog(_ObservationForm, QDialog):
    """The situation observed at a follow-up point (M+6, M+12): ``saved`` holds the
    ``Outcome`` once stored, with its class."""

    def __init__(self, services: Services, outcome: Outcome, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = Ui_OutcomeDialog()
        self.ui.setupUi(self)
        self._services = services
        self._outcome = outcome
        self.saved: Outcome | None = None
        self._setup_observation(self.ui, self.ui.observedOnEdit, "observed_on")
        date_field(self.ui.observedOnEdit, outcome.observed_on or common.today())
        if outcome.situation is not None:
            fill_situations(self.ui.situationCombo, outcome.situation)
            enum_combo(self.ui.contractCombo, ContractType, outcome.contract_type, empty="—")
            enum_combo(self.ui.sourceCombo, InformationSource, outcome.source, empty="—")
            self.ui.employerNameEdit.setText(outcome.employer_name or "")
            self._show_class()
        person = services.participants.get(outcome.participant_id)
        exit_text = ""
        if outcome.placement_id is not None:
            placement = services.placements.get(outcome.placement_id)
            if placement.exit_date is not None:
                exit_text = f" (sortie le {format_date(placement.exit_date)})"
        point = outcome.point.label.lower()
        self.setWindowTitle(f"Situation {point} — {person.display_name}")
        self.ui.headerLabel.setText(
            f"Situation <b>{point}</b> de <b>{person.display_name}</b>, prévue le "
            f"{format_date(outcome.due_date)}{exit_text}. Si la personne n'a pas pu être "
            "jointe, choisissez « Situation inconnue » et la source « Non joint »."
        )

    def _save(self) -> Outcome:
        values = self._observation("La date d'observation")
        return self._services.placements.record_outcome(
            self._outcome.id,
            values.pop("observed_on"),
            values.pop("situation"),
            **values,
        )

    def accept(self) -> None:
        saved = self.errors.guard(self._save)
        if saved is None:
            return
        self.saved = saved
        common.changes().changed.emit("outcome")
        super().accept()

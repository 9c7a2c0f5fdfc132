"""Create or change a placement (mise en emploi): candidate, lot and employer chosen by typing,
modality, contract type, dates, weekly hours and job title. As soon as the candidate and the
start date are known, the dialog shows what the service would warn about (no valid eligibility
at the start date…): visible, never blocking. Other pages open it too::

    dialog = PlacementDialog(services, participant_id=person.id, parent=self)
    if dialog.exec():
        dialog.saved  # PlacementSaved: the placement stored and its warnings
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget

from asr_desktop.domain.enums import ContractType, Modality
from asr_desktop.domain.errors import DomainError, ValidationError
from asr_desktop.domain.formats import format_date, parse_date
from asr_desktop.domain.model import Placement
from asr_desktop.services.container import Services
from asr_desktop.services.placements import PlacementSaved
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.choosers import (
    company_chooser,
    company_label,
    lot_chooser,
    participant_chooser,
    participant_label,
)
from asr_desktop.ui.follow_up.fields import (
    combo_enum,
    date_field,
    enum_combo,
    french_buttons,
    hours_text,
    read_date,
    read_hours,
)
from asr_desktop.ui.forms.ui_placement_dialog import Ui_PlacementDialog

WARNING_STYLE = (
    "QLabel { background: #fff4e5; color: #5c3600; border: 1px solid #e0a040;"
    " border-radius: 4px; padding: 6px; }"
)
OK_STYLE = "QLabel { color: #1e6b34; padding: 6px 0; }"
HINT_STYLE = "QLabel { color: #6b6b6b; padding: 6px 0; }"
CHOOSE = "— à choisir —"


class PlacementDialog(QDialog):
    """``placement=None``: a new placement (``participant_id`` / ``lot_id`` chosen in
    advance when given). Closes only once the service has stored it: ``saved`` then holds the
    ``PlacementSaved`` (placement and warnings)."""

    def __init__(
        self,
        services: Services,
        placement: Placement | None = None,
        *,
        participant_id: int | None = None,
        lot_id: int | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_PlacementDialog()
        self.ui.setupUi(self)
        self._services = services
        self._placement = placement
        self.saved: PlacementSaved | None = None
        self.warnings: tuple[str, ...] = ()
        self._showing = False  # an on-the-spot error is being shown
        ui = self.ui
        french_buttons(ui.buttonBox)
        ui.buttonBox.accepted.connect(self.accept)
        ui.buttonBox.rejected.connect(self.reject)
        self.errors = common.FormErrors(ui.generalErrorLabel)
        for field, widget in (
            ("participant_id", ui.participantEdit),
            ("lot_id", ui.lotEdit),
            ("employer_id", ui.employerEdit),
            ("modality", ui.modalityCombo),
            ("contract_type", ui.contractCombo),
            ("start_date", ui.startDateEdit),
            ("end_date", ui.endDateEdit),
            ("weekly_hours", ui.weeklyHoursEdit),
            ("job_title", ui.jobTitleEdit),
        ):
            self.errors.bind(field, widget)
        self.participant = participant_chooser(ui.participantEdit, services)
        self.lot = lot_chooser(ui.lotEdit, services)
        self.employer = company_chooser(ui.employerEdit, services)
        self._fill(placement, participant_id, lot_id)
        for chooser in (self.participant, self.lot, self.employer):
            chooser.chosen.connect(self.update_warnings)
        for combo in (ui.modalityCombo, ui.contractCombo):
            combo.currentIndexChanged.connect(self.update_warnings)
        for edit, field, what in (
            (ui.startDateEdit, "start_date", "La date de début"),
            (ui.endDateEdit, "end_date", "La date de fin prévue"),
        ):
            edit.editingFinished.connect(lambda e=edit, f=field, w=what: self._date_left(e, f, w))
            edit.textEdited.connect(self._date_typed)
        ui.weeklyHoursEdit.editingFinished.connect(self._hours_left)
        self.update_warnings()

    # --- filling ------------------------------------------------------------------------

    def _fill(self, placement: Placement | None, participant_id, lot_id) -> None:
        ui, services = self.ui, self._services
        value = placement or Placement(
            id=None,
            participant_id=participant_id,  # type: ignore[arg-type]  # None: to be chosen
            lot_id=lot_id,  # type: ignore[arg-type]
            employer_id=None,  # type: ignore[arg-type]
            modality=Modality.DIRECT_HIRE,
            contract_type=None,  # type: ignore[arg-type]
            start_date=common.today(),
        )
        if value.participant_id is not None:
            person = services.participants.get(value.participant_id)
            self.participant.set_value(person.id, participant_label(person))
        if value.lot_id is not None:
            self.lot.set_value(value.lot_id, services.placements.lot_label(value.lot_id))
        if value.employer_id is not None:
            company = services.companies.get_company(value.employer_id)
            self.employer.set_value(company.id, company_label(company))
        enum_combo(ui.modalityCombo, Modality, value.modality, empty=CHOOSE)
        enum_combo(ui.contractCombo, ContractType, value.contract_type, empty=CHOOSE)
        date_field(ui.startDateEdit, value.start_date)
        date_field(ui.endDateEdit, value.end_date)
        ui.endDateEdit.setPlaceholderText("jj/mm/aaaa (vide si inconnue)")
        ui.weeklyHoursEdit.setText(hours_text(value.weekly_hours))
        ui.jobTitleEdit.setText(value.job_title or "")
        ui.exitLabel.hide()
        if placement is None:
            self.setWindowTitle("Nouvelle mise en emploi")
            ui.headerLabel.setText(
                "Tapez quelques lettres dans les champs Candidat, Lot et Employeur puis "
                "choisissez dans la liste (flèches et Entrée)."
            )
            return
        self.setWindowTitle(f"Mise en emploi — {ui.participantEdit.text().split(' — ')[0]}")
        ui.headerLabel.hide()
        ui.participantEdit.setReadOnly(True)
        ui.participantEdit.setToolTip("Une mise en emploi ne peut pas changer de personne.")
        if placement.exit_date is not None:
            situation = placement.exit_situation.label if placement.exit_situation else ""
            ui.exitLabel.setText(
                f"Sortie enregistrée le {format_date(placement.exit_date)}"
                + (f" : {situation}." if situation else ".")
            )
            ui.exitLabel.show()

    # --- on-the-spot checks and warnings ----------------------------------------------------

    def _show_quietly(self, error: ValidationError) -> None:
        """Show ``error`` under its field while the user goes on where they went (the
        focus moves there and back: the fields left meanwhile are not checked again)."""
        if self._showing:
            return
        self._showing = True
        try:
            focused = QApplication.focusWidget()
            self.errors.show(error)
            if focused is not None:
                focused.setFocus(Qt.FocusReason.OtherFocusReason)
        finally:
            self._showing = False

    def _date_left(self, edit: QLineEdit, field: str, what: str) -> None:
        if self._showing:
            return
        try:
            read_date(edit, field, what, required=field == "start_date")
        except ValidationError as error:
            self._show_quietly(error)
            return
        self.update_warnings()

    def _date_typed(self, text: str) -> None:
        """A date complete as typed (« 01/12/2026 ») updates the warnings at once."""
        if len(text.strip()) >= len("1/1/2026") and self._quiet_date_text(text) is not None:
            self.update_warnings()

    @staticmethod
    def _quiet_date_text(text: str) -> date | None:
        try:
            return parse_date(text.strip(), "date") if not text.strip().isdigit() else None
        except ValidationError:
            return None

    def _hours_left(self) -> None:
        if self._showing:
            return
        try:
            read_hours(self.ui.weeklyHoursEdit, "weekly_hours")
        except ValidationError as error:
            self._show_quietly(error)

    def update_warnings(self) -> None:
        """What the service would warn about, shown under the form (never blocking)."""
        label = self.ui.eligibilityLabel
        start = self._quiet_date(self.ui.startDateEdit)
        if self.participant.value is None or start is None:
            self.warnings = ()
            label.setStyleSheet(HINT_STYLE)
            label.setText(
                "Choisissez le candidat et la date de début : son éligibilité à cette date "
                "sera vérifiée ici."
            )
            return
        try:
            self.warnings = self._services.placements.preview_warnings(
                self.participant.value,
                start,
                lot_id=self.lot.value,
                employer_id=self.employer.value,
                modality=combo_enum(self.ui.modalityCombo, Modality),
                contract_type=combo_enum(self.ui.contractCombo, ContractType),
                end_date=self._quiet_date(self.ui.endDateEdit),
                placement_id=self._placement.id if self._placement else None,
            )
        except DomainError as error:
            self.warnings = (str(error),)
        if self.warnings:
            items = "".join(f"<li>{escape(text, quote=False)}</li>" for text in self.warnings)
            label.setStyleSheet(WARNING_STYLE)
            label.setText(
                "<b>⚠ À vérifier</b> (l'enregistrement reste possible) :"
                f"<ul style='margin: 2px 0 0 -20px;'>{items}</ul>"
            )
        else:
            label.setStyleSheet(OK_STYLE)
            where = " pour les publics de ce lot" if self.lot.value is not None else ""
            label.setText(f"✓ Éligibilité valide au {format_date(start)}{where}.")

    @staticmethod
    def _quiet_date(edit: QLineEdit) -> date | None:
        try:
            return read_date(edit, "date", "La date")
        except ValidationError:
            return None

    # --- saving ---------------------------------------------------------------------------

    def _value(self) -> Placement:
        """The placement as typed; a ValidationError names the field to correct."""
        ui = self.ui
        for chooser, field, what in (
            (self.participant, "participant_id", "le candidat"),
            (self.lot, "lot_id", "le lot"),
            (self.employer, "employer_id", "l'employeur"),
        ):
            if chooser.value is None:
                raise ValidationError(
                    f"Choisissez {what} dans la liste : tapez quelques lettres, puis Entrée.", field
                )
        for combo, field, what in (
            (ui.modalityCombo, "modality", "la modalité d'exécution"),
            (ui.contractCombo, "contract_type", "le type de contrat"),
        ):
            if combo.currentData() is None:
                raise ValidationError(f"Choisissez {what}.", field)
        value = Placement(
            id=None,
            participant_id=self.participant.value,
            lot_id=self.lot.value,
            employer_id=self.employer.value,
            modality=combo_enum(ui.modalityCombo, Modality),
            contract_type=combo_enum(ui.contractCombo, ContractType),
            start_date=read_date(ui.startDateEdit, "start_date", "La date de début", required=True),
            end_date=read_date(ui.endDateEdit, "end_date", "La date de fin prévue"),
            weekly_hours=read_hours(ui.weeklyHoursEdit, "weekly_hours"),
            job_title=ui.jobTitleEdit.text().strip() or None,
        )
        if self._placement is None:
            return value
        return replace(
            self._placement, **{f: getattr(value, f) for f in _EDITABLE if f != "participant_id"}
        )

    def _save(self) -> PlacementSaved:
        value = self._value()
        placements = self._services.placements
        return placements.create(value) if value.id is None else placements.update(value)

    def accept(self) -> None:
        saved = self.errors.guard(self._save)
        if saved is None:
            return
        self.saved = saved
        self.warnings = saved.warnings
        common.changes().changed.emit("placement")
        super().accept()


_EDITABLE = (
    "participant_id",
    "lot_id",
    "employer_id",
    "modality",
    "contract_type",
    "start_date",
    "end_date",
    "weekly_hours",
    "job_title",
)

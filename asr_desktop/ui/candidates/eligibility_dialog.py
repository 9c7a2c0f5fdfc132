"""Add or edit one eligibility record of a participant (forms/eligibility_dialog.ui): the
criterion from the catalogue (domain/criteria.py), its proof, who validated it and when, and
an explicit expiry. Sensitive criteria (health, justice) keep the criterion and dates only.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QDialog, QWidget

from asr_desktop.domain.criteria import CRITERIA, CRITERIA_BY_CODE
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.model import EligibilityRecord, Participant
from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.candidates.fields import (
    Lookups,
    date_field,
    french_buttons,
    read_date,
    show_date,
)
from asr_desktop.ui.forms.ui_eligibility_dialog import Ui_EligibilityDialog

_DATES = {
    "proof_date": "La date du justificatif",
    "validated_on": "La date de validation",
    "expires_on": "La date d'expiration",
}


def criterion_choices() -> list[tuple[str, str]]:
    def level(code: str) -> str:
        criterion = CRITERIA_BY_CODE[code]
        return f" — IAE niveau {criterion.iae_level}" if criterion.iae_level else ""

    return [(f"{c.label}{level(c.code)}", c.code) for c in CRITERIA]


def criterion_info(code: str | None) -> str:
    """What the catalogue says of a criterion, in one French line."""
    criterion = CRITERIA_BY_CODE.get(code or "")
    if criterion is None:
        return "Choisissez le critère dans la liste (catalogue national et publics de la clause)."
    parts = []
    if criterion.clause_public:
        parts.append("public de la clause")
    if criterion.iae_level:
        parts.append(f"critère IAE de niveau {criterion.iae_level}")
    if criterion.proof_validity_months:
        parts.append(f"justificatif de moins de {criterion.proof_validity_months} mois à l'entrée")
    else:
        parts.append("pas de durée de validité du justificatif")
    joined = " · ".join(parts)
    text = joined[:1].upper() + joined[1:] + "."
    if criterion.sensitive:
        text += (
            " Donnée sensible : seuls le critère et ses dates sont conservés (ni type de "
            "justificatif ni note)."
        )
    return text


class EligibilityDialog(QDialog):
    def __init__(
        self,
        services: Services,
        lookups: Lookups,
        participant: Participant,
        record: EligibilityRecord | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_EligibilityDialog()
        self.ui.setupUi(self)
        self._services = services
        self._participant = participant
        self._original = record
        self.saved: EligibilityRecord | None = None
        ui = self.ui
        french_buttons(ui.buttonBox)
        ui.buttonBox.accepted.connect(self.accept)
        ui.buttonBox.rejected.connect(self.reject)
        ui.personLabel.setText(
            f"Dossier {participant.reference} — {participant.first_name} {participant.last_name}"
        )
        for edit in (ui.proofDateEdit, ui.validatedOnEdit, ui.expiresOnEdit):
            date_field(edit)
        ui.validatedOnEdit.setPlaceholderText("jj/mm/aaaa (vide : à valider)")
        ui.expiresOnEdit.setPlaceholderText("jj/mm/aaaa (vide : sans fin)")
        common.fill_combo(
            ui.criterionCombo,
            criterion_choices(),
            empty="— choisir un critère —",
            current=record.criterion if record else None,
        )
        common.fill_combo(
            ui.validatorCombo,
            lookups.user_choices(record.validated_by_id if record else None),
            empty="— la personne connectée —",
            current=record.validated_by_id if record else None,
        )
        self.errors = common.FormErrors(ui.generalErrorLabel)
        self.errors.bind("criterion", ui.criterionCombo)
        self.errors.bind("proof_type", ui.proofTypeEdit)
        self.errors.bind("proof_date", ui.proofDateEdit)
        self.errors.bind("validated_on", ui.validatedOnEdit)
        self.errors.bind("validated_by_id", ui.validatorCombo)
        self.errors.bind("expires_on", ui.expiresOnEdit)
        self.errors.bind("note", ui.noteEdit)
        for name, edit in (
            ("proof_date", ui.proofDateEdit),
            ("validated_on", ui.validatedOnEdit),
            ("expires_on", ui.expiresOnEdit),
        ):
            edit.editingFinished.connect(lambda name=name, edit=edit: self._check_date(name, edit))
        ui.criterionCombo.currentIndexChanged.connect(self._criterion_changed)
        if record is None:
            self.setWindowTitle("Nouveau critère d'éligibilité")
        else:
            self.setWindowTitle("Modifier le critère d'éligibilité")
            ui.proofTypeEdit.setText(record.proof_type or "")
            show_date(ui.proofDateEdit, record.proof_date)
            show_date(ui.validatedOnEdit, record.validated_on)
            show_date(ui.expiresOnEdit, record.expires_on)
            ui.noteEdit.setPlainText(record.note or "")
        self._criterion_changed()
        ui.criterionCombo.setFocus()

    def _criterion_changed(self, *_args) -> None:
        code = self.ui.criterionCombo.currentData()
        self.ui.criterionInfoLabel.setText(criterion_info(code))
        criterion = CRITERIA_BY_CODE.get(code or "")
        sensitive = bool(criterion and criterion.sensitive)
        for widget in (self.ui.proofTypeEdit, self.ui.noteEdit):
            widget.setEnabled(not sensitive)
        if sensitive:  # nothing but the criterion and its dates may be kept
            self.ui.proofTypeEdit.clear()
            self.ui.noteEdit.clear()

    def _check_date(self, name: str, edit) -> None:
        try:
            read_date(edit, name, _DATES[name])
        except ValidationError as error:
            self.errors.show(error)

    def _read(self) -> EligibilityRecord:
        ui = self.ui
        base = self._original or EligibilityRecord(
            id=None, participant_id=self._participant.id, criterion=""
        )
        return replace(
            base,
            criterion=ui.criterionCombo.currentData() or "",
            proof_type=ui.proofTypeEdit.text(),
            proof_date=read_date(ui.proofDateEdit, "proof_date", _DATES["proof_date"]),
            validated_on=read_date(ui.validatedOnEdit, "validated_on", _DATES["validated_on"]),
            validated_by_id=ui.validatorCombo.currentData(),
            expires_on=read_date(ui.expiresOnEdit, "expires_on", _DATES["expires_on"]),
            note=ui.noteEdit.toPlainText(),
        )

    def accept(self) -> None:
        value = self.errors.guard(self._read)
        if value is None:
            return
        people = self._services.participants
        if self._original is None:
            saved = self.errors.guard(lambda: people.add_eligibility(value))
        else:
            saved = self.errors.guard(lambda: people.update_eligibility(value))
        if saved is None:
            return
        self.saved = saved
        common.changes().changed.emit("participant")
        super().accept()

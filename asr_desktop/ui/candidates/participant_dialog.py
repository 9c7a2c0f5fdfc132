"""Create or edit a participant (forms/participant_dialog.ui).

On creation the service compares the new person with the stored ones; when some look alike
the adviser chooses, in the look-alikes dialog, between opening the existing record
(``existing_id`` is set and the dialog closes without saving) and creating anyway.
Dates, phone, e-mail and postcode are checked as soon as the field is left.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QWidget

from asr_desktop.domain.enums import EducationLevel, ParticipantStatus, Sex
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_date
from asr_desktop.domain.model import Participant
from asr_desktop.services.container import Services
from asr_desktop.services.participants import PossibleDuplicates
from asr_desktop.ui import common
from asr_desktop.ui.candidates import duplicates
from asr_desktop.ui.candidates.fields import (
    Lookups,
    date_field,
    enum_choices,
    french_buttons,
    read_date,
    show_date,
)
from asr_desktop.ui.forms.ui_participant_dialog import Ui_ParticipantDialog

#: Result code of ``exec()`` when the adviser chose to open an existing record instead.
OPEN_EXISTING = 2


class ParticipantDialog(QDialog):
    def __init__(
        self,
        services: Services,
        lookups: Lookups,
        participant: Participant | None = None,
        communes: list[str] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_ParticipantDialog()
        self.ui.setupUi(self)
        self._services = services
        self._lookups = lookups
        self._original = participant
        self.saved: Participant | None = None
        self.existing_id: int | None = None
        french_buttons(self.ui.buttonBox, save="Enregistrer")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        for edit in (self.ui.birthDateEdit, self.ui.entryDateEdit, self.ui.passIaeEndEdit):
            date_field(edit)
        self.ui.entryDateEdit.setPlaceholderText("jj/mm/aaaa (aujourd'hui si vide)")
        self._fill_choices(participant, communes or services.participants.list_communes())
        for combo in self.findChildren(QComboBox):  # long prescriber names must not widen
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
        self.errors = common.FormErrors(self.ui.generalErrorLabel)
        bindings = {
            "last_name": self.ui.lastNameEdit,
            "first_name": self.ui.firstNameEdit,
            "birth_date": self.ui.birthDateEdit,
            "sex": self.ui.sexCombo,
            "reference": self.ui.referenceEdit,
            "phone": self.ui.phoneEdit,
            "email": self.ui.emailEdit,
            "address": self.ui.addressEdit,
            "postcode": self.ui.postcodeEdit,
            "commune": self.ui.communeCombo,
            "qpv_code": self.ui.qpvCodeEdit,
            "status": self.ui.statusCombo,
            "entry_date": self.ui.entryDateEdit,
            "education_level": self.ui.educationCombo,
            "prescriber_id": self.ui.prescriberCombo,
            "referent_id": self.ui.referentCombo,
            "pass_iae_end": self.ui.passIaeEndEdit,
        }
        for name, widget in bindings.items():
            self.errors.bind(name, widget)
        for name in ("phone", "email", "postcode", "birth_date"):
            edit = bindings[name]
            edit.editingFinished.connect(lambda name=name, edit=edit: self._check_typed(name, edit))
        for name in ("entry_date", "pass_iae_end"):
            edit = bindings[name]
            edit.editingFinished.connect(lambda name=name, edit=edit: self._check_date(name, edit))
        if participant is None:
            self.setWindowTitle("Nouveau candidat")
        else:
            self.setWindowTitle(f"Modifier le dossier {participant.reference}")
            self._show(participant)
        self.ui.lastNameEdit.setFocus()

    # --- filling ---------------------------------------------------------------------------

    def _fill_choices(self, p: Participant | None, communes: list[str]) -> None:
        ui = self.ui
        common.fill_combo(ui.sexCombo, enum_choices(Sex), empty="—", current=p and p.sex)
        common.fill_combo(
            ui.statusCombo,
            enum_choices(ParticipantStatus),
            current=p.status if p else ParticipantStatus.CANDIDATE,
        )
        common.fill_combo(
            ui.educationCombo,
            enum_choices(EducationLevel),
            empty="— non renseigné —",
            current=p and p.education_level,
        )
        common.fill_combo(
            ui.prescriberCombo,
            self._lookups.prescriber_choices(),
            empty="— aucun —",
            current=p and p.prescriber_id,
        )
        common.fill_combo(
            ui.referentCombo,
            self._lookups.user_choices(p.referent_id if p else None),
            empty="— aucun —",
            current=p.referent_id if p else self._services.user_id,
        )
        ui.communeCombo.addItems(communes)
        ui.communeCombo.setCurrentIndex(-1)
        ui.communeCombo.setEditText(p.commune or "" if p else "")

    def _show(self, p: Participant) -> None:
        ui = self.ui
        ui.lastNameEdit.setText(p.last_name)
        ui.firstNameEdit.setText(p.first_name)
        show_date(ui.birthDateEdit, p.birth_date)
        ui.referenceEdit.setText(p.reference)
        ui.phoneEdit.setText(p.phone or "")
        ui.emailEdit.setText(p.email or "")
        ui.addressEdit.setText(p.address or "")
        ui.postcodeEdit.setText(p.postcode or "")
        ui.communeCombo.setEditText(p.commune or "")
        ui.qpvCheck.setChecked(p.qpv)
        ui.qpvCodeEdit.setText(p.qpv_code or "")
        show_date(ui.entryDateEdit, p.entry_date)
        show_date(ui.passIaeEndEdit, p.pass_iae_end)
        ui.plieCheck.setChecked(p.plie)

    # --- checks as typed -------------------------------------------------------------------

    def _fit(self) -> None:
        """Grow to show the messages under the fields (wrapped labels need more height)."""
        needed = self.heightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _check_typed(self, name: str, edit: QLineEdit) -> None:
        try:
            value: object = edit.text().strip()
            if name == "birth_date":
                value = read_date(edit, name, "La date de naissance")
                entry = self._entry_date_or_none()
                self._services.participants.check_field(name, value, entry)
            else:
                self._services.participants.check_field(name, value)
        except ValidationError as error:
            self.errors.show(error)
            self._fit()

    def _check_date(self, name: str, edit: QLineEdit) -> None:
        what = "La date d'entrée" if name == "entry_date" else "La fin du PASS IAE"
        try:
            read_date(edit, name, what)
        except ValidationError as error:
            self.errors.show(error)
            self._fit()

    def _entry_date_or_none(self):
        try:
            return read_date(self.ui.entryDateEdit, "entry_date", "La date d'entrée")
        except ValidationError:
            return None

    # --- saving ----------------------------------------------------------------------------

    def _read(self) -> Participant:
        ui = self.ui
        base = self._original or Participant(
            id=None, reference="", last_name="", first_name="", birth_date=None, sex=None
        )
        return replace(
            base,
            reference=ui.referenceEdit.text().strip(),
            last_name=ui.lastNameEdit.text(),
            first_name=ui.firstNameEdit.text(),
            birth_date=read_date(ui.birthDateEdit, "birth_date", "La date de naissance"),
            sex=ui.sexCombo.currentData(),
            status=ui.statusCombo.currentData(),
            phone=ui.phoneEdit.text(),
            email=ui.emailEdit.text(),
            address=ui.addressEdit.text(),
            postcode=ui.postcodeEdit.text(),
            commune=" ".join(ui.communeCombo.currentText().split()) or None,
            qpv=ui.qpvCheck.isChecked(),
            qpv_code=ui.qpvCodeEdit.text(),
            education_level=ui.educationCombo.currentData(),
            plie=ui.plieCheck.isChecked(),
            prescriber_id=ui.prescriberCombo.currentData(),
            referent_id=ui.referentCombo.currentData(),
            entry_date=read_date(ui.entryDateEdit, "entry_date", "La date d'entrée"),
            pass_iae_end=read_date(ui.passIaeEndEdit, "pass_iae_end", "La fin du PASS IAE"),
        )

    def accept(self) -> None:
        value = self.errors.guard(self._read)
        if value is None:
            self._fit()
            return
        people = self._services.participants
        if self._original is not None:
            saved = self.errors.guard(lambda: people.update(value))
        else:
            saved = self._create(value)
        if saved is None:
            self._fit()
            return
        self.saved = saved
        common.changes().changed.emit("participant")
        super().accept()

    def _create(self, value: Participant) -> Participant | None:
        people = self._services.participants
        found = []

        def attempt() -> Participant | None:
            try:
                return people.create(value)
            except PossibleDuplicates as error:
                found.extend(error.candidates)
                return None

        saved = self.errors.guard(attempt)
        if saved is not None or not found:
            return saved
        choice = duplicates.choose(self, found, self._lookups)
        if choice.open_id is not None:
            self.existing_id = choice.open_id
            self.done(OPEN_EXISTING)
            return None
        if choice.create_anyway:
            return self.errors.guard(lambda: people.create(value, allow_duplicate=True))
        self.errors.show(
            "Création suspendue : des dossiers ressemblent à celui-ci "
            f"({', '.join(d.participant.reference for d in found)}). Rien n'a été enregistré."
        )
        return None


def describe(p: Participant) -> str:
    """« Hélène DUPONT, née le 04/05/1990 (P-000012) » for confirmations."""
    born = "née" if p.sex is Sex.FEMALE else "né"
    return f"{p.first_name} {p.last_name.upper()}, {born} le {format_date(p.birth_date)} ({p.reference})"

"""The « Identité » tab of a participant's record: identity, contact details and situation,
read-only (no social security number: the program holds none)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.formats import format_date
from asr_desktop.services.participants import ParticipantRecord
from asr_desktop.ui.candidates.models import birth_text

Getter = Callable[[ParticipantRecord], str]


def _text(value: object) -> str:
    if value is None or value == "":
        return "—"
    return getattr(value, "label", None) or str(value)


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


def _qpv(r: ParticipantRecord) -> str:
    p = r.participant
    if not p.qpv:
        return "non"
    return f"oui ({p.qpv_code})" if p.qpv_code else "oui"


def _address(r: ParticipantRecord) -> str:
    p = r.participant
    town = " ".join(part for part in (p.postcode, p.commune) if part)
    return "\n".join(part for part in (p.address, town) if part) or "—"


def _prescriber(r: ParticipantRecord) -> str:
    if r.prescriber is None:
        return "—"
    return f"{r.prescriber.name} ({r.prescriber.kind.label})"


GROUPS: tuple[tuple[str, tuple[tuple[str, Getter], ...]], ...] = (
    (
        "Identité",
        (
            ("Nom", lambda r: r.participant.last_name),
            ("Prénom", lambda r: r.participant.first_name),
            ("Sexe", lambda r: _text(r.participant.sex)),
            ("Naissance", lambda r: birth_text(r.participant.birth_date, r.on)),
            ("Référence", lambda r: r.participant.reference),
        ),
    ),
    (
        "Coordonnées",
        (
            ("Téléphone", lambda r: _text(r.participant.phone)),
            ("Courriel", lambda r: _text(r.participant.email)),
            ("Adresse", _address),
            ("Quartier prioritaire", _qpv),
        ),
    ),
    (
        "Parcours",
        (
            ("Statut", lambda r: _text(r.participant.status)),
            ("Entrée", lambda r: format_date(r.participant.entry_date) or "—"),
            ("Dernier contact", lambda r: format_date(r.participant.last_contact_date) or "—"),
            ("Formation", lambda r: _text(r.participant.education_level)),
            ("PLIE", lambda r: _yes_no(r.participant.plie)),
            ("Prescripteur", _prescriber),
            ("Référent", lambda r: r.referent_name or "—"),
            ("Fin du PASS IAE", lambda r: format_date(r.participant.pass_iae_end) or "—"),
        ),
    ),
)


class IdentityTab(QScrollArea):
    """Value labels by group, one under the other (the pane is narrow); ``values`` maps each
    French field label to its label widget."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(self)
        inner.setObjectName("identityInner")
        self.setWidget(inner)
        column = QVBoxLayout(inner)
        column.setContentsMargins(6, 6, 6, 6)
        self.values: dict[str, QLabel] = {}
        self._getters: dict[str, Getter] = {}
        for title, fields in GROUPS:
            group = QGroupBox(title, inner)
            form = QFormLayout(group)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            for label, getter in fields:
                value = QLabel("—", group)
                value.setObjectName(f"identity{len(self.values)}")
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                caption = QLabel(f"{label} :", group)
                caption.setStyleSheet("color: palette(dark);")
                caption.setMinimumWidth(130)
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                form.addRow(caption, value)
                self.values[label] = value
                self._getters[label] = getter
            column.addWidget(group)
        column.addStretch(1)

    def show_record(self, record: ParticipantRecord | None) -> None:
        for label, widget in self.values.items():
            widget.setText(self._getters[label](record) if record is not None else "—")

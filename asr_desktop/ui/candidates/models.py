"""Column descriptions of the candidate lists: participants, eligibility records, placements,
follow-up log, outcomes, look-alikes and the side-by-side comparison of a merge.

Every list is a ``RecordTableModel`` over domain values (architecture §3.4.3); texts are
formatted once per ``set_rows`` by ``domain.formats``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from operator import itemgetter

from asr_desktop.domain.criteria import CRITERIA_BY_CODE
from asr_desktop.domain.dates import age_on
from asr_desktop.domain.enums import ParticipantStatus
from asr_desktop.domain.formats import format_date, format_hours
from asr_desktop.domain.model import DuplicateCandidate, FollowUpAction, Outcome, Participant
from asr_desktop.services.participants import EligibilityLine, PlacementLine
from asr_desktop.ui.candidates.fields import Lookups
from asr_desktop.ui.item_models import Column, attribute


def birth_text(born: date | None, on: date) -> str:
    """« 04/05/1990 (36 ans) »."""
    if born is None:
        return ""
    return f"{format_date(born)} ({age_on(born, on)} ans)"


def _person_tone(p: Participant) -> str | None:
    if p.anonymised or p.status is ParticipantStatus.ARCHIVED:
        return "muted"
    return None


def participant_columns(lookups: Lookups, on: date) -> list[Column[Participant]]:
    """The list's columns. None is ``searchable``: the service has already searched (in SQL),
    so the model need not fold a search line per row at each keystroke."""

    def tip(p: Participant) -> str:
        return f"Dossier {p.reference}" + (" (anonymisé)" if p.anonymised else "")

    return [replace(column, searchable=False) for column in _participant_columns(lookups, on, tip)]


def _participant_columns(lookups: Lookups, on: date, tip) -> list[Column[Participant]]:
    return [
        Column("Nom", attribute("last_name"), tone=_person_tone, tooltip=tip, width=115),
        Column("Prénom", attribute("first_name"), tone=_person_tone, width=95),
        Column(
            "Naissance",
            attribute("birth_date"),
            text=lambda born: birth_text(born, on),
            tone=_person_tone,
            width=130,
        ),
        Column("Commune", attribute("commune"), tone=_person_tone, width=120),
        Column(
            "QPV",
            attribute("qpv"),
            text=lambda qpv: "QPV" if qpv else "",
            align="center",
            tone=_person_tone,
            tooltip=lambda p: "Réside dans un quartier prioritaire" if p.qpv else None,
            width=50,
        ),
        Column("Statut", attribute("status"), tone=_person_tone, width=145),
        Column(
            "Prescripteur",
            lambda p: lookups.prescriber(p.prescriber_id),
            tone=_person_tone,
            width=170,
        ),
        Column("Référent", lambda p: lookups.user(p.referent_id), tone=_person_tone, width=140),
        Column("Référence", attribute("reference"), tone=_person_tone, width=90),
    ]


# --- eligibility ------------------------------------------------------------------------------


def eligibility_state(line: EligibilityLine) -> str:
    """« valide », « expiré le 31/12/2025 », « à valider », or « justificatif ancien » when the
    proof is too old to support a new entry (the tooltip says why)."""
    record = line.record
    if line.expired:
        return f"expiré le {format_date(record.expires_on)}"
    if record.validated_on is None:
        return "à valider"
    if not line.valid:
        return "justificatif ancien"
    if record.expires_on is not None:
        return f"valide jusqu'au {format_date(record.expires_on)}"
    return "valide"


def _line_tone(line: EligibilityLine) -> str | None:
    if line.expired:
        return "error"
    return None if line.valid else "muted"


def _state_tone(line: EligibilityLine) -> str:
    if line.expired:
        return "error"
    if line.record.validated_on is None:
        return "warning"
    return "success" if line.valid else "muted"


def _proof_text(line: EligibilityLine) -> str:
    record = line.record
    if record.proof_date is None:
        return record.proof_type or ""
    return f"{record.proof_type or 'Justificatif'} du {format_date(record.proof_date)}"


def _criterion_tip(line: EligibilityLine) -> str:
    criterion = CRITERIA_BY_CODE.get(line.record.criterion)
    if criterion is None:
        return line.label
    parts = [line.label]
    if criterion.iae_level:
        parts.append(f"critère IAE de niveau {criterion.iae_level}")
    if criterion.clause_public:
        parts.append("public de la clause")
    if criterion.proof_validity_months:
        parts.append(f"justificatif de moins de {criterion.proof_validity_months} mois")
    if criterion.sensitive:
        parts.append("donnée sensible : seuls le critère et ses dates sont conservés")
    return " ; ".join(parts) + "."


def eligibility_columns(user_name: Callable[[int | None], str]) -> list[Column[EligibilityLine]]:
    def validated(line: EligibilityLine) -> str:
        record = line.record
        if record.validated_on is None:
            return ""
        who = user_name(record.validated_by_id)
        return f"le {format_date(record.validated_on)}" + (f" par {who}" if who else "")

    return [
        Column(
            "Critère",
            attribute("label"),
            tone=_line_tone,
            tooltip=_criterion_tip,
            width=190,
        ),
        Column(
            "État",
            eligibility_state,
            sort=lambda line: (line.valid, not line.expired),
            tone=_state_tone,
            tooltip=lambda line: line.issue,
            width=135,
        ),
        Column("Justificatif", _proof_text, tone=_line_tone, width=180),
        Column("Validation", validated, tone=_line_tone, width=170),
        Column(
            "Expire le",
            lambda line: line.record.expires_on,
            tone=_line_tone,
            width=85,
        ),
    ]


# --- placements, log, outcomes ----------------------------------------------------------------


def placement_columns() -> list[Column[PlacementLine]]:
    def exit_text(line: PlacementLine) -> str:
        p = line.placement
        if p.exit_date is None:
            return ""
        situation = f" ({p.exit_situation.label})" if p.exit_situation else ""
        return f"{format_date(p.exit_date)}{situation}"

    return [
        Column("Lot", attribute("lot_label"), width=230),
        Column("Employeur", attribute("employer_name"), width=170),
        Column("Début", lambda line: line.placement.start_date, width=85),
        Column("Fin prévue", lambda line: line.placement.end_date, width=85),
        Column("Sortie", exit_text, sort=lambda line: line.placement.exit_date, width=150),
        Column("Contrat", lambda line: line.placement.contract_type, width=120),
        Column(
            "Heures/sem.",
            lambda line: line.placement.weekly_hours,
            text=lambda hours: format_hours(hours) if hours is not None else "",
            align="right",
            width=85,
        ),
        Column("Poste", lambda line: line.placement.job_title, width=150),
        Column("Modalité", lambda line: line.placement.modality, width=150),
    ]


def action_columns(user_name: Callable[[int | None], str], on: date) -> list[Column]:
    def tone(action: FollowUpAction) -> str | None:
        if action.due_date is not None and action.done_on is None and action.due_date < on:
            return "warning"
        return None

    return [
        Column("Date", attribute("occurred_on"), tone=tone, width=85),
        Column("Type", attribute("kind"), tone=tone, width=100),
        Column("Résumé", attribute("summary"), tone=tone, width=280),
        Column("Par", lambda a: user_name(a.user_id), tone=tone, width=130),
        Column("Échéance", attribute("due_date"), tone=tone, width=85),
        Column("Fait le", attribute("done_on"), tone=tone, width=85),
        Column("Suite prévue", attribute("next_action"), tone=tone, width=180),
    ]


def outcome_columns(on: date) -> list[Column[Outcome]]:
    def observed(outcome: Outcome) -> str:
        if outcome.observed_on is not None:
            return format_date(outcome.observed_on)
        return "en retard" if outcome.due_date < on else "à observer"

    def tone(outcome: Outcome) -> str | None:
        if outcome.observed_on is None:
            return "warning" if outcome.due_date < on else "muted"
        return None

    return [
        Column("Point", attribute("point"), tone=tone, width=90),
        Column("Prévu le", attribute("due_date"), tone=tone, width=85),
        Column("Observé le", observed, sort=attribute("observed_on"), tone=tone, width=90),
        Column("Situation", attribute("situation"), tone=tone, width=200),
        Column("Classe", attribute("outcome_class"), tone=tone, width=140),
        Column("Employeur", attribute("employer_name"), tone=tone, width=160),
        Column("Source", attribute("source"), tone=tone, width=110),
    ]


# --- look-alikes and merge --------------------------------------------------------------------


def duplicate_columns(lookups: Lookups, on: date) -> list[Column[DuplicateCandidate]]:
    def person(name: str) -> Callable[[DuplicateCandidate], object]:
        return lambda d: getattr(d.participant, name)

    return [
        Column(
            "Ressemblance",
            lambda d: ", ".join(d.reasons),
            sort=lambda d: (-d.score, d.participant.id),  # best match first
            width=250,
        ),
        Column("Référence", person("reference"), width=90),
        Column("Nom", person("last_name"), width=120),
        Column("Prénom", person("first_name"), width=100),
        Column(
            "Naissance",
            person("birth_date"),
            text=lambda born: birth_text(born, on),
            width=135,
        ),
        Column("Commune", person("commune"), width=110),
        Column("Statut", person("status"), width=120),
    ]


#: What the merge dialog compares, in order (never a social security number: there is none).
COMPARED_FIELDS: tuple[tuple[str, str], ...] = (
    ("reference", "Référence"),
    ("last_name", "Nom"),
    ("first_name", "Prénom"),
    ("birth_date", "Date de naissance"),
    ("sex", "Sexe"),
    ("status", "Statut"),
    ("phone", "Téléphone"),
    ("email", "Courriel"),
    ("address", "Adresse"),
    ("postcode", "Code postal"),
    ("commune", "Commune"),
    ("qpv", "Quartier prioritaire"),
    ("education_level", "Niveau de formation"),
    ("plie", "Participant du PLIE"),
    ("prescriber_id", "Prescripteur"),
    ("referent_id", "Référent"),
    ("entry_date", "Date d'entrée"),
    ("last_contact_date", "Dernier contact"),
)


def _shown(name: str, value: object, lookups: Lookups) -> str:
    if value is None or value == "":
        return ""
    if name == "prescriber_id":
        return lookups.prescriber(value)  # type: ignore[arg-type]
    if name == "referent_id":
        return lookups.user(value)  # type: ignore[arg-type]
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return format_date(value)
    return getattr(value, "label", None) or str(value)


def comparison_rows(
    keep: Participant, drop: Participant, lookups: Lookups
) -> list[tuple[str, str, str]]:
    """(field, kept record's value, other record's value) for each compared field."""
    return [
        (
            label,
            _shown(name, getattr(keep, name), lookups),
            _shown(name, getattr(drop, name), lookups),
        )
        for name, label in COMPARED_FIELDS
    ]


def comparison_columns(keep_title: str, drop_title: str) -> list[Column[tuple[str, str, str]]]:
    def tone(row: tuple[str, str, str]) -> str | None:
        _label, kept, other = row
        if not kept and other:
            return "success"  # the merge fills it in from the other record
        if kept and other and kept != other:
            return "warning"  # the kept record's value stays
        return None

    def tip(row: tuple[str, str, str]) -> str | None:
        _label, kept, other = row
        if not kept and other:
            return "Champ vide du dossier conservé : il sera complété par l'autre dossier."
        if kept and other and kept != other:
            return "Valeurs différentes : celle du dossier conservé est gardée."
        return None

    return [
        Column("Champ", itemgetter(0), width=150, sort=lambda row: 0),
        Column(keep_title, itemgetter(1), tone=tone, tooltip=tip, width=210),
        Column(drop_title, itemgetter(2), tone=tone, tooltip=tip, width=210),
    ]

"""Columns of the two lists of the Suivi page: placements (``PlacementLine``) and agenda
items (``AgendaLine``), with French texts, raw values for sorting, and tones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from asr_desktop.domain.formats import format_date, format_hours, format_int
from asr_desktop.domain.model import Placement
from asr_desktop.services.placements import AgendaKind, AgendaLine, PlacementLine
from asr_desktop.ui.item_models import Column, RecordTableModel


def placement_status(placement: Placement, today: date) -> str:
    """« En cours », « À venir », « Contrat terminé : sortie à enregistrer », « Sortie le … »."""
    if placement.exit_date is not None:
        situation = placement.exit_situation.label if placement.exit_situation else ""
        return f"Sortie le {format_date(placement.exit_date)}" + (
            f" ({situation})" if situation else ""
        )
    if placement.start_date > today:
        return "À venir"
    if placement.end_date is not None and placement.end_date < today:
        return "Contrat terminé : sortie à enregistrer"
    return "En cours"


def _status_tone(today: date) -> Callable[[PlacementLine], str | None]:
    def tone(line: PlacementLine) -> str | None:
        placement = line.placement
        if placement.exit_date is not None:
            return "muted"
        if placement.end_date is not None and placement.end_date < today:
            return "warning"
        return None

    return tone


def placement_columns(today: date) -> list[Column[PlacementLine]]:
    def of(name: str) -> Callable[[PlacementLine], object]:
        return lambda line: getattr(line.placement, name)

    return [
        Column("Candidat", lambda line: line.participant_name, width=160),
        Column("Lot", lambda line: line.lot_label, width=210),
        Column("Employeur", lambda line: line.employer_name, width=170),
        Column("Début", of("start_date"), searchable=False, width=82),
        Column("Fin prévue", of("end_date"), searchable=False, width=82),
        Column(
            "Statut",
            lambda line: placement_status(line.placement, today),
            sort=lambda line: (
                line.placement.exit_date is not None,
                line.placement.exit_date or line.placement.end_date,
            ),
            tone=_status_tone(today),
            searchable=False,
            width=150,
        ),
        Column("Contrat", of("contract_type"), searchable=False, width=110),
        Column("Modalité", of("modality"), searchable=False, width=140),
        Column(
            "h/sem.",
            of("weekly_hours"),
            text=lambda v: "" if v is None else format_hours(v),
            align="right",
            searchable=False,
            width=60,
        ),
        Column("Poste", lambda line: line.placement.job_title or "", width=150),
        Column("Réf.", lambda line: line.participant_reference),
    ]


def placement_model(today: date, parent=None) -> RecordTableModel:
    return RecordTableModel(placement_columns(today), (), parent)


#: What « Fait » does for each kind of agenda item (the button's text).
DONE_TEXT = {
    AgendaKind.ACTION: "Fai&t",
    AgendaKind.CONTRACT_END: "Fai&t : enregistrer la sortie…",
    AgendaKind.OUTCOME: "Fai&t : relever la situation…",
    AgendaKind.ELIGIBILITY: "Fai&t",
}
KIND_TEXT = {
    AgendaKind.ACTION: "Action à faire",
    AgendaKind.CONTRACT_END: "Fin de contrat",
    AgendaKind.OUTCOME: "Suivi après la sortie",
    AgendaKind.ELIGIBILITY: "Fin d'éligibilité",
}


def _late(line: AgendaLine, today: date) -> int:
    return max((today - line.item.due).days, 0)


def _late_text(days: int) -> str:
    if days <= 0:
        return ""
    return "1 jour" if days == 1 else f"{format_int(days)} jours"


def agenda_columns(today: date) -> list[Column[AgendaLine]]:
    def overdue(line: AgendaLine) -> str | None:
        return "error" if line.overdue else None

    def kind_text(line: AgendaLine) -> str:
        if line.outcome is not None:
            return f"Suivi {line.outcome.point.label.lower()}"
        return KIND_TEXT[line.item.kind]

    return [
        Column(
            "Échéance",
            lambda line: line.item.due,
            sort=lambda line: (line.item.due, line.item.kind.value, line.item.record_id),
            tone=overdue,
            searchable=False,
            width=90,
        ),
        Column(
            "Retard",
            lambda line: _late(line, today),
            text=_late_text,
            align="right",
            tone=overdue,
            searchable=False,
            width=75,
        ),
        Column("Type", kind_text, width=150),
        Column("Concerne", lambda line: line.subject, width=230),
        Column("À faire", lambda line: line.item.text, width=360),
        Column("Détail", lambda line: line.detail),
    ]


def agenda_model(today: date, parent=None) -> RecordTableModel:
    return RecordTableModel(agenda_columns(today), (), parent)

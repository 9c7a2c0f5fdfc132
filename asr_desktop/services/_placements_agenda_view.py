"""The agenda as the Suivi page shows it (product.md §4.5): each item with who or what it
concerns and the value behind it, filtered by kind and lateness, limited to the items due
closest to today, with the counts of the whole agenda. Used by ``PlacementService``.

On the large base the agenda holds some 14 000 items (most of them follow-up points years
overdue); names are read for the items shown only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from asr_desktop.domain.enums import FollowUpSubject
from asr_desktop.domain.model import FollowUpAction, Outcome, Placement
from asr_desktop.persistence.repositories.placements import FollowUpLabelRepository
from asr_desktop.services._placements_agenda import AgendaItem, AgendaKind, build_agenda


def lot_label(market_reference: str, number: str, title: str) -> str:
    """« 2021-GRA-0002 · lot 3 — Plomberie » (how a lot is named in the follow-up screens)."""
    return f"{market_reference} · lot {number} — {title}"


def person_label(last_name: str, first_name: str) -> str:
    return f"{last_name.upper()} {first_name}"


@dataclass(frozen=True, slots=True)
class AgendaLine:
    """An agenda item with what it concerns: ``subject`` (the person « DUPONT Jean (P-000123) »,
    or the company or lot of an action), ``detail`` (the kind of an action, the employer and
    job of a placement), and the value behind it: the ``action`` to do, the follow-up point
    (``outcome``) to observe, the ``placement`` whose contract ends."""

    item: AgendaItem
    subject: str
    detail: str
    overdue: bool
    action: FollowUpAction | None = None
    outcome: Outcome | None = None
    placement: Placement | None = None

    @property
    def placement_id(self) -> int | None:
        if self.placement is not None:
            return self.placement.id
        return self.outcome.placement_id if self.outcome is not None else None


@dataclass(frozen=True, slots=True)
class AgendaView:
    lines: tuple[AgendaLine, ...]
    total: int  # items of the kind and lateness asked, ``len(lines)`` or more when limited
    overdue: int  # in the whole agenda
    by_kind: dict[AgendaKind, int]  # the whole agenda, by kind

    @property
    def limited(self) -> bool:
        return self.total > len(self.lines)

    @property
    def size(self) -> int:
        """Items in the whole agenda."""
        return sum(self.by_kind.values())


def agenda_view(
    s: Session,
    today: date,
    horizon_days: int,
    kind: AgendaKind | None,
    overdue_only: bool,
    limit: int | None,
) -> AgendaView:
    agenda = build_agenda(s, today, horizon_days)
    items = agenda.items()
    by_kind = Counter(item.kind for item in items)
    overdue = sum(item.due < today for item in items)
    wanted = [
        item
        for item in items
        if (kind is None or item.kind is kind) and (not overdue_only or item.due < today)
    ]
    chosen = wanted
    if limit is not None and len(wanted) > limit:
        closest = sorted(range(len(wanted)), key=lambda i: abs((wanted[i].due - today).days))
        chosen = [wanted[i] for i in sorted(closest[:limit])]
    lines = _lines(s, today, chosen, agenda)
    return AgendaView(tuple(lines), len(wanted), overdue, {k: by_kind[k] for k in AgendaKind})


def _lines(s: Session, today: date, items: list[AgendaItem], agenda) -> list[AgendaLine]:
    actions = {a.id: a for a in agenda.actions}
    outcomes = {o.id: o for o in agenda.outcomes_due}
    placements = {p.id: p for p in agenda.contracts_ending}
    shown_actions = [actions[i.record_id] for i in items if i.kind is AgendaKind.ACTION]
    labels = FollowUpLabelRepository(s)
    companies = labels.company_names(
        a.subject_id for a in shown_actions if a.subject is FollowUpSubject.COMPANY
    )
    lots = labels.lot_labels(
        a.subject_id for a in shown_actions if a.subject is FollowUpSubject.LOT
    )
    people = labels.people(i.participant_id for i in items if i.participant_id)
    employers = labels.placement_employers(
        [i.record_id for i in items if i.kind is AgendaKind.CONTRACT_END]
        + [
            outcomes[i.record_id].placement_id
            for i in items
            if i.kind is AgendaKind.OUTCOME and outcomes[i.record_id].placement_id
        ]
    )
    lines = []
    for item in items:
        action = actions.get(item.record_id) if item.kind is AgendaKind.ACTION else None
        outcome = outcomes.get(item.record_id) if item.kind is AgendaKind.OUTCOME else None
        placement = placements.get(item.record_id) if item.kind is AgendaKind.CONTRACT_END else None
        if item.participant_id is not None:
            last, first, reference = people.get(item.participant_id, ("?", "?", "?"))
            subject = f"{person_label(last, first)} ({reference})"
        elif action is not None and action.subject is FollowUpSubject.COMPANY:
            subject = f"Entreprise : {companies.get(action.subject_id, '?')}"
        else:
            lot_id = action.subject_id if action is not None else 0
            subject = f"Lot : {lot_label(*lots.get(lot_id, ('?', '?', '?')))}"
        detail = ""
        placement_id = placement.id if placement else outcome.placement_id if outcome else None
        if action is not None:
            detail = action.kind.label
        elif placement_id is not None and placement_id in employers:
            employer, job = employers[placement_id]
            detail = f"{employer} — {job}" if job else employer
        lines.append(
            AgendaLine(item, subject, detail, item.due < today, action, outcome, placement)
        )
    return lines

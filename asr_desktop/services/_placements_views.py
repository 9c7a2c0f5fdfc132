"""What the follow-up screens read (product.md §4.5): the placements with the names they are
shown with, the lots to choose from, the agenda with who each item concerns, and the warnings
of a placement still being typed. Read-only; mixed into ``PlacementService``.

Lists are read as plain column tuples and limited in SQL so that the page stays instant on the
large base (90 000 placements): the open placements are all shown, the others by most recent
start, ``limit`` at most, with the number matching in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain.enums import (
    ContractType,
    LotStatus,
    Modality,
)
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import normalise_text
from asr_desktop.domain.model import Placement
from asr_desktop.persistence.repositories.clauses import LotRepository
from asr_desktop.persistence.repositories.companies import CompanyRepository
from asr_desktop.persistence.repositories.placements import FollowUpLabelRepository
from asr_desktop.persistence.repositories.placements import fold as fold_text
from asr_desktop.services import _placements_checks as checks
from asr_desktop.services import _validation as check
from asr_desktop.services._placements_agenda import AgendaKind
from asr_desktop.services._placements_agenda_view import (
    AgendaLine,
    AgendaView,
    agenda_view,
    lot_label,
    person_label,
)

__all__ = [
    "AgendaLine",
    "AgendaView",
    "LotChoice",
    "PlacementLine",
    "PlacementListing",
    "fold_text",
    "lot_label",
    "person_label",
]


@dataclass(frozen=True, slots=True)
class PlacementLine:
    """A placement as the lists show it."""

    placement: Placement
    participant_name: str  # « DUPONT Jean »
    participant_reference: str
    lot_label: str
    employer_name: str


@dataclass(frozen=True, slots=True)
class PlacementListing:
    lines: tuple[PlacementLine, ...]
    total: int  # placements matching the filters, ``len(lines)`` or more when limited

    @property
    def limited(self) -> bool:
        return self.total > len(self.lines)


@dataclass(frozen=True, slots=True)
class LotChoice:
    id: int
    label: str
    status: LotStatus
    end_date: date | None


class PlacementViews:
    """Read-only methods of ``PlacementService``."""

    _sessions: sessionmaker[Session]

    def listing(
        self,
        *,
        exited: bool | None = False,
        lot_id: int | None = None,
        employer_id: int | None = None,
        participant_id: int | None = None,
        query: str = "",
        limit: int | None = None,
    ) -> PlacementListing:
        """Placements with their names, most recent start first: the open ones
        (``exited=False``, the default), the exited ones (True) or all (None), restricted to a
        lot, an employer and/or a person, and to those whose person (name or reference), lot,
        employer or job title hold every word of ``query`` (case and accents ignored); at most
        ``limit`` of them."""
        if limit is not None and limit < 1:
            raise ValidationError("La limite doit être d'au moins une ligne.", "limit")
        words = tuple(dict.fromkeys(normalise_text(query or "").split()))
        with self._sessions.begin() as s:
            rows, total = FollowUpLabelRepository(s).placements(
                exited, lot_id, employer_id, participant_id, limit, words
            )
        lines = tuple(
            PlacementLine(p, person_label(last, first), ref, lot_label(market, number, title), name)
            for p, last, first, ref, market, number, title, name in rows
        )
        return PlacementListing(lines, total)

    def lot_choices(self, query: str = "", limit: int | None = None) -> list[LotChoice]:
        """The lots whose name (« 2021-GRA-0002 · lot 3 — Plomberie ») holds every word of
        ``query`` (case and accents ignored), lots still running first; ``limit`` at most."""
        words = tuple(dict.fromkeys(normalise_text(query or "").split()))
        with self._sessions.begin() as s:
            rows = FollowUpLabelRepository(s).lots(words, limit)
        return [
            LotChoice(lot_id, lot_label(market, number, title), LotStatus(status), end)
            for lot_id, market, number, title, status, end in rows
        ]

    def lot_label(self, lot_id: int) -> str:
        with self._sessions.begin() as s:
            checks.lot(s, lot_id)
            return lot_label(*FollowUpLabelRepository(s).lot_labels([lot_id])[lot_id])

    def preview_warnings(
        self,
        participant_id: int,
        start_date: date,
        *,
        lot_id: int | None = None,
        employer_id: int | None = None,
        modality: Modality | None = None,
        contract_type: ContractType | None = None,
        end_date: date | None = None,
        placement_id: int | None = None,
    ) -> tuple[str, ...]:
        """The warnings ``create``/``update`` would give for a placement still being typed,
        as soon as the person and the start date are known (no eligibility valid at the start
        date…); what needs the lot or the employer waits for them. Writes nothing."""
        if not isinstance(start_date, date):
            raise ValidationError("La date de début du contrat est obligatoire.", "start_date")
        with self._sessions.begin() as s:
            checks.participant(s, participant_id)
            the_lot = LotRepository(s).get(lot_id) if lot_id is not None else None
            company = CompanyRepository(s).get(employer_id) if employer_id is not None else None
            draft = Placement(
                id=placement_id,
                participant_id=participant_id,
                lot_id=lot_id or 0,
                employer_id=employer_id or 0,
                modality=modality,  # type: ignore[arg-type]  # may be unknown yet
                contract_type=contract_type,  # type: ignore[arg-type]
                start_date=start_date,
                end_date=end_date if end_date is None or end_date >= start_date else None,
                weekly_hours=Decimal(0),
            )
            return checks.draft_warnings(s, draft, the_lot, company)

    def agenda_lines(self, today: date, horizon_days: int = 30) -> list[AgendaLine]:
        """``agenda(today, horizon_days).items()`` with who or what each item concerns."""
        return list(self.agenda_view(today, horizon_days).lines)

    def agenda_view(
        self,
        today: date,
        horizon_days: int = 30,
        *,
        kind: AgendaKind | str | None = None,
        overdue_only: bool = False,
        limit: int | None = None,
    ) -> AgendaView:
        """The agenda items of one ``kind`` (all when None), overdue ones only if asked, with
        who or what each concerns; at most ``limit`` of them — those due closest to
        ``today``, the most recently overdue and the next ones —, in due date order; with
        the counts of the whole agenda."""
        if horizon_days < 0:
            raise ValidationError("L'horizon de l'agenda ne peut pas être négatif.", "horizon_days")
        if limit is not None and limit < 1:
            raise ValidationError("La limite doit être d'au moins une ligne.", "limit")
        chosen = (
            None
            if kind in (None, "")
            else check.enum_value(AgendaKind, kind, "kind", "Le type d'élément")
        )
        with self._sessions.begin() as s:
            return agenda_view(s, today, horizon_days, chosen, overdue_only, limit)

"""Everything the record of one participant shows, read in one transaction: identity,
prescriber and referent, eligibility and where it stands, placements with their lot and
employer, the follow-up log (newest first) and the outcomes (used by ``ParticipantService``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from asr_desktop.domain.enums import FollowUpSubject
from asr_desktop.domain.model import (
    FollowUpAction,
    Outcome,
    Participant,
    Placement,
    Prescriber,
)
from asr_desktop.persistence.repositories.clauses import LotRepository, MarketRepository
from asr_desktop.persistence.repositories.companies import CompanyRepository
from asr_desktop.persistence.repositories.participants import (
    EligibilityRepository,
    PrescriberRepository,
)
from asr_desktop.persistence.repositories.placements import (
    FollowUpRepository,
    OutcomeRepository,
    PlacementRepository,
)
from asr_desktop.persistence.repositories.settings import UserRepository
from asr_desktop.services._participants_eligibility import EligibilityStatus, assess


@dataclass(frozen=True, slots=True)
class PlacementLine:
    """A placement with the names the record shows beside it."""

    placement: Placement
    lot_label: str  # « 2021-GRA-0002 – lot 2 : Revêtements de sols »
    employer_name: str


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    """The whole record of one participant on a date (``on``: what « expired » refers to)."""

    participant: Participant
    on: date
    prescriber: Prescriber | None
    eligibility: EligibilityStatus
    placements: tuple[PlacementLine, ...]
    actions: tuple[FollowUpAction, ...]  # newest first
    outcomes: tuple[Outcome, ...]  # by due date
    user_names: dict[int, str] = field(default_factory=dict)  # referent, validators, authors

    def user_name(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        return self.user_names.get(user_id, f"Utilisateur n° {user_id}")

    @property
    def referent_name(self) -> str:
        return self.user_name(self.participant.referent_id)


def lot_label(s: Session, lot_id: int) -> str:
    lot = LotRepository(s).get(lot_id)
    if lot is None:
        return f"Lot n° {lot_id}"
    market = MarketRepository(s).get(lot.market_id)
    prefix = f"{market.reference} – " if market is not None else ""
    return f"{prefix}lot {lot.number} : {lot.title}"


def load_record(s: Session, participant: Participant, on: date) -> ParticipantRecord:
    person_id = participant.id
    records = EligibilityRepository(s).list(person_id)
    placements = PlacementRepository(s).list(participant_id=person_id)
    employers = CompanyRepository(s).get_many(sorted({p.employer_id for p in placements}))
    lots = {lot_id: lot_label(s, lot_id) for lot_id in {p.lot_id for p in placements}}
    prescriber = (
        PrescriberRepository(s).get(participant.prescriber_id)
        if participant.prescriber_id is not None
        else None
    )
    return ParticipantRecord(
        participant=participant,
        on=on,
        prescriber=prescriber,
        eligibility=assess(person_id, records, on),
        placements=tuple(
            PlacementLine(
                placement=p,
                lot_label=lots[p.lot_id],
                employer_name=(
                    employers[p.employer_id].name
                    if p.employer_id in employers
                    else f"Entreprise n° {p.employer_id}"
                ),
            )
            for p in placements
        ),
        actions=tuple(FollowUpRepository(s).list(FollowUpSubject.PARTICIPANT, person_id)),
        outcomes=tuple(OutcomeRepository(s).list(person_id, None)),
        user_names={u.id: u.display_name for u in UserRepository(s).list()},
    )

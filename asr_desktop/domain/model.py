"""Plain values of the domain (domain.md Appendix A): frozen, Qt-free, database-free.

Services return these; the UI lists them; they cross threads freely. Money and hours are
``Decimal`` so that what is shown, exported and summed is exactly what was stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from asr_desktop.domain.enums import (
    ActionKind,
    AttributionRole,
    AuditAction,
    AuthorityKind,
    CalibrationMethod,
    CommitteeKind,
    CompanyKind,
    ContractType,
    ConversionRule,
    EducationLevel,
    ExportKind,
    FollowUpPoint,
    FollowUpSubject,
    HoursStatus,
    InformationSource,
    LegalMechanism,
    LotStatus,
    MarketKind,
    Modality,
    OutcomeClass,
    ParticipantStatus,
    PrescriberKind,
    Sector,
    Sex,
    Situation,
    UserRole,
)


@dataclass(frozen=True, slots=True)
class Authority:
    """Contracting authority (donneur d'ordre)."""

    id: int | None
    name: str
    kind: AuthorityKind
    commune: str | None = None
    siret: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    """Project grouping several markets (opération)."""

    id: int | None
    authority_id: int
    name: str
    commune: str | None = None
    anru: bool = False
    qpv: bool = False
    qpv_code: str | None = None
    anru_convention: str | None = None
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True, slots=True)
class Market:
    """Public contract (marché)."""

    id: int | None
    operation_id: int
    reference: str
    object: str
    mechanism: LegalMechanism
    kind: MarketKind
    sector: Sector
    amount_ht: Decimal | None = None
    max_amount_ht: Decimal | None = None
    frame_agreement: bool = False
    notification_date: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    award_weight_pct: Decimal | None = None
    no_clause_justification: str | None = None


@dataclass(frozen=True, slots=True)
class Calibration:
    """Inputs and result of the sizing of a lot's clause, kept on the lot for audit."""

    method: CalibrationMethod
    required_hours: Decimal
    amount_ht: Decimal | None = None
    labour_share: Decimal | None = None
    insertion_rate: Decimal | None = None
    hourly_cost: Decimal | None = None
    euros_per_hour: Decimal | None = None
    hours_percent: Decimal | None = None
    estimated_total_hours: Decimal | None = None
    transferred_monthly_hours: Decimal | None = None
    months: int | None = None
    turnover_per_hour: Decimal | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Lot:
    """Lot of a market, carrying the insertion clause."""

    id: int | None
    market_id: int
    number: str
    title: str
    calibration: Calibration
    amount_ht: Decimal | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: LotStatus = LotStatus.NOT_STARTED
    eligible_publics: tuple[str, ...] = ()
    penalty_per_hour: Decimal | None = None
    globalisation_allowed: bool = False
    training_hours_counted: bool = True
    conversion_labour_share: Decimal | None = None
    conversion_hourly_cost: Decimal | None = None
    clause_text: str | None = None
    facilitator_id: int | None = None


@dataclass(frozen=True, slots=True)
class Company:
    id: int | None
    siret: str
    name: str
    kind: CompanyKind
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    naf: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None

    @property
    def siren(self) -> str:
        return self.siret[:9]


@dataclass(frozen=True, slots=True)
class CompanyContact:
    id: int | None
    company_id: int
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """A company's share of a lot's clause."""

    id: int | None
    lot_id: int
    company_id: int
    role: AttributionRole
    hours_share: Decimal = Decimal("1")


@dataclass(frozen=True, slots=True)
class Prescriber:
    id: int | None
    name: str
    kind: PrescriberKind


@dataclass(frozen=True, slots=True)
class Participant:
    """Candidate or beneficiary (participant). Never holds a NIR."""

    id: int | None
    reference: str
    last_name: str
    first_name: str
    birth_date: date
    sex: Sex
    status: ParticipantStatus = ParticipantStatus.CANDIDATE
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    postcode: str | None = None
    commune: str | None = None
    qpv: bool = False
    qpv_code: str | None = None
    education_level: EducationLevel | None = None
    plie: bool = False
    prescriber_id: int | None = None
    referent_id: int | None = None
    entry_date: date | None = None
    last_contact_date: date | None = None
    pass_iae_end: date | None = None
    restricted: bool = False
    anonymised: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


@dataclass(frozen=True, slots=True)
class EligibilityRecord:
    id: int | None
    participant_id: int
    criterion: str  # code from domain.criteria
    proof_type: str | None = None
    proof_date: date | None = None
    validated_by_id: int | None = None
    validated_on: date | None = None
    expires_on: date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    """Placement in a job under a clause (mise en emploi)."""

    id: int | None
    participant_id: int
    lot_id: int
    employer_id: int
    modality: Modality
    contract_type: ContractType
    start_date: date
    end_date: date | None = None
    weekly_hours: Decimal | None = None
    job_title: str | None = None
    exit_date: date | None = None
    exit_situation: Situation | None = None


@dataclass(frozen=True, slots=True)
class HoursEntry:
    """One version of the ledger line of a placement for a month."""

    id: int | None
    placement_id: int
    lot_id: int  # the lot credited (the placement's, or one of its globalisation)
    month: date  # first day of the month
    version: int
    worked_hours: Decimal = Decimal("0")
    training_hours: Decimal = Decimal("0")
    invoice_amount: Decimal | None = None
    rule: ConversionRule = ConversionRule.HOURS
    labour_share_used: Decimal | None = None
    hourly_cost_used: Decimal | None = None
    training_counted: bool = True
    credited_hours: Decimal = Decimal("0")
    proof_ref: str | None = None
    status: HoursStatus = HoursStatus.ENTERED
    flags: tuple[str, ...] = ()
    reason: str | None = None
    created_by_id: int | None = None
    created_at: datetime | None = None
    validated_by_id: int | None = None
    validated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class GlobalisationConvention:
    id: int | None
    company_id: int
    name: str
    signed_on: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    allocation_key: str = "prorata"  # "prorata" of required hours, or "manual" shares
    lot_shares: tuple[tuple[int, Decimal], ...] = ()  # (lot_id, share)


@dataclass(frozen=True, slots=True)
class FollowUpAction:
    """An entry of the contact log, or an action to do (when due_date is set)."""

    id: int | None
    subject: FollowUpSubject
    subject_id: int
    kind: ActionKind
    summary: str
    occurred_on: date
    user_id: int | None = None
    due_date: date | None = None
    done_on: date | None = None
    next_action: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """Situation of a participant at exit from a placement or at a follow-up point."""

    id: int | None
    participant_id: int
    point: FollowUpPoint
    due_date: date
    placement_id: int | None = None
    observed_on: date | None = None
    situation: Situation | None = None
    outcome_class: OutcomeClass | None = None
    contract_type: ContractType | None = None
    employer_name: str | None = None
    source: InformationSource | None = None


@dataclass(frozen=True, slots=True)
class Committee:
    id: int | None
    kind: CommitteeKind
    meeting_date: date
    period_start: date
    period_end: date
    title: str
    authority_id: int | None = None
    operation_id: int | None = None
    qualitative_text: str | None = None


@dataclass(frozen=True, slots=True)
class ExportRecord:
    id: int | None
    kind: ExportKind
    created_at: datetime
    user_id: int | None = None
    committee_id: int | None = None
    named: bool = False
    row_count: int = 0
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Parameter:
    """A dated business parameter (SMIC, hourly cost, coefficients, thresholds…)."""

    key: str
    value: Decimal
    valid_from: date
    note: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class User:
    id: int | None
    login: str
    display_name: str
    role: UserRole = UserRole.ADVISER
    active: bool = True


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int | None
    at: datetime
    action: AuditAction
    entity: str
    entity_id: int | None
    user_id: int | None = None
    detail: str | None = None  # identifiers and field names only, never personal data


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """An existing participant that looks like the one being created, and why."""

    participant: Participant
    reasons: tuple[str, ...] = field(default_factory=tuple)
    score: int = 0

"""The schema: SQLAlchemy 2 typed declarative tables (product.md §2, domain.md Appendix A).

Conventions: every table has an integer ``id``; coded values are stored as their enum code
(short strings); money and hours are ``Numeric`` mapped to ``Decimal``; audit columns
``created_at``/``updated_at`` are set by the database layer. Constraints are named (Alembic
batch mode on SQLite needs names).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2)
Hours = Numeric(12, 2)
Ratio = Numeric(8, 5)
Code = String(40)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        Decimal: Numeric(14, 2),
        datetime: DateTime(),
        date: Date(),
        str: String(255),
    }


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())
    updated_at: Mapped[datetime | None] = mapped_column(onupdate=func.current_timestamp())


# --- people using the program ---------------------------------------------------------------


class UserRow(Timestamped, Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(Code)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))


# --- clause hierarchy -----------------------------------------------------------------------


class AuthorityRow(Timestamped, Base):
    """Contracting authority (donneur d'ordre)."""

    __tablename__ = "authority"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(Code)
    commune: Mapped[str | None] = mapped_column(String(100))
    siret: Mapped[str | None] = mapped_column(String(14))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(30))


class OperationRow(Timestamped, Base):
    __tablename__ = "operation"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    commune: Mapped[str | None] = mapped_column(String(100))
    anru: Mapped[bool] = mapped_column(Boolean, default=False)
    qpv: Mapped[bool] = mapped_column(Boolean, default=False)
    qpv_code: Mapped[str | None] = mapped_column(String(20))
    anru_convention: Mapped[str | None] = mapped_column(String(60))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]


class MarketRow(Timestamped, Base):
    __tablename__ = "market"
    __table_args__ = (UniqueConstraint("operation_id", "reference"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    reference: Mapped[str] = mapped_column(String(60))
    object: Mapped[str] = mapped_column(String(300))
    mechanism: Mapped[str] = mapped_column(Code)
    kind: Mapped[str] = mapped_column(Code)
    sector: Mapped[str] = mapped_column(Code)
    amount_ht: Mapped[Decimal | None] = mapped_column(Money)
    max_amount_ht: Mapped[Decimal | None] = mapped_column(Money)
    frame_agreement: Mapped[bool] = mapped_column(Boolean, default=False)
    notification_date: Mapped[date | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    award_weight_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    no_clause_justification: Mapped[str | None] = mapped_column(Text)


class LotRow(Timestamped, Base):
    """A lot and its clause: calibration inputs, method and result are kept for audit."""

    __tablename__ = "lot"
    __table_args__ = (
        UniqueConstraint("market_id", "number"),
        CheckConstraint("required_hours >= 0", name="required_hours_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("market.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    amount_ht: Mapped[Decimal | None] = mapped_column(Money)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(Code)
    # calibration
    method: Mapped[str] = mapped_column(Code)
    required_hours: Mapped[Decimal] = mapped_column(Hours)
    cal_amount_ht: Mapped[Decimal | None] = mapped_column(Money)
    cal_labour_share: Mapped[Decimal | None] = mapped_column(Ratio)
    cal_insertion_rate: Mapped[Decimal | None] = mapped_column(Ratio)
    cal_hourly_cost: Mapped[Decimal | None] = mapped_column(Money)
    cal_euros_per_hour: Mapped[Decimal | None] = mapped_column(Money)
    cal_hours_percent: Mapped[Decimal | None] = mapped_column(Ratio)
    cal_estimated_total_hours: Mapped[Decimal | None] = mapped_column(Hours)
    cal_transferred_monthly_hours: Mapped[Decimal | None] = mapped_column(Hours)
    cal_months: Mapped[int | None] = mapped_column(Integer)
    cal_turnover_per_hour: Mapped[Decimal | None] = mapped_column(Money)
    cal_note: Mapped[str | None] = mapped_column(Text)
    # clause rules
    eligible_publics: Mapped[list[str]] = mapped_column(JSON, default=list)
    penalty_per_hour: Mapped[Decimal | None] = mapped_column(Money)
    globalisation_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    training_hours_counted: Mapped[bool] = mapped_column(Boolean, default=True)
    conversion_labour_share: Mapped[Decimal | None] = mapped_column(Ratio)
    conversion_hourly_cost: Mapped[Decimal | None] = mapped_column(Money)
    clause_text: Mapped[str | None] = mapped_column(Text)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class CompanyRow(Timestamped, Base):
    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(Code)
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    naf: Mapped[str | None] = mapped_column(String(10))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(30))


class CompanyContactRow(Timestamped, Base):
    __tablename__ = "company_contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("company.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))


class AttributionRow(Timestamped, Base):
    __tablename__ = "attribution"
    __table_args__ = (
        UniqueConstraint("lot_id", "company_id"),
        CheckConstraint("hours_share >= 0 AND hours_share <= 1", name="share_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    role: Mapped[str] = mapped_column(Code)
    hours_share: Mapped[Decimal] = mapped_column(Ratio, default=Decimal("1"))


class GlobalisationRow(Timestamped, Base):
    """Globalisation convention: pools the clause obligations of several lots of one company."""

    __tablename__ = "globalisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    allocation_key: Mapped[str] = mapped_column(Code, default="prorata")


class GlobalisationLotRow(Base):
    __tablename__ = "globalisation_lot"
    __table_args__ = (UniqueConstraint("globalisation_id", "lot_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    globalisation_id: Mapped[int] = mapped_column(
        ForeignKey("globalisation.id", ondelete="CASCADE"), index=True
    )
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    share: Mapped[Decimal | None] = mapped_column(Ratio)


# --- people placed --------------------------------------------------------------------------


class PrescriberRow(Timestamped, Base):
    __tablename__ = "prescriber"
    __table_args__ = (UniqueConstraint("name", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(Code)


class ParticipantRow(Timestamped, Base):
    """Candidate / beneficiary. There is deliberately no NIR column (domain.md §7)."""

    __tablename__ = "participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date]
    sex: Mapped[str] = mapped_column(String(1))
    status: Mapped[str] = mapped_column(Code, index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    commune: Mapped[str | None] = mapped_column(String(100), index=True)
    qpv: Mapped[bool] = mapped_column(Boolean, default=False)
    qpv_code: Mapped[str | None] = mapped_column(String(20))
    education_level: Mapped[str | None] = mapped_column(Code)
    plie: Mapped[bool] = mapped_column(Boolean, default=False)
    prescriber_id: Mapped[int | None] = mapped_column(ForeignKey("prescriber.id"), index=True)
    referent_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    entry_date: Mapped[date | None]
    last_contact_date: Mapped[date | None]
    pass_iae_end: Mapped[date | None]
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymised_at: Mapped[datetime | None]
    # accent-free, case-folded "last first" for indexed search and duplicate detection
    search_key: Mapped[str] = mapped_column(String(220), index=True)
    phone_key: Mapped[str | None] = mapped_column(String(20), index=True)


class EligibilityRow(Timestamped, Base):
    __tablename__ = "eligibility"
    # the candidates' criterion filter
    __table_args__ = (Index("ix_eligibility_criterion", "criterion", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[str] = mapped_column(Code)
    proof_type: Mapped[str | None] = mapped_column(String(120))
    proof_date: Mapped[date | None]
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    validated_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)


class PlacementRow(Timestamped, Base):
    """Placement in a job under a clause (mise en emploi)."""

    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_order"),
        Index("ix_placement_lot_dates", "lot_id", "start_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    modality: Mapped[str] = mapped_column(Code)
    contract_type: Mapped[str] = mapped_column(Code)
    start_date: Mapped[date]
    end_date: Mapped[date | None] = mapped_column(index=True)
    weekly_hours: Mapped[Decimal | None] = mapped_column(Hours)
    job_title: Mapped[str | None] = mapped_column(String(150))
    exit_date: Mapped[date | None]
    exit_situation: Mapped[str | None] = mapped_column(Code)


class HoursEntryRow(Base):
    """Hours ledger: one *version* of the line of a placement for a month.

    A correction inserts a new version and marks the previous one not current; nothing is
    overwritten. Exactly one current version per (placement, month) is enforced by a partial
    unique index.
    """

    __tablename__ = "hours_entry"
    __table_args__ = (
        UniqueConstraint("placement_id", "month", "version"),
        Index(
            "ux_hours_entry_current",
            "placement_id",
            "month",
            unique=True,
            sqlite_where=text("is_current = 1"),
        ),
        Index("ix_hours_entry_month_current", "month", "is_current"),
        Index("ix_hours_entry_lot_current", "lot_id", "is_current", "month"),
        # covers the credited totals per lot (Marchés tree, committee figures)
        Index("ix_hours_entry_lot_totals", "lot_id", "is_current", "status", "credited_hours"),
        CheckConstraint("worked_hours >= 0 AND training_hours >= 0", name="hours_positive"),
        CheckConstraint("version >= 1", name="version_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"))
    # the lot credited: the placement's lot, or another lot of a globalisation convention
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    month: Mapped[date]
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    worked_hours: Mapped[Decimal] = mapped_column(Hours, default=Decimal("0"))
    training_hours: Mapped[Decimal] = mapped_column(Hours, default=Decimal("0"))
    invoice_amount: Mapped[Decimal | None] = mapped_column(Money)
    rule: Mapped[str] = mapped_column(Code)
    labour_share_used: Mapped[Decimal | None] = mapped_column(Ratio)
    hourly_cost_used: Mapped[Decimal | None] = mapped_column(Money)
    training_counted: Mapped[bool] = mapped_column(Boolean, default=True)
    credited_hours: Mapped[Decimal] = mapped_column(Hours)
    proof_ref: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(Code)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    validated_at: Mapped[datetime | None]


# --- follow-up ------------------------------------------------------------------------------


class FollowUpActionRow(Timestamped, Base):
    """Contact log entry or action to do, on a participant, a company or a lot."""

    __tablename__ = "follow_up_action"
    __table_args__ = (
        CheckConstraint(
            "(participant_id IS NOT NULL) + (company_id IS NOT NULL) + (lot_id IS NOT NULL) = 1",
            name="one_subject",
        ),
        Index("ix_follow_up_action_due_open", "due_date", "done_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    kind: Mapped[str] = mapped_column(Code)
    summary: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[date]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    due_date: Mapped[date | None]
    done_on: Mapped[date | None]
    next_action: Mapped[str | None] = mapped_column(String(300))


class OutcomeRow(Timestamped, Base):
    """Situation at exit from a clause placement, or at the M+6 / M+12 follow-up point."""

    __tablename__ = "outcome"
    __table_args__ = (
        UniqueConstraint("participant_id", "placement_id", "point"),
        Index("ix_outcome_due_observed", "due_date", "observed_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id"), index=True)
    point: Mapped[str] = mapped_column(Code)
    due_date: Mapped[date]
    observed_on: Mapped[date | None]
    situation: Mapped[str | None] = mapped_column(Code)
    outcome_class: Mapped[str | None] = mapped_column(Code)
    contract_type: Mapped[str | None] = mapped_column(Code)
    employer_name: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(Code)


# --- committees, exports, parameters, audit -------------------------------------------------


class CommitteeRow(Timestamped, Base):
    __tablename__ = "committee"
    __table_args__ = (CheckConstraint("period_end >= period_start", name="period_order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Code)
    meeting_date: Mapped[date]
    period_start: Mapped[date]
    period_end: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authority.id"))
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operation.id"))
    qualitative_text: Mapped[str | None] = mapped_column(Text)


class ExportRecordRow(Base):
    """Every file that left the program with data in it: what, when, who, named or not."""

    __tablename__ = "export_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Code)
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id"))
    named: Mapped[bool] = mapped_column(Boolean, default=False)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))


class ParameterRow(Base):
    """Dated business parameter: the value in force is the latest ``valid_from`` ≤ the date."""

    __tablename__ = "parameter"
    __table_args__ = (UniqueConstraint("key", "valid_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    value: Mapped[Decimal] = mapped_column(Numeric(16, 5))
    valid_from: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())


class AuditEntryRow(Base):
    """Who did what to which record, when. Internal ids only — never names (domain.md §7)."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp(), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(Code)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(String(300))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


# Tables every healthy ASR Desktop file holds (used by the start-up check and ``check``).
EXPECTED_TABLES: tuple[str, ...] = tuple(sorted(Base.metadata.tables))

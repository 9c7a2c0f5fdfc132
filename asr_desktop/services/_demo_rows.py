"""The planned demonstration values as table rows: ``(table, columns, tuples)`` for ``bulk``.

Creation times are those of the events themselves (a lot is created when its market is
notified, a participant on the day of entry…), never the clock of the machine, and never after
``today``: two runs with the same seed and the same day write the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from asr_desktop.services._demo_catalogue import PROOF_TYPES
from asr_desktop.services._demo_clauses import (
    UNUSABLE_PASSWORD,
    AuthorityPlan,
    MarketPlan,
    OperationPlan,
    UserPlan,
)
from asr_desktop.services._demo_companies import CompanyPlan, ConventionPlan
from asr_desktop.services._demo_jobs import PlacementPlan
from asr_desktop.services._demo_lots import LotPlan, clause_text
from asr_desktop.services._demo_people import ParticipantPlan
from asr_desktop.services._demo_plan import Context

Rows = tuple[str, tuple[str, ...], Iterable[tuple]]


class Stamps:
    """``created_at`` values: a working hour of the event's day, capped at ``today``."""

    def __init__(self, ctx: Context):
        self.cap = datetime.combine(ctx.today, time(8, 0))

    def at(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        return min(datetime.combine(day, time(hour, minute)), self.cap)


def users(ctx: Context, plans: list[UserPlan]) -> Rows:
    stamps, day = Stamps(ctx), ctx.history_start - timedelta(days=60)
    columns = ("id", "login", "display_name", "role", "active", "password_hash", "created_at")
    rows = [
        (
            u.id,
            u.login,
            u.display_name,
            u.role.value,
            True,
            UNUSABLE_PASSWORD,
            stamps.at(day, 9, u.id),
        )
        for u in plans
    ]
    return "app_user", columns, rows


def authorities(ctx: Context, plans: list[AuthorityPlan]) -> Rows:
    stamps, day = Stamps(ctx), ctx.history_start - timedelta(days=30)
    columns = (
        "id", "name", "kind", "commune", "siret", "contact_name", "contact_email",
        "contact_phone", "created_at",
    )  # fmt: skip
    rows = [
        (a.id, a.name, a.kind, a.commune, a.siret, a.contact_name, a.contact_email,
         a.contact_phone, stamps.at(day + timedelta(days=a.id % 20)))
        for a in plans
    ]  # fmt: skip
    return "authority", columns, rows


def operations(ctx: Context, plans: list[OperationPlan]) -> Rows:
    stamps = Stamps(ctx)
    columns = (
        "id", "authority_id", "name", "commune", "anru", "qpv", "qpv_code", "anru_convention",
        "start_date", "end_date", "created_at",
    )  # fmt: skip
    rows = [
        (o.id, o.authority.id, o.name, o.commune, o.anru, o.qpv_code is not None, o.qpv_code,
         f"Convention NPNRU {o.commune} {o.start.year}" if o.anru else None,
         o.start, o.end, stamps.at(o.start - timedelta(days=90)))
        for o in plans
    ]  # fmt: skip
    return "operation", columns, rows


def markets(ctx: Context, plans: list[MarketPlan]) -> Rows:
    stamps = Stamps(ctx)
    columns = (
        "id", "operation_id", "reference", "object", "mechanism", "kind", "sector", "amount_ht",
        "max_amount_ht", "frame_agreement", "notification_date", "start_date", "end_date",
        "award_weight_pct", "no_clause_justification", "created_at",
    )  # fmt: skip
    rows = [
        (m.id, m.operation.id, m.reference, m.object, m.mechanism.value, m.kind.value,
         m.operation.sector, m.amount, m.max_amount, m.frame, m.notification, m.start, m.end,
         m.award_weight, None, stamps.at(m.notification))
        for m in plans
    ]  # fmt: skip
    return "market", columns, rows


_CALIBRATION = (
    "amount_ht", "labour_share", "insertion_rate", "hourly_cost", "euros_per_hour",
    "hours_percent", "estimated_total_hours", "transferred_monthly_hours", "months",
    "turnover_per_hour", "note",
)  # fmt: skip


def lots(ctx: Context, plans: list[LotPlan]) -> Rows:
    """Method, inputs and result of the calibration go to the ``cal_*`` columns, as
    ``repositories.clauses.lot_from_domain`` stores them."""
    stamps = Stamps(ctx)
    columns = (
        "id", "market_id", "number", "title", "amount_ht", "start_date", "end_date", "status",
        "method", "required_hours", *(f"cal_{n}" for n in _CALIBRATION), "eligible_publics",
        "penalty_per_hour", "globalisation_allowed", "training_hours_counted",
        "conversion_labour_share", "conversion_hourly_cost", "clause_text", "facilitator_id",
        "created_at",
    )  # fmt: skip
    rows = []
    for lot in plans:
        cal = lot.calibration
        assert cal is not None, "lot not sized"
        rows.append(
            (lot.id, lot.market.id, lot.number, lot.title, lot.amount, lot.start, lot.end,
             lot.status, cal.method.value, cal.required_hours,
             *(getattr(cal, n) for n in _CALIBRATION), list(lot.eligible_publics), lot.penalty,
             lot.globalisation_allowed, lot.training_counted, lot.conversion_share,
             lot.conversion_cost, clause_text(lot), lot.facilitator_id,
             stamps.at(lot.market.notification, 10, 30))
        )  # fmt: skip
    return "lot", columns, rows


def companies(ctx: Context, plans: list[CompanyPlan], since: dict[int, date]) -> Rows:
    stamps = Stamps(ctx)
    columns = (
        "id", "siret", "name", "kind", "address", "postcode", "city", "naf", "contact_name",
        "contact_email", "contact_phone", "created_at",
    )  # fmt: skip
    rows = [
        (c.id, c.siret, c.name, c.kind.value, c.address, c.postcode, c.city, c.naf,
         c.contact_name, c.contact_email, c.contact_phone,
         stamps.at(since.get(c.id, ctx.history_start), 11))
        for c in plans
    ]  # fmt: skip
    return "company", columns, rows


def contacts(ctx: Context, rows: list[tuple], since: dict[int, date]) -> Rows:
    stamps = Stamps(ctx)
    columns = ("id", "company_id", "name", "role", "phone", "email", "created_at")
    return (
        "company_contact",
        columns,
        [(*r, stamps.at(since.get(r[1], ctx.history_start), 11, 30)) for r in rows],
    )


def attributions(ctx: Context, plans: list[LotPlan]) -> Rows:
    stamps = Stamps(ctx)
    columns = ("id", "lot_id", "company_id", "role", "hours_share", "created_at")
    rows = []
    for lot in plans:
        for company_id, role, share in lot.attributions:
            created = stamps.at(lot.market.notification + timedelta(days=1))
            rows.append((len(rows) + 1, lot.id, company_id, role, share, created))
    return "attribution", columns, rows


def conventions(ctx: Context, plans: list[ConventionPlan]) -> tuple[Rows, Rows]:
    stamps = Stamps(ctx)
    head = ("id", "company_id", "name", "signed_on", "start_date", "end_date", "allocation_key",
            "created_at")  # fmt: skip
    heads = [
        (c.id, c.company_id, c.name, c.signed_on, c.start, c.end, c.key, stamps.at(c.signed_on))
        for c in plans
    ]
    lines = []
    for c in plans:
        for lot_id, share in c.lots:
            lines.append((len(lines) + 1, c.id, lot_id, share))
    return (
        ("globalisation", head, heads),
        ("globalisation_lot", ("id", "globalisation_id", "lot_id", "share"), lines),
    )


def prescribers(ctx: Context, plans: list[tuple[int, str, str]]) -> Rows:
    created = Stamps(ctx).at(ctx.history_start - timedelta(days=30), 9)
    return "prescriber", ("id", "name", "kind", "created_at"), [(*p, created) for p in plans]


def participants(ctx: Context, plans: list[ParticipantPlan]) -> Rows:
    stamps = Stamps(ctx)
    columns = (
        "id", "reference", "last_name", "first_name", "birth_date", "sex", "status", "phone",
        "email", "address", "postcode", "commune", "qpv", "qpv_code", "education_level", "plie",
        "prescriber_id", "referent_id", "entry_date", "last_contact_date", "pass_iae_end",
        "restricted", "anonymised_at", "search_key", "phone_key", "created_at",
    )  # fmt: skip
    rows = (
        (p.id, p.reference, p.last_name, p.first_name, p.birth_date, p.sex, p.status, p.phone,
         p.email, p.address, p.postcode, p.commune, p.qpv_code is not None, p.qpv_code,
         p.education.value, p.plie, p.prescriber_id, p.referent_id, p.entry_date,
         p.last_contact, p.pass_iae_end, p.restricted, None, p.search_key, p.phone_key,
         stamps.at(p.entry_date, 9, 30))
        for p in plans
    )  # fmt: skip
    return "participant", columns, rows


def eligibility(ctx: Context, plans: list[ParticipantPlan]) -> Rows:
    stamps = Stamps(ctx)
    columns = (
        "id", "participant_id", "criterion", "proof_type", "proof_date", "validated_by_id",
        "validated_on", "expires_on", "note", "created_at",
    )  # fmt: skip

    def rows():
        number = 0
        for person in plans:
            for r in sorted(person.records, key=lambda r: (r.proof_date, r.criterion)):
                number += 1
                yield (number, r.participant_id, r.criterion, PROOF_TYPES[r.criterion],
                       r.proof_date, r.validated_by, r.validated_on, r.expires_on, r.note,
                       stamps.at(r.validated_on or r.proof_date, 11))  # fmt: skip

    return "eligibility", columns, rows()


def placements(ctx: Context, plans: list[PlacementPlan]) -> Rows:
    stamps = Stamps(ctx)
    columns = (
        "id", "participant_id", "lot_id", "employer_id", "modality", "contract_type",
        "start_date", "end_date", "weekly_hours", "job_title", "exit_date", "exit_situation",
        "created_at",
    )  # fmt: skip
    rows = (
        (p.id, p.participant.id, p.lot.id, p.employer.id, p.modality.value, p.contract.value,
         p.start, p.end, p.weekly, p.job, p.exit_date,
         p.exit_situation.value if p.exit_situation else None,
         stamps.at(p.start - timedelta(days=5), 14))
        for p in plans
    )  # fmt: skip
    return "placement", columns, rows

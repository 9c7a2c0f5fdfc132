"""The hours ledger: one line per placement and month, versioned, never overwritten; totals and
progress of a lot (product.md §2, §3.2, §3.3; domain.md §3.3).

Recording a month checks the line with ``hours_rules.check_hours_line``: blocking reasons (month
outside the placement, no valid eligibility, lot not covered) refuse it with the reason;
the others (above the plausible monthly maximum, beyond the counting period) are stored on the
line as flags. Credited hours follow ``hours_rules.credit_hours`` with the dated parameters in
force for the month. Recording identical values again changes nothing; different values need a
reason and become version n + 1, the previous version staying in the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from sqlalchemy.orm import Session, sessionmaker

from asr_desktop.domain import hours_rules
from asr_desktop.domain.dates import add_months, as_date, first_of_month, last_of_month
from asr_desktop.domain.enums import AuditAction, HoursStatus
from asr_desktop.domain.errors import NotFound, ValidationError
from asr_desktop.domain.formats import normalise_text
from asr_desktop.domain.hours_rules import Flag
from asr_desktop.domain.model import HoursEntry, Placement
from asr_desktop.persistence.repositories.audit import AuditRepository
from asr_desktop.persistence.repositories.companies import EmployerHoursRepository
from asr_desktop.persistence.repositories.hours import HoursGridRepository, HoursRepository
from asr_desktop.persistence.repositories.placements import PlacementRepository
from asr_desktop.services import _hours_ledger as ledger
from asr_desktop.services import _validation as check
from asr_desktop.services._hours_ledger import LotProgress, PooledLot, PooledObligation
from asr_desktop.services._placements_views import lot_label, person_label

__all__ = [
    "FLAG_LABELS",
    "GRID_MAX_MONTHS",
    "GridRow",
    "HoursGrid",
    "HoursService",
    "LotProgress",
    "PooledLot",
    "PooledObligation",
    "RecordedHours",
]

_HUNDREDTH = Decimal("0.01")
#: The field a blocking flag belongs to, for the form to point at.
_FLAG_FIELDS = {
    hours_rules.OUTSIDE_PLACEMENT: "month",
    hours_rules.NOT_ELIGIBLE: "participant_id",
    hours_rules.LOT_NOT_COVERED: "lot_id",
}


#: What a stored flag code means, in French (the line keeps the code; messages are rebuilt).
FLAG_LABELS = {
    hours_rules.OUTSIDE_PLACEMENT: "mois en dehors des dates du placement",
    hours_rules.ABOVE_MONTHLY_MAX: "au-dessus du maximum plausible d'heures par mois",
    hours_rules.NOT_ELIGIBLE: "personne sans éligibilité valide ce mois-là",
    hours_rules.LOT_NOT_COVERED: "lot non couvert par une convention de globalisation",
    hours_rules.BEYOND_MAX_MONTHS: "au-delà de la durée maximale de comptage après la "
    "première embauche",
}
#: Months the grid shows at most (columns of the table).
GRID_MAX_MONTHS = 12


@dataclass(frozen=True, slots=True)
class GridRow:
    """A placement of the hours grid, its names, and its current line of each month shown."""

    placement: Placement
    participant_name: str  # « DUPONT Jean »
    participant_reference: str
    lot_label: str
    employer_name: str
    lines: Mapping[date, HoursEntry]  # by first day of the month

    @property
    def placement_end(self) -> date | None:
        """The last day of the placement: its exit date when before the contract's end."""
        ends = [d for d in (self.placement.end_date, self.placement.exit_date) if d]
        return min(ends) if ends else None


@dataclass(frozen=True, slots=True)
class HoursGrid:
    """One page of the hours grid: the months (first days), the rows from ``offset``, and how
    many placements match in all."""

    months: tuple[date, ...]
    rows: tuple[GridRow, ...]
    total: int
    offset: int = 0


class RecordedHours(NamedTuple):
    """The current version of the line, and the warnings it carries (non-blocking flags)."""

    entry: HoursEntry
    flags: tuple[Flag, ...]


class HoursService:
    def __init__(self, sessions: sessionmaker[Session], user_id: int | None = None):
        self._sessions = sessions
        self._user_id = user_id

    def record_month(
        self,
        placement_id: int,
        month: date,
        worked: object = 0,
        training: object = 0,
        invoice_amount: object = None,
        proof_ref: str | None = None,
        reason: str | None = None,
        *,
        lot_id: int | None = None,
    ) -> RecordedHours:
        """Record the hours of a placement for a month (any day of it). ``lot_id`` credits
        another lot pooled with the placement's by a globalisation convention."""
        first_day = first_of_month(as_date(month, "month"))
        worked_hours = _hundredths(worked, "worked_hours", "Le nombre d'heures travaillées")
        training_hours = _hundredths(training, "training_hours", "Le nombre d'heures de formation")
        invoice = check.non_negative(invoice_amount, "invoice_amount", "Le montant facturé")
        if invoice is not None:
            invoice = invoice.quantize(_HUNDREDTH, ROUND_HALF_UP)
        proof = check.optional_text(proof_ref)
        if proof is not None and len(proof) > 120:
            raise ValidationError(
                "La référence du justificatif compte au plus 120 caractères.", "proof_ref"
            )
        with self._sessions.begin() as s:
            placement = self._placement(s, placement_id)
            context = ledger.context(s, placement, first_day, lot_id)
            flags = ledger.check_line(context, worked_hours, training_hours)
            blocking = [f for f in flags if f.blocking]
            if blocking:
                raise ValidationError(
                    " ".join(f.message for f in blocking), _FLAG_FIELDS.get(blocking[0].code)
                )
            warnings = tuple(f for f in flags if not f.blocking)
            credit = ledger.credit(context, worked_hours, training_hours, invoice)
            repo = HoursRepository(s)
            current = repo.current(placement_id, first_day)
            if current is not None and ledger.same_values(
                current, context.lot_id, worked_hours, training_hours, invoice, proof
            ):
                return RecordedHours(current, warnings)
            why = check.optional_text(reason)
            if current is not None and why is None:
                raise ValidationError(
                    "Ce mois a déjà une ligne d'heures : indiquez le motif de la correction "
                    "(la version précédente est conservée).",
                    "reason",
                )
            if why is not None and len(why) > 300:
                raise ValidationError("Le motif compte au plus 300 caractères.", "reason")
            version = 1
            if current is not None:
                version = max(v.version for v in repo.history(placement_id, first_day)) + 1
                repo.retire(current.id)
            entry = repo.add(
                HoursEntry(
                    id=None,
                    placement_id=placement_id,
                    lot_id=context.lot_id,
                    month=first_day,
                    version=version,
                    worked_hours=worked_hours,
                    training_hours=training_hours,
                    invoice_amount=invoice,
                    rule=credit.rule,
                    labour_share_used=credit.labour_share,
                    hourly_cost_used=credit.hourly_cost,
                    training_counted=credit.training_counted,
                    credited_hours=credit.hours,
                    proof_ref=proof,
                    status=HoursStatus.ENTERED,
                    flags=tuple(f.code for f in warnings),
                    reason=why,
                    created_by_id=self._user_id,
                )
            )
            detail = f"placement {placement_id} ; version {version}"
            if current is None:
                self._audit(s, AuditAction.CREATE, entry.id, detail)
            else:
                self._audit(s, AuditAction.UPDATE, entry.id, f"{detail} (remplace n° {current.id})")
            return RecordedHours(entry, warnings)

    def history(self, placement_id: int, month: date) -> list[HoursEntry]:
        """Every version of a placement's line for a month, oldest first."""
        first_day = first_of_month(as_date(month, "month"))
        with self._sessions.begin() as s:
            self._placement(s, placement_id)
            return HoursRepository(s).history(placement_id, first_day)

    def lines(self, placement_id: int | None = None, lot_id: int | None = None) -> list[HoursEntry]:
        """The current version of each line, for a placement and/or a lot."""
        with self._sessions.begin() as s:
            return HoursRepository(s).current_lines(placement_id, lot_id)

    def validate(self, entry_ids: Iterable[int]) -> list[HoursEntry]:
        """Mark current lines validated by the user, now. Lines already validated keep their
        first validation; a line that has been corrected since must be validated in its new
        version."""
        ids = list(dict.fromkeys(entry_ids))
        with self._sessions.begin() as s:
            repo = HoursRepository(s)
            found = repo.get_many(ids)
            for entry_id in ids:
                if entry_id not in found:
                    raise NotFound(f"La ligne d'heures n° {entry_id} n'existe pas.")
                if not repo.is_current(entry_id):
                    raise ValidationError(
                        f"La ligne d'heures n° {entry_id} a été corrigée depuis : validez sa "
                        "dernière version.",
                        "entry_ids",
                    )
            to_validate = [i for i in ids if found[i].status is not HoursStatus.VALIDATED]
            if to_validate:
                now = datetime.now().replace(microsecond=0)
                repo.set_status(to_validate, HoursStatus.VALIDATED, self._user_id, now)
                for entry_id in to_validate:
                    detail = f"placement {found[entry_id].placement_id} ; validation"
                    self._audit(s, AuditAction.UPDATE, entry_id, detail)
            s.expire_all()
            stored = repo.get_many(ids)
            return [stored[i] for i in ids]

    def grid(
        self,
        first_month: date,
        last_month: date,
        *,
        lot_id: int | None = None,
        employer_id: int | None = None,
        query: str = "",
        offset: int = 0,
        limit: int | None = None,
    ) -> HoursGrid:
        """The placements active at some point from ``first_month`` to ``last_month`` (any
        day of each; at most ``GRID_MAX_MONTHS`` months), on a lot and/or for an employer,
        whose person (name or reference), lot or employer hold every word of ``query`` (case
        and accents ignored), by person; ``limit`` of them from ``offset``, each with its
        current lines of those months."""
        first = first_of_month(as_date(first_month, "first_month"))
        last = first_of_month(as_date(last_month, "last_month"))
        if last < first:
            raise ValidationError("Le dernier mois précède le premier.", "last_month")
        months = []
        month = first
        while month <= last:
            months.append(month)
            month = add_months(month, 1)
        if len(months) > GRID_MAX_MONTHS:
            raise ValidationError(
                f"La grille montre {GRID_MAX_MONTHS} mois au plus ({len(months)} demandés).",
                "last_month",
            )
        if offset < 0 or (limit is not None and limit < 1):
            raise ValidationError("Page de la grille impossible.", "offset")
        words = tuple(dict.fromkeys(normalise_text(query or "").split()))
        with self._sessions.begin() as s:
            repo = HoursGridRepository(s)
            found, total = repo.active_placements(
                first, last_of_month(last), lot_id, employer_id, words, offset, limit
            )
            lines: dict[int, dict[date, HoursEntry]] = {}
            for entry in repo.current_lines([f[0].id for f in found], first, last):
                lines.setdefault(entry.placement_id, {})[entry.month] = entry
        rows = tuple(
            GridRow(
                p,
                person_label(last_name, first_name),
                reference,
                lot_label(market, number, title),
                employer,
                lines.get(p.id, {}),
            )
            for p, last_name, first_name, reference, market, number, title, employer in found
        )
        return HoursGrid(tuple(months), rows, total, offset)

    # --- totals and progress ----------------------------------------------------------------

    def credited_by_lot(self, lot_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
        """Hours credited per lot (current, non-rejected lines); lots without hours absent."""
        with self._sessions.begin() as s:
            return HoursRepository(s).credited_by_lot(None if lot_ids is None else list(lot_ids))

    def credited_by_month(self, lot_id: int) -> list[tuple[date, Decimal]]:
        with self._sessions.begin() as s:
            return HoursRepository(s).credited_by_month(lot_id)

    def credited_by_placement(self, lot_id: int | None = None) -> dict[int, Decimal]:
        with self._sessions.begin() as s:
            return HoursRepository(s).credited_by_placement(lot_id)

    def credited_by_company(self, company_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
        """Hours credited on the placements each company employs (its own hires and the
        people it puts at a lot's disposal); companies without hours are absent."""
        with self._sessions.begin() as s:
            return EmployerHoursRepository(s).credited_by_employer(
                None if company_ids is None else list(company_ids)
            )

    def credited_by_company_year(self, company_id: int) -> list[tuple[int, Decimal]]:
        """(year, hours credited that year on the company's placements), oldest first."""
        with self._sessions.begin() as s:
            return EmployerHoursRepository(s).credited_by_year(company_id)

    def pooled_obligations(self, lot_id: int | None = None) -> list[PooledObligation]:
        """The globalisation conventions pooling ``lot_id`` (or all): the hours credited on
        their lots while in force, and each lot's part of that pool by the convention's key."""
        with self._sessions.begin() as s:
            return ledger.pooled_obligations(s, lot_id)

    def lot_progress(self, lot_id: int, today: date) -> LotProgress:
        """Required (the lot's calibration) vs credited (with the lot's part of the pools of
        its globalisation conventions, in place of the hours declared on it), forecast at the lot's end date (the
        market's when the lot has none) from the recent pace and the placements still to
        start, penalty and risk status (product.md §3.3)."""
        with self._sessions.begin() as s:
            return ledger.lot_progress(s, lot_id, today)

    # --- helpers ----------------------------------------------------------------------------

    def _audit(self, s: Session, action: AuditAction, entry_id: int, detail: str) -> None:
        AuditRepository(s).append(self._user_id, action, "hours_entry", entry_id, detail)

    @staticmethod
    def _placement(s: Session, placement_id: int | None) -> Placement:
        found = PlacementRepository(s).get(placement_id) if placement_id is not None else None
        if found is None:
            raise NotFound(f"La mise en emploi n° {placement_id} n'existe pas (ou plus).")
        return found


def _hundredths(value: object, field: str, what: str) -> Decimal:
    """Hours as given (0 when empty), to the hundredth."""
    amount = check.non_negative(value, field, what)
    return Decimal("0.00") if amount is None else amount.quantize(_HUNDREDTH, ROUND_HALF_UP)

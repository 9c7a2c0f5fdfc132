"""Crediting realised hours, checking ledger lines, and globalisation (domain.md §3.3).

Rounding: credited hours are kept to the hundredth of an hour, HALF_UP (``7,333…`` → 7,33).
Nothing here ever drops hours silently: :func:`check_hours_line` reports, the caller (the
hours service, the import preview) decides whether to refuse or to flag.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import TypeVar

from asr_desktop.domain._checks import (
    CENT,
    non_negative,
    positive,
    round_hundredth,
    share,
    whole_number,
)
from asr_desktop.domain.dates import add_months, first_of_month, last_of_month, months_between
from asr_desktop.domain.enums import ConversionRule, Modality
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_date, format_hours, format_month

K = TypeVar("K", bound=Hashable)


# --- crediting (§3.3.1 – §3.3.6) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Credit:
    """Credited hours of one ledger line and how they were obtained (kept on the line)."""

    hours: Decimal  # total credited
    rule: ConversionRule
    from_work: Decimal  # hours paid/invoiced, or converted from the invoice amount
    from_training: Decimal  # training hours counted (0 when the lot does not count them)
    training_counted: bool
    labour_share: Decimal | None = None  # coefficients used for an invoice conversion
    hourly_cost: Decimal | None = None


def credit_hours(
    modality: Modality,
    worked_hours: object = 0,
    training_hours: object = 0,
    invoice_amount: object = None,
    *,
    training_counted: bool,
    labour_share: object = None,
    hourly_cost: object = None,
) -> Credit:
    """Hours credited to the clause for one placement and month (domain.md §3.3).

    - Hours paid or invoiced (direct hire, ETT/ETTI missions, AI/GEIQ making-available) count as
      such (§3.3.1–3.3.3).
    - For SIAE sub-contracting and EA/ESAT purchases (``Modality.may_use_invoice``), an invoice
      amount HT may be given instead of hours: credited = invoice × labour_share ÷ hourly_cost
      (§3.3.4); the coefficients are the lot's (local rule) and are returned to be stored with
      the line. Giving both hours and an invoice is refused (one proof per line).
    - Training hours are added only when the lot's rule says they count (``training_counted``,
      §3.3.1 for work-study training, §3.3.6 for pre-recruitment training). For the
      ``TRAINING`` modality (training before hiring) every hour of the line is a training hour.
    """
    worked = non_negative(worked_hours, "worked_hours")
    training = non_negative(training_hours, "training_hours")
    if modality is Modality.TRAINING:
        worked, training = Decimal(0), worked + training
    counted_training = round_hundredth(training) if training_counted else Decimal("0.00")
    if invoice_amount is None or invoice_amount == "":
        from_work = round_hundredth(worked)
        return Credit(
            from_work + counted_training,
            ConversionRule.HOURS,
            from_work,
            counted_training,
            training_counted,
        )
    if not modality.may_use_invoice:
        raise ValidationError(
            "Un montant facturé ne peut être converti en heures que pour une sous-traitance ou "
            f"cotraitance SIAE ou un achat à une EA ou un ESAT, pas pour : {modality.label}.",
            "invoice_amount",
        )
    if worked:
        raise ValidationError(
            "Indiquez soit des heures travaillées, soit un montant facturé, pas les deux.",
            "invoice_amount",
        )
    amount = non_negative(invoice_amount, "invoice_amount")
    labour = share(labour_share, "labour_share")
    cost = positive(hourly_cost, "hourly_cost")
    from_work = round_hundredth(amount * labour / cost)
    return Credit(
        from_work + counted_training,
        ConversionRule.INVOICE,
        from_work,
        counted_training,
        training_counted,
        labour,
        cost,
    )


# --- checking a ledger line ---------------------------------------------------------------------

OUTSIDE_PLACEMENT = "outside_placement"
ABOVE_MONTHLY_MAX = "above_monthly_max"
NOT_ELIGIBLE = "not_eligible"
LOT_NOT_COVERED = "lot_not_covered"
BEYOND_MAX_MONTHS = "beyond_max_months"


@dataclass(frozen=True, slots=True)
class Flag:
    """Why a ledger line must be refused or looked at. ``code`` is stable (stored on the line),
    ``message`` is French. ``blocking`` lines should not be credited until fixed; the others are
    plausibility warnings an adviser may override."""

    code: str
    message: str
    blocking: bool = True


def lot_covered(
    placement_lot_id: K, lot_id: K, globalisation_groups: Iterable[Collection[K]] = ()
) -> bool:
    """Hours count on the placement's own lot, or on a lot pooled with it by a globalisation
    convention in force (each group = the lot ids of one convention), domain.md §2 and §3.3.7."""
    if lot_id == placement_lot_id:
        return True
    return any(placement_lot_id in group and lot_id in group for group in globalisation_groups)


def check_hours_line(
    *,
    month: date,
    worked_hours: object,
    training_hours: object = 0,
    placement_start: date,
    placement_end: date | None,
    eligible: bool,
    max_monthly_hours: object,
    placement_lot_id: Hashable = None,
    lot_id: Hashable = None,
    globalisation_groups: Iterable[Collection[Hashable]] = (),
    first_hire_date: date | None = None,
    max_months_after_first_hire: object = None,
) -> list[Flag]:
    """Every reason to refuse or flag the line of ``month`` (domain.md §3.3, product.md §3.2).

    - ``outside_placement``: the month does not overlap the placement's dates at all (a month
      that overlaps them partly is fine).
    - ``above_monthly_max``: worked + training hours above ``max_monthly_hours`` (parameter
      ``hours.max_monthly``) — a warning, not blocking.
    - ``not_eligible``: ``eligible`` is False. The caller decides it with
      ``eligibility.eligibility_valid_on`` for the participant's records, at the placement's entry
      date for the proof window and on the month for any explicit expiry (eligibility is
      assessed at entry, domain.md §4.2).
    - ``lot_not_covered``: ``lot_id`` (the lot the hours are declared on, default the placement's)
      is neither the placement's lot nor pooled with it in one of ``globalisation_groups``.
    - ``beyond_max_months``: the month is ``max_months_after_first_hire`` months or more after the
      month of the participant's first clause hire (default: the placement start), e.g. with 24
      and a first hire in January 2024, hours up to December 2025 count and January 2026 is
      flagged. ``None`` means no limit. A warning, not blocking (local rule).
    """
    month = first_of_month(month)
    hours = non_negative(worked_hours, "worked_hours") + non_negative(
        training_hours, "training_hours"
    )
    flags: list[Flag] = []
    if last_of_month(month) < placement_start or (
        placement_end is not None and month > placement_end
    ):
        end = format_date(placement_end) if placement_end else "…"
        flags.append(
            Flag(
                OUTSIDE_PLACEMENT,
                f"Le mois de {format_month(month)} est en dehors des dates du "
                f"placement (du {format_date(placement_start)} au {end}).",
            )
        )
    maximum = non_negative(max_monthly_hours, "max_monthly_hours")
    if hours > maximum:
        flags.append(
            Flag(
                ABOVE_MONTHLY_MAX,
                f"{format_hours(hours)} déclarées en {format_month(month)} : c'est plus "
                f"que le maximum plausible de {format_hours(maximum)} par mois.",
                blocking=False,
            )
        )
    if not eligible:
        flags.append(
            Flag(
                NOT_ELIGIBLE,
                f"La personne n'a pas d'éligibilité valide sur le mois de {format_month(month)}.",
            )
        )
    target = placement_lot_id if lot_id is None else lot_id
    if not lot_covered(placement_lot_id, target, globalisation_groups):
        flags.append(
            Flag(
                LOT_NOT_COVERED,
                "Ces heures portent sur un autre lot que celui du placement, et aucune "
                "convention de globalisation ne couvre les deux lots.",
            )
        )
    if max_months_after_first_hire is not None:
        limit = whole_number(max_months_after_first_hire, "max_months_after_first_hire")
        first_hire = first_hire_date or placement_start
        if months_between(first_hire, month) >= limit:
            last_month = add_months(first_of_month(first_hire), limit - 1)
            flags.append(
                Flag(
                    BEYOND_MAX_MONTHS,
                    f"Le mois de {format_month(month)} dépasse la durée maximale de "
                    f"comptage de {limit} mois après la première embauche "
                    f"({format_date(first_hire)}) : dernier mois compté, "
                    f"{format_month(last_month)}.",
                    blocking=False,
                )
            )
    return flags


# --- globalisation (§3.3.7) ----------------------------------------------------------------------


def allocate_globalised_hours(
    hours: object,
    lot_required: Mapping[K, object],
    key: str = "prorata",
    manual_shares: Mapping[K, object] | None = None,
) -> dict[K, Decimal]:
    """Distribute hours worked under a globalisation convention back to its lots (§3.3.7).

    ``key="prorata"`` weights each lot by its required hours; ``key="manual"`` uses
    ``manual_shares`` (ratios per lot, for exactly the lots of ``lot_required``, summing to 1
    within 0.0001 — they are then normalised). The result is in hundredths of an hour and sums
    exactly to ``hours`` rounded to the hundredth: the largest-remainder method gives the leftover
    hundredths to the lots with the largest fractional parts (ties: larger weight, then the order
    of ``lot_required``).
    """
    total = round_hundredth(non_negative(hours, "hours"))
    if not lot_required:
        raise ValidationError("La convention de globalisation ne couvre aucun lot.", "lot_required")
    weights = _allocation_weights(lot_required, key, manual_shares)
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        raise ValidationError(
            "Répartition au prorata impossible : aucun lot de la convention n'a d'heures requises.",
            "lot_required",
        )
    cents = int(total / CENT)
    quotas = {lot: Decimal(cents) * w / weight_sum for lot, w in weights.items()}
    floors = {lot: int(q.to_integral_value(rounding=ROUND_FLOOR)) for lot, q in quotas.items()}
    leftover = cents - sum(floors.values())
    order = list(weights)
    ranked = sorted(
        order, key=lambda lot: (-(quotas[lot] - floors[lot]), -weights[lot], order.index(lot))
    )
    for lot in ranked[:leftover]:
        floors[lot] += 1
    return {lot: Decimal(floors[lot]) * CENT for lot in order}


def _allocation_weights(
    lot_required: Mapping[K, object], key: str, manual_shares: Mapping[K, object] | None
) -> dict[K, Decimal]:
    if key == "prorata":
        return {lot: non_negative(req, "required_hours") for lot, req in lot_required.items()}
    if key != "manual":
        raise ValidationError(
            f"Clé de répartition inconnue : « {key} » (prorata ou manual).", "key"
        )
    if not manual_shares:
        raise ValidationError(
            "La répartition manuelle demande une part pour chaque lot.", "manual_shares"
        )
    unknown = [lot for lot in manual_shares if lot not in lot_required]
    missing = [lot for lot in lot_required if lot not in manual_shares]
    if unknown:
        which = ", ".join(str(lot) for lot in unknown)
        raise ValidationError(
            f"Répartition manuelle : ces lots ne font pas partie de la convention : {which}.",
            "manual_shares",
        )
    if missing:
        which = ", ".join(str(lot) for lot in missing)
        raise ValidationError(
            f"Répartition manuelle : aucune part n'est donnée pour ces lots : {which}.",
            "manual_shares",
        )
    weights = {lot: share(manual_shares[lot], "share") for lot in lot_required}
    if abs(sum(weights.values()) - 1) > Decimal("0.0001"):
        raise ValidationError(
            "Les parts de la répartition manuelle doivent totaliser 100 % "
            f"(total reçu : {sum(weights.values())}).",
            "manual_shares",
        )
    return weights

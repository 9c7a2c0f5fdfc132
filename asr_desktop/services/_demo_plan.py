"""Sizes, randomness and small helpers shared by the demonstration data builders.

Everything random comes from ``random.Random`` instances derived from the seed (one stream per
builder, so that changing one builder does not reshuffle the others) and from one Faker
``fr_FR`` instance seeded with ``seed_instance``: no global random state, no wall clock.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import TypeVar

from faker import Faker
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from asr_desktop.domain.dates import days_in_month
from asr_desktop.domain.formats import normalise_text

T = TypeVar("T")

#: Ten years of monthly hours up to the month before ``today``.
HISTORY_MONTHS = 120
_ADDRESS_POOL = 3_000


@dataclass(frozen=True)
class SizePlan:
    """How many of each thing a demonstration file holds."""

    authorities: int
    operations: int
    lots: int
    companies: int
    participants: int
    placements: int
    advisers: int
    #: multiply the typical duration of each contract type and of each market: together they
    #: set the ledger's volume (lines per placement)
    duration_scale: float
    market_scale: float
    #: audit entries written (a bounded sample, not one per row)
    audit_entries: int


SIZES: dict[str, SizePlan] = {
    "small": SizePlan(8, 10, 20, 30, 40, 50, 2, 1.0, 1.0, 120),
    "realistic": SizePlan(40, 120, 400, 500, 3_000, 4_000, 3, 1.0, 1.0, 2_000),
    # product.md §6: the benchmark dataset
    "large": SizePlan(300, 1_500, 9_000, 6_000, 50_000, 90_000, 3, 2.2, 2.0, 5_000),
}


# --- months as integers ----------------------------------------------------------------------


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, 1)


def month_end(index: int) -> date:
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, days_in_month(year, month0 + 1))


class Context:
    """The seed, the day the data is generated for, and the random streams."""

    def __init__(self, seed: int, today: date, plan: SizePlan):
        self.seed = seed
        self.today = today
        self.plan = plan
        self.current_month = month_index(today)
        self.first_month = self.current_month - HISTORY_MONTHS  # first month with hours
        self.last_hours_month = self.current_month - 1
        self.history_start = month_start(self.first_month)
        self.faker = Faker("fr_FR")
        self.faker.seed_instance(seed)
        self._addresses: list[str] = []

    def street_address(self, rng: random.Random) -> str:
        """A street address from a pool Faker fills once (Faker's parser is slow at 50 000)."""
        if not self._addresses:
            self._addresses = [self.faker.street_address() for _ in range(_ADDRESS_POOL)]
        return rng.choice(self._addresses)

    def rng(self, stream: str) -> random.Random:
        """An independent, reproducible random stream for one builder."""
        return random.Random(f"asr-demo:{self.seed}:{stream}")


# --- random helpers ------------------------------------------------------------------------------


class WeightedChoice:
    """Fast repeated weighted draws from a fixed population."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]):
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1] if self.cumulative else 0.0

    def __bool__(self) -> bool:
        return self.total > 0

    def draw(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


def weighted(rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    """One item of ``(item, weight)`` pairs, drawn in proportion to the weights."""
    remaining = rng.random() * sum(weight for _item, weight in pairs)
    for item, weight in pairs:
        remaining -= weight
        if remaining < 0:
            return item
    return pairs[-1][0]


def random_day(rng: random.Random, start: date, end: date) -> date:
    """A day between ``start`` and ``end`` inclusive (``start`` when the range is empty)."""
    span = (end - start).days
    return start if span <= 0 else start + timedelta(days=rng.randint(0, span))


def office_time(rng: random.Random, day: date) -> datetime:
    """A moment of a working day, to the second (audit entries keep whole seconds)."""
    return datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)))


def split_total(rng: random.Random, total: int, parts: int, minimum: int = 1) -> list[int]:
    """``total`` split into ``parts`` random integers of at least ``minimum``."""
    if parts <= 0:
        return []
    base = [minimum] * parts
    for _ in range(max(0, total - minimum * parts)):
        base[rng.randrange(parts)] += 1
    return base


# --- identifiers -------------------------------------------------------------------------------


class SiretFactory:
    """Valid, unique SIRETs: SIREN = 8 random digits + Luhn key, NIC = 4 digits + the key that
    makes the 14 digits pass Luhn too (python-stdnum computes both keys)."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._seen: set[str] = set()

    def make(self, first_digit: str | None = None) -> str:
        while True:
            head = first_digit or str(self._rng.choice("345789"))
            body = head + "".join(str(self._rng.randrange(10)) for _ in range(8 - len(head)))
            if body.startswith("356000000"[:8]):
                continue  # La Poste's SIREN follows another rule
            siren = body + luhn.calc_check_digit(body)
            nic_body = f"{self._rng.choice((1, 1, 1, 2, 3, 4, 5, 12, 17, 25)):04d}"
            number = siren + nic_body + luhn.calc_check_digit(siren + nic_body)
            if number not in self._seen and stdnum_siret.is_valid(number):
                self._seen.add(number)
                return number


def mobile_phone(rng: random.Random) -> str:
    """A French mobile number as people write it: « 06 12 34 56 78 »."""
    digits = rng.choice("67") + "".join(str(rng.randrange(10)) for _ in range(8))
    return "0" + digits[0] + " " + " ".join(digits[i : i + 2] for i in range(1, 9, 2))


def landline_phone(rng: random.Random, area: str = "1") -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(8))
    return f"0{area} " + " ".join(digits[i : i + 2] for i in range(0, 8, 2))


def phone_key(phone: str | None) -> str | None:
    """The digits of a French phone number in its national ten-digit form (« 0612345678 »)."""
    if not phone:
        return None
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits or None


def email_of(first: str, last: str, rng: random.Random, domain: str = "example.org") -> str:
    """An address on a domain reserved for examples (RFC 2606): never a real mailbox."""
    local = f"{normalise_text(first, compact=True)}.{normalise_text(last, compact=True)}"
    return f"{local}{rng.randrange(1, 99)}@{domain}"

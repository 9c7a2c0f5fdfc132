"""Demonstration data, part 1: users, contracting authorities, operations and markets
(the lots are in ``_demo_lots``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from asr_desktop.domain.criteria import CRITERIA
from asr_desktop.domain.dates import add_months
from asr_desktop.domain.enums import LegalMechanism, MarketKind, UserRole
from asr_desktop.domain.formats import normalise_text
from asr_desktop.services import _demo_catalogue as cat
from asr_desktop.services._demo_plan import (
    Context,
    SiretFactory,
    WeightedChoice,
    email_of,
    landline_phone,
    random_day,
    split_total,
    weighted,
)

#: A password hash no password can match (Django's convention): demo users set theirs later.
UNUSABLE_PASSWORD = "!demo"
CLAUSE_PUBLICS = tuple(c.code for c in CRITERIA if c.clause_public)


@dataclass(slots=True)
class UserPlan:
    id: int
    login: str
    display_name: str
    role: UserRole


@dataclass(slots=True)
class AuthorityPlan:
    id: int
    kind: str
    name: str
    commune: str
    siret: str
    contact_name: str
    contact_email: str
    contact_phone: str


@dataclass(slots=True)
class OperationPlan:
    id: int
    authority: AuthorityPlan
    name: str
    commune: str
    sector: str
    anru: bool
    qpv_code: str | None
    anchor: date
    start: date | None = None
    end: date | None = None


@dataclass(slots=True)
class MarketPlan:
    id: int
    operation: OperationPlan
    reference: str
    object: str
    mechanism: LegalMechanism
    kind: MarketKind
    frame: bool
    notification: date
    start: date
    end: date
    award_weight: Decimal | None
    amount: Decimal = Decimal(0)
    max_amount: Decimal | None = None


def build_users(ctx: Context) -> list[UserPlan]:
    fake = ctx.faker
    users = [
        UserPlan(1, "coordination", f"{fake.first_name()} {fake.last_name()}", UserRole.COORDINATOR)
    ]
    for number in range(1, ctx.plan.advisers + 1):
        first, last = fake.first_name(), fake.last_name()
        login = f"{normalise_text(first, compact=True)[0]}.{normalise_text(last, compact=True)}"
        users.append(UserPlan(number + 1, f"{login}{number}", f"{first} {last}", UserRole.ADVISER))
    return users


def _commune_label(name: str) -> str:
    if name.startswith("Le "):
        return "Ville du " + name[3:]
    if name[0] in "AEIOUÉ":
        return "Ville d'" + name
    return "Ville de " + name


def build_authorities(ctx: Context, sirets: SiretFactory) -> list[AuthorityPlan]:
    rng, fake = ctx.rng("authorities"), ctx.faker
    by_size = sorted(cat.COMMUNES, key=lambda c: -c.population)
    seeds = [cat.FIXED_AUTHORITIES[0], ("commune", _commune_label("Créteil"), "Créteil")]
    seeds.append(("bailleur", cat.LANDLORDS[0], "Créteil"))
    seeds += [("commune", _commune_label(c.name), c.name) for c in by_size if c.name != "Créteil"][
        :4
    ]
    seeds += list(cat.FIXED_AUTHORITIES[1:])
    seeds += [("bailleur", name, rng.choice(cat.QPV_COMMUNES).name) for name in cat.LANDLORDS[1:]]
    seeds += [("commune", _commune_label(c.name), c.name) for c in by_size[5:]]
    names = {s[1] for s in seeds}
    while len(seeds) < ctx.plan.authorities:
        kind, pattern = rng.choice(cat.EXTRA_AUTHORITY_PATTERNS)
        commune = rng.choice(cat.COMMUNES).name
        name = pattern.format(commune=commune, surname=fake.last_name())
        if name not in names:
            names.add(name)
            seeds.append((kind, name, commune))
    result = []
    for index, (kind, name, commune) in enumerate(seeds[: ctx.plan.authorities], start=1):
        first, last = fake.first_name(), fake.last_name()
        result.append(
            AuthorityPlan(
                index,
                kind,
                name,
                commune,
                sirets.make("2" if kind in ("commune", "ept", "departement", "region") else None),
                f"{first} {last}",
                email_of(first, last, rng, "example.org"),
                landline_phone(rng),
            )
        )
    return result


_KIND_WEIGHT = {"commune": 3, "ept": 10, "bailleur": 5, "departement": 5, "region": 2, "hopital": 2}


def build_operations(ctx: Context, authorities: list[AuthorityPlan]) -> list[OperationPlan]:
    rng = ctx.rng("operations")
    weights = [_KIND_WEIGHT.get(a.kind, 1.5) for a in authorities]
    counts = [1] * len(authorities) if ctx.plan.operations >= len(authorities) else []
    owners = [a for a, n in zip(authorities, counts, strict=False) for _ in range(n)]
    chooser = WeightedChoice(authorities, weights)
    while len(owners) < ctx.plan.operations:
        owners.append(chooser.draw(rng))
    owners.sort(key=lambda a: a.id)
    earliest, latest = add_months(ctx.history_start, -9), add_months(ctx.today, 9)
    operations = []
    for index, owner in enumerate(owners, start=1):
        templates = [t for t in cat.OPERATION_TEMPLATES if owner.kind in t[0]] or [
            t for t in cat.OPERATION_TEMPLATES if "autre" in t[0]
        ]
        if index == 1:  # every file has an ANRU renewal project
            templates = [t for t in cat.OPERATION_TEMPLATES if t[3]]
        _kinds, pattern, sector, anru = rng.choice(templates)
        if anru:
            seat = cat.COMMUNE_BY_NAME.get(owner.commune)
            commune = owner.commune if seat and seat.qpvs else rng.choice(cat.QPV_COMMUNES).name
        else:
            commune = owner.commune if owner.kind == "commune" else _any_commune(rng)
        qpvs = cat.COMMUNE_BY_NAME[commune].qpvs if commune in cat.COMMUNE_BY_NAME else ()
        qpv = rng.choice(qpvs) if qpvs and (anru or rng.random() < 0.25) else None
        anchor = random_day(rng, earliest, latest)
        name = pattern.format(place=rng.choice(cat.PLACE_NAMES), qpv=qpv[1] if qpv else commune)
        if "{" not in pattern:
            name = f"{name} {anchor.year}–{anchor.year + 3}"
        operations.append(
            OperationPlan(
                index, owner, name, commune, sector, anru, qpv[0] if qpv else None, anchor
            )
        )
    return operations


def _any_commune(rng: random.Random) -> str:
    return rng.choices([c.name for c in cat.COMMUNES], [c.population for c in cat.COMMUNES])[0]


_WORKS = {
    "batiment": MarketKind.WORKS,
    "travaux_publics": MarketKind.WORKS,
    "autre": MarketKind.SUPPLIES,
}


def _mechanism(rng: random.Random, kind: MarketKind, sector: str) -> LegalMechanism:
    m = LegalMechanism
    if kind is MarketKind.WORKS:
        return weighted(rng, [(m.EXECUTION, 80), (m.EXECUTION_AWARD, 15), (m.AWARD, 5)])
    pairs = [(m.EXECUTION, 60), (m.EXECUTION_AWARD, 15), (m.AWARD, 3)]
    if sector in ("proprete", "espaces_verts", "services", "autre"):
        pairs += [(m.INSERTION_SERVICE, 8), (m.RESERVED_SIAE, 8), (m.RESERVED_DISABILITY, 5)]
        pairs += [(m.RESERVED_JOINT, 3)]
    return weighted(rng, pairs)


def build_markets(ctx: Context, operations: list[OperationPlan]) -> list[MarketPlan]:
    rng = ctx.rng("markets")
    count = max(len(operations), round(ctx.plan.lots / 2.6))
    per_operation = split_total(rng, count, len(operations))
    markets: list[MarketPlan] = []
    floor = add_months(ctx.history_start, 3)
    for operation, n in zip(operations, per_operation, strict=True):
        kind = _WORKS.get(operation.sector, MarketKind.SERVICES)
        prefix = normalise_text(operation.authority.name, compact=True)[:3].upper()
        for rank in range(n):
            start = operation.anchor + timedelta(days=rng.randint(0, 450))
            months = rng.randint(14, 40) if kind is MarketKind.WORKS else rng.randint(18, 48)
            months = round(months * ctx.plan.market_scale)
            end = add_months(start, months) - timedelta(days=1)
            if end < floor:  # nothing before the history: move it into the ten years
                start, end = floor, add_months(floor, months) - timedelta(days=1)
            mechanism = _mechanism(rng, kind, operation.sector)
            scored = mechanism in (LegalMechanism.AWARD, LegalMechanism.EXECUTION_AWARD)
            label = "Travaux" if kind is MarketKind.WORKS else "Prestations"
            suffix = f" – tranche {rank + 1}" if n > 1 else ""
            markets.append(
                MarketPlan(
                    id=len(markets) + 1,
                    operation=operation,
                    reference=f"{start.year}-{prefix}-{len(markets) + 1:04d}",
                    object=f"{label} : {operation.name}{suffix}",
                    mechanism=mechanism,
                    kind=kind,
                    frame=rng.random() < (0.1 if kind is MarketKind.WORKS else 0.6),
                    notification=start - timedelta(days=rng.randint(20, 75)),
                    start=start,
                    end=end,
                    award_weight=Decimal(rng.choice((5, 10, 15, 20))) if scored else None,
                )
            )
    for operation in operations:
        own = [m for m in markets if m.operation is operation]
        operation.start = min(m.start for m in own)
        operation.end = max(m.end for m in own)
    return markets

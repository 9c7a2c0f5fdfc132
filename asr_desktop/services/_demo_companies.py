"""Demonstration data, part 3: companies of every kind, contacts, attributions of lots and
globalisation conventions (product.md §2, domain.md §1.3 and §3.3.7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from asr_desktop.domain.enums import AttributionRole, CompanyKind, LegalMechanism
from asr_desktop.services import _demo_catalogue as cat
from asr_desktop.services._demo_lots import LotPlan
from asr_desktop.services._demo_plan import (
    Context,
    SiretFactory,
    WeightedChoice,
    email_of,
    landline_phone,
    weighted,
)

K = CompanyKind
KIND_SHARES: dict[CompanyKind, int] = {
    K.ORDINARY: 62,
    K.ETT: 5,
    K.ETTI: 4,
    K.AI: 4,
    K.ACI: 5,
    K.EI: 6,
    K.EITI: 1,
    K.GEIQ: 3,
    K.EA: 5,
    K.EATT: 1,
    K.ESAT: 4,
}
SECTOR_SHARES = {
    "batiment": 45,
    "travaux_publics": 15,
    "proprete": 12,
    "espaces_verts": 8,
    "services": 10,
    "informatique": 3,
    "restauration": 4,
    "autre": 3,
}
_SECTOR_WORDS = {
    "batiment": ("Bâtiment", "Construction", "Rénovation"),
    "travaux_publics": ("TP", "Travaux Publics", "Routes et Réseaux"),
    "proprete": ("Propreté", "Nettoyage", "Net Services"),
    "espaces_verts": ("Paysages", "Jardins", "Espaces Verts"),
    "services": ("Services", "Logistique"),
    "informatique": ("Informatique", "Numérique"),
    "restauration": ("Restauration", "Traiteur"),
    "autre": ("Industries", "Fournitures"),
}
_CONTACT_ROLES = (
    "Responsable des ressources humaines",
    "Conducteur de travaux",
    "Chargée de recrutement",
    "Directeur d'agence",
    "Encadrant technique",
    "Chargée d'insertion",
)
SIAE_KINDS = (K.EI, K.ACI, K.EITI)
DISABILITY_KINDS = (K.EA, K.ESAT)


@dataclass(slots=True)
class CompanyPlan:
    id: int
    siret: str
    name: str
    kind: CompanyKind
    sector: str
    address: str
    postcode: str
    city: str
    naf: str
    contact_name: str
    contact_email: str
    contact_phone: str
    weight: float  # how often it wins lots or employs people


@dataclass(slots=True)
class ConventionPlan:
    id: int
    company_id: int
    name: str
    signed_on: date
    start: date
    end: date
    key: str
    lots: list[tuple[int, Decimal | None]]


def build_companies(ctx: Context, sirets: SiretFactory) -> list[CompanyPlan]:
    rng, fake = ctx.rng("companies"), ctx.faker
    kinds = list(K)  # one of each kind first, so every file has them all
    chooser = WeightedChoice(list(KIND_SHARES), list(KIND_SHARES.values()))
    while len(kinds) < ctx.plan.companies:
        kinds.append(chooser.draw(rng))
    sectors = list(SECTOR_SHARES.items())
    companies = []
    for index, kind in enumerate(kinds[: ctx.plan.companies], start=1):
        sector = weighted(rng, sectors)
        surname = fake.last_name()
        if kind is K.ORDINARY:
            if rng.random() < 0.5:
                form = rng.choice(("SAS", "SARL", "SA", "SAS"))
                name = f"{surname} {rng.choice(_SECTOR_WORDS[sector])} {form}"
            else:
                name = fake.company()
            naf = rng.choice(cat.NAF_BY_SECTOR[sector])
        else:
            commune = rng.choice(cat.COMMUNES).name
            trade = rng.choice(("Espaces verts", "Bâtiment", "Propreté", "Recyclage"))
            pattern = rng.choice(cat.STRUCTURE_NAMES[kind.value])
            name = pattern.format(surname=surname, commune=commune, trade=trade)
            naf = cat.NAF_BY_KIND.get(kind.value) or rng.choice(cat.NAF_BY_SECTOR[sector])
        if rng.random() < 0.72:
            place = rng.choices(cat.COMMUNES, [c.population for c in cat.COMMUNES])[0]
            city, postcode = place.name, place.postcode
        else:
            city, postcode = rng.choice(cat.OUTSIDE_COMMUNES)
        first, last = fake.first_name(), fake.last_name()
        companies.append(
            CompanyPlan(
                index,
                sirets.make("7" if kind in (K.AI, K.ACI, K.ESAT) else None),
                name,
                kind,
                sector,
                ctx.street_address(rng),
                postcode,
                city,
                naf,
                f"{first} {last}",
                email_of(first, last, rng, "example.com"),
                landline_phone(rng),
                rng.paretovariate(1.4),
            )
        )
    return companies


def build_contacts(ctx: Context, companies: list[CompanyPlan]) -> list[tuple]:
    """(id, company_id, name, role, phone, email) — one or two per company."""
    rng, fake = ctx.rng("contacts"), ctx.faker
    rows = []
    for company in companies:
        for _ in range(rng.choice((1, 1, 2))):
            first, last = fake.first_name(), fake.last_name()
            rows.append(
                (
                    len(rows) + 1,
                    company.id,
                    f"{first} {last}",
                    rng.choice(_CONTACT_ROLES),
                    landline_phone(rng),
                    email_of(first, last, rng, "example.com"),
                )
            )
    return rows


def _pool(companies: list[CompanyPlan], kinds: tuple[CompanyKind, ...]) -> WeightedChoice:
    chosen = [c for c in companies if c.kind in kinds]
    return WeightedChoice(chosen, [c.weight for c in chosen])


def attribute_lots(ctx: Context, lots: list[LotPlan], companies: list[CompanyPlan]) -> int:
    """Fill ``lot.attributions`` with (company id, role, share); shares of a lot sum to 1."""
    rng = ctx.rng("attributions")
    ordinary = [c for c in companies if c.kind is K.ORDINARY]
    by_sector = {
        s: _pool([c for c in ordinary if c.sector == s], (K.ORDINARY,)) for s in SECTOR_SHARES
    }
    any_ordinary = _pool(ordinary, (K.ORDINARY,))
    siae, disability = _pool(companies, SIAE_KINDS), _pool(companies, DISABILITY_KINDS)
    helpers = _pool(companies, SIAE_KINDS + DISABILITY_KINDS)
    mech = LegalMechanism
    count = 0
    for lot in lots:
        mechanism = lot.market.mechanism
        if mechanism in (mech.RESERVED_SIAE, mech.INSERTION_SERVICE):
            members = [siae.draw(rng)]
        elif mechanism is mech.RESERVED_DISABILITY:
            members = [disability.draw(rng)]
        elif mechanism is mech.RESERVED_JOINT:
            members = [helpers.draw(rng)]
        else:
            pool = by_sector[lot.sector] or any_ordinary
            members = [pool.draw(rng)]
            if rng.random() < 0.2:  # a groupement: lead + one or two co-contractors
                for _ in range(rng.choice((1, 1, 2))):
                    other = pool.draw(rng)
                    if other not in members:
                        members.append(other)
        shares = {1: ["1"], 2: ["0.6", "0.4"], 3: ["0.5", "0.3", "0.2"]}[len(members)]
        if len(members) == 1:
            lot.attributions = [(members[0].id, AttributionRole.HOLDER.value, Decimal(1))]
        else:
            roles = [AttributionRole.LEAD.value] + [AttributionRole.CO_CONTRACTOR.value] * (
                len(members) - 1
            )
            lot.attributions = [
                (m.id, r, Decimal(s)) for m, r, s in zip(members, roles, shares, strict=True)
            ]
        if members[0].kind is K.ORDINARY and rng.random() < 0.3:
            sub = helpers.draw(rng)
            part = Decimal(rng.choice(("0.1", "0.2", "0.3")))
            company_id, role, share = lot.attributions[0]
            lot.attributions[0] = (company_id, role, share - part)
            lot.attributions.append((sub.id, AttributionRole.SUBCONTRACTOR.value, part))
        count += len(lot.attributions)
    return count


def _overlap(a: LotPlan, b: LotPlan) -> tuple[date, date]:
    return max(a.start, b.start), min(a.end, b.end)


def build_conventions(ctx: Context, lots: list[LotPlan]) -> list[ConventionPlan]:
    """A few conventions pooling lots that one company holds at the same time."""
    rng = ctx.rng("globalisation")
    held: dict[int, list[LotPlan]] = {}
    for lot in lots:
        company_id, role, _share = lot.attributions[0]
        held.setdefault(company_id, []).append(lot)
    pairs = [
        (company_id, a, b)
        for company_id, own in held.items()
        for i, a in enumerate(own)
        for b in own[i + 1 :]
        if (_overlap(a, b)[1] - _overlap(a, b)[0]).days > 120
    ]
    wanted = max(1, len(lots) // 80)
    rng.shuffle(pairs)
    used: set[int] = set()
    conventions: list[ConventionPlan] = []
    for company_id, a, b in pairs:
        if len(conventions) >= wanted:
            break
        if a.id in used or b.id in used or _overlap(a, b)[0] > ctx.today:
            continue  # a convention is signed once both lots are under way
        used.update((a.id, b.id))
        a.globalisation_allowed = b.globalisation_allowed = True
        start, end = _overlap(a, b)
        key = "manual" if rng.random() < 0.3 else "prorata"
        shares = [Decimal("0.6"), Decimal("0.4")] if key == "manual" else [None, None]
        conventions.append(
            ConventionPlan(
                id=len(conventions) + 1,
                company_id=company_id,
                name=f"Convention de globalisation n° {len(conventions) + 1}",
                signed_on=start - timedelta(days=rng.randint(10, 40)),
                start=start,
                end=end,
                key=key,
                lots=[(a.id, shares[0]), (b.id, shares[1])],
            )
        )
    if not conventions:
        _force_convention(lots, conventions, ctx.today)
    return conventions


def _force_convention(lots: list[LotPlan], out: list[ConventionPlan], today: date) -> None:
    """Small files: make the holder of a market's first lot hold its second lot too (a market
    already under way if there is one)."""
    by_market: dict[int, list[LotPlan]] = {}
    for lot in lots:
        by_market.setdefault(lot.market.id, []).append(lot)
    pairs = [(own[0], own[1]) for own in by_market.values() if len(own) >= 2]
    pairs.sort(key=lambda pair: _overlap(*pair)[0] > today)  # under way first
    for a, b in pairs:
        holder = a.attributions[0][0]
        start, end = _overlap(a, b)
        if end <= start or holder in {c for c, _r, _s in b.attributions}:
            continue
        _company, role, share = b.attributions[0]
        b.attributions[0] = (holder, role, share)
        a.globalisation_allowed = b.globalisation_allowed = True
        name = "Convention de globalisation n° 1"
        lots_shares: list[tuple[int, Decimal | None]] = [(a.id, None), (b.id, None)]
        signed = min(start, today)
        out.append(ConventionPlan(1, holder, name, signed, start, end, "prorata", lots_shares))
        return

"""Demonstration data, part 4: prescribers, participants and their eligibility criteria.

Profiles are coherent: the age gives JEUNE / SENIOR, the address QPV, the education level
NIVEAU_3, and every person holds at least one clause public (AVIS_MOTIVE otherwise). Every
criterion of the catalogue is used at least once. ``search_key`` and ``phone_key`` are computed
exactly as the participant service does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from asr_desktop.domain.criteria import CRITERIA, CRITERIA_BY_CODE
from asr_desktop.domain.dates import add_months, add_years, age_on
from asr_desktop.domain.enums import EducationLevel, UserRole
from asr_desktop.domain.formats import normalise_text
from asr_desktop.services import _demo_catalogue as cat
from asr_desktop.services._demo_clauses import CLAUSE_PUBLICS, UserPlan
from asr_desktop.services._demo_plan import (
    Context,
    WeightedChoice,
    email_of,
    mobile_phone,
    phone_key,
    random_day,
    weighted,
)

if TYPE_CHECKING:
    from asr_desktop.services._demo_jobs import PlacementPlan

_EDUCATION = [
    (EducationLevel.NONE, 34),
    (EducationLevel.LEVEL3, 31),
    (EducationLevel.LEVEL4, 20),
    (EducationLevel.LEVEL5, 9),
    (EducationLevel.LEVEL6, 4),
    (EducationLevel.LEVEL7, 2),
]
_MAIN_CRITERION = [
    ("RSA", 28),
    ("DELD", 20),
    ("DETLD", 12),
    ("ASS", 6),
    ("AAH", 4),
    ("MINIMA_AUTRES", 2),
    (None, 28),
]
_EXTRA = (
    ("RQTH", 0.07),
    ("SANS_HEBERGEMENT", 0.03),
    ("REFUGIE", 0.03),
    ("PPSMJ", 0.015),
    ("FLE", 0.03),
    ("MOBILITE", 0.04),
)
_SENSITIVE = {c.code for c in CRITERIA if c.sensitive}
_NOTES = ("Justificatif original vu en entretien.", "Copie transmise par le prescripteur.")


@dataclass(slots=True)
class RecordPlan:
    participant_id: int
    criterion: str
    proof_date: date
    validated_by: int | None
    validated_on: date | None
    expires_on: date | None
    note: str | None


@dataclass(slots=True)
class ParticipantPlan:
    id: int
    last_name: str
    first_name: str
    birth_date: date
    sex: str
    phone: str | None
    email: str | None
    address: str
    postcode: str
    commune: str
    qpv_code: str | None
    education: EducationLevel
    plie: bool
    prescriber_id: int
    referent_id: int
    entry_date: date
    codes: set[str]
    restricted: bool
    status: str = "candidat"
    last_contact: date | None = None
    pass_iae_end: date | None = None
    placements: list[PlacementPlan] = field(default_factory=list)
    records: list[RecordPlan] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return f"P-{self.id:06d}"

    @property
    def search_key(self) -> str:
        return normalise_text(f"{self.last_name} {self.first_name}")

    @property
    def phone_key(self) -> str | None:
        return phone_key(self.phone)


def build_prescribers() -> list[tuple[int, str, str]]:
    """(id, name, kind) of the organisations that refer people."""
    return [(i, name, kind) for i, (kind, name) in enumerate(cat.PRESCRIBERS, start=1)]


def build_participants(
    ctx: Context, users: list[UserPlan], prescribers: list[tuple[int, str, str]]
) -> list[ParticipantPlan]:
    rng, fake = ctx.rng("participants"), ctx.faker
    advisers = [u.id for u in users if u.role is UserRole.ADVISER]
    by_kind: dict[str, list[int]] = {}
    for pid, _name, kind in prescribers:
        by_kind.setdefault(kind, []).append(pid)
    kinds = WeightedChoice(list(cat.PRESCRIBER_WEIGHTS), list(cat.PRESCRIBER_WEIGHTS.values()))
    communes = WeightedChoice(cat.COMMUNES, [c.population for c in cat.COMMUNES])
    earliest, latest = ctx.history_start - timedelta(days=60), ctx.today - timedelta(days=3)
    people = []
    for pid in range(1, ctx.plan.participants + 1):
        sex = "M" if rng.random() < 0.68 else "F"
        first = fake.first_name_male() if sex == "M" else fake.first_name_female()
        last = fake.last_name()
        entry = random_day(rng, earliest, latest)
        age = weighted(
            rng, [(rng.randint(18, 25), 28), (rng.randint(26, 49), 55), (rng.randint(50, 62), 17)]
        )
        birth = add_years(entry, -age) - timedelta(days=rng.randint(1, 364))
        if rng.random() < 0.9:
            place = communes.draw(rng)
            commune, postcode = place.name, place.postcode
            qpv = rng.choice(place.qpvs)[0] if place.qpvs and rng.random() < 0.45 else None
        else:
            (commune, postcode), qpv = rng.choice(cat.OUTSIDE_COMMUNES), None
        education = weighted(rng, _EDUCATION)
        kind = "ML" if age < 26 and rng.random() < 0.5 else kinds.draw(rng)
        person = ParticipantPlan(
            id=pid,
            last_name=last,
            first_name=first,
            birth_date=birth,
            sex=sex,
            phone=mobile_phone(rng) if rng.random() < 0.92 else None,
            email=email_of(first, last, rng) if rng.random() < 0.7 else None,
            address=ctx.street_address(rng),
            postcode=postcode,
            commune=commune,
            qpv_code=qpv,
            education=education,
            plie=kind == "PLIE" or rng.random() < 0.3,
            prescriber_id=rng.choice(by_kind[kind]),
            referent_id=rng.choice(advisers),
            entry_date=entry,
            codes=set(),
            restricted=rng.random() < 0.01,
        )
        person.codes = _criteria(rng, person, kind)
        people.append(person)
    _cover_every_criterion(rng, people)
    return people


def _criteria(rng: random.Random, p: ParticipantPlan, prescriber_kind: str) -> set[str]:
    age = age_on(p.birth_date, p.entry_date)
    codes = set()
    if age < 26:
        codes.add("JEUNE")
        if rng.random() < 0.1:
            codes.add("ASE")
        if prescriber_kind in ("E2C", "EPIDE"):
            codes.add("EPIDE_E2C")
    if age >= 50:
        codes.add("SENIOR")
    if p.qpv_code:
        codes.add("QPV")
    if p.plie:
        codes.add("PLIE")
    if p.education.is_level3_or_below and rng.random() < 0.4:
        codes.add("NIVEAU_3")
    main = weighted(rng, _MAIN_CRITERION)
    if main:
        codes.add(main)
    if p.sex == "F" and rng.random() < 0.12:
        codes.add("PARENT_ISOLE")
    for code, probability in _EXTRA:
        if rng.random() < probability:
            codes.add(code)
    if prescriber_kind == "CAP_EMPLOI":
        codes.add("RQTH")
    if p.qpv_code is None and p.postcode.startswith("77") and rng.random() < 0.2:
        codes.add("ZRR")
    if not codes & set(CLAUSE_PUBLICS):
        codes.add("AVIS_MOTIVE")
    return codes


def _cover_every_criterion(rng: random.Random, people: list[ParticipantPlan]) -> None:
    used = set().union(*(p.codes for p in people))
    # SALARIE_SIAE and GEIQ are given with an SIAE or GEIQ placement (see _demo_jobs)
    for code in CRITERIA_BY_CODE:
        if code not in used and code not in ("SALARIE_SIAE", "GEIQ"):
            rng.choice(people).codes.add(code)


def add_record(
    person: ParticipantPlan,
    rng: random.Random,
    code: str,
    assessed_on: date,
    today: date,
    validated: bool = True,
    expires_on: date | None = None,
) -> RecordPlan:
    """A proof of ``code`` fresh enough for an assessment on ``assessed_on``."""
    window = CRITERIA_BY_CODE[code].proof_validity_months
    earliest = assessed_on - timedelta(days=75 if window else 300)
    proof = min(random_day(rng, earliest, assessed_on - timedelta(days=3)), today)
    validated_on = min(proof + timedelta(days=rng.randint(0, 7)), assessed_on, today)
    if code == "RQTH" and expires_on is None:
        expires_on = add_years(proof, 5)
    elif code == "REFUGIE" and expires_on is None:
        expires_on = add_years(proof, 10)
    note = None if code in _SENSITIVE or rng.random() > 0.1 else rng.choice(_NOTES)
    record = RecordPlan(
        person.id,
        code,
        proof,
        person.referent_id if validated else None,
        validated_on if validated else None,
        expires_on,
        note,
    )
    person.records.append(record)
    return record


def record_valid(record: RecordPlan, entry: date, on: date | None) -> bool:
    """The rule of ``eligibility.eligibility_valid_on`` on a planned record: validated, proof
    fresh enough at ``entry``, not expired on ``on`` (``None``: expiry not checked)."""
    if record.validated_on is None:
        return False
    if on is not None and record.expires_on is not None and on > record.expires_on:
        return False
    window = CRITERIA_BY_CODE[record.criterion].proof_validity_months
    return window is None or entry <= add_months(record.proof_date, window) - timedelta(days=1)


def matching_codes(codes: set[str], publics: tuple[str, ...]) -> set[str]:
    """Criteria that make a person eligible on a lot (``eligibility.clause_eligible``)."""
    return codes & set(publics) if publics else codes & set(CLAUSE_PUBLICS)


def finish_status(person: ParticipantPlan, today: date) -> None:
    """Status and last contact once placements, outcomes and actions are known."""
    started = [p for p in person.placements if p.start <= today]
    if any(p.end is None or p.end >= today for p in started):
        person.status = "en_emploi"
    elif started:
        last_exit = max(p.end for p in started if p.end is not None)
        person.status = "suivi" if (today - last_exit).days < 365 else "sorti"
    elif (today - person.entry_date).days < 270:
        person.status = "candidat"
    else:
        person.status = "sorti"
    if (
        person.status == "sorti"
        and person.last_contact
        and (today - person.last_contact).days > 1461
    ):
        person.status = "archive"

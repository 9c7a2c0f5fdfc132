"""Canary dossiers for the security tests (issue 6 « Done means »).

A *canary* is an invented, unique text put in a personal field; the tests then look for it, in
every spelling and encoding, in the bytes of every file the program left on disk. Each canary
holds one of two random *marks* (eight consonants): ``erased`` for the fields anonymisation
must clear, ``kept`` for those it keeps on purpose (commune, QPV code: committee figures) and
for the company contacts (not a participant's data). Searching for a mark without regard to
case finds any canary, whatever the program did to its accents or its case.

Which fields get a canary is read from the schema: every text column of the participant
table, of every table that refers to a participant or a placement, of the company contacts,
plus the contact columns of the company; only enum codes (``Code`` columns) and the listed
exceptions are left out. ``fill_dossier`` then checks that each such column holds its
canary, so a text column added later fails here until it is given one.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import String, Table, Text, select
from stdnum import luhn

from asr_desktop.domain.enums import (
    ActionKind,
    AuthorityKind,
    CompanyKind,
    ContractType,
    FollowUpPoint,
    FollowUpSubject,
    InformationSource,
    LegalMechanism,
    MarketKind,
    Modality,
    Sector,
    Sex,
    Situation,
)
from asr_desktop.domain.model import (
    Authority,
    Company,
    CompanyContact,
    EligibilityRecord,
    FollowUpAction,
    Market,
    Operation,
    Participant,
    Placement,
)
from asr_desktop.persistence.models import Base, Code
from asr_desktop.persistence.repositories.rights import kept_columns, personal_tables

CONSONANTS = "bcdfghjklmnpqrstvwxz"
#: Tables whose text columns all get a canary (besides the participant's own and those
#: that refer to a participant or a placement, found from the schema).
CONTACT_TABLES = ("company_contact",)
#: Columns of other tables that hold a person's data.
EXTRA_COLUMNS = (
    ("company", "contact_name"),
    ("company", "contact_email"),
    ("company", "contact_phone"),
)
#: Text columns that cannot hold a canary, and why.
NOT_CANARIES = {
    ("participant", "sex"): "code F/M",
    ("participant", "postcode"): "cinq chiffres : trop court pour être unique",
    ("participant", "search_key"): "tirée du nom : cherchée sans accents ni majuscules",
    ("participant", "phone_key"): "tirée du téléphone : cherchée en chiffres",
}


def _mark() -> str:
    return "".join(secrets.choice(CONSONANTS) for _ in range(8))


def _digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def _is_text(column) -> bool:
    return isinstance(column.type, String | Text)


def canary_columns() -> list[tuple[str, str]]:
    """(table, column) of every text column that must hold a canary, from the schema."""
    wanted = {t.name for t in personal_tables()} | set(CONTACT_TABLES)
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name not in wanted:
            continue
        for column in table.columns:
            if _is_text(column) and not column.foreign_keys:
                if getattr(column.type, "length", None) == Code.length:
                    continue  # an enum code
                if (table.name, column.name) not in NOT_CANARIES:
                    found.append((table.name, column.name))
    return found + list(EXTRA_COLUMNS)


def _erased(table: str, column: str) -> bool:
    """Whether anonymisation must clear this column (else it keeps it on purpose)."""
    personal = {t.name for t in personal_tables()}
    if table not in personal:
        return False
    return column not in kept_columns(Base.metadata.tables[table])


@dataclass
class Canaries:
    """The canary of each column, its mark, and the phone numbers used (digits only)."""

    erased_mark: str = field(default_factory=_mark)
    kept_mark: str = field(default_factory=_mark)
    values: dict[tuple[str, str], str] = field(default_factory=dict)
    phones: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for number, (table, column) in enumerate(canary_columns()):
            mark = self.erased_mark if _erased(table, column) else self.kept_mark
            tag = CONSONANTS[number // 20] + CONSONANTS[number % 20]
            if "phone" in column:
                digits = "07" + _digits(8)
                self.phones[(table, column)] = digits
                self.values[(table, column)] = " ".join(digits[i : i + 2] for i in range(0, 10, 2))
            elif "email" in column:
                self.values[(table, column)] = f"canari.{mark}{tag}@exemple.fr"
            elif column in ("reference", "qpv_code"):
                self.values[(table, column)] = f"Q{mark}{tag}".upper()
            else:  # accents, to look for their accent-free spellings too
                self.values[(table, column)] = f"Cànarï-Éloïse {mark}{tag}"

    def of(self, table: str, column: str) -> str:
        return self.values[(table, column)]

    def needles(self, *, kept: bool = True) -> list[str]:
        """What must not appear: the marks (looked for in any case) and the phone digits;
        ``kept=False`` leaves out what anonymisation keeps on purpose."""
        marks = [self.erased_mark] + ([self.kept_mark] if kept else [])
        phones = [
            digits
            for (table, column), digits in self.phones.items()
            if kept or _erased(table, column)
        ]
        spaced = [self.values[key] for key in self.phones if kept or _erased(*key)]
        return marks + phones + spaced


ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def found_in(data: bytes, needles: Iterable[str]) -> list[str]:
    """The needles present in ``data`` in any case, in UTF-8 (hence ASCII, Latin-1 for
    these letters) or UTF-16 either way; they are ASCII: ``bytes.lower`` folds them in every
    one of these encodings."""
    folded = data.lower()
    hits = []
    for needle in needles:
        for encoding in ENCODINGS:
            if needle.lower().encode(encoding) in folded:
                hits.append(f"{needle} ({encoding})")
                break
    return hits


def files_under(*roots: Path, skip: Iterable[Path] = ()) -> Iterator[Path]:
    skipped = [Path(s).resolve() for s in skip]
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            resolved = path.resolve()
            if path.is_file() and not any(resolved.is_relative_to(s) for s in skipped):
                yield path


def leaks(files: Iterable[Path], needles: list[str]) -> dict[str, list[str]]:
    """File → needles found in it (only the files with some)."""
    out = {}
    for path in files:
        hits = found_in(path.read_bytes(), needles)
        if hits:
            out[str(path)] = hits
    return out


# --- the dossier --------------------------------------------------------------------------


def _siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    return siren + "0001" + luhn.calc_check_digit(siren + "0001")


@dataclass(frozen=True)
class Dossier:
    participant_id: int
    placement_id: int
    company_id: int
    last_name: str


def fill_dossier(services, canaries: Canaries) -> Dossier:
    """A participant with every personal field, an eligibility proof, a placement with hours,
    an exit and a follow-up point, follow-up notes, an employer with a contact — each text
    field holding its canary — through the services, as an adviser would."""
    c = canaries.of
    authority = services.clauses.create_authority(
        Authority(id=None, name="Office public de l'habitat", kind=AuthorityKind.BAILLEUR)
    )
    operation = services.clauses.create_operation(
        Operation(id=None, authority_id=authority.id, name="Résidence des Tilleuls")
    )
    market = services.clauses.create_market(
        Market(
            id=None,
            operation_id=operation.id,
            reference="2025-TIL",
            object="Réhabilitation",
            mechanism=LegalMechanism.EXECUTION,
            kind=MarketKind.WORKS,
            sector=Sector.BUILDING,
            notification_date=date(2024, 12, 1),
        )
    )
    lot = services.clauses.create_calibrated_lot(
        market.id, "1", "Gros œuvre", "manual", {"required_hours": 600}
    )
    company = services.companies.create_company(
        Company(
            id=None,
            siret=_siret(41234567),
            name="Bâtiments du Val",
            kind=CompanyKind.ORDINARY,
            contact_name=c("company", "contact_name"),
            contact_email=c("company", "contact_email"),
            contact_phone=c("company", "contact_phone"),
        )
    )
    services.companies.add_contact(
        CompanyContact(
            id=None,
            company_id=company.id,
            name=c("company_contact", "name"),
            role=c("company_contact", "role"),
            phone=c("company_contact", "phone"),
            email=c("company_contact", "email"),
        )
    )
    person = services.participants.create(
        Participant(
            id=None,
            reference=c("participant", "reference"),
            last_name=c("participant", "last_name"),
            first_name=c("participant", "first_name"),
            birth_date=date(1991, 4, 17),
            sex=Sex.FEMALE,
            phone=c("participant", "phone"),
            email=c("participant", "email"),
            address=c("participant", "address"),
            postcode="94000",
            commune=c("participant", "commune"),
            qpv_code=c("participant", "qpv_code"),
            entry_date=date(2025, 1, 6),
        )
    )
    services.participants.add_eligibility(
        EligibilityRecord(
            id=None,
            participant_id=person.id,
            criterion="RSA",
            proof_type=c("eligibility", "proof_type"),
            proof_date=date(2025, 1, 10),
            validated_on=date(2025, 1, 10),
            note=c("eligibility", "note"),
        )
    )
    placement = services.placements.create(
        Placement(
            id=None,
            participant_id=person.id,
            lot_id=lot.id,
            employer_id=company.id,
            modality=Modality.DIRECT_HIRE,
            contract_type=ContractType.CDD,
            start_date=date(2025, 2, 3),
            end_date=date(2025, 7, 31),
            weekly_hours=Decimal(35),
            job_title=c("placement", "job_title"),
        )
    ).placement
    services.hours.record_month(
        placement.id,
        date(2025, 3, 1),
        worked=140,
        proof_ref=c("hours_entry", "proof_ref"),
        reason=c("hours_entry", "reason"),
    )
    services.placements.add_action(
        FollowUpAction(
            id=None,
            subject=FollowUpSubject.PARTICIPANT,
            subject_id=person.id,
            kind=ActionKind.CALL,
            summary=c("follow_up_action", "summary"),
            occurred_on=date(2025, 3, 14),
            due_date=date(2025, 4, 1),
            next_action=c("follow_up_action", "next_action"),
        )
    )
    closed = services.placements.close_placement(
        placement.id,
        date(2025, 6, 30),
        Situation.CDI,
        contract_type=ContractType.CDI,
        employer_name=c("outcome", "employer_name"),
        source=InformationSource.PERSON,
    )
    six_months = next(o for o in closed.follow_ups if o.point is FollowUpPoint.M6)
    services.placements.record_outcome(
        six_months.id,
        date(2026, 1, 5),
        Situation.CDI,
        employer_name=c("outcome", "employer_name"),
        source=InformationSource.EMPLOYER,
    )
    _check_every_column_holds_its_canary(services, canaries)
    return Dossier(person.id, placement.id, company.id, c("participant", "last_name"))


def _check_every_column_holds_its_canary(services, canaries: Canaries) -> None:
    """Each canary column holds its canary (up to case): a text column added to the schema
    fails here until ``fill_dossier`` fills it."""
    missing = []
    with services.database.engine.connect() as connection:
        for (table_name, column), value in canaries.values.items():
            table: Table = Base.metadata.tables[table_name]
            stored = {str(v).casefold() for v in connection.scalars(select(table.c[column])) if v}
            if value.casefold() not in stored:
                missing.append(f"{table_name}.{column}")
    assert not missing, f"colonnes sans sentinelle (à remplir dans fill_dossier) : {missing}"

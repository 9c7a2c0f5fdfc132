"""Checks of a participant's fields, the derived search keys, and duplicate detection
(used by ``ParticipantService``; product.md §2, §3.6).

Phones are stored as people read them (« 06 12 34 56 78 ») and compared by their key: the ten
digits of the French national form (« +33 6 12… » and « 0033 6 12… » become « 0612… »). A
foreign number keeps its international form, key « +32… ».
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import date

from sqlalchemy.orm import Session

from asr_desktop.domain.dates import age_on
from asr_desktop.domain.enums import EducationLevel, ParticipantStatus, Sex
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_date, normalise_text
from asr_desktop.domain.model import DuplicateCandidate, Participant
from asr_desktop.persistence.repositories.participants import (
    ParticipantRepository,
    PrescriberRepository,
)
from asr_desktop.persistence.repositories.settings import UserRepository
from asr_desktop.services import _validation as check

MIN_AGE, MAX_AGE = 16, 80
_PHONE_SEPARATORS = re.compile(r"[\s.\-()/\u00a0\u202f]")
_POSTCODE = re.compile(r"^\d{5}$")
_NAME_MAX = 100

SAME_NAME_AND_BIRTH = "Même nom et même date de naissance"
SAME_PHONE = "Même numéro de téléphone"
SAME_EMAIL = "Même adresse électronique"
_SCORES = {SAME_NAME_AND_BIRTH: 3, SAME_PHONE: 2, SAME_EMAIL: 2}


# --- derived keys -----------------------------------------------------------------------------


def search_key(last_name: str, first_name: str) -> str:
    """« DUPONT Hélène » → « dupont helene »: what searches and duplicates compare."""
    return normalise_text(f"{last_name} {first_name}")


def name_keys(last_name: str, first_name: str) -> tuple[str, ...]:
    """Compact keys of the name in both orders (first and last names typed the wrong way
    round still meet), spaces removed (« N'Diaye » meets « Ndiaye »)."""
    return tuple(
        {
            normalise_text(f"{last_name} {first_name}", compact=True),
            normalise_text(f"{first_name} {last_name}", compact=True),
        }
    )


def phone(value: object, field: str = "phone") -> tuple[str | None, str | None]:
    """(phone as stored, phone key) or ValidationError; (None, None) when empty."""
    raw = check.optional_text(value)
    if raw is None:
        return None, None
    compact = _PHONE_SEPARATORS.sub("", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+33"):
        national = compact[3:]
        national = "0" + (national[1:] if national.startswith("0") else national)
    else:
        national = compact
    if national.isdigit() and len(national) == 10 and national[0] == "0" and national[1] != "0":
        shown = " ".join(national[i : i + 2] for i in range(0, 10, 2))
        return shown, national
    digits = compact[1:]
    if compact.startswith("+") and digits.isdigit() and 8 <= len(digits) <= 15:
        return " ".join(raw.split()), compact
    raise ValidationError(
        f"Le numéro de téléphone « {raw} » n'est pas valide : dix chiffres sont attendus "
        "(06 12 34 56 78), ou un numéro international commençant par +.",
        field,
    )


# --- fields -----------------------------------------------------------------------------------


def _name(value: object, field: str, what: str) -> str:
    cleaned = " ".join(check.text(value, field, what).split())
    if len(cleaned) > _NAME_MAX:
        raise ValidationError(f"{what} compte au plus {_NAME_MAX} caractères.", field)
    return cleaned


def _birth_date(value: object, on: date) -> date:
    if value is None:
        raise ValidationError("La date de naissance est obligatoire.", "birth_date")
    if not isinstance(value, date):
        raise ValidationError(
            f"La date de naissance doit être une date (valeur reçue : « {value} »).",
            "birth_date",
        )
    if value > on:
        raise ValidationError(
            f"La date de naissance ({format_date(value)}) est postérieure à la date d'entrée "
            f"({format_date(on)}).",
            "birth_date",
        )
    age = age_on(value, on)
    if not MIN_AGE <= age <= MAX_AGE:
        raise ValidationError(
            f"Avec une naissance le {format_date(value)}, la personne aurait {age} ans au "
            f"{format_date(on)} : l'âge doit être compris entre {MIN_AGE} et {MAX_AGE} ans "
            "(vérifiez l'année).",
            "birth_date",
        )
    return value


def _sex(value: object) -> Sex:
    if value is None or value == "":
        raise ValidationError("Le sexe est obligatoire.", "sex")
    return check.enum_value(Sex, value, "sex", "Le sexe")


def check_field(field: str, value: object, entry: date) -> None:
    """Check one field as it is typed (``phone``, ``email``, ``postcode``, ``birth_date``
    at ``entry``); an empty value passes (required fields are checked on saving)."""
    if value is None or value == "":
        return
    if field == "phone":
        phone(value)
    elif field == "email":
        check.email(value)
    elif field == "postcode":
        _postcode(value)
    elif field == "birth_date":
        _birth_date(value, entry)
    else:
        raise ValueError(f"champ non vérifiable séparément : {field}")


def _postcode(value: object) -> str | None:
    cleaned = check.optional_text(value)
    if cleaned is None:
        return None
    digits = "".join(cleaned.split())
    if not _POSTCODE.match(digits):
        raise ValidationError(
            f"Le code postal « {cleaned} » n'est pas valide : cinq chiffres sont attendus.",
            "postcode",
        )
    return digits


def _optional_date(value: object, field: str, what: str) -> date | None:
    if value is not None and not isinstance(value, date):
        raise ValidationError(f"{what} doit être une date (valeur reçue : « {value} »).", field)
    return value


def checked_participant(s: Session, p: Participant, today: date) -> tuple[Participant, str | None]:
    """The participant with every field checked and tidied, and its phone key.

    The age is checked at the entry date (today for a new record without one)."""
    entry = _optional_date(p.entry_date, "entry_date", "La date d'entrée") or today
    for field, what in (
        ("last_contact_date", "La date du dernier contact"),
        ("pass_iae_end", "La fin du PASS IAE"),
    ):
        _optional_date(getattr(p, field), field, what)
    shown_phone, phone_key = phone(p.phone)
    if p.prescriber_id is not None and PrescriberRepository(s).get(p.prescriber_id) is None:
        raise ValidationError(
            f"Le prescripteur n° {p.prescriber_id} n'existe pas.", "prescriber_id"
        )
    if p.referent_id is not None and UserRepository(s).get(p.referent_id) is None:
        raise ValidationError(
            f"L'utilisateur n° {p.referent_id} (conseiller référent) n'existe pas.",
            "referent_id",
        )
    qpv_code = (check.optional_text(p.qpv_code) or "").upper() or None
    education = (
        None
        if p.education_level in (None, "")
        else check.enum_value(
            EducationLevel, p.education_level, "education_level", "Le niveau de formation"
        )
    )
    value = replace(
        p,
        reference=(check.optional_text(p.reference) or "").upper(),
        last_name=_name(p.last_name, "last_name", "Le nom"),
        first_name=_name(p.first_name, "first_name", "Le prénom"),
        birth_date=_birth_date(p.birth_date, entry),
        sex=_sex(p.sex),
        status=check.enum_value(ParticipantStatus, p.status, "status", "Le statut"),
        phone=shown_phone,
        email=check.email(p.email),
        address=check.optional_text(p.address),
        postcode=_postcode(p.postcode),
        commune=check.optional_text(p.commune),
        qpv=bool(p.qpv) or qpv_code is not None,
        qpv_code=qpv_code,
        education_level=education,
        plie=bool(p.plie),
        entry_date=entry,
        restricted=bool(p.restricted),
    )
    return value, phone_key


def changed_fields(before: Participant, after: Participant) -> list[str]:
    """Names of the fields that differ (for the audit trail: names only, never values)."""
    return [
        f.name
        for f in fields(Participant)
        if f.name != "id" and getattr(before, f.name) != getattr(after, f.name)
    ]


# --- duplicates -------------------------------------------------------------------------------


def duplicates(s: Session, candidate: Participant) -> list[DuplicateCandidate]:
    """Stored participants that look like ``candidate`` (itself excluded), best match first."""
    repo = ParticipantRepository(s)
    reasons: dict[int, list[str]] = {}
    found: dict[int, Participant] = {}

    def note(people: list[Participant], reason: str) -> None:
        for person in people:
            if person.id == candidate.id:
                continue
            found[person.id] = person
            reasons.setdefault(person.id, []).append(reason)

    if candidate.birth_date is not None and (candidate.last_name or candidate.first_name):
        keys = name_keys(candidate.last_name or "", candidate.first_name or "")
        note(repo.same_name_and_birth(keys, candidate.birth_date), SAME_NAME_AND_BIRTH)
    try:
        _shown, phone_key = phone(candidate.phone)
    except ValidationError:
        phone_key = None  # a number that cannot be read cannot match either
    if phone_key:
        note(repo.same_phone(phone_key), SAME_PHONE)
    email = check.optional_text(candidate.email)
    if email:
        note(repo.same_email(email), SAME_EMAIL)
    result = [
        DuplicateCandidate(
            participant=found[pid],
            reasons=tuple(why),
            score=sum(_SCORES[r] for r in why),
        )
        for pid, why in reasons.items()
    ]
    return sorted(result, key=lambda d: (-d.score, d.participant.id))


def duplicates_message(found: list[DuplicateCandidate]) -> str:
    """« 2 dossiers ressemblent à celui-ci : P-000012 (même nom…), P-000031 (…). »"""
    described = ", ".join(
        f"{d.participant.reference} ({', '.join(r.lower() for r in d.reasons)})" for d in found
    )
    count = len(found)
    subject = "Un dossier existant ressemble" if count == 1 else f"{count} dossiers ressemblent"
    return (
        f"{subject} à celui-ci : {described}. Ouvrez le dossier existant, ou confirmez "
        "qu'il s'agit bien d'une autre personne."
    )

"""Field checks shared by the services, each raising ``ValidationError`` with a French message
that names the field in words and carries its English identifier in ``field``.

Rates and shares reach the services as ratios (0.5 for 50 %): turning the French text
« 50 % » into 0.5 is the job of ``formats.parse_percent`` in the forms and the command line. A
value between 1 and 100 is therefore refused with a message suggesting the ratio, rather than
guessed: « 1 » would be ambiguous (100 % or 1 %).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar

from stdnum import exceptions as stdnum_errors
from stdnum.fr import siret as stdnum_siret

from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import NBSP, format_date, format_number

E = TypeVar("E", bound=Enum)


def text(value: object, field: str, what: str) -> str:
    """Mandatory text, stripped: ``what`` is the French subject (« Le nom du donneur d'ordre »)."""
    cleaned = "" if value is None else str(value).strip()
    if not cleaned:
        raise ValidationError(f"{what} est obligatoire.", field)
    return cleaned


def optional_text(value: object) -> str | None:
    cleaned = "" if value is None else str(value).strip()
    return cleaned or None


def number(value: object, field: str, what: str) -> Decimal | None:
    """An optional number as ``Decimal`` (floats through ``str``), ``None`` when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{what} doit être un nombre.", field)
    try:
        result = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError(
            f"{what} doit être un nombre (valeur reçue : « {value} »).", field
        ) from None
    if not result.is_finite():
        raise ValidationError(f"{what} doit être un nombre fini.", field)
    return result


def non_negative(value: object, field: str, what: str) -> Decimal | None:
    result = number(value, field, what)
    if result is not None and result < 0:
        raise ValidationError(
            f"{what} : une valeur négative n'est pas acceptée ({format_number(result)}).", field
        )
    return result


def positive(value: object, field: str, what: str) -> Decimal | None:
    result = number(value, field, what)
    if result is not None and result <= 0:
        raise ValidationError(f"{what} : la valeur doit être supérieure à zéro.", field)
    return result


def ratio(value: object, field: str, what: str) -> Decimal | None:
    """A share or rate between 0 and 1 (0.5 means 50 %). 50 is refused with a hint."""
    result = number(value, field, what)
    if result is None:
        return None
    if result < 0:
        raise ValidationError(
            f"{what} : une valeur négative n'est pas acceptée ({format_number(result, 6)}).", field
        )
    if result > 1:
        hint = ""
        if result <= 100:
            percent = f"{format_number(result, 4)}{NBSP}%"
            hint = (
                f" : pour {percent}, saisissez {format_number(result / 100, 6)} "
                f"(ou « {percent} » dans un champ de pourcentage)"
            )
        raise ValidationError(
            f"{what} s'exprime entre 0 et 1 ; {format_number(result, 4)} n'est pas accepté{hint}.",
            field,
        )
    return result


def dates_in_order(start: date | None, end: date | None, field: str, what: str) -> None:
    """``end`` not before ``start`` (both optional). ``what`` names the record (« du marché »)."""
    if start is not None and end is not None and end < start:
        raise ValidationError(
            f"La date de fin {what} ({format_date(end)}) est antérieure à sa date de début "
            f"({format_date(start)}).",
            field,
        )


def enum_value(enum_cls: type[E], value: object, field: str, what: str) -> E:
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        labels = ", ".join(getattr(m, "label", m.value) for m in enum_cls)
        raise ValidationError(
            f"{what} « {value} » est inconnu (valeurs possibles : {labels}).", field
        ) from None


def siret(value: object, field: str = "siret") -> str:
    """A SIRET, checked by python-stdnum (Luhn key, La Poste exception), as 14 digits."""
    raw = "" if value is None else "".join(str(value).split())
    if not raw:
        raise ValidationError("Le SIRET est obligatoire.", field)
    try:
        return stdnum_siret.validate(raw)
    # InvalidLength is a subclass of InvalidFormat: it must be caught first
    except stdnum_errors.InvalidLength:
        digits = stdnum_siret.compact(raw)
        raise ValidationError(
            f"Le SIRET doit comporter 14 chiffres ; « {value} » en compte {len(digits)}.", field
        ) from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(
            f"Le SIRET ne doit contenir que des chiffres (valeur reçue : « {value} »).", field
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            f"Le SIRET « {value} » n'est pas valide : sa clé de contrôle ne correspond pas "
            "(vérifiez qu'aucun chiffre n'a été mal recopié).",
            field,
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(f"Le SIRET « {value} » n'est pas valide.", field) from None


def email(value: object, field: str = "email") -> str | None:
    cleaned = optional_text(value)
    if cleaned is not None:
        local, at, domain = cleaned.partition("@")
        if not at or not local or "." not in domain or " " in cleaned:
            raise ValidationError(f"L'adresse électronique « {cleaned} » n'est pas valide.", field)
    return cleaned

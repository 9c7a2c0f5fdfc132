"""French formatting and tolerant parsing, shared by the screens, the Excel files and the PDFs.

Formatting (architecture.md §3.3, §3.4.10):

- Every space this module writes — thousands grouping and the space before a unit (``h``,
  ``€``, ``%``) — is U+00A0 NO-BREAK SPACE, never U+202F (the narrow one Qt's French locale
  uses), because the standard PDF fonts cannot draw U+202F. The ``locale`` module is not used.
- Decimal comma; HALF_UP rounding; ``None`` is formatted as an empty string so tables can pass
  missing values straight through.

Parsing accepts what companies and advisers really type (spaces of every kind, comma or point,
« 7h30 », « mars 2026 », Excel serial numbers) and raises
:class:`~asr_desktop.domain.errors.ValidationError` with a French message quoting the text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from asr_desktop.domain.errors import ValidationError

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"

MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

#: Excel's day 0. Serial 60 is Excel's fictitious 29/02/1900 (the Lotus 1-2-3 leap-year bug), so
#: counting from 30/12/1899 is right for every serial from 61 (01/03/1900) on.
EXCEL_EPOCH = date(1899, 12, 30)
#: Serials accepted as dates: 01/01/1920 to 31/12/2100 (birth dates to contract ends). Anything
#: outside is more likely a year, an amount or a typo than a date.
EXCEL_SERIAL_MIN = (date(1920, 1, 1) - EXCEL_EPOCH).days
EXCEL_SERIAL_MAX = (date(2100, 12, 31) - EXCEL_EPOCH).days

_SPACE_CHARS = " \u00a0\u202f\u2009\u2007\t"
_MINUS_CHARS = "-\u2212"


# --- formatting ---------------------------------------------------------------------------------


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)  # int, numeric str


def _group(digits: str) -> str:
    """'1234567' → '1 234 567' with U+00A0."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NBSP.join(parts)


def format_number(value: object, max_decimals: int = 2, min_decimals: int = 0) -> str:
    """« 1 234,5 »: rounded HALF_UP to ``max_decimals``, trailing zeros dropped down to
    ``min_decimals``, thousands grouped with U+00A0, no « -0 »."""
    if value is None:
        return ""
    rounded = _as_decimal(value).quantize(Decimal(1).scaleb(-max_decimals), ROUND_HALF_UP)
    integer, _, fraction = f"{abs(rounded):f}".partition(".")
    while len(fraction) > min_decimals and fraction.endswith("0"):
        fraction = fraction[:-1]
    text = _group(integer) + ("," + fraction if fraction else "")
    return ("-" + text) if rounded < 0 else text


def format_int(value: object) -> str:
    """« 1 607 » (rounded HALF_UP to the unit)."""
    return format_number(value, 0)


def format_hours(value: object) -> str:
    """« 1 607 h », « 7,5 h », « 7,25 h »: two decimals at most, ``,00`` dropped."""
    return "" if value is None else f"{format_number(value, 2)}{NBSP}h"


def format_hours_hm(value: object) -> str:
    """« 7 h 30 », « 8 h », « 0 h 45 »: decimal hours shown as hours and minutes (minutes rounded
    HALF_UP)."""
    if value is None:
        return ""
    minutes = (_as_decimal(value) * 60).quantize(Decimal(1), ROUND_HALF_UP)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(int(abs(minutes)), 60)
    text = f"{sign}{_group(str(hours))}{NBSP}h"
    return f"{text}{NBSP}{rest:02d}" if rest else text


def format_amount(value: object) -> str:
    """« 1 234,50 € »: always two decimals."""
    return "" if value is None else f"{format_number(value, 2, 2)}{NBSP}€"


def format_percent(ratio: object, decimals: int = 1) -> str:
    """A ratio as a French percentage: 0.125 → « 12,5 % », 0.5 → « 50 % ».

    One decimal by default, a trailing « ,0 » dropped (the committee tables read « 50 % » and
    « 12,5 % »). Ratios above 1 give percentages above 100 % (a lot done beyond its target).
    """
    if ratio is None:
        return ""
    return f"{format_number(_as_decimal(ratio) * 100, decimals)}{NBSP}%"


def format_date(value: date | None) -> str:
    """« 24/11/2026 »."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_month(value: date | None, numeric: bool = False) -> str:
    """« mars 2026 », or « 03/2026 » with ``numeric=True``."""
    if value is None:
        return ""
    if numeric:
        return f"{value.month:02d}/{value.year:04d}"
    return f"{MONTH_NAMES[value.month - 1]} {value.year}"


# --- text normalisation ---------------------------------------------------------------------------

_APOSTROPHES_HYPHENS = re.compile(r"[\s'’ʼ`´‘\-‐‑‒–—−]+")


def normalise_text(text: object, compact: bool = False) -> str:
    """Accent- and case-insensitive key for search and duplicate detection.

    Casefolds, strips accents (é → e, ç → c, œ → oe, æ → ae, ß → ss), and turns every run of
    spaces (including U+00A0/U+202F), apostrophes and hyphens into one space: « Jean-Pierre
    N’DIAYE » → « jean pierre n diaye ». ``compact=True`` removes those spaces too
    (« ndiaye »), for comparisons where « N'Diaye » and « Ndiaye » must meet.
    """
    if text is None:
        return ""
    raw = str(text)
    quick = raw.casefold().translate(_fold_table())  # Latin text: one C-speed pass
    stripped = _strip_accents(raw) if _BEYOND_LATIN.search(quick) else quick
    collapsed = _APOSTROPHES_HYPHENS.sub(" ", stripped).strip()
    return collapsed.replace(" ", "") if compact else collapsed


def _strip_accents(text: str) -> str:
    raw = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", raw)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: Characters left after the table that only the full decomposition knows how to fold.
_BEYOND_LATIN = re.compile("[^\x00-\u024f]")
_FOLD_TABLE: dict[int, str] = {}


def _fold_table() -> dict[int, str]:
    """Latin-1 to Latin Extended-B and general punctuation, each folded once as the full
    decomposition would (so both paths give the same key)."""
    if not _FOLD_TABLE:
        for code in (*range(0xA0, 0x250), *range(0x2000, 0x2070)):
            folded = _APOSTROPHES_HYPHENS.sub(" ", _strip_accents(chr(code)))
            _FOLD_TABLE[code] = folded
    return _FOLD_TABLE


def normalise_header(text: object) -> str:
    """Import column header → identifier-like key: « Heures réalisées (h) » →
    « heures_realisees_h », « N° SIRET » → « n_siret ». Drops a UTF-8 BOM."""
    cleaned = normalise_text(str(text or "").replace("\ufeff", ""))
    return re.sub(r"[^a-z0-9]+", "_", cleaned).strip("_")


# --- parsing helpers ------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _quote(value: object) -> str:
    return f"« {str(value).strip()} »"


def _parse_decimal_text(text: str) -> Decimal | None:
    """A number written the French or the English way, or None when unreadable.

    Thousands: spaces of any kind, apostrophes, and the separator that is not the decimal one;
    groups after the first must have three digits (so « 7 30 » is refused, not read as 730).
    Decimal separator: the last of ``,`` and ``.`` when both appear; a lone ``,`` is decimal; a
    lone ``.`` is decimal too (« 7.5 », « 1234.5 », as pandas and Python write), except when it
    appears several times (« 1.234.567 »).
    """
    s = text.strip()
    sign = 1
    if s and s[0] in _MINUS_CHARS + "+":
        sign = -1 if s[0] in _MINUS_CHARS else 1
        s = s[1:].lstrip(_SPACE_CHARS)
    if not s or not re.fullmatch(r"[\d.,'’" + _SPACE_CHARS + "]+", s):
        return None
    commas, dots = s.count(","), s.count(".")
    if commas and dots:
        decimal_sep = "," if s.rfind(",") > s.rfind(".") else "."
    elif commas == 1 or dots == 1:
        decimal_sep = "," if commas else "."
    else:
        decimal_sep = None  # no separator, or several of one kind: grouping only
    if decimal_sep and s.count(decimal_sep) > 1:
        return None
    integer, _, fraction = s.partition(decimal_sep) if decimal_sep else (s, "", "")
    if fraction and not fraction.isdigit():
        return None
    groups = re.split(r"[.,'’" + _SPACE_CHARS + "]", integer)
    if len(groups) > 1 and not (
        1 <= len(groups[0]) <= 3
        and groups[0].isdigit()
        and all(len(g) == 3 and g.isdigit() for g in groups[1:])
    ):
        return None
    digits = "".join(groups)
    if not (digits or fraction) or (digits and not digits.isdigit()):
        return None
    return sign * (Decimal(f"{digits or '0'}.{fraction}") if fraction else Decimal(digits))


def _number(value: object) -> Decimal | None:
    """Decimal from a number (not bool) or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        try:
            result = _as_decimal(value)
        except InvalidOperation:
            return None
        return result if result.is_finite() else None
    return None


# --- hours, amounts, percentages ------------------------------------------------------------------

_HM = re.compile(
    r"(\d{1,3}(?:["
    + _SPACE_CHARS
    + r"]\d{3})+|\d+)\s*[h:]\s*(\d{1,2})\s*(?:min|mn|m)?(?::(\d{2}))?"
)
_HOURS_UNIT = re.compile(r"(.+?)\s*(?:h|hrs?|heures?)\.?")


def parse_hours(value: object, field: str = "hours", optional: bool = False) -> Decimal | None:
    """Hours as ``Decimal`` rounded HALF_UP to the hundredth.

    Accepts numbers and « 7,5 », « 7.5 », « 7h30 », « 7 h 30 », « 7:30 », « 7:30:00 », « 7H »,
    « 7,5 h », « 1 607,5 » (any space), « 1 607 h ». Refuses negatives, minutes above 59 and
    anything else. A blank value gives ``None`` when ``optional``, an error otherwise.
    """
    if _blank(value):
        if optional:
            return None
        raise ValidationError("Nombre d'heures manquant.", field)
    number = _number(value)
    if number is None and isinstance(value, str):
        number = _hours_from_text(value.strip().lower(), field)
    if number is None:
        raise ValidationError(
            f"Nombre d'heures illisible : {_quote(value)} (exemples : 7,5 ; 7 h 30 ; 7:30).", field
        )
    if number < 0:
        raise ValidationError(f"Nombre d'heures négatif refusé : {_quote(value)}.", field)
    return number.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _hours_from_text(text: str, field: str) -> Decimal | None:
    if text[:1] in _MINUS_CHARS:  # « -7h30 » must read as negative, not as garbage
        rest = _hours_from_text(text[1:].strip(), field)
        return None if rest is None else -rest
    match = _HM.fullmatch(text)
    if match:
        hours, minutes, seconds = match.groups()
        if int(minutes) > 59 or (seconds and int(seconds) > 59):
            raise ValidationError(f"Minutes impossibles dans « {text} » (59 au plus).", field)
        whole = Decimal(re.sub(r"\D", "", hours))  # « 1 607 h 30 »: grouped thousands
        return whole + Decimal(minutes) / 60 + Decimal(seconds or 0) / 3600
    unit = _HOURS_UNIT.fullmatch(text)
    return _parse_decimal_text(unit.group(1) if unit else text)


_CURRENCY = re.compile(
    r"^(?:€|eur(?:os?)?)\s*|\s*(?:€|eur(?:os?)?)?\s*(?:h\.?t\.?)?$", re.IGNORECASE
)


def parse_amount(
    value: object, field: str = "amount_ht", optional: bool = False, allow_negative: bool = False
) -> Decimal | None:
    """Euros as ``Decimal`` rounded HALF_UP to the cent.

    Accepts « 1 234,50 € », « 1234.5 », « 1.234,50 », « 1,234.50 », « 1 234 EUR », « 500 € HT ».
    Negative amounts are refused unless ``allow_negative`` (credit notes).
    """
    if _blank(value):
        if optional:
            return None
        raise ValidationError("Montant manquant.", field)
    number = _number(value)
    if number is None and isinstance(value, str):
        number = _parse_decimal_text(_CURRENCY.sub("", value.strip()))
    if number is None:
        raise ValidationError(f"Montant illisible : {_quote(value)}.", field)
    if number < 0 and not allow_negative:
        raise ValidationError(f"Montant négatif refusé : {_quote(value)}.", field)
    return number.quantize(Decimal("0.01"), ROUND_HALF_UP)


def parse_percent(
    value: object, field: str = "rate", optional: bool = False, maximum: Decimal = Decimal(1)
) -> Decimal | None:
    """A percentage or a ratio, returned as a ratio (« 5 % » → 0.05).

    Rule: text with « % » is a percentage (« 5 % », « 5% », « 0,5 % » → 0.005). Without « % », a
    value above 1 is a percentage (« 5 » → 0.05, « 12,5 » → 0.125) and a value up to 1 is
    already a ratio (« 0,05 » → 0.05, Excel's percentage cells hold ratios). So « 1 » means
    100 %: write « 1 % » for one per cent. Negative values and ratios above ``maximum`` (100 %
    by default) are refused.
    """
    if _blank(value):
        if optional:
            return None
        raise ValidationError("Pourcentage manquant.", field)
    number = _number(value)
    is_percent = False
    if number is None and isinstance(value, str):
        text = value.strip()
        is_percent = text.endswith("%")
        number = _parse_decimal_text(text.rstrip("%").rstrip(_SPACE_CHARS))
    if number is None:
        raise ValidationError(f"Pourcentage illisible : {_quote(value)}.", field)
    if number < 0:
        raise ValidationError(f"Pourcentage négatif refusé : {_quote(value)}.", field)
    ratio = number / 100 if (is_percent or number > 1) else number
    if ratio > maximum:
        raise ValidationError(
            f"Pourcentage trop élevé : {_quote(value)} (au plus {format_percent(maximum)}).",
            field,
        )
    return ratio


# --- dates and months -----------------------------------------------------------------------------


def excel_serial_to_date(serial: object, field: str = "date") -> date:
    """Excel serial day number (1900 system) → date; the time part of a serial is dropped.

    Base 30/12/1899 (see ``EXCEL_EPOCH`` for the 1900 leap-year bug). Only serials between
    ``EXCEL_SERIAL_MIN`` (01/01/1920) and ``EXCEL_SERIAL_MAX`` (31/12/2100) are accepted.
    """
    number = _number(serial)
    if number is None:
        raise ValidationError(f"Numéro de date Excel illisible : {_quote(serial)}.", field)
    days = int(number.to_integral_value(rounding=ROUND_FLOOR))
    if not EXCEL_SERIAL_MIN <= days <= EXCEL_SERIAL_MAX:
        raise ValidationError(
            f"Date illisible : {_quote(serial)} n'est pas un numéro de date Excel plausible "
            "(années 1920 à 2100).",
            field,
        )
    return EXCEL_EPOCH + timedelta(days=days)


_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})" + _TIME)
_YMD = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})" + _TIME)
_DMY_SHORT = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}")
_SERIAL_TEXT = re.compile(r"\d{4,6}(?:[.,]\d+)?")
_LONG_DATE = re.compile(r"(\d{1,2})(?:er)? ([a-z]+)\.? (\d{4})")


def _make_date(year: int, month: int, day: int, value: object, field: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(f"Date inexistante : {_quote(value)}.", field) from None


def parse_date(value: object, field: str = "date", optional: bool = False) -> date | None:
    """A date from « 24/11/2026 », « 24-11-2026 », « 24.11.2026 », « 2026-11-24 » (a time part
    such as « 00:00:00 » is ignored), « 24 novembre 2026 », a ``date``/``datetime``, or an Excel
    serial (number or digit string, see :func:`excel_serial_to_date`). Two-digit years are refused
    as ambiguous (a birth date « 01/02/35 » could be 1935 or 2035)."""
    if _blank(value):
        if optional:
            return None
        raise ValidationError("Date manquante.", field)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if _number(value) is not None:
        return excel_serial_to_date(value, field)
    text = str(value).strip()
    if match := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        return _make_date(year, month, day, value, field)
    if match := _YMD.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, value, field)
    if _SERIAL_TEXT.fullmatch(text):
        return excel_serial_to_date(Decimal(text.replace(",", ".")), field)
    if match := _LONG_DATE.fullmatch(normalise_text(text)):
        month = month_number(match.group(2))
        if month:
            return _make_date(int(match.group(3)), month, int(match.group(1)), value, field)
    if _DMY_SHORT.fullmatch(text):
        raise ValidationError(
            f"Date ambiguë : {_quote(value)} ; écrivez l'année sur quatre chiffres.", field
        )
    raise ValidationError(f"Date illisible : {_quote(value)} (attendu : JJ/MM/AAAA).", field)


def month_number(name: str) -> int | None:
    """1–12 for a French month name, with or without accents, full or abbreviated (« fév. »,
    « févr », « juil », « sept », « déc. »): the name, without its final dot, must be a
    prefix of at least three letters of exactly one month (« jui » is ambiguous → None)."""
    token = normalise_text(name).rstrip(".")
    if len(token) < 3:
        return None
    plain = [normalise_text(m) for m in MONTH_NAMES]
    if token in plain:
        return plain.index(token) + 1
    matches = [i for i, m in enumerate(plain) if m.startswith(token)]
    return matches[0] + 1 if len(matches) == 1 else None


_MY = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_YM = re.compile(r"(\d{4})[/.\-](\d{1,2})")
_NAMED_MONTH = re.compile(r"([a-z]+)\.?[ /\-]*(\d{4}|\d{2})")


def parse_month(value: object, field: str = "month", optional: bool = False) -> date | None:
    """The first day of a month from « 03/2026 », « 3/2026 », « 2026-03 », « mars 2026 »,
    « Mars 2026 », « mars-26 » (Excel's « mmm-aa » display; a two-digit year after a month name
    is 20xx), « fév. 2026 », « 01/03/2026 » or any full date (→ its month), a ``date``, or an Excel
    serial."""
    if _blank(value):
        if optional:
            return None
        raise ValidationError("Mois manquant.", field)
    if isinstance(value, date) or _number(value) is not None:
        found = parse_date(value, field)
        return found.replace(day=1) if found else None
    text = str(value).strip()
    year = month = None
    if match := _MY.fullmatch(text):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := _YM.fullmatch(text):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := _NAMED_MONTH.fullmatch(normalise_text(text)):
        month = month_number(match.group(1))
        year = int(match.group(2)) + (2000 if len(match.group(2)) == 2 else 0)
        if month is None:
            raise ValidationError(f"Mois illisible : {_quote(value)}.", field)
    if month is not None and year is not None:
        if not 1 <= month <= 12:
            raise ValidationError(f"Mois impossible : {_quote(value)}.", field)
        return date(year, month, 1)
    try:
        found = parse_date(text, field)
    except ValidationError:
        raise ValidationError(
            f"Mois illisible : {_quote(value)} (attendu : 03/2026 ou mars 2026).", field
        ) from None
    return found.replace(day=1) if found else None

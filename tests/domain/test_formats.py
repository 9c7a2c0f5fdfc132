"""French formatting and tolerant parsing (architecture.md §3.3, §3.4.10)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from asr_desktop.domain import formats as f
from asr_desktop.domain.errors import ValidationError

NBSP = "\u00a0"  # the only space this module writes
NNBSP = "\u202f"  # Qt's narrow no-break space: must never be written (PDF fonts lack it)


# --- formatting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("1607"), f"1{NBSP}607{NBSP}h"),
        (D("7.5"), f"7,5{NBSP}h"),
        (D("7.50"), f"7,5{NBSP}h"),
        (D("7.00"), f"7{NBSP}h"),  # ",00" dropped
        (D("7.25"), f"7,25{NBSP}h"),
        (D("7.255"), f"7,26{NBSP}h"),  # HALF_UP to the hundredth
        (D("1234567.5"), f"1{NBSP}234{NBSP}567,5{NBSP}h"),
        (0, f"0{NBSP}h"),
        (D("-0.001"), f"0{NBSP}h"),  # no "-0"
        (D("-12.5"), f"-12,5{NBSP}h"),
        (151.67, f"151,67{NBSP}h"),
        (None, ""),
    ],
)
def test_format_hours(value, text):
    assert f.format_hours(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("7.5"), f"7{NBSP}h{NBSP}30"),
        (D("8"), f"8{NBSP}h"),
        (D("0.75"), f"0{NBSP}h{NBSP}45"),
        (D("7.999"), f"8{NBSP}h"),  # 479,94 min → 480
        (D("7.33"), f"7{NBSP}h{NBSP}20"),  # 439,8 min → 440
        (D("1607.25"), f"1{NBSP}607{NBSP}h{NBSP}15"),
        (D("0.05"), f"0{NBSP}h{NBSP}03"),
        (D("-1.5"), f"-1{NBSP}h{NBSP}30"),
        (None, ""),
    ],
)
def test_format_hours_hm(value, text):
    assert f.format_hours_hm(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("1234.5"), f"1{NBSP}234,50{NBSP}€"),
        (D("0"), f"0,00{NBSP}€"),
        (D("1000000"), f"1{NBSP}000{NBSP}000,00{NBSP}€"),
        (D("999.995"), f"1{NBSP}000,00{NBSP}€"),
        (D("-42"), f"-42,00{NBSP}€"),
        (12, f"12,00{NBSP}€"),
    ],
)
def test_format_amount(value, text):
    assert f.format_amount(value) == text


@pytest.mark.parametrize(
    ("ratio", "decimals", "text"),
    [
        (0.125, 1, f"12,5{NBSP}%"),
        (D("0.5"), 1, f"50{NBSP}%"),  # trailing ",0" dropped
        (D("0.05"), 1, f"5{NBSP}%"),
        (D("1.0804"), 1, f"108{NBSP}%"),  # 108,04 → 108,0 → 108
        (D("0.12345"), 1, f"12,3{NBSP}%"),
        (D("0.12345"), 2, f"12,35{NBSP}%"),
        (D("0.90667"), 0, f"91{NBSP}%"),
        (D("12.5"), 1, f"1{NBSP}250{NBSP}%"),
        (None, 1, ""),
    ],
)
def test_format_percent(ratio, decimals, text):
    assert f.format_percent(ratio, decimals) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1607, f"1{NBSP}607"),
        (0, "0"),
        (999, "999"),
        (1000, f"1{NBSP}000"),
        (D("2.5"), "3"),
        (-1234567, f"-1{NBSP}234{NBSP}567"),
    ],
)
def test_format_int(value, text):
    assert f.format_int(value) == text


def test_formats_never_write_the_narrow_space():
    texts = [
        f.format_hours(D("1234567.5")),
        f.format_amount(D("1234567")),
        f.format_percent(D("123.4")),
        f.format_hours_hm(D("1234.5")),
        f.format_int(10**9),
    ]
    assert all(NNBSP not in t and " " not in t for t in texts)
    assert all(NBSP in t for t in texts)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2026, 11, 24), "24/11/2026"),
        (date(2026, 1, 5), "05/01/2026"),
        (datetime(2026, 3, 1, 12, 0), "01/03/2026"),
        (None, ""),
    ],
)
def test_format_date(value, text):
    assert f.format_date(value) == text


@pytest.mark.parametrize(
    ("value", "long", "numeric"),
    [
        (date(2026, 3, 1), "mars 2026", "03/2026"),
        (date(2026, 2, 17), "février 2026", "02/2026"),
        (date(2026, 8, 1), "août 2026", "08/2026"),
        (date(2026, 12, 31), "décembre 2026", "12/2026"),
    ],
)
def test_format_month(value, long, numeric):
    assert f.format_month(value) == long
    assert f.format_month(value, numeric=True) == numeric


# --- parsing hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("7,5", D("7.5")),
        ("7.5", D("7.5")),
        ("7h30", D("7.5")),
        ("7 h 30", D("7.5")),
        ("7:30", D("7.5")),
        ("7:30:00", D("7.5")),
        ("7H", D("7")),
        ("7 h", D("7")),
        ("7h30min", D("7.5")),
        ("0h45", D("0.75")),
        ("7h20", D("7.33")),  # 7,333… → 7,33
        ("7,5 h", D("7.5")),
        (f" 1{NBSP}607,5 ", D("1607.5")),
        (f"1{NNBSP}607,5", D("1607.5")),
        ("1 607,5", D("1607.5")),
        ("1607", D("1607")),
        ("151.666", D("151.67")),
        (",5", D("0.5")),
        ("0", D("0")),
        (D("7.5"), D("7.5")),
        (8, D("8")),
        (7.25, D("7.25")),
    ],
)
def test_parse_hours(text, hours):
    assert f.parse_hours(text) == hours


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "Nombre d'heures négatif refusé : « -5 »."),
        ("-7h30", "Nombre d'heures négatif refusé : « -7h30 »."),
        (-1, "Nombre d'heures négatif refusé : « -1 »."),
        ("abc", "Nombre d'heures illisible : « abc » (exemples : 7,5 ; 7 h 30 ; 7:30)."),
        ("7 30", "Nombre d'heures illisible : « 7 30 »"),  # not 730
        ("7,5,1", "Nombre d'heures illisible"),
        ("7h75", "Minutes impossibles dans « 7h75 » (59 au plus)."),
        ("", "Nombre d'heures manquant."),
        (None, "Nombre d'heures manquant."),
        (True, "Nombre d'heures illisible"),
        (float("nan"), "Nombre d'heures illisible"),
    ],
)
def test_parse_hours_rejects(value, message):
    with pytest.raises(ValidationError) as caught:
        f.parse_hours(value, field="worked_hours")
    assert str(caught.value).startswith(message)
    assert caught.value.field == "worked_hours"


def test_parse_hours_optional_blank():
    assert f.parse_hours("  ", optional=True) is None
    assert f.parse_hours(None, optional=True) is None


@pytest.mark.parametrize(
    "value", [D("1607"), D("7.5"), D("0.25"), D("1234567.75"), D("35"), D("151.67")]
)
def test_hours_round_trip(value):
    assert f.parse_hours(f.format_hours(value)) == value


@pytest.mark.parametrize("value", [D("1607"), D("7.5"), D("0.25"), D("1234567.75"), D("0.05")])
def test_hours_hm_round_trip_to_the_minute(value):
    # 0,05 h = 3 min exactly; « 0 h 03 » reads back as 0,05
    assert f.parse_hours(f.format_hours_hm(value)) == value


# --- parsing amounts and percentages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        (f"1{NBSP}234,50{NBSP}€", D("1234.50")),
        ("1 234,50 €", D("1234.50")),
        ("1234.5", D("1234.50")),
        ("1.234,50", D("1234.50")),
        ("1,234.50", D("1234.50")),
        ("1.234.567", D("1234567")),
        ("1 234 EUR", D("1234")),
        ("500 € HT", D("500")),
        ("€ 12", D("12")),
        ("12,345", D("12.35")),  # a lone comma is decimal; rounded HALF_UP to the cent
        (1234.5, D("1234.50")),
        (D("10"), D("10")),
    ],
)
def test_parse_amount(text, amount):
    assert f.parse_amount(text) == amount


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-12", "Montant négatif refusé : « -12 »."),
        ("douze", "Montant illisible : « douze »."),
        ("12 €€", "Montant illisible"),
        ("", "Montant manquant."),
    ],
)
def test_parse_amount_rejects(value, message):
    with pytest.raises(ValidationError) as caught:
        f.parse_amount(value)
    assert str(caught.value) == message if message.endswith(".") else message in str(caught.value)
    assert caught.value.field == "amount_ht"


def test_parse_amount_negative_when_allowed():
    assert f.parse_amount("-1 234,5 €", allow_negative=True) == D("-1234.50")


@pytest.mark.parametrize("value", [D("1234.5"), D("0"), D("1000000"), D("0.01")])
def test_amount_round_trip(value):
    assert f.parse_amount(f.format_amount(value)) == value


@pytest.mark.parametrize(
    ("text", "ratio"),
    [
        ("5 %", D("0.05")),
        ("5%", D("0.05")),
        (f"12,5{NBSP}%", D("0.125")),
        ("0,5 %", D("0.005")),  # with "%" it is always a percentage
        ("0,05", D("0.05")),  # without "%", ≤ 1 is a ratio
        ("0.5", D("0.5")),
        ("5", D("0.05")),  # without "%", > 1 is a percentage
        ("12,5", D("0.125")),
        ("1", D("1")),  # 100 %: write "1 %" for one per cent
        ("1 %", D("0.01")),
        ("100 %", D("1")),
        (0.05, D("0.05")),  # Excel percentage cells hold ratios
        (5, D("0.05")),
    ],
)
def test_parse_percent(text, ratio):
    assert f.parse_percent(text) == ratio


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("150 %", "Pourcentage trop élevé : « 150 % » (au plus 100\u00a0%)."),
        ("-5 %", "Pourcentage négatif refusé : « -5 % »."),
        ("beaucoup", "Pourcentage illisible : « beaucoup »."),
    ],
)
def test_parse_percent_rejects(value, message):
    with pytest.raises(ValidationError) as caught:
        f.parse_percent(value, field="insertion_rate")
    assert str(caught.value) == message
    assert caught.value.field == "insertion_rate"


@pytest.mark.parametrize("ratio", [D("0.05"), D("0.125"), D("0.5"), D("1")])
def test_percent_round_trip(ratio):
    assert f.parse_percent(f.format_percent(ratio)) == ratio


# --- parsing dates and months ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("24/11/2026", date(2026, 11, 24)),
        ("2026-11-24", date(2026, 11, 24)),
        ("24-11-2026", date(2026, 11, 24)),
        ("24.11.2026", date(2026, 11, 24)),
        ("2026/11/24", date(2026, 11, 24)),
        ("1/3/2026", date(2026, 3, 1)),
        (" 24/11/2026 ", date(2026, 11, 24)),
        ("2026-11-24 00:00:00", date(2026, 11, 24)),  # pandas' text of a datetime
        ("2026-11-24T08:30", date(2026, 11, 24)),
        ("24 novembre 2026", date(2026, 11, 24)),
        ("1er mars 2026", date(2026, 3, 1)),
        ("24 nov. 2026", date(2026, 11, 24)),
        # Excel serials, base 30/12/1899 (the 1900 leap-year bug makes 1899-12-31 wrong)
        (46000, date(2025, 12, 9)),
        ("46000", date(2025, 12, 9)),
        (46000.75, date(2025, 12, 9)),  # time of day dropped
        (45658, date(2025, 1, 1)),
        (25569, date(1970, 1, 1)),
        (date(2026, 1, 2), date(2026, 1, 2)),
        (datetime(2026, 1, 2, 23, 59), date(2026, 1, 2)),
    ],
)
def test_parse_date(value, expected):
    assert f.parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2026", "Date inexistante : « 31/02/2026 »."),
        ("24/11/26", "Date ambiguë : « 24/11/26 » ; écrivez l'année sur quatre chiffres."),
        ("demain", "Date illisible : « demain » (attendu : JJ/MM/AAAA)."),
        ("2026", "Date illisible : « 2026 » n'est pas un numéro de date Excel plausible"),
        (5, "Date illisible : « 5 » n'est pas un numéro de date Excel plausible"),
        (10_000_000, "Date illisible : « 10000000 » n'est pas un numéro de date Excel"),
        ("", "Date manquante."),
    ],
)
def test_parse_date_rejects(value, message):
    with pytest.raises(ValidationError) as caught:
        f.parse_date(value, field="start_date")
    assert str(caught.value).startswith(message)
    assert caught.value.field == "start_date"


@pytest.mark.parametrize("value", [date(2026, 11, 24), date(2000, 2, 29), date(1961, 1, 1)])
def test_date_round_trip(value):
    assert f.parse_date(f.format_date(value)) == value


def test_excel_serial_bounds():
    assert f.excel_serial_to_date(f.EXCEL_SERIAL_MIN) == date(1920, 1, 1)
    assert f.excel_serial_to_date(f.EXCEL_SERIAL_MAX) == date(2100, 12, 31)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/2026", date(2026, 3, 1)),
        ("3/2026", date(2026, 3, 1)),
        ("03-2026", date(2026, 3, 1)),
        ("2026-03", date(2026, 3, 1)),
        ("2026/3", date(2026, 3, 1)),
        ("mars 2026", date(2026, 3, 1)),
        ("Mars 2026", date(2026, 3, 1)),
        ("MARS 2026", date(2026, 3, 1)),
        ("mars-26", date(2026, 3, 1)),  # Excel "mmm-aa"
        ("mars 26", date(2026, 3, 1)),
        ("01/03/2026", date(2026, 3, 1)),
        ("15/03/2026", date(2026, 3, 1)),
        ("2026-03-15", date(2026, 3, 1)),
        ("fevrier 2026", date(2026, 2, 1)),
        ("février 2026", date(2026, 2, 1)),
        ("févr. 2026", date(2026, 2, 1)),
        ("fév 2026", date(2026, 2, 1)),
        ("aout 2026", date(2026, 8, 1)),
        ("août 2026", date(2026, 8, 1)),
        ("juil. 2026", date(2026, 7, 1)),
        ("juin 2026", date(2026, 6, 1)),
        ("sept. 2026", date(2026, 9, 1)),
        ("déc. 2026", date(2026, 12, 1)),
        ("decembre 2026", date(2026, 12, 1)),
        ("janv.-26", date(2026, 1, 1)),
        (46000, date(2025, 12, 1)),
        (date(2026, 3, 17), date(2026, 3, 1)),
        (datetime(2026, 3, 17, 8, 0), date(2026, 3, 1)),
    ],
)
def test_parse_month(value, expected):
    assert f.parse_month(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("13/2026", "Mois impossible : « 13/2026 »."),
        ("jui 2026", "Mois illisible : « jui 2026 »."),  # juin or juillet?
        ("brumaire 2026", "Mois illisible : « brumaire 2026 »."),
        ("n'importe quoi", "Mois illisible : « n'importe quoi » (attendu : 03/2026 ou mars 2026)."),
        ("", "Mois manquant."),
    ],
)
def test_parse_month_rejects(value, message):
    with pytest.raises(ValidationError) as caught:
        f.parse_month(value)
    assert str(caught.value) == message
    assert caught.value.field == "month"


@pytest.mark.parametrize("value", [date(2026, 3, 1), date(2026, 8, 1), date(2027, 12, 1)])
def test_month_round_trip(value):
    assert f.parse_month(f.format_month(value)) == value
    assert f.parse_month(f.format_month(value, numeric=True)) == value


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("janvier", 1),
        ("Février", 2),
        ("mar", 3),
        ("mai", 5),
        ("juil", 7),
        ("aou", 8),
        ("sept.", 9),
        ("DÉC", 12),
        ("jui", None),
        ("ma", None),
        ("xyz", None),
    ],
)
def test_month_number(name, number):
    assert f.month_number(name) == number


# --- normalisation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Éléonore", "eleonore"),
        ("  JEAN-PIERRE  ", "jean pierre"),
        ("N’Diaye", "n diaye"),
        ("N'DIAYE", "n diaye"),
        (f"Le{NBSP}Bœuf", "le boeuf"),
        ("Straße", "strasse"),
        ("Ça  va\t—  bien", "ca va bien"),
        ("François-Xavier d’Évry", "francois xavier d evry"),
        (None, ""),
    ],
)
def test_normalise_text(text, key):
    assert f.normalise_text(text) == key


@pytest.mark.parametrize(("a", "b"), [("N'Diaye", "Ndiaye"), ("Saint-Émilion", "saintemilion")])
def test_normalise_text_compact(a, b):
    assert f.normalise_text(a, compact=True) == f.normalise_text(b, compact=True)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("\ufeffHeures réalisées (h)", "heures_realisees_h"),
        ("N° SIRET", "n_siret"),
        ("  Date de début ", "date_de_debut"),
        ("Nom d’usage", "nom_d_usage"),
        ("MOIS :", "mois"),
        ("", ""),
    ],
)
def test_normalise_header(header, key):
    assert f.normalise_header(header) == key


def test_the_fast_latin_path_folds_exactly_like_the_full_decomposition():
    import random

    from asr_desktop.domain import formats

    def full(text: str) -> str:
        return formats._APOSTROPHES_HYPHENS.sub(" ", formats._strip_accents(text)).strip()

    rng = random.Random(2026)
    alphabet = [chr(c) for c in (*range(0x20, 0x250), *range(0x2000, 0x2070), 0x301, 0x327, 0x2044)]
    samples = ["Hélène N’DIAYE-Cœur", "Œuvre d'Ægir", "straße", "e\u0301cole"]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(5000)
    ]
    assert [formats.normalise_text(s) for s in samples] == [full(s) for s in samples]

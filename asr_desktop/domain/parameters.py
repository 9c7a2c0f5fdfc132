"""Dated business parameters: their keys, French labels, units and documented defaults.

Rules never read parameters themselves: services look up the value in force at a date
(``value_at``) and pass it as an argument. Values marked "local / to configure" in domain.md are
parameters here, never constants in code; the defaults are the documented ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from asr_desktop.domain.model import Parameter


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    key: str
    label: str
    unit: str
    default: Decimal
    valid_from: date
    source: str


# The date from which the documented defaults apply (covers ten years of history).
_ORIGIN = date(2015, 1, 1)

SPECS: tuple[ParameterSpec, ...] = (
    ParameterSpec(
        "hourly_cost",
        "Coût horaire chargé",
        "€/h",
        Decimal("30"),
        _ORIGIN,
        "Usage : 25 à 30 €/h (MDE Sud 77)",
    ),
    ParameterSpec(
        "insertion_rate.default",
        "Taux d'insertion par défaut",
        "taux",
        Decimal("0.05"),
        _ORIGIN,
        "Usage : 5 à 10 % des heures",
    ),
    ParameterSpec(
        "insertion_rate.anru_works",
        "Taux ANRU (travaux)",
        "taux",
        Decimal("0.05"),
        _ORIGIN,
        "Charte nationale d'insertion NPNRU : 5 % des heures travaillées",
    ),
    ParameterSpec(
        "insertion_rate.anru_gup",
        "Taux ANRU (gestion urbaine de proximité)",
        "taux",
        Decimal("0.10"),
        _ORIGIN,
        "Charte nationale d'insertion NPNRU : 10 %",
    ),
    ParameterSpec(
        "labour_share.batiment",
        "Part de main-d'œuvre : bâtiment (moyenne)",
        "taux",
        Decimal("0.50"),
        _ORIGIN,
        "Guide de la MDE Sud 77",
    ),
    ParameterSpec(
        "labour_share.peinture",
        "Part de main-d'œuvre : peinture intérieure",
        "taux",
        Decimal("0.70"),
        _ORIGIN,
        "Usage des facilitateurs, à ajuster",
    ),
    ParameterSpec(
        "labour_share.maconnerie",
        "Part de main-d'œuvre : maçonnerie",
        "taux",
        Decimal("0.50"),
        _ORIGIN,
        "Usage des facilitateurs, à ajuster",
    ),
    ParameterSpec(
        "labour_share.charpente_metallique",
        "Part de main-d'œuvre : charpente métallique",
        "taux",
        Decimal("0.20"),
        _ORIGIN,
        "Usage des facilitateurs, à ajuster",
    ),
    ParameterSpec(
        "labour_share.proprete",
        "Part de main-d'œuvre : propreté",
        "taux",
        Decimal("0.80"),
        _ORIGIN,
        "Inserpropre",
    ),
    ParameterSpec(
        "labour_share.services",
        "Part de main-d'œuvre : services",
        "taux",
        Decimal("0.50"),
        _ORIGIN,
        "à configurer",
    ),
    ParameterSpec(
        "cleaning.turnover_per_hour",
        "Propreté : chiffre d'affaires par heure (C)",
        "€/h",
        Decimal("25"),
        _ORIGIN,
        "PACT Propreté",
    ),
    ParameterSpec(
        "cleaning.min_hours",
        "Propreté : seuil en deçà duquel la clause est déconseillée",
        "h",
        Decimal("150"),
        _ORIGIN,
        "Usage des facilitateurs, à ajuster",
    ),
    ParameterSpec(
        "conversion.invoice.labour_share",
        "Conversion d'une facture SIAE/EA/ESAT : part de main-d'œuvre",
        "taux",
        Decimal("0.50"),
        _ORIGIN,
        "Règle locale, à configurer",
    ),
    ParameterSpec(
        "conversion.invoice.hourly_cost",
        "Conversion d'une facture SIAE/EA/ESAT : coût horaire",
        "€/h",
        Decimal("30"),
        _ORIGIN,
        "Règle locale, à configurer",
    ),
    ParameterSpec(
        "training.counted",
        "Heures de formation en alternance comptées (1 = oui)",
        "booléen",
        Decimal("1"),
        _ORIGIN,
        "Pratique courante",
    ),
    ParameterSpec(
        "eligibility.max_months_after_first_hire",
        "Durée maximale de comptage après la première embauche",
        "mois",
        Decimal("24"),
        _ORIGIN,
        "Règle locale",
    ),
    ParameterSpec(
        "hours.max_monthly",
        "Maximum plausible d'heures par mois et par personne",
        "h",
        Decimal("200"),
        _ORIGIN,
        "35 h × 52 / 12 = 151,67 h + heures supplémentaires",
    ),
    ParameterSpec(
        "penalty.per_missing_hour",
        "Pénalité par heure manquante (défaut)",
        "€/h",
        Decimal("30"),
        _ORIGIN,
        "À configurer par marché",
    ),
    ParameterSpec(
        "smic.hourly",
        "SMIC horaire brut",
        "€/h",
        Decimal("11.88"),
        date(2024, 11, 1),
        "décret 2024-951",
    ),
    ParameterSpec(
        "fte.annual_hours",
        "Durée annuelle d'un équivalent temps plein",
        "h",
        Decimal("1607"),
        _ORIGIN,
        "Usage des facilitateurs, à ajuster",
    ),
    ParameterSpec(
        "export.small_cell_threshold",
        "Seuil des petits effectifs masqués",
        "personnes",
        Decimal("5"),
        _ORIGIN,
        "Secret statistique : pas de chiffre sous ce seuil",
    ),
    ParameterSpec(
        "retention.years_after_last_contact",
        "Conservation après le dernier contact",
        "années",
        Decimal("2"),
        _ORIGIN,
        "CNIL, référentiel 2023-095",
    ),
    ParameterSpec(
        "audit.retention_months",
        "Conservation du journal d'accès",
        "mois",
        Decimal("12"),
        _ORIGIN,
        "CNIL, délibération 2021-122 (journalisation) : 6 mois à 1 an",
    ),
    ParameterSpec(
        "forecast.pace_months",
        "Mois récents pris pour le rythme de la prévision",
        "mois",
        Decimal("3"),
        _ORIGIN,
        "Choix de conception",
    ),
    ParameterSpec(
        "alert.contract_end_days",
        "Alerte fin de contrat (jours avant)",
        "jours",
        Decimal("30"),
        _ORIGIN,
        "Choix de conception",
    ),
    # --- backups (issue 6 point 4; domain.backups) ---
    ParameterSpec(
        "backup.interval_minutes",
        "Sauvegarde automatique : délai minimal entre deux sauvegardes",
        "minutes",
        Decimal("15"),
        _ORIGIN,
        "Choix de conception : au plus un quart d'heure de saisie à refaire",
    ),
    ParameterSpec(
        "backup.keep_recent",
        "Sauvegardes : nombre de sauvegardes récentes conservées",
        "sauvegardes",
        Decimal("10"),
        _ORIGIN,
        "Choix de conception",
    ),
    ParameterSpec(
        "backup.keep_daily",
        "Sauvegardes : une par jour, sur ce nombre de jours",
        "jours",
        Decimal("7"),
        _ORIGIN,
        "Choix de conception",
    ),
    ParameterSpec(
        "backup.keep_weekly",
        "Sauvegardes : une par semaine, sur ce nombre de semaines",
        "semaines",
        Decimal("5"),
        _ORIGIN,
        "Choix de conception",
    ),
    ParameterSpec(
        "backup.keep_monthly",
        "Sauvegardes : une par mois, sur ce nombre de mois",
        "mois",
        Decimal("6"),
        _ORIGIN,
        "Choix de conception",
    ),
    ParameterSpec(
        "backup.retention_months",
        "Sauvegardes : ancienneté maximale (au-delà, supprimées)",
        "mois",
        Decimal("6"),
        _ORIGIN,
        "Les sauvegardes contiennent des données personnelles : choix de conception (6 mois)",
    ),
)

SPECS_BY_KEY: dict[str, ParameterSpec] = {s.key: s for s in SPECS}


def default_parameters() -> list[Parameter]:
    """The documented defaults, as the rows a new database starts with."""
    return [
        Parameter(key=s.key, value=s.default, valid_from=s.valid_from, note=s.source) for s in SPECS
    ]


def value_at(parameters: Iterable[Parameter], key: str, on: date) -> Decimal:
    """The value of ``key`` in force on ``on``: the latest ``valid_from`` not after ``on``.

    Falls back to the documented default when no row applies (e.g. a date before every row).
    """
    best: Parameter | None = None
    for p in parameters:
        if p.key == key and p.valid_from <= on and (best is None or p.valid_from > best.valid_from):
            best = p
    if best is not None:
        return best.value
    if key in SPECS_BY_KEY:
        return SPECS_BY_KEY[key].default
    raise KeyError(f"Paramètre inconnu : {key}")

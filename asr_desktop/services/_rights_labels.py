"""French wording of the access-right export: one title per table, one heading per column,
and how coded values read (domain.md §7.5: everything held on one person, readable by them).

A test checks that every column of every table about a person has its heading here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from asr_desktop.domain.criteria import CRITERIA_BY_CODE
from asr_desktop.domain.enums import (
    ActionKind,
    AuditAction,
    ContractType,
    ConversionRule,
    EducationLevel,
    FollowUpPoint,
    HoursStatus,
    InformationSource,
    LabelledEnum,
    Modality,
    OutcomeClass,
    ParticipantStatus,
    Sex,
    Situation,
)
from asr_desktop.services.audit import entity_label

#: Sheet titles (at most 31 characters: Excel's limit).
TABLE_TITLES: dict[str, str] = {
    "participant": "Identité et situation",
    "eligibility": "Éligibilité",
    "placement": "Mises en emploi",
    "hours_entry": "Heures déclarées",
    "follow_up_action": "Suivi et contacts",
    "outcome": "Sorties et suivi à 6-12 mois",
    "audit_entry": "Journal des accès",
}

_COMMON = {"id": "N° interne", "created_at": "Créé le", "updated_at": "Modifié le"}

COLUMN_TITLES: dict[str, dict[str, str]] = {
    "participant": {
        "reference": "Référence du dossier",
        "last_name": "Nom",
        "first_name": "Prénom",
        "birth_date": "Date de naissance",
        "sex": "Sexe",
        "status": "Statut",
        "phone": "Téléphone",
        "email": "Courriel",
        "address": "Adresse",
        "postcode": "Code postal",
        "commune": "Commune",
        "qpv": "Résident d'un quartier prioritaire (QPV)",
        "qpv_code": "Code du quartier prioritaire",
        "education_level": "Niveau de formation",
        "plie": "Suivi par le PLIE",
        "prescriber_id": "Prescripteur",
        "referent_id": "Conseiller référent",
        "entry_date": "Date d'entrée",
        "last_contact_date": "Dernier contact",
        "pass_iae_end": "Fin du PASS IAE",
        "restricted": "Traitement limité (art. 18 RGPD)",
        "anonymised_at": "Anonymisé le",
        "search_key": "Clé de recherche (nom sans accents)",
        "phone_key": "Clé de recherche (téléphone)",
    },
    "eligibility": {
        "participant_id": "N° de la personne",
        "criterion": "Critère",
        "proof_type": "Justificatif",
        "proof_date": "Date du justificatif",
        "validated_by_id": "Validé par",
        "validated_on": "Validé le",
        "expires_on": "Valable jusqu'au",
        "note": "Remarque",
    },
    "placement": {
        "participant_id": "N° de la personne",
        "lot_id": "Lot",
        "employer_id": "Employeur",
        "modality": "Modalité",
        "contract_type": "Type de contrat",
        "start_date": "Début",
        "end_date": "Fin prévue",
        "weekly_hours": "Heures par semaine",
        "job_title": "Poste",
        "exit_date": "Date de sortie",
        "exit_situation": "Situation à la sortie",
    },
    "hours_entry": {
        "placement_id": "N° de la mise en emploi",
        "lot_id": "Lot crédité",
        "month": "Mois",
        "version": "Version",
        "is_current": "Version en vigueur",
        "worked_hours": "Heures travaillées",
        "training_hours": "Heures de formation",
        "invoice_amount": "Montant facturé (€)",
        "rule": "Règle de calcul",
        "labour_share_used": "Part de main-d'œuvre appliquée",
        "hourly_cost_used": "Coût horaire appliqué (€)",
        "training_counted": "Formation comptée",
        "credited_hours": "Heures retenues",
        "proof_ref": "Justificatif",
        "status": "État",
        "flags": "Signalements",
        "reason": "Motif de correction",
        "created_by_id": "Saisi par",
        "validated_by_id": "Validé par",
        "validated_at": "Validé le",
    },
    "follow_up_action": {
        "participant_id": "N° de la personne",
        "company_id": "Entreprise",
        "lot_id": "Lot",
        "kind": "Type",
        "summary": "Compte rendu",
        "occurred_on": "Date",
        "user_id": "Par",
        "due_date": "Échéance",
        "done_on": "Fait le",
        "next_action": "Prochaine action",
    },
    "outcome": {
        "participant_id": "N° de la personne",
        "placement_id": "N° de la mise en emploi",
        "point": "Moment",
        "due_date": "Prévu le",
        "observed_on": "Constaté le",
        "situation": "Situation",
        "outcome_class": "Catégorie de sortie",
        "contract_type": "Type de contrat",
        "employer_name": "Employeur",
        "source": "Source de l'information",
    },
    "audit_entry": {
        "at": "Date et heure",
        "user_id": "Utilisateur",
        "action": "Action",
        "entity": "Élément",
        "entity_id": "N° de l'élément",
        "detail": "Détail",
        "prev_hash": "Empreinte précédente",
        "hash": "Empreinte",
    },
}

_ENUMS: dict[tuple[str, str], type[LabelledEnum]] = {
    ("participant", "sex"): Sex,
    ("participant", "status"): ParticipantStatus,
    ("participant", "education_level"): EducationLevel,
    ("placement", "modality"): Modality,
    ("placement", "contract_type"): ContractType,
    ("placement", "exit_situation"): Situation,
    ("hours_entry", "rule"): ConversionRule,
    ("hours_entry", "status"): HoursStatus,
    ("follow_up_action", "kind"): ActionKind,
    ("outcome", "point"): FollowUpPoint,
    ("outcome", "situation"): Situation,
    ("outcome", "outcome_class"): OutcomeClass,
    ("outcome", "contract_type"): ContractType,
    ("outcome", "source"): InformationSource,
    ("audit_entry", "action"): AuditAction,
}


def table_title(table: str) -> str:
    return TABLE_TITLES.get(table, table)


def column_title(table: str, column: str) -> str:
    return COLUMN_TITLES.get(table, {}).get(column) or _COMMON.get(column) or column


def _criterion(code: Any) -> Any:
    found = CRITERIA_BY_CODE.get(str(code))
    return f"{found.label} ({code})" if found else code


def _enum(kind: type[LabelledEnum]) -> Callable[[Any], Any]:
    def read(code: Any) -> Any:
        try:
            return kind(code).label
        except ValueError:
            return code

    return read


def presenter(
    table: str, column: str, references: Mapping[int, str] | None = None
) -> Callable[[Any], Any]:
    """How a stored value of ``table.column`` reads in the export: coded values in French,
    a referred row by its name and number, lists joined; other values as they are."""
    if references:
        return lambda v: v if v is None else f"{references.get(v, '')} (n° {v})".lstrip()
    kind = _ENUMS.get((table, column))
    if kind is not None:
        return lambda v: v if v is None else _enum(kind)(v)
    if (table, column) == ("eligibility", "criterion"):
        return _criterion
    if (table, column) == ("audit_entry", "entity"):
        return lambda v: v if v is None else entity_label(v)
    return lambda v: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v

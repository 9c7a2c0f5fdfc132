"""Coded vocabularies of the domain, each value with its French label.

Values are stable codes stored in the database; labels are what the adviser reads.
Sources are cited in ``shared/spec/domain.md`` (sections in each docstring).
"""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members carry a French label: ``Member = ("code", "Libellé")``."""

    def __new__(cls, code: str, label: str):
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.label = label  # type: ignore[attr-defined]
        return obj

    label: str

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class AuthorityKind(LabelledEnum):
    """Kinds of contracting authority (donneur d'ordre), domain.md §1.1."""

    COMMUNE = ("commune", "Commune")
    EPT = ("ept", "Établissement public territorial")
    DEPARTEMENT = ("departement", "Département")
    REGION = ("region", "Région")
    BAILLEUR = ("bailleur", "Bailleur social")
    HOPITAL = ("hopital", "Établissement de santé")
    ETAT = ("etat", "Service de l'État")
    SGP = ("sgp", "Société des grands projets")
    SEM = ("sem", "SEM / SPL d'aménagement")
    AUTRE = ("autre", "Autre donneur d'ordre")


class LegalMechanism(LabelledEnum):
    """Legal basis of the clause in the Code de la commande publique, domain.md §2."""

    EXECUTION = ("L2112-2", "Condition d'exécution (L2112-2)")
    AWARD = ("R2152-7", "Critère d'attribution (R2152-7)")
    EXECUTION_AWARD = ("L2112-2+R2152-7", "Condition d'exécution et critère d'attribution")
    RESERVED_DISABILITY = ("L2113-12", "Marché réservé EA/ESAT (L2113-12)")
    RESERVED_SIAE = ("L2113-13", "Marché réservé SIAE (L2113-13)")
    RESERVED_JOINT = ("L2113-14", "Marché réservé EA/ESAT et SIAE (L2113-14)")
    INSERTION_SERVICE = ("R2123-1-3", "Marché d'insertion et de qualification (R2123-1 3°)")


class MarketKind(LabelledEnum):
    WORKS = ("travaux", "Travaux")
    SERVICES = ("services", "Services")
    SUPPLIES = ("fournitures", "Fournitures")


class Sector(LabelledEnum):
    """Sectors used in activity indicators, domain.md §6.2."""

    BUILDING = ("batiment", "Bâtiment")
    PUBLIC_WORKS = ("travaux_publics", "Travaux publics")
    CLEANING = ("proprete", "Propreté")
    GREEN_SPACES = ("espaces_verts", "Espaces verts")
    SERVICES = ("services", "Services")
    IT = ("informatique", "Informatique")
    CATERING = ("restauration", "Restauration")
    OTHER = ("autre", "Autre")


class CalibrationMethod(LabelledEnum):
    """How the required hours of a lot were sized, product.md §3.1 / domain.md §3.1."""

    FORMULA = ("formula", "Montant × part de main-d'œuvre × taux ÷ coût horaire")
    PER_EURO = ("per-euro", "Une heure par tranche de montant facturé")
    PERCENT_HOURS = ("percent-hours", "Pourcentage des heures travaillées")
    CLEANING = ("cleaning", "Formule propreté (personnel transféré)")
    MANUAL = ("manual", "Saisie manuelle")


class LotStatus(LabelledEnum):
    NOT_STARTED = ("not_started", "Non démarré")
    IN_PROGRESS = ("in_progress", "En cours")
    COMPLETED = ("completed", "Réalisé")
    CLOSED_SHORTFALL = ("closed_shortfall", "Clos avec déficit")


class CompanyKind(LabelledEnum):
    """Kinds of company/structure, domain.md §1.3 and product.md §2."""

    ORDINARY = ("ordinaire", "Entreprise classique")
    EI = ("EI", "Entreprise d'insertion (EI)")
    ETTI = ("ETTI", "Entreprise de travail temporaire d'insertion (ETTI)")
    AI = ("AI", "Association intermédiaire (AI)")
    ACI = ("ACI", "Atelier et chantier d'insertion (ACI)")
    EITI = ("EITI", "Entreprise d'insertion par le travail indépendant (EITI)")
    GEIQ = ("GEIQ", "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)")
    EA = ("EA", "Entreprise adaptée (EA)")
    EATT = ("EATT", "Entreprise adaptée de travail temporaire (EATT)")
    ESAT = ("ESAT", "Établissement et service d'aide par le travail (ESAT)")
    ETT = ("ETT", "Entreprise de travail temporaire (ETT)")

    @property
    def is_siae(self) -> bool:
        return self in (
            CompanyKind.EI,
            CompanyKind.ETTI,
            CompanyKind.AI,
            CompanyKind.ACI,
            CompanyKind.EITI,
        )

    @property
    def is_disability_sector(self) -> bool:
        return self in (CompanyKind.EA, CompanyKind.EATT, CompanyKind.ESAT)


class AttributionRole(LabelledEnum):
    HOLDER = ("titulaire", "Titulaire")
    LEAD = ("mandataire", "Mandataire du groupement")
    CO_CONTRACTOR = ("cotraitant", "Cotraitant")
    SUBCONTRACTOR = ("sous-traitant", "Sous-traitant")


class Modality(LabelledEnum):
    """Execution modality of a placement, domain.md §3.3."""

    DIRECT_HIRE = ("embauche_directe", "Embauche directe")
    ETT = ("interim_ett", "Intérim (ETT)")
    ETTI = ("etti", "Intérim d'insertion (ETTI)")
    AI = ("mad_ai", "Mise à disposition (AI)")
    GEIQ = ("mad_geiq", "Mise à disposition (GEIQ)")
    SIAE_SUBCONTRACT = ("siae", "Sous-traitance / cotraitance SIAE")
    EA_ESAT = ("ea_esat", "Achat / sous-traitance EA-ESAT")
    TRAINING = ("formation", "Formation préalable à l'embauche")

    @property
    def may_use_invoice(self) -> bool:
        """Modalities whose hours may be derived from an invoice amount (§3.3.4–3.3.5)."""
        return self in (Modality.SIAE_SUBCONTRACT, Modality.EA_ESAT)


class ContractType(LabelledEnum):
    """Contract types, domain.md §5.1."""

    CDI = ("CDI", "CDI")
    CDI_SITE = ("CDI_chantier", "CDI de chantier / d'opération")
    CDD = ("CDD", "CDD")
    CDD_USAGE = ("CDD_usage", "CDD d'usage")
    MISSION = ("mission", "Contrat de mission (intérim)")
    CDDI = ("CDDI", "CDD d'insertion (CDDI)")
    PRO = ("professionnalisation", "Contrat de professionnalisation")
    APPRENTICESHIP = ("apprentissage", "Contrat d'apprentissage")
    PEC = ("PEC", "Parcours emploi compétences (PEC)")
    CDD_TREMPLIN = ("CDD_tremplin", "CDD Tremplin")
    CDI_INCLUSION = ("CDI_inclusion", "CDI inclusion")
    MAD = ("mise_a_disposition", "Mise à disposition")
    CREATION = ("creation", "Création d'entreprise")
    OTHER = ("autre", "Autre")

    @property
    def is_work_study(self) -> bool:
        return self in (ContractType.PRO, ContractType.APPRENTICESHIP)


class Sex(LabelledEnum):
    FEMALE = ("F", "Femme")
    MALE = ("M", "Homme")


class EducationLevel(LabelledEnum):
    """National nomenclature of qualification levels (2019)."""

    NONE = ("infra3", "Sans diplôme (infra niveau 3)")
    LEVEL3 = ("3", "Niveau 3 (CAP, BEP)")
    LEVEL4 = ("4", "Niveau 4 (baccalauréat)")
    LEVEL5 = ("5", "Niveau 5 (bac + 2)")
    LEVEL6 = ("6", "Niveau 6 (licence, bac + 3)")
    LEVEL7 = ("7", "Niveau 7 et plus (master, doctorat)")

    @property
    def is_level3_or_below(self) -> bool:
        return self in (EducationLevel.NONE, EducationLevel.LEVEL3)


class ParticipantStatus(LabelledEnum):
    CANDIDATE = ("candidat", "Candidat")
    IN_PLACEMENT = ("en_emploi", "En emploi sur clause")
    FOLLOW_UP = ("suivi", "Suivi après clause")
    EXITED = ("sorti", "Sorti")
    ARCHIVED = ("archive", "Archivé")


class PrescriberKind(LabelledEnum):
    """Prescriber organisations, domain.md §1.1 (subset of the national list)."""

    FRANCE_TRAVAIL = ("FT", "France Travail")
    MISSION_LOCALE = ("ML", "Mission locale")
    CAP_EMPLOI = ("CAP_EMPLOI", "Cap emploi")
    PLIE = ("PLIE", "PLIE")
    DEPARTEMENT = ("DEPT", "Département (service RSA)")
    CCAS = ("CCAS", "CCAS / CIAS")
    SIAE = ("SIAE", "Structure d'insertion (SIAE)")
    E2C = ("E2C", "École de la deuxième chance")
    EPIDE = ("EPIDE", "EPIDE")
    ASSOCIATION = ("ASSO", "Association")
    SPONTANEOUS = ("SPONTANE", "Candidature spontanée")
    OTHER = ("AUTRE", "Autre")


class OutcomeClass(LabelledEnum):
    """National classes of exit, domain.md §5.2."""

    DURABLE = ("durable", "Emploi durable")
    TRANSITION = ("transition", "Emploi de transition")
    POSITIVE = ("positive", "Sortie positive")
    OTHER = ("autre", "Autre sortie")

    @property
    def is_dynamic(self) -> bool:
        return self is not OutcomeClass.OTHER


class Situation(LabelledEnum):
    """Situation observed at exit or at a follow-up point, mapped to an OutcomeClass by rules."""

    CDI = ("cdi", "CDI")
    CDD_LONG = ("cdd_6m_plus", "CDD de 6 mois ou plus")
    MISSION_LONG = ("interim_6m_plus", "Intérim de 6 mois ou plus")
    CIVIL_SERVICE = ("fonction_publique", "Stage ou titularisation fonction publique")
    BUSINESS_CREATION = ("creation", "Création d'entreprise")
    CDD_SHORT = ("cdd_moins_6m", "CDD de moins de 6 mois")
    MISSION_SHORT = ("interim_moins_6m", "Intérim de moins de 6 mois")
    SUBSIDISED = ("contrat_aide", "Contrat aidé chez un employeur classique")
    TRAINING = ("formation", "Formation qualifiante ou pré-qualifiante")
    OTHER_SIAE = ("autre_siae", "Embauche dans une autre SIAE")
    JOBSEEKER = ("demandeur_emploi", "Demandeur d'emploi")
    INACTIVE = ("inactif", "Inactif")
    UNKNOWN = ("inconnue", "Situation inconnue")


class FollowUpPoint(LabelledEnum):
    EXIT = ("sortie", "À la sortie")
    M6 = ("M6", "À 6 mois")
    M12 = ("M12", "À 12 mois")


class InformationSource(LabelledEnum):
    PERSON = ("personne", "La personne")
    EMPLOYER = ("employeur", "L'employeur")
    PRESCRIBER = ("prescripteur", "Le prescripteur")
    NOT_REACHED = ("non_joint", "Non joint")


class HoursStatus(LabelledEnum):
    ENTERED = ("saisie", "Saisie")
    VALIDATED = ("validee", "Validée")
    REJECTED = ("rejetee", "Refusée")


class ConversionRule(LabelledEnum):
    """How raw hours became credited hours on a ledger line, domain.md §3.3."""

    HOURS = ("heures", "Heures payées ou facturées")
    INVOICE = ("facture", "Montant facturé × part de main-d'œuvre ÷ coût horaire")


class FollowUpSubject(LabelledEnum):
    PARTICIPANT = ("participant", "Candidat")
    COMPANY = ("entreprise", "Entreprise")
    LOT = ("lot", "Lot")


class ActionKind(LabelledEnum):
    CALL = ("appel", "Appel")
    MEETING = ("rdv", "Rendez-vous")
    EMAIL = ("courriel", "Courriel")
    LETTER = ("courrier", "Courrier")
    SITE_VISIT = ("visite", "Visite de chantier")
    NOTE = ("note", "Note")


class CommitteeKind(LabelledEnum):
    TECHNICAL = ("technique", "Comité technique")
    STEERING = ("pilotage", "Comité de pilotage")
    ANNUAL = ("bilan_annuel", "Bilan annuel")


class ExportKind(LabelledEnum):
    DOSSIER_PDF = ("dossier_pdf", "Dossier de comité (PDF)")
    DOSSIER_XLSX = ("dossier_xlsx", "Dossier de comité (XLSX)")
    CERTIFICATE = ("attestation", "Attestation de fin de clause")
    PARTICIPANTS = ("participants", "Liste des candidats")
    ACCESS_REQUEST = ("droit_acces", "Données d'une personne (droit d'accès)")
    STATEMENT_TEMPLATE = ("releve", "Relevé d'heures à remplir")
    LIST = ("liste", "Liste")


class UserRole(LabelledEnum):
    ADVISER = ("conseiller", "Conseiller")
    COORDINATOR = ("coordinateur", "Coordinateur")


class AuditAction(LabelledEnum):
    CREATE = ("creation", "Création")
    UPDATE = ("modification", "Modification")
    READ = ("consultation", "Consultation")
    EXPORT = ("export", "Export")
    DELETE = ("suppression", "Suppression")
    MERGE = ("fusion", "Fusion")
    ANONYMISE = ("anonymisation", "Anonymisation")

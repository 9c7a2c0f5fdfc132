"""Fixed vocabulary of the demonstration data: the GPSEA territory and plausible wording.

The 16 communes, their postcodes and INSEE codes are real. The priority neighbourhoods (QPV) are
named after real neighbourhoods of the territory, but their codes are **illustrative**: they
follow the 2015 nomenclature's shape (``QP`` + département + number) without being the official
codes. Organisations other than the public bodies named in the GPSEA charter are invented.
"""

from __future__ import annotations

from typing import NamedTuple


class Commune(NamedTuple):
    name: str
    postcode: str
    insee: str
    population: int  # thousands of inhabitants, rounded: weights where people live
    qpvs: tuple[tuple[str, str], ...] = ()  # (illustrative code, neighbourhood)


COMMUNES: tuple[Commune, ...] = (
    Commune(
        "Alfortville",
        "94140",
        "94002",
        44,
        (("QP094002", "Chantereine"), ("QP094003", "Alfortville Sud – Grand Ensemble")),
    ),
    Commune("Boissy-Saint-Léger", "94470", "94004", 16, (("QP094004", "La Haie Griselle"),)),
    Commune(
        "Bonneuil-sur-Marne", "94380", "94011", 17, (("QP094011", "Cité Fabien – République"),)
    ),
    Commune(
        "Chennevières-sur-Marne", "94430", "94019", 18, (("QP094019", "Bois l'Abbé – Mordacs"),)
    ),
    Commune(
        "Créteil",
        "94000",
        "94028",
        92,
        (
            ("QP094028", "Haut du Mont-Mesly – La Habette"),
            ("QP094029", "Petit Pré – Sablières"),
            ("QP094030", "Bleuets – Bordières"),
            ("QP094031", "Côte d'Or – L'Abbaye"),
        ),
    ),
    Commune("Limeil-Brévannes", "94450", "94044", 28, (("QP094044", "Quartier Saint-Martin"),)),
    Commune("Mandres-les-Roses", "94520", "94047", 5),
    Commune("Marolles-en-Brie", "94440", "94048", 5),
    Commune("Noiseau", "94880", "94053", 5),
    Commune("Ormesson-sur-Marne", "94490", "94055", 10),
    Commune("Périgny-sur-Yerres", "94520", "94056", 3),
    Commune("La Queue-en-Brie", "94510", "94060", 12),
    Commune("Santeny", "94440", "94070", 4),
    Commune("Sucy-en-Brie", "94370", "94071", 26, (("QP094071", "Les Bruyères – Fosse Rouge"),)),
    Commune("Villecresnes", "94440", "94075", 10),
    Commune("Le Plessis-Trévise", "94420", "94059", 20),
)
COMMUNE_BY_NAME = {c.name: c for c in COMMUNES}
QPV_COMMUNES = tuple(c for c in COMMUNES if c.qpvs)

#: Where the few participants living outside the territory come from (name, postcode).
OUTSIDE_COMMUNES: tuple[tuple[str, str], ...] = (
    ("Champigny-sur-Marne", "94500"),
    ("Maisons-Alfort", "94700"),
    ("Vitry-sur-Seine", "94400"),
    ("Brie-Comte-Robert", "77170"),
    ("Combs-la-Ville", "77380"),
)

# --- contracting authorities (kind code, name, seat commune) ------------------------------------

FIXED_AUTHORITIES: tuple[tuple[str, str, str], ...] = (
    ("ept", "Grand Paris Sud Est Avenir (GPSEA)", "Créteil"),
    ("departement", "Département du Val-de-Marne", "Créteil"),
    ("region", "Région Île-de-France", "Créteil"),
    ("sgp", "Société des grands projets", "Créteil"),
    ("hopital", "AP-HP – Hôpital Henri-Mondor", "Créteil"),
    ("hopital", "Centre hospitalier intercommunal de Créteil", "Créteil"),
    ("etat", "Ministère de la Justice – département immobilier", "Créteil"),
    ("autre", "Syndicat mixte d'étude et de réalisation de la Tégéval", "Limeil-Brévannes"),
    ("autre", "Habitat Solidaire", "Créteil"),
    ("sem", "SEM Sud-Est Aménagement", "Créteil"),
    ("sem", "SPL Plaine Centrale Aménagement", "Bonneuil-sur-Marne"),
)
#: Invented social landlords.
LANDLORDS: tuple[str, ...] = (
    "Habitat Sud-Est Avenir",
    "Marne et Brie Logement",
    "Résidences de la Brie",
    "Foyer du Plateau Briard",
    "Logis du Val-de-Marne",
    "Toit Cristolien",
    "Alfortville Habitat Social",
    "Coopérative Yerres Habitat",
    "Immobilière des Deux Rives",
    "Terres de Brie Habitat",
    "Bonneuil Logement",
    "Maisons de l'Est Francilien",
)
EXTRA_AUTHORITY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("autre", "CCAS de {commune}"),
    ("autre", "Caisse des écoles de {commune}"),
    ("bailleur", "{surname} Habitat"),
    ("sem", "SEM d'aménagement {surname}"),
    ("autre", "Syndicat intercommunal {surname}"),
    ("bailleur", "Logement {surname} Val-de-Marne"),
)

# --- operations ---------------------------------------------------------------------------------

PLACE_NAMES: tuple[str, ...] = (
    "Jules-Ferry",
    "Jean-Jaurès",
    "Victor-Hugo",
    "Jean-Moulin",
    "Paul-Bert",
    "Condorcet",
    "Marie-Curie",
    "Simone-Veil",
    "Jacques-Prévert",
    "Louise-Michel",
    "Pablo-Picasso",
    "Albert-Camus",
    "Les Tilleuls",
    "Les Peupliers",
    "Le Colombier",
    "La Source",
    "Les Coteaux",
    "Le Val Pompadour",
)
#: (authority kinds it fits, template, sector, anru) — {place} and {qpv} are filled in.
OPERATION_TEMPLATES: tuple[tuple[tuple[str, ...], str, str, bool], ...] = (
    (("bailleur", "commune"), "NPNRU {qpv} – réhabilitation de logements", "batiment", True),
    (("bailleur", "ept"), "NPNRU {qpv} – démolition et reconstruction", "batiment", True),
    (("ept", "commune"), "NPNRU {qpv} – aménagement des espaces publics", "travaux_publics", True),
    (("commune",), "Construction du groupe scolaire {place}", "batiment", False),
    (("commune",), "Réhabilitation du gymnase {place}", "batiment", False),
    (("commune", "ept"), "Requalification de l'avenue {place}", "travaux_publics", False),
    (("commune", "ept"), "Entretien des espaces verts", "espaces_verts", False),
    (("commune", "ept", "hopital", "autre"), "Nettoyage des bâtiments", "proprete", False),
    (("commune", "autre"), "Restauration scolaire", "restauration", False),
    (("ept",), "Collecte des encombrants et des déchets verts", "services", False),
    (("ept",), "Construction du conservatoire {place}", "batiment", False),
    (("bailleur",), "Résidentialisation de la résidence {place}", "batiment", False),
    (("bailleur",), "Entretien ménager des parties communes", "proprete", False),
    (("departement",), "Reconstruction du collège {place}", "batiment", False),
    (("departement",), "Entretien des routes départementales", "travaux_publics", False),
    (("region",), "Rénovation du lycée {place}", "batiment", False),
    (("hopital",), "Restructuration du pavillon {place}", "batiment", False),
    (("hopital",), "Bionettoyage des services de soins", "proprete", False),
    (("etat",), "Rénovation du palais de justice", "batiment", False),
    (("etat", "departement"), "Maintenance du parc informatique", "informatique", False),
    (("sgp",), "Ligne 15 Sud – gare {place}", "travaux_publics", False),
    (("sem", "ept"), "ZAC {place} – aménagement", "travaux_publics", False),
    (("autre",), "Aménagement de la coulée verte {place}", "espaces_verts", False),
    (("autre", "commune"), "Blanchisserie et entretien du linge", "autre", False),
)

#: Lot titles per sector (a market's lots take them in order, from a random start).
TRADES: dict[str, tuple[str, ...]] = {
    "batiment": (
        "Désamiantage – démolition",
        "Gros œuvre",
        "Charpente – couverture",
        "Étanchéité",
        "Menuiseries extérieures",
        "Menuiseries intérieures",
        "Plâtrerie – cloisons",
        "Peinture – revêtements muraux",
        "Revêtements de sols",
        "Plomberie – sanitaires",
        "Chauffage – ventilation",
        "Électricité",
        "Serrurerie – métallerie",
        "Ascenseurs",
    ),
    "travaux_publics": (
        "Terrassements – VRD",
        "Voirie",
        "Assainissement",
        "Éclairage public",
        "Signalisation",
        "Réseaux secs",
    ),
    "proprete": ("Nettoyage des locaux", "Vitrerie", "Entretien des parties communes"),
    "espaces_verts": ("Entretien des espaces verts", "Élagage", "Plantations"),
    "services": ("Collecte", "Manutention", "Gardiennage", "Accueil"),
    "informatique": ("Maintenance du parc", "Assistance aux utilisateurs"),
    "restauration": ("Fourniture et livraison de repas", "Service en salle"),
    "autre": ("Blanchisserie", "Reprographie"),
}
#: Labour share used by the calibration formula per sector (parameter key when one exists).
LABOUR_SHARE: dict[str, str] = {
    "batiment": "0.50",
    "travaux_publics": "0.40",
    "proprete": "0.80",
    "espaces_verts": "0.60",
    "services": "0.50",
    "informatique": "0.30",
    "restauration": "0.40",
    "autre": "0.35",
}
JOB_TITLES: dict[str, tuple[str, ...]] = {
    "batiment": (
        "Manœuvre",
        "Aide-maçon",
        "Maçon",
        "Peintre en bâtiment",
        "Plaquiste",
        "Aide-électricien",
        "Plombier",
        "Coffreur-boiseur",
        "Menuisier poseur",
    ),
    "travaux_publics": ("Manœuvre TP", "Canalisateur", "Ouvrier VRD", "Constructeur de routes"),
    "proprete": ("Agent de propreté", "Laveur de vitres", "Agent d'entretien"),
    "espaces_verts": ("Ouvrier paysagiste", "Jardinier", "Élagueur"),
    "services": ("Agent de collecte", "Manutentionnaire", "Agent d'accueil", "Agent de sécurité"),
    "informatique": ("Technicien support", "Technicien de maintenance"),
    "restauration": ("Commis de cuisine", "Agent de restauration", "Plongeur"),
    "autre": ("Agent de blanchisserie", "Opérateur de reprographie"),
}
#: NAF codes of ordinary companies by sector, and of structures by kind.
NAF_BY_SECTOR: dict[str, tuple[str, ...]] = {
    "batiment": ("41.20A", "43.99C", "43.21A", "43.22A", "43.34Z", "43.32A", "43.91B"),
    "travaux_publics": ("42.11Z", "42.21Z", "43.12A"),
    "proprete": ("81.21Z", "81.22Z"),
    "espaces_verts": ("81.30Z",),
    "services": ("38.11Z", "80.10Z", "82.99Z"),
    "informatique": ("62.02A", "95.11Z"),
    "restauration": ("56.29A", "56.29B"),
    "autre": ("96.01A", "18.12Z"),
}
NAF_BY_KIND: dict[str, str] = {
    "ETT": "78.20Z",
    "ETTI": "78.20Z",
    "AI": "78.30Z",
    "GEIQ": "78.30Z",
    "ESAT": "88.10C",
    "EATT": "78.20Z",
}
#: Name patterns of the structures ({surname}, {commune}, {trade} filled in).
STRUCTURE_NAMES: dict[str, tuple[str, ...]] = {
    "ETT": ("Intérim {surname}", "{surname} Travail Temporaire", "Agence Emploi {commune}"),
    "ETTI": ("ETTI {surname} Insertion", "Tremplin Intérim {commune}", "Id'ées Intérim {surname}"),
    "AI": ("Association intermédiaire {commune} Services", "Coup de main {surname}"),
    "ACI": ("Chantier d'insertion {trade} {commune}", "Jardins de {surname}"),
    "EI": ("Régie de quartier {commune}", "{surname} Insertion Bâtiment", "Recyclerie {surname}"),
    "EITI": ("Coopérative d'indépendants {surname}",),
    "GEIQ": ("GEIQ BTP Val-de-Marne {surname}", "GEIQ Propreté Île-de-France {surname}"),
    "EA": ("Entreprise adaptée {surname}", "{surname} Services Adaptés"),
    "EATT": ("Intérim adapté {surname}",),
    "ESAT": ("ESAT {surname}", "ESAT Les Ateliers de {commune}"),
}

# --- people -------------------------------------------------------------------------------------

#: (kind code, name pattern) of prescribers; {commune} is filled in for the local ones.
PRESCRIBERS: tuple[tuple[str, str], ...] = (
    ("FT", "France Travail Créteil"),
    ("FT", "France Travail Alfortville"),
    ("FT", "France Travail Boissy-Saint-Léger"),
    ("FT", "France Travail Sucy-en-Brie"),
    ("ML", "Mission locale de Créteil"),
    ("ML", "Mission locale du Plateau Briard"),
    ("ML", "Mission locale Bords de Marne"),
    ("PLIE", "PLIE de GPSEA – Pôle Compétences Initiatives"),
    ("CAP_EMPLOI", "Cap emploi 94"),
    ("DEPT", "Espace départemental des solidarités de Créteil"),
    ("DEPT", "Espace départemental des solidarités de Limeil-Brévannes"),
    ("CCAS", "CCAS de Bonneuil-sur-Marne"),
    ("CCAS", "CCAS d'Alfortville"),
    ("SIAE", "Régie de quartier de Créteil"),
    ("E2C", "École de la deuxième chance du Val-de-Marne"),
    ("EPIDE", "EPIDE de Champs-sur-Marne"),
    ("ASSO", "Association Emploi Solidarité Brie"),
    ("SPONTANE", "Candidature spontanée"),
    ("AUTRE", "Service emploi municipal de Sucy-en-Brie"),
)
#: Weight of each prescriber kind when a participant is referred.
PRESCRIBER_WEIGHTS: dict[str, int] = {
    "FT": 30,
    "ML": 16,
    "PLIE": 20,
    "CAP_EMPLOI": 5,
    "DEPT": 9,
    "CCAS": 3,
    "SIAE": 5,
    "E2C": 2,
    "EPIDE": 1,
    "ASSO": 3,
    "SPONTANE": 4,
    "AUTRE": 2,
}
#: Proof usually kept for each criterion (domain.md §4.3).
PROOF_TYPES: dict[str, str] = {
    "RSA": "Attestation de la CAF",
    "ASS": "Attestation France Travail",
    "AAH": "Notification de la CAF",
    "DETLD": "Avis de situation France Travail",
    "DELD": "Avis de situation France Travail",
    "NIVEAU_3": "Déclaration sur l'honneur",
    "SENIOR": "Pièce d'identité",
    "JEUNE": "Pièce d'identité",
    "ASE": "Attestation du service de l'aide sociale à l'enfance",
    "RQTH": "Notification de la MDPH",
    "PARENT_ISOLE": "Attestation de la CAF",
    "SANS_HEBERGEMENT": "Attestation d'hébergement",
    "REFUGIE": "Titre de séjour",
    "ZRR": "Justificatif de domicile",
    "QPV": "Justificatif de domicile",
    "PPSMJ": "Attestation du SPIP",
    "FLE": "Évaluation linguistique",
    "MOBILITE": "Diagnostic mobilité",
    "MINIMA_AUTRES": "Notification de pension",
    "SALARIE_SIAE": "PASS IAE",
    "EPIDE_E2C": "Attestation de suivi",
    "GEIQ": "Contrat GEIQ",
    "AVIS_MOTIVE": "Avis motivé du prescripteur",
    "PLIE": "Fiche d'entrée PLIE",
}

# --- follow-up wording (no personal data: these texts are about the path, not the person) -------

PARTICIPANT_ACTIONS: tuple[tuple[str, str, str | None], ...] = (
    ("rdv", "Entretien de diagnostic et présentation des offres clauses", "Envoyer les offres"),
    ("appel", "Point téléphonique sur la prise de poste", None),
    ("rdv", "Entretien de suivi dans l'emploi", "Faire le point avec le tuteur"),
    ("appel", "Relance pour les justificatifs d'éligibilité", "Récupérer les justificatifs"),
    ("courriel", "Envoi du CV à l'entreprise attributaire", "Relancer l'entreprise"),
    ("rdv", "Préparation à l'entretien d'embauche", None),
    ("appel", "Point sur la fin de contrat et la suite du parcours", "Orienter vers une formation"),
    ("note", "Mise à jour du parcours après échange avec le prescripteur", None),
)
COMPANY_ACTIONS: tuple[tuple[str, str, str | None], ...] = (
    ("rdv", "Réunion de lancement de la clause avec l'entreprise", "Transmettre les profils"),
    ("appel", "Relance du relevé mensuel d'heures", "Relancer le relevé"),
    ("courriel", "Envoi du modèle de relevé d'heures", None),
    ("rdv", "Bilan intermédiaire des heures réalisées", "Rédiger le compte rendu"),
)
LOT_ACTIONS: tuple[tuple[str, str, str | None], ...] = (
    ("visite", "Visite de chantier avec le conducteur de travaux", "Vérifier les présences"),
    ("note", "Avis du facilitateur transmis au donneur d'ordre", None),
    ("courrier", "Courrier d'alerte sur le retard de réalisation", "Préparer le plan d'action"),
)
COMMITTEE_TEXTS: tuple[str, ...] = (
    "Bonne dynamique sur les chantiers de renouvellement urbain ; plusieurs embauches durables "
    "après la clause.",
    "Réalisation en retrait sur les marchés de services : relances engagées auprès des "
    "attributaires.",
    "Mobilisation accrue des SIAE du territoire en sous-traitance ; effort à poursuivre vers les "
    "publics féminins.",
)

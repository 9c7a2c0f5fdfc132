"""French names of the tables, for the census printed by ``demo`` and ``check``."""

from __future__ import annotations

from asr_desktop.domain.formats import format_int, normalise_text

TABLE_LABELS: dict[str, str] = {
    "app_user": "Utilisateurs",
    "attribution": "Attributions de lots",
    "audit_entry": "Entrées du journal d'audit",
    "authority": "Donneurs d'ordre",
    "committee": "Comités",
    "company": "Entreprises",
    "company_contact": "Contacts d'entreprise",
    "eligibility": "Éligibilités",
    "export_record": "Exports enregistrés",
    "follow_up_action": "Actions de suivi",
    "globalisation": "Globalisations",
    "globalisation_lot": "Lots globalisés",
    "hours_entry": "Lignes d'heures",
    "lot": "Lots",
    "market": "Marchés",
    "operation": "Opérations",
    "outcome": "Sorties",
    "parameter": "Paramètres datés",
    "participant": "Participants",
    "placement": "Mises en emploi",
    "prescriber": "Prescripteurs",
}


def census_lines(counts: dict[str, int], indent: str = "  ") -> list[str]:
    """One aligned line per table: « Lignes d'heures (hours_entry) …… 12 345 »."""
    names = {table: f"{TABLE_LABELS.get(table, table)} ({table})" for table in counts}
    width = max((len(n) for n in names.values()), default=0)
    figures = {table: format_int(count) for table, count in counts.items()}
    figure_width = max((len(f) for f in figures.values()), default=0)
    return [
        f"{indent}{names[table]:<{width}}  {figures[table]:>{figure_width}}"
        for table in sorted(counts, key=lambda t: normalise_text(names[t]))
    ]

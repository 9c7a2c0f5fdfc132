"""Short French wordings the Marchés page repeats (captions, plurals)."""

from __future__ import annotations

from asr_desktop.domain.formats import format_hours, format_int, format_percent
from asr_desktop.domain.progress import progress


def lot_caption(number: str, title: str | None) -> str:
    """« Lot 2 — Gros œuvre » (a number already starting with « Lot » is kept as it is)."""
    number = number.strip()
    prefix = number if number.casefold().startswith("lot") else f"Lot {number}"
    return f"{prefix} — {title}" if title else prefix


def plural(count: int, singular: str, several: str) -> str:
    """« 1 lot », « 3 lots », « 0 lot » (French: the singular up to 1)."""
    return f"{format_int(count)} {singular if count < 2 else several}"


def summary_text(
    counts: dict, totals, *, empty: bool, searched: str | None, risk_pending: bool = False
) -> str:
    """The line above the tree: what is shown, its hours and its lots at risk, or why
    nothing is shown. ``totals`` are the tree's ``Sums``; ``searched`` the search typed;
    ``risk_pending`` when « à risque » is asked before the standings are read."""
    if empty:
        return (
            "La base ne contient encore aucun donneur d'ordre : « Nouveau » (Ctrl+N) en "
            "crée un, puis ses opérations, marchés et lots."
        )
    if risk_pending:
        return (
            "Les heures créditées et les prévisions sont en cours de lecture : les lots à "
            "risque s'afficheront dans un instant."
        )
    if not counts.get("authority"):
        said = f" à « {searched} »" if searched else " à ces filtres"
        return f"Aucun donneur d'ordre, marché ni lot ne correspond{said}."
    parts = [
        plural(counts["authority"], "donneur d'ordre", "donneurs d'ordre"),
        plural(counts["operation"], "opération", "opérations"),
        plural(counts["market"], "marché", "marchés"),
        plural(counts["lot"], "lot", "lots"),
    ]
    text = f"{', '.join(parts)} ; {format_hours(totals.required)} d'insertion exigées"
    if totals.credited is None:
        return text + " ; heures créditées et prévisions en cours de lecture…"
    done = progress(totals.required, totals.credited)
    share = f" ({format_percent(done.ratio, 0)})" if done.ratio is not None else ""
    return (
        f"{text}, {format_hours(done.credited)} créditées{share} ; "
        f"{plural(totals.risky, 'lot', 'lots')} à risque."
    )

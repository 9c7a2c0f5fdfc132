"""What each cell of the Marchés tree shows, sorts on, and how it is coloured."""

from __future__ import annotations

from typing import Any

from asr_desktop.domain.formats import format_date, format_hours, format_percent
from asr_desktop.domain.progress import RiskStatus, progress
from asr_desktop.ui.markets.texts import plural
from asr_desktop.ui.markets.tree_nodes import LOT, Node, Sums

COLUMNS = (
    "Donneur d'ordre, opération, marché, lot",
    "Nature / statut",
    "Heures exigées",
    "Heures créditées",
    "Avancement",
    "Fin",
    "Prévision",
)
NAME, NATURE, REQUIRED, CREDITED, PROGRESS, END, FORECAST = range(len(COLUMNS))
PENDING = "…"
_RISK_RANK = {None: 0, RiskStatus.ON_TRACK: 1, RiskStatus.AT_RISK: 2, RiskStatus.LATE: 3}
_RISK_TONE = {
    RiskStatus.ON_TRACK: "success",
    RiskStatus.AT_RISK: "warning",
    RiskStatus.LATE: "error",
}


def progress_of(sums: Sums) -> tuple[float | None, str]:
    """(credited ÷ required or None, the percentage as text) for the delegate."""
    if sums.credited is None:
        return (None, PENDING)
    done = progress(sums.required, sums.credited)
    if done.ratio is None:
        return (None, "—")
    return (float(done.ratio), format_percent(done.ratio, 0))


def text(node: Node, sums: Sums, column: int, loaded: bool) -> str:
    if column == NAME:
        return node.caption
    if column == NATURE:
        return node.nature
    if column == REQUIRED:
        return format_hours(sums.required) if sums.lots else ""
    if column == CREDITED:
        if not sums.lots:
            return ""
        return PENDING if sums.credited is None else format_hours(sums.credited)
    if column == PROGRESS:
        return progress_of(sums)[1]
    if column == END:
        return format_date(node.end) if node.end else ""
    if column == FORECAST:
        if not loaded:
            return PENDING
        if node.kind == LOT:
            return node.status.label if node.status is not None else "Sans date de fin"
        if sums.risky:
            return f"{plural(sums.risky, 'lot', 'lots')} à risque"
        return "Dans les temps" if sums.lots else ""
    return ""


def tone(node: Node, sums: Sums) -> str | None:
    if node.kind == LOT:
        return _RISK_TONE.get(node.status) if node.status is not None else "muted"
    if sums.late:
        return "error"
    return "warning" if sums.risky else None


def tooltip(node: Node, sums: Sums, column: int) -> str | None:
    standing = node.standing
    if column == FORECAST and standing is not None and standing.forecast is not None:
        return (
            f"Prévision à la fin ({format_date(standing.end_date)}) : "
            f"{format_hours(standing.forecast.forecast)} sur {format_hours(standing.required)}"
        )
    if column == FORECAST and sums.late:
        return f"dont {plural(sums.late, 'lot', 'lots')} en retard"
    if column == NAME and len(node.caption) > 40:
        return node.caption
    return None


def sort_key(node: Node, sums: Sums, column: int) -> Any:
    if column == NAME:
        return node.serial
    if column == NATURE:
        return node.nature.casefold()
    if column == REQUIRED:
        return float(sums.required)
    if column == CREDITED:
        return -1.0 if sums.credited is None else float(sums.credited)
    if column == PROGRESS:
        ratio = progress_of(sums)[0]
        return -1.0 if ratio is None else ratio
    if column == END:
        return node.end.isoformat() if node.end else ""
    if node.kind == LOT:
        return _RISK_RANK[node.status]
    return sums.late * 10_000 + sums.risky

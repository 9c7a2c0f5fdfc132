"""The benchmark's scenarios as values, and the French table ``asr-desktop bench`` prints.

A figure is a summary of seconds (or bytes for memory): ``median``, ``min``, ``max``,
``runs`` and the raw ``times``; a figure that could not be measured is the string
:data:`UNAVAILABLE` with a reason, never a made-up number.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from asr_desktop.domain.formats import format_number

UNAVAILABLE = "non disponible"
NOT_YET = "pas encore disponible"
SECONDS, BYTES = "s", "octets"


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    figure: dict | None  # None: not available (see ``reason``)
    floor: dict | None = None
    floor_label: str = ""
    budget: float | None = None  # seconds, or bytes for memory
    ratio_goal: float | None = None
    ratio_in_budget: bool = False  # start-up: « ≤ 2× a bare window » is part of the budget
    unit: str = SECONDS
    reason: str | None = None
    note: str | None = None

    def with_floor(self, floor: dict | None, label: str) -> Scenario:
        return replace(self, floor=floor, floor_label=label)

    @property
    def ratio(self) -> float | None:
        if self.figure is None or self.floor is None or not self.floor["median"]:
            return None
        return self.figure["median"] / self.floor["median"]

    @property
    def verdict(self) -> str:
        if self.figure is None:
            return UNAVAILABLE
        if self.budget is None:
            return "sans budget"
        held = self.figure["median"] <= self.budget
        if self.ratio_in_budget and self.ratio_goal is not None and self.ratio is not None:
            held = held and self.ratio <= self.ratio_goal
        return "tenu" if held else "dépassé"

    @property
    def ratio_held(self) -> bool | None:
        """Whether the ratio meets its goal (None: no goal or no ratio)."""
        if self.ratio_goal is None or self.ratio is None:
            return None
        return self.ratio <= self.ratio_goal

    def as_dict(self) -> dict:
        def figure(value: dict | None) -> dict | str:
            return value if value is not None else UNAVAILABLE

        ratio = self.ratio
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "budget": self.budget,
            "ratio_goal": self.ratio_goal,
            "ratio_in_budget": self.ratio_in_budget,
            "ratio_held": self.ratio_held,
            "figure": figure(self.figure),
            "floor": figure(self.floor) if self.floor_label else None,
            "floor_label": self.floor_label or None,
            "ratio": ratio if ratio is not None else UNAVAILABLE,
            "verdict": self.verdict,
            "reason": self.reason,
            "note": self.note,
        }


def scenario_from_times(
    key: str,
    label: str,
    measured: dict,
    *,
    budget: float | None = None,
    ratio_goal: float | None = None,
    floor_label: str = "",
    unit: str = SECONDS,
    note: str | None = None,
) -> Scenario:
    """A scenario from ``{"figure": …, "floor": …}`` or ``{"unavailable": reason}``."""
    reason = measured.get("unavailable")
    return Scenario(
        key,
        label,
        None if reason else measured["figure"],
        None if reason else measured.get("floor"),
        floor_label,
        budget,
        ratio_goal,
        unit,
        reason,
        note,
    )


def unavailable(key: str, label: str, budget: float | None, reason: str = NOT_YET) -> Scenario:
    return Scenario(key, label, None, budget=budget, reason=reason)


# --- the table ------------------------------------------------------------------------------


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == BYTES:
        return f"{format_number(value / 1_000_000, 0)} Mo"
    if value >= 1:
        return f"{format_number(value, 2, 2)} s"
    return f"{format_number(value * 1000, 1, 1)} ms"


def _budget(scenario: Scenario) -> str:
    if scenario.budget is None:
        return "—"
    text = "≤ " + _amount(scenario.budget, scenario.unit)
    if scenario.ratio_goal is not None and scenario.ratio_in_budget:
        text += f" et ≤ {format_number(scenario.ratio_goal, 1)}×"
    return text


def _ratio(scenario: Scenario) -> str:
    ratio = scenario.ratio
    if ratio is None:
        return "—"
    text = f"{format_number(ratio, 1, 1)}×"
    if scenario.ratio_goal is not None and not scenario.ratio_in_budget:
        text += f" (objectif ≤ {format_number(scenario.ratio_goal, 1)}×)"
    return text


def _row(scenario: Scenario) -> list[str]:
    if scenario.figure is None:
        reason = scenario.reason or NOT_YET
        return [scenario.label, reason, "", "", _budget(scenario), "", "", UNAVAILABLE]
    figure, unit = scenario.figure, scenario.unit
    floor = _amount(scenario.floor["median"], unit) if scenario.floor else "—"
    return [
        scenario.label,
        _amount(figure["median"], unit),
        _amount(figure["min"], unit),
        _amount(figure["max"], unit),
        _budget(scenario),
        floor,
        _ratio(scenario),
        scenario.verdict,
    ]


HEADERS = ["Scénario", "Médiane", "Min", "Max", "Budget", "Plancher", "Rapport", "Verdict"]


def report_lines(data: dict, scenarios: list[Scenario]) -> list[str]:
    machine = data["machine"]
    lines = [
        f"ASR Desktop — banc de mesure, base « {data['size']} » (graine {data['seed']}, "
        f"non chiffrée), {data['runs']} mesure(s) par scénario",
        f"Machine : {machine.get('cores')} cœurs, {machine.get('system')} ; Python "
        f"{machine.get('python')}, Qt {machine.get('qt', '?')}, SQLite {machine.get('sqlite')}, "
        f"SQLCipher {machine.get('sqlcipher') or 'absent'}",
        "",
    ]
    rows = [HEADERS] + [_row(s) for s in scenarios]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    for position, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i == 0 or i == 4 else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if position == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("Planchers :")
    for s in scenarios:
        if s.floor_label:
            lines.append(f"  {s.label} — {s.floor_label}")
    notes = [f"  {s.label} : {s.note}" for s in scenarios if s.note]
    if notes:
        lines += ["Remarques :", *notes]
    return lines

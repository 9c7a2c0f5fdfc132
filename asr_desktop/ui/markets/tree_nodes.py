"""The nodes of the Marchés tree and the filter the page asks for (used by ``tree_model``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from asr_desktop.domain.enums import LotStatus
from asr_desktop.domain.formats import normalise_text
from asr_desktop.domain.progress import RiskStatus
from asr_desktop.services.clauses import ClauseOutline, LotLine, LotStanding
from asr_desktop.ui.markets.texts import lot_caption

AUTHORITY, OPERATION, MARKET, LOT = "authority", "operation", "market", "lot"
AT_RISK = frozenset({RiskStatus.AT_RISK, RiskStatus.LATE})


@dataclass(frozen=True)
class TreeFilter:
    """What the page's filter bar asks: search words (already normalised), the year a lot
    runs in, one contracting authority, one lot status, only the lots at risk."""

    words: tuple[str, ...] = ()
    year: int | None = None
    authority_id: int | None = None
    status: LotStatus | None = None
    at_risk: bool = False

    @property
    def on_lots(self) -> bool:
        """Filters a branch without lots cannot pass."""
        return self.year is not None or self.status is not None or self.at_risk

    @property
    def active(self) -> bool:
        return bool(self.words) or self.authority_id is not None or self.on_lots


class Sums(NamedTuple):
    """What a node adds up over the lots it shows (``credited`` None until loaded)."""

    required: Decimal
    credited: Decimal | None
    risky: int  # lots at risk or late
    late: int
    lots: int


class Node:
    """One row of the tree; ``every`` holds all children, ``children`` those shown. A lot
    keeps its own ``values`` and ``standing``; a branch's sums are the model's (``sums``).
    The defaults are class attributes: 15 000 nodes are built in a few hundredths of a
    second."""

    row = 0
    shown = True
    caption = nature = own_text = ""
    haystack: str | None = None
    end: date | None = None
    period: tuple[date | None, date | None] = (None, None)
    authority_id: int | None = None
    standing: LotStanding | None = None
    values = Sums(Decimal(0), None, 0, 0, 0)

    def __init__(self, serial: int, kind: str, record: Any, parent: Node | None):
        self.serial, self.kind, self.record, self.parent = serial, kind, record, parent
        self.every: list[Node] = []
        self.children: list[Node] = []

    @property
    def ref(self) -> tuple[str, int]:
        return (self.kind, self.record.id)

    @property
    def status(self) -> RiskStatus | None:
        return self.standing.status if self.standing is not None else None


def lot_period(lot: LotLine, market: Any) -> tuple[date | None, date | None]:
    """When a lot runs: its own dates, else its market's (start: notification at worst)."""
    start = lot.start_date or market.start_date or market.notification_date
    end = lot.end_date or market.end_date or start
    return start, end


@dataclass
class Forest:
    """The nodes of an outline: the invisible root, every node (``serial`` = position),
    each level in natural order, and each node by ``(kind, id)``."""

    root: Node
    nodes: list[Node] = field(default_factory=list)
    levels: dict[str, list[Node]] = field(
        default_factory=lambda: {k: [] for k in (AUTHORITY, OPERATION, MARKET, LOT)}
    )
    by_ref: dict[tuple[str, int], Node] = field(default_factory=dict)

    def add(self, kind: str, record: Any, parent: Node) -> Node:
        node = Node(len(self.nodes), kind, record, parent)
        node.authority_id = record.id if kind == AUTHORITY else parent.authority_id
        self.nodes.append(node)
        self.levels[kind].append(node)
        self.by_ref[(kind, record.id)] = node
        parent.every.append(node)
        return node


def fill_haystacks(nodes: list[Node], root: Node) -> None:
    """Give each node the accent-free text of its path (its own words and its ancestors'),
    parents first, as ``nodes`` lists them."""
    for node in nodes:
        if node.haystack is None:
            above = node.parent.haystack if node.parent is not root else ""
            node.haystack = f"{above} {normalise_text(node.own_text)}"


def build_forest(outline: ClauseOutline) -> Forest:
    """Nodes with their captions and the texts the search looks into; a record whose parent
    is missing is left out."""
    forest = Forest(Node(-1, "root", None, None))
    by_ref = forest.by_ref
    for authority in outline.authorities:
        node = forest.add(AUTHORITY, authority, forest.root)
        node.caption, node.nature = authority.name, authority.kind.label
        node.own_text = f"{authority.name} {authority.commune or ''}"
    for operation in outline.operations:
        parent = by_ref.get((AUTHORITY, operation.authority_id))
        if parent is None:
            continue
        node = forest.add(OPERATION, operation, parent)
        flags = [n for n, on in (("ANRU", operation.anru), ("QPV", operation.qpv)) if on]
        node.caption = operation.name
        node.nature = " · ".join([*flags, *([operation.commune] if operation.commune else [])])
        node.own_text = f"{operation.name} {operation.commune or ''}"
        node.end = operation.end_date
    for market in outline.markets:
        parent = by_ref.get((OPERATION, market.operation_id))
        if parent is None:
            continue
        node = forest.add(MARKET, market, parent)
        node.caption = f"{market.reference} — {market.object}"
        node.nature, node.own_text, node.end = market.kind.label, node.caption, market.end_date
    for lot in outline.lots:
        parent = by_ref.get((MARKET, lot.market_id))
        if parent is None:
            continue
        node = forest.add(LOT, lot, parent)
        node.caption = node.own_text = lot_caption(lot.number, lot.title)
        node.nature = lot.status.label
        node.period = lot_period(lot, parent.record)
        node.end = node.period[1]
    return forest

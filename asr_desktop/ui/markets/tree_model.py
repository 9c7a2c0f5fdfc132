"""The Marchés tree: contracting authority → operation → market → lot (architecture §3.4.3).

``MarketTreeModel`` holds the light outline of ``ClauseService.outline()`` and, once loaded,
the standing of every lot (``ClauseService.standings()``). The filters and the search are
applied inside the model, in one pass over the nodes (a proxy would call Python once per row
of every level); a branch adds up the required and credited hours of the lots it shows.
Filtering and sorting are layout changes, so what the view had expanded and selected stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from asr_desktop.domain.progress import RiskStatus
from asr_desktop.services.clauses import ClauseOutline, LotLine, LotStanding
from asr_desktop.ui.item_models import TONES
from asr_desktop.ui.markets import tree_cells as cells
from asr_desktop.ui.markets.tree_cells import (
    COLUMNS,
    CREDITED,
    FORECAST,
    NAME,
    PROGRESS,
    REQUIRED,
)
from asr_desktop.ui.markets.tree_nodes import (
    AT_RISK,
    AUTHORITY,
    LOT,
    MARKET,
    OPERATION,
    Node,
    Sums,
    TreeFilter,
    build_forest,
    fill_haystacks,
)

__all__ = [
    "AUTHORITY",
    "LOT",
    "MARKET",
    "OPERATION",
    "MarketTreeModel",
    "Node",
    "Sums",
    "TreeFilter",
]

AnyIndex = QModelIndex | QPersistentModelIndex

#: The raw value a column sorts on.
SORT_ROLE = Qt.ItemDataRole.UserRole
#: ``(kind, id)`` of the node, e.g. ``("lot", 12)`` (same role as ``pages.common.REF_ROLE``).
REF_ROLE = Qt.ItemDataRole.UserRole + 1
#: ``(ratio or None, text)`` for the progress delegate.
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class MarketTreeModel(QAbstractItemModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._root = Node(-1, "root", None, None)
        self._nodes: list[Node] = []
        self._levels: dict[str, list[Node]] = {k: [] for k in (AUTHORITY, OPERATION, MARKET, LOT)}
        self._by_ref: dict[tuple[str, int], Node] = {}
        self._standings: dict[int, LotStanding] | None = None
        self._filter = TreeFilter()
        self._sort: tuple[int, Qt.SortOrder] = (NAME, Qt.SortOrder.AscendingOrder)
        self._memo: dict[int, Sums] = {}
        self._total = Sums(Decimal(0), None, 0, 0, 0)
        self._counts: dict[str, int] = {}
        self._shown: dict[str, list[Node]] = {}
        self._last: tuple[TreeFilter, object] | None = None

    # --- content ------------------------------------------------------------------------

    def set_outline(self, outline: ClauseOutline) -> None:
        """Replace the whole tree (what the page does after reading the service again)."""
        self.beginResetModel()
        self._build(outline)
        self._lot_values()
        self._apply()
        self.endResetModel()

    def set_standings(self, standings: dict[int, LotStanding] | None) -> None:
        """The progress of every lot arrived (or was dropped, ``None``)."""

        def change() -> None:
            self._standings = standings
            self._lot_values()

        self._relayout(change)

    def set_filter(self, tree_filter: TreeFilter) -> None:
        if tree_filter != self._filter:
            self._relayout(lambda: setattr(self, "_filter", tree_filter))

    @property
    def tree_filter(self) -> TreeFilter:
        return self._filter

    @property
    def standings_loaded(self) -> bool:
        return self._standings is not None

    def years(self) -> list[int]:
        """Every year some lot runs in, most recent first."""
        years: set[int] = set()
        for node in self._levels[LOT]:
            start, end = node.period
            if start is not None and end is not None:
                years.update(range(start.year, end.year + 1))
        return sorted(years, reverse=True)

    def authorities(self) -> list[tuple[str, int]]:
        return [(node.caption, node.record.id) for node in self._levels[AUTHORITY]]

    def totals(self) -> Sums:
        """Sums over the lots shown."""
        return self._total

    def counts(self) -> dict[str, int]:
        """How many nodes of each level are shown."""
        return dict(self._counts)

    @property
    def empty(self) -> bool:
        """True when the database holds no contracting authority at all."""
        return not self._levels[AUTHORITY]

    def node(self, index: AnyIndex) -> Node | None:
        if not index.isValid():
            return None
        serial = index.internalId()
        return self._nodes[serial] if 0 <= serial < len(self._nodes) else None

    def sums(self, node: Node) -> Sums:
        """Required and credited hours, lots at risk and lots of what ``node`` shows."""
        if node.kind == LOT:
            return node.values
        found = self._memo.get(node.serial)
        if found is None:
            parts = [self.sums(child) for child in node.children]
            credited = None
            if self._standings is not None:
                credited = sum((p.credited or Decimal(0) for p in parts), Decimal(0))
            found = Sums(
                sum((p.required for p in parts), Decimal(0)),
                credited,
                sum(p.risky for p in parts),
                sum(p.late for p in parts),
                sum(p.lots for p in parts),
            )
            self._memo[node.serial] = found
        return found

    def find(self, kind: str, record_id: int) -> QModelIndex:
        """The index of a node, invalid when it does not exist or is filtered out."""
        node = self._by_ref.get((kind, record_id))
        if node is None or not self._visible(node):
            return QModelIndex()
        return self._index_of(node, 0)

    # --- building -----------------------------------------------------------------------

    def _build(self, outline: ClauseOutline) -> None:
        forest = build_forest(outline)
        self._root, self._nodes = forest.root, forest.nodes
        self._levels, self._by_ref = forest.levels, forest.by_ref
        self._last = None

    def _lot_values(self) -> None:
        loaded = self._standings is not None
        for node in self._levels[LOT]:
            lot: LotLine = node.record
            standing = self._standings.get(lot.id) if loaded else None  # type: ignore[union-attr]
            node.standing = standing
            if standing is None:
                credited = Decimal(0) if loaded else None
                node.values = Sums(lot.required_hours, credited, 0, 0, 1)
            else:
                status = standing.status
                node.values = Sums(
                    lot.required_hours,
                    standing.credited,
                    int(status in AT_RISK),
                    int(status is RiskStatus.LATE),
                    1,
                )

    # --- filtering, sums and order --------------------------------------------------------

    def _relayout(self, change: Callable[[], None]) -> None:
        """Apply ``change`` then filter and sort again as one layout change: persistent
        indexes (expanded branches, selection) follow their node, or vanish with it."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        nodes = [(self.node(index), index.column()) for index in old]
        change()
        self._apply()
        new = [
            self._index_of(node, column)
            if node is not None and self._visible(node)
            else QModelIndex()
            for node, column in nodes
        ]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _visible(self, node: Node) -> bool:
        walk: Node | None = node
        while walk is not None and walk is not self._root:
            if not walk.shown:
                return False
            walk = walk.parent
        return True

    def _ensure_haystacks(self) -> None:
        fill_haystacks(self._nodes, self._root)

    def search_texts(self) -> Callable[[], None]:
        """A job preparing the accent-free texts the search looks into, safe to run off the
        GUI thread (the page runs it with the standings): the first search is then instant."""
        nodes, root = list(self._nodes), self._root
        return lambda: fill_haystacks(nodes, root)

    def _narrows(self, wanted: TreeFilter) -> bool:
        """True when ``wanted`` can only hide what the last pass showed (more letters typed,
        nothing else changed): then only the nodes shown are looked at again."""
        if self._last is None:
            return False
        before, standings = self._last
        if standings is not self._standings or replace(before, words=()) != replace(
            wanted, words=()
        ):
            return False
        return all(any(old in new for new in wanted.words) for old in before.words)

    def _apply(self) -> None:
        """Decide what each node shows, lots first then each level up; add up the totals."""
        f = self._filter
        words, only = f.words, f.authority_id
        if words:
            self._ensure_haystacks()
        narrower = self._narrows(f)
        self._memo.clear()
        match = _matcher(words)
        on_lots = f.on_lots
        shown: dict[str, list[Node]] = {}
        lots = shown[LOT] = []
        for node in self._shown[LOT] if narrower else self._levels[LOT]:
            node.shown = (
                (only is None or node.authority_id == only)
                and (not on_lots or self._lot_passes(node, f))
                and match(node.haystack)
            )
            if node.shown:
                lots.append(node)
        for kind in (MARKET, OPERATION, AUTHORITY):
            kept = shown[kind] = []
            for node in self._shown[kind] if narrower else self._levels[kind]:
                node.children = [c for c in (node.children if narrower else node.every) if c.shown]
                node.shown = bool(node.children) or (
                    not on_lots
                    and (only is None or node.authority_id == only)
                    and match(node.haystack)
                )
                if node.shown:
                    kept.append(node)
                    self._order(node)
        self._root.children = list(shown[AUTHORITY])
        self._order(self._root)
        self._shown, self._last = shown, (f, self._standings)
        self._counts = {kind: len(nodes) for kind, nodes in shown.items()}
        values = [node.values for node in lots]
        credited = None
        if self._standings is not None:
            credited = sum((v.credited or Decimal(0) for v in values), Decimal(0))
        self._total = Sums(
            sum((v.required for v in values), Decimal(0)),
            credited,
            sum(v.risky for v in values),
            sum(v.late for v in values),
            len(values),
        )

    def _lot_passes(self, node: Node, f: TreeFilter) -> bool:
        if f.status is not None and node.record.status is not f.status:
            return False
        if f.year is not None:
            start, end = node.period
            if start is None or end is None or not start.year <= f.year <= end.year:
                return False
        return not f.at_risk or node.values.risky == 1

    def _order(self, node: Node) -> None:
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        if column != NAME or descending:
            node.children.sort(
                key=lambda c: cells.sort_key(c, self.sums(c), column), reverse=descending
            )
        for row, child in enumerate(node.children):
            child.row = row

    # --- Qt model interface ---------------------------------------------------------------

    def _index_of(self, node: Node, column: int) -> QModelIndex:
        return self.createIndex(node.row, column, node.serial)

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        owner = self.node(parent) if parent.isValid() else self._root
        if owner is None or not (0 <= row < len(owner.children)) or not 0 <= column < len(COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column, owner.children[row].serial)

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self.node(index)
        if node is None or node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent.serial)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        if not parent.isValid():
            return len(self._root.children)
        if parent.column() != 0:
            return 0
        node = self.node(parent)
        return len(node.children) if node is not None else 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section in (REQUIRED, CREDITED) else _LEFT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            self._relayout(lambda: setattr(self, "_sort", (column, order)))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return cells.text(node, self.sums(node), column, self._standings is not None)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (REQUIRED, CREDITED) else _LEFT
        if role == REF_ROLE:
            return node.ref
        if role == SORT_ROLE:
            return cells.sort_key(node, self.sums(node), column)
        if role == PROGRESS_ROLE and column == PROGRESS:
            return cells.progress_of(self.sums(node))
        if role == Qt.ItemDataRole.ForegroundRole and column == FORECAST:
            tone = cells.tone(node, self.sums(node)) if self._standings is not None else None
            return QBrush(TONES[tone]) if tone else None
        if role == Qt.ItemDataRole.FontRole and node.kind == AUTHORITY and column == NAME:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return cells.tooltip(node, self.sums(node), column)
        return None


def _matcher(words: tuple[str, ...]) -> Callable[[str | None], bool]:
    """Whether a haystack holds every word (all texts match when there is no word)."""
    if not words:
        return lambda _haystack: True
    if len(words) == 1:
        word = words[0]
        return lambda haystack: word in haystack  # type: ignore[operator]
    return lambda haystack: all(w in haystack for w in words)  # type: ignore[operator]

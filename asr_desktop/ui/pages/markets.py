"""Marchés: the tree contracting authority → operation → market → lot with the progress of
each clause, its filters, and under it the pane of the selected node (a lot's pane holds the
calibration calculator, attributions, placements, forecast and contact log).

The tree comes from ``ClauseService.outline()`` (light rows, a few tenths of a second for
9 000 lots); the credited hours and forecasts of every lot (``ClauseService.standings``) sum
the whole ledger, so they are read in the background and fill the progress columns when ready.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QWidget,
)

from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.markets.delegate import ProgressDelegate
from asr_desktop.ui.markets.dialogs import AuthorityDialog, MarketDialog, OperationDialog
from asr_desktop.ui.markets.filter_bar import NEW_TEXT, FilterBar
from asr_desktop.ui.markets.lot_dialog import LotDialog
from asr_desktop.ui.markets.lot_pane import LotPane
from asr_desktop.ui.markets.node_pane import CHILD_OF, NodePane
from asr_desktop.ui.markets.texts import summary_text
from asr_desktop.ui.markets.tree_model import (
    AUTHORITY,
    LOT,
    MARKET,
    NAME,
    OPERATION,
    PROGRESS,
    MarketTreeModel,
    TreeFilter,
)
from asr_desktop.ui.pages.common import PageFrame
from asr_desktop.ui.tasks import BackgroundRead

log = logging.getLogger(__name__)

#: Below this many lots shown, a filtered tree is expanded down to the lots.
EXPAND_UP_TO = 300
_WIDTHS = (350, 140, 100, 115, 120, 85, 130)


@contextmanager
def _without_collector() -> Iterator[None]:
    """Thousands of nodes at once: the cyclic garbage collector would walk them again and
    again (the tree of the large base takes twice as long); it runs once afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class MarketsPage(PageFrame):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(
            "Marchés",
            "Donneurs d'ordre, opérations, marchés et lots portant une clause d'insertion, avec "
            "l'avancement de chaque clause. Choisissez un lot pour régler sa clause et suivre "
            "ses attributaires, ses mises en emploi et son journal.",
            parent,
        )
        self.services = services
        self.dialog: QDialog | None = None
        self._restoring = False
        self._shown: tuple[str, int] | None = None
        self.timings: dict[str, float] = {}
        self.bar = FilterBar(self)
        self.bar.changed.connect(self._filter)
        self.bar.search.returnPressed.connect(self._go_to_first)
        self.bar.create_requested.connect(self.create)
        self.bar.edit_requested.connect(self.open_selected)
        self.bar.new_menu.aboutToShow.connect(self._prepare_new_menu)
        self.content.addWidget(self.bar)
        self.summary = self.add_note("", "marketsSummary")
        self.model = MarketTreeModel(self)
        self.view = QTreeView(self)
        self.view.setObjectName("marketsTree")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setStyleSheet("QTreeView::item { padding: 2px 0; }")
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setItemDelegateForColumn(PROGRESS, ProgressDelegate(self.view))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        for column, width in enumerate(_WIDTHS):
            self.view.setColumnWidth(column, width)
        self.view.activated.connect(lambda _index: self.open_selected())
        self.view.selectionModel().currentChanged.connect(lambda *_: self._show_current())
        self.node_pane = NodePane(self)
        self.node_pane.edit_requested.connect(self.open_selected)
        self.node_pane.add_requested.connect(self._add_child)
        self.lot_pane = LotPane(services, self)
        self.lot_pane.lot_changed.connect(lambda _id: self._reload(pane=False))
        self.lot_pane.edit_requested.connect(lambda _id: self.open_selected())
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("marketsEmptyPane")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = QStackedWidget(self)
        self.details.setObjectName("marketsDetails")
        for widget in (self.empty_label, self.node_pane, self.lot_pane):
            self.details.addWidget(widget)
        self.details.currentChanged.connect(self._fit_details)
        scroller = QScrollArea(self)
        scroller.setObjectName("marketsDetailsArea")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(self.details)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("marketsSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(scroller)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([450, 550])
        self.splitter.setChildrenCollapsible(False)
        self.content.addWidget(self.splitter, 1)
        self.loader = BackgroundRead(self)
        self.loader.ready.connect(self._standings_loaded)
        self.loader.failed.connect(self._standings_failed)
        self._reload(pane=True)
        self.view.expandToDepth(0)

    # --- filtering --------------------------------------------------------------------

    @property
    def search(self):
        return self.bar.search

    def current_filter(self) -> TreeFilter:
        return self.bar.current()

    def _filter(self, *_args) -> None:
        started = time.perf_counter()
        wanted = self.current_filter()
        self.model.set_filter(wanted)
        if wanted.active and self.model.totals().lots <= EXPAND_UP_TO:
            self.view.expandAll()
        current = self.view.currentIndex()
        if current.isValid():
            self.view.scrollTo(current)
        else:
            self.view.scrollToTop()
        self.timings["filter"] = time.perf_counter() - started
        self._update_summary()
        if self._shown is not None and not self.model.find(*self._shown).isValid():
            self._show_current()

    def _go_to_first(self) -> None:
        """Enter in the search: the first lot shown (or the first row) becomes current."""
        index = self.model.index(0, 0)
        while index.isValid() and self.model.rowCount(index):
            self.view.expand(index)
            index = self.model.index(0, 0, index)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- loading ------------------------------------------------------------------------

    def _reload(self, pane: bool) -> None:
        """Read the tree again, keep what was expanded and selected, then the standings."""
        started = time.perf_counter()
        expanded = self._expanded_refs()
        current = self._shown
        self._restoring = True
        try:
            with _without_collector():
                self.model.set_outline(self.services.clauses.outline())
            self.bar.fill(self.model.years(), self.model.authorities())
            self.model.set_filter(self.current_filter())
            for ref in expanded:
                self.view.expand(self.model.find(*ref))
            if current is not None:
                index = self.model.find(*current)
                if index.isValid():
                    self.view.setCurrentIndex(index)
        finally:
            self._restoring = False
        self.timings["tree"] = time.perf_counter() - started
        self._standings_started = time.perf_counter()
        today, prepare_search = common.today(), self.model.search_texts()
        self.loader.request(lambda: (self.services.clauses.standings(today), prepare_search()))
        self._update_summary()
        self._show_current(force=pane)

    def _expanded_refs(self) -> list[tuple[str, int]]:
        refs, stack = [], [QModelIndex()]
        while stack:
            parent = stack.pop()
            for row in range(self.model.rowCount(parent)):
                index = self.model.index(row, 0, parent)
                if self.model.rowCount(index) and self.view.isExpanded(index):
                    refs.append(self.model.node(index).ref)  # type: ignore[union-attr]
                    stack.append(index)
        return refs

    def _standings_loaded(self, loaded) -> None:
        standings, _texts_ready = loaded
        self.timings["standings"] = time.perf_counter() - self._standings_started
        log.info("avancement de %d lots lu en %.2f s", len(standings), self.timings["standings"])
        self.model.set_standings(standings)
        if self.model.tree_filter.active and self.model.totals().lots <= EXPAND_UP_TO:
            self.view.expandAll()
        self._update_summary()
        if self.details.currentWidget() is self.node_pane:
            node = self.model.node(self.view.currentIndex())
            if node is not None:
                self.node_pane.show_sums(self.model.sums(node))

    def _standings_failed(self) -> None:
        self.summary.setText(
            "L'avancement des lots n'a pas pu être lu (voir le journal) ; « Actualiser la "
            "page » (F5) réessaie."
        )

    # --- summary and panes --------------------------------------------------------------

    def _fit_details(self, current: int) -> None:
        """The pane area is as tall as the pane shown (a stack is as tall as its tallest)."""
        for position in range(self.details.count()):
            policy = (
                QSizePolicy.Policy.Preferred if position == current else QSizePolicy.Policy.Ignored
            )
            self.details.widget(position).setSizePolicy(policy, policy)
        self.details.adjustSize()

    def _update_summary(self) -> None:
        self.summary.setText(
            summary_text(
                self.model.counts(),
                self.model.totals(),
                empty=self.model.empty,
                searched=self.search.text().strip() if self.model.tree_filter.words else None,
                risk_pending=self.model.tree_filter.at_risk and not self.model.standings_loaded,
            )
        )

    def _show_current(self, force: bool = False) -> None:
        if self._restoring:
            return
        node = self.model.node(self.view.currentIndex())
        ref = node.ref if node is not None else None
        if ref == self._shown and not force:
            return
        self._shown = ref
        started = time.perf_counter()
        if node is None:
            self.empty_label.setText(
                "Choisissez un donneur d'ordre, une opération, un marché ou un lot dans "
                "l'arbre pour en voir le détail."
            )
            self.details.setCurrentWidget(self.empty_label)
        elif node.kind == LOT:
            self.lot_pane.show_lot(node.record.id)
            self.details.setCurrentWidget(self.lot_pane)
        else:
            getter = {
                AUTHORITY: self.services.clauses.get_authority,
                OPERATION: self.services.clauses.get_operation,
                MARKET: self.services.clauses.get_market,
            }[node.kind]
            self.node_pane.show_node(node, self.model.sums(node), getter(node.record.id))
            self.details.setCurrentWidget(self.node_pane)
        self.timings["pane"] = time.perf_counter() - started

    # --- creating and editing -----------------------------------------------------------

    def _context(self) -> dict[str, int]:
        """Ids of the selected node and of its ancestors, by kind."""
        found: dict[str, int] = {}
        node = self.model.node(self.view.currentIndex())
        while node is not None and node.record is not None:
            found[node.kind] = node.record.id
            node = node.parent
        return found

    def _default_kind(self) -> str:
        node = self.model.node(self.view.currentIndex())
        if node is None:
            return AUTHORITY
        return LOT if node.kind == LOT else CHILD_OF[node.kind]

    def _prepare_new_menu(self) -> None:
        context = self._context()
        names = {}
        node = self.model.node(self.view.currentIndex())
        while node is not None and node.record is not None:
            names[node.kind] = node.record.reference if node.kind == MARKET else node.caption
            node = node.parent
        parent_of = {OPERATION: AUTHORITY, MARKET: OPERATION, LOT: MARKET}
        for kind, action in self.bar.new_actions.items():
            owner = parent_of.get(kind)
            if owner is None:
                continue
            action.setEnabled(owner in context)
            where = f" dans « {names[owner]} »…" if owner in names else "…"
            action.setText(NEW_TEXT[kind] + where)
        self.bar.new_menu.setDefaultAction(self.bar.new_actions[self._default_kind()])

    def create_record(self) -> None:
        """Ctrl+N: the « Nouveau » menu, on the level under the selection (a lot beside a
        lot, a lot in a market, a market in an operation…); Entrée creates it."""
        self._prepare_new_menu()
        self.bar.new_menu.popup(
            self.bar.new_button.mapToGlobal(QPoint(0, self.bar.new_button.height()))
        )
        self.bar.new_menu.setActiveAction(self.bar.new_menu.defaultAction())

    def create(self, kind: str) -> None:
        context, s = self._context(), self.services
        if kind == AUTHORITY:
            dialog: QDialog = AuthorityDialog(s, None, parent=self)
        elif kind == OPERATION and AUTHORITY in context:
            dialog = OperationDialog(s, None, authority_id=context[AUTHORITY], parent=self)
        elif kind == MARKET and OPERATION in context:
            dialog = MarketDialog(s, None, operation_id=context[OPERATION], parent=self)
        elif kind == LOT and MARKET in context:
            dialog = LotDialog(s, None, market_id=context[MARKET], parent=self)
        else:
            return
        self._open(dialog, kind)

    def _add_child(self) -> None:
        node = self.model.node(self.view.currentIndex())
        if node is not None and node.kind in CHILD_OF:
            self.create(CHILD_OF[node.kind])

    def open_selected(self) -> None:
        """Edit the selected node in its dialog."""
        node = self.model.node(self.view.currentIndex())
        if node is None:
            return
        s, record_id = self.services, node.record.id
        if node.kind == AUTHORITY:
            dialog: QDialog = AuthorityDialog(s, s.clauses.get_authority(record_id), parent=self)
        elif node.kind == OPERATION:
            dialog = OperationDialog(s, s.clauses.get_operation(record_id), parent=self)
        elif node.kind == MARKET:
            dialog = MarketDialog(s, s.clauses.get_market(record_id), parent=self)
        else:
            dialog = LotDialog(s, s.clauses.get_lot(record_id), parent=self)
        self._open(dialog, node.kind)

    def _open(self, dialog: QDialog, kind: str) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._saved(kind, dialog.saved))  # type: ignore[attr-defined]
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _saved(self, kind: str, record) -> None:
        """After a dialog stored ``record``: read the tree again and select it."""
        self._shown = (kind, record.id)
        self._reload(pane=True)
        index = self.model.find(kind, record.id)
        if index.isValid():
            parent = index.parent()
            while parent.isValid():
                self.view.expand(parent)
                parent = parent.parent()
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    # --- commands of the window ---------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """Read everything again (the window calls it after a change elsewhere)."""
        self._reload(pane=True)

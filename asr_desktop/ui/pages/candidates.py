"""Candidats: the participants list, searched in SQL at each keystroke (name without accents,
in any order, reference or phone) and filtered (status, criterion, commune, QPV, prescriber,
referent), beside the record of the person chosen (product.md §4, point 4).

The service answers at most ``SEARCH_LIMIT`` people (the first ones by name); the list says so
when there are more. The model is reset with each answer (architecture §3.4.3): the search
itself is done by the service, so the proxy only sorts.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.criteria import CRITERIA
from asr_desktop.domain.enums import ParticipantStatus
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import format_int
from asr_desktop.domain.model import Participant
from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.candidates.fields import Lookups, enum_choices
from asr_desktop.ui.candidates.models import participant_columns
from asr_desktop.ui.candidates.participant_dialog import ParticipantDialog
from asr_desktop.ui.candidates.record_pane import RecordPane
from asr_desktop.ui.item_models import RecordTableModel, SearchProxy
from asr_desktop.ui.pages.common import PageFrame

INTRODUCTION = (
    "Cherchez une personne par son nom et son prénom (les accents sont facultatifs), sa "
    "référence ou son téléphone, puis affinez avec les filtres. Sa fiche s'affiche à droite ; "
    "chaque ouverture de fiche est inscrite au journal d'audit."
)
#: At most this many people are listed (the first ones by name).
SEARCH_LIMIT = 200
#: Pause after the last keystroke before asking the service (0: at each keystroke).
SEARCH_DELAY_MS = 0
#: Pause after moving in the list before the record opens (arrow keys do not open each one).
RECORD_DELAY_MS = 250


class CandidatesPage(PageFrame):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__("Candidats", INTRODUCTION, parent)
        self._services = services
        self.lookups = Lookups.load(services)
        self._stale = False
        self._quiet = False
        self.shown: list[Participant] = []
        self.truncated = False
        self._build()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._record_timer = QTimer(self)
        self._record_timer.setSingleShot(True)
        self._record_timer.setInterval(RECORD_DELAY_MS)
        self._record_timer.timeout.connect(self._open_current)
        self.search_edit.textChanged.connect(self._schedule_search)
        self.search_edit.returnPressed.connect(self.open_selected)
        self.search_edit.installEventFilter(self)
        for combo in self.filter_combos():
            combo.currentIndexChanged.connect(self.run_search)
        self.clear_filters_button.clicked.connect(self.clear_filters)
        self.new_button.clicked.connect(self.create_record)
        self.view.activated.connect(lambda _index: self.open_selected())
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.pane.changed.connect(lambda pid: self.run_search(select=pid))
        self.pane.merged.connect(lambda pid: self.run_search(select=pid))
        common.changes().changed.connect(self._changed_elsewhere)
        self.run_search()

    # --- building --------------------------------------------------------------------------

    def _build(self) -> None:
        top = QHBoxLayout()
        self.search_edit = common.search_field(
            "Rechercher : nom et prénom, référence ou téléphone (Ctrl+F)", self
        )
        self.search_edit.setAccessibleName("Rechercher un candidat")
        top.addWidget(self.search_edit, 1)
        self.new_button = QPushButton("&Nouveau candidat…", self)
        self.new_button.setObjectName("newCandidateButton")
        self.new_button.setToolTip("Créer le dossier d'une nouvelle personne (Ctrl+N)")
        top.addWidget(self.new_button)
        self.content.addLayout(top)
        self.content.addLayout(self._build_filters())
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("candidatesSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_list())
        self.pane = RecordPane(self._services, self.lookups, self.splitter)
        self.pane.setObjectName("candidateRecordPane")
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(0, 6)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([6000, 5000])  # proportions: the list a little wider
        self.content.addWidget(self.splitter, 1)

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setMinimumContentsLength(12)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return combo

    def _build_filters(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.status_combo = self._combo("statusFilter")
        self.criterion_combo = self._combo("criterionFilter")
        self.commune_combo = self._combo("communeFilter")
        self.qpv_combo = self._combo("qpvFilter")
        self.prescriber_combo = self._combo("prescriberFilter")
        self.referent_combo = self._combo("referentFilter")
        self._fill_filters()
        cells = (
            ("&Statut", self.status_combo),
            ("&Critère", self.criterion_combo),
            ("Co&mmune", self.commune_combo),
            ("&QPV", self.qpv_combo),
            ("&Prescripteur", self.prescriber_combo),
            ("&Référent", self.referent_combo),
        )
        for index, (text, combo) in enumerate(cells):
            row, column = divmod(index, 3)
            label = QLabel(text, self)
            label.setBuddy(combo)
            grid.addWidget(label, row, column * 2)
            grid.addWidget(combo, row, column * 2 + 1)
            grid.setColumnStretch(column * 2 + 1, 1)
        self.clear_filters_button = QPushButton("E&ffacer les filtres", self)
        self.clear_filters_button.setObjectName("clearFiltersButton")
        grid.addWidget(self.clear_filters_button, 1, 6)
        return grid

    def _fill_filters(self) -> None:
        """(Re)fill the filter choices, keeping what is chosen."""
        kept = {combo: combo.currentData() for combo in self.filter_combos()}
        choices = {
            self.status_combo: (enum_choices(ParticipantStatus), "Tous"),
            self.criterion_combo: ([(c.label, c.code) for c in CRITERIA], "Tous"),
            self.commune_combo: (
                [(c, c) for c in self._services.participants.list_communes()],
                "Toutes",
            ),
            self.qpv_combo: ([("En QPV", True), ("Hors QPV", False)], "Tous"),
            self.prescriber_combo: (self.lookups.prescriber_choices(), "Tous"),
            self.referent_combo: (self.lookups.users_by_name(), "Tous"),
        }
        for combo, (items, empty) in choices.items():
            common.fill_combo(combo, items, empty=empty, current=kept.get(combo))
            if kept.get(combo) is None:
                combo.setCurrentIndex(0)

    def _build_list(self) -> QWidget:
        holder = QWidget(self)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        self.result_label = QLabel(holder)
        self.result_label.setObjectName("candidatesResultLabel")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.model = RecordTableModel(participant_columns(self.lookups, common.today()), [], self)
        self.proxy = SearchProxy(self)  # no filter of its own: the service has filtered
        self.proxy.setSourceModel(self.model)
        self.view = common.record_view(self.proxy, "candidatesTable", holder)
        layout.addWidget(self.view, 1)
        return holder

    def filter_combos(self) -> tuple[QComboBox, ...]:
        return (
            self.status_combo,
            self.criterion_combo,
            self.commune_combo,
            self.qpv_combo,
            self.prescriber_combo,
            self.referent_combo,
        )

    # --- searching -------------------------------------------------------------------------

    def filters(self) -> dict:
        return {
            "status": self.status_combo.currentData(),
            "criterion": self.criterion_combo.currentData(),
            "commune": self.commune_combo.currentData(),
            "qpv": self.qpv_combo.currentData(),
            "prescriber_id": self.prescriber_combo.currentData(),
            "referent_id": self.referent_combo.currentData(),
        }

    def _schedule_search(self, *_args) -> None:
        if SEARCH_DELAY_MS <= 0:
            self.run_search()
        else:
            self._search_timer.start()

    def run_search(self, *_args, select: int | None = None) -> None:
        """Ask the service for the people matching the search and the filters."""
        self._search_timer.stop()
        text = self.search_edit.text()
        wanted = select if select is not None else self.selected_id()
        try:
            found = self._services.participants.search(
                text, **self.filters(), limit=SEARCH_LIMIT + 1
            )
        except DomainError as error:
            common.show_error(self, error, "Recherche impossible")
            return
        self.truncated = len(found) > SEARCH_LIMIT
        self.shown = found[:SEARCH_LIMIT]
        self.model.set_rows(self.shown)
        self._say_how_many(text)
        if wanted is not None:
            self._select(wanted, open_it=False)

    def _say_how_many(self, text: str) -> None:
        filtered = any(value is not None for value in self.filters().values())
        count = len(self.shown)
        wanted = text.strip()
        if self.truncated:
            message = f"{format_int(SEARCH_LIMIT)} premiers résultats — précisez la recherche."
        elif count:
            message = f"{format_int(count)} candidat{'s' if count > 1 else ''}."
        elif wanted:
            message = f"Aucun candidat ne correspond à « {wanted} »" + (
                " avec ces filtres." if filtered else "."
            )
        elif filtered:
            message = "Aucun candidat avec ces filtres."
        else:
            message = "Aucun candidat enregistré : « Nouveau candidat… » (Ctrl+N) en crée un."
        self.result_label.setText(message)

    def clear_filters(self) -> None:
        for combo in self.filter_combos():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.run_search()

    # --- choosing and opening --------------------------------------------------------------

    def selected_id(self) -> int | None:
        index = self.view.selectionModel().currentIndex()
        rows = self.view.selectionModel().selectedRows()
        if rows:
            index = rows[0]
        if not index.isValid():
            return None
        return self.proxy.record_at(index).id

    def _select(self, participant_id: int, open_it: bool) -> bool:
        row = self.model.row_of(lambda p: p.id == participant_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self._quiet = not open_it
        try:
            self.view.setCurrentIndex(index)
            self.view.selectRow(index.row())
        finally:
            self._quiet = False
        self.view.scrollTo(index)
        return True

    def _row_changed(self, current, _previous) -> None:
        if self._quiet or not current.isValid():
            return
        if self.proxy.record_at(current).id != self.pane.participant_id:
            self._record_timer.start()

    def _open_current(self) -> None:
        chosen = self.selected_id()
        if chosen is not None and chosen != self.pane.participant_id:
            self.pane.open(chosen)

    # --- the four actions of the window (Édition menu) -------------------------------------

    def create_record(self) -> None:
        """Ctrl+N: a new participant (look-alikes checked on saving)."""
        dialog = ParticipantDialog(self._services, self.lookups, parent=self)
        dialog.exec()
        if dialog.saved is not None:
            self._refresh_lookups()
            self.search_edit.blockSignals(True)
            self.search_edit.setText(dialog.saved.reference)
            self.search_edit.blockSignals(False)
            self.run_search(select=dialog.saved.id)
            self.pane.show_saved(dialog.saved.id)
        elif dialog.existing_id is not None:
            self.open_participant(dialog.existing_id)

    def focus_search(self) -> None:
        """Ctrl+F."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def open_selected(self) -> None:
        """Entrée: open the selected person (the first one listed when none is)."""
        self._record_timer.stop()
        if self.selected_id() is None and self.proxy.rowCount():
            self.view.selectRow(0)
        chosen = self.selected_id()
        if chosen is None:
            return
        if chosen != self.pane.participant_id:
            self.pane.open(chosen)
        self.pane.tabs.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self) -> None:
        """Read everything again (after a change made elsewhere)."""
        self._stale = False
        self._refresh_lookups()
        self.run_search()
        self.pane.reload()

    def open_participant(self, participant_id: int) -> None:
        """Show one person in the list (by reference) and open the record."""
        try:
            person = self._services.participants.get(participant_id)
        except DomainError as error:
            common.show_error(self, error)
            return
        self.clear_filters_silently()
        self.search_edit.blockSignals(True)
        self.search_edit.setText(person.reference)
        self.search_edit.blockSignals(False)
        self.run_search()
        self._select(participant_id, open_it=False)
        self.pane.open(participant_id)

    def clear_filters_silently(self) -> None:
        for combo in self.filter_combos():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)

    # --- keeping up ------------------------------------------------------------------------

    def _refresh_lookups(self) -> None:
        fresh = Lookups.load(self._services)
        self.lookups.prescribers, self.lookups.users = fresh.prescribers, fresh.users
        self.lookups.active_users = fresh.active_users
        self._fill_filters()

    def _changed_elsewhere(self, _what: str) -> None:
        if not self.isVisible():
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Down arrow in the search field goes to the list."""
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.proxy.rowCount()
        ):
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            if self.selected_id() is None:
                self.view.selectRow(0)
            return True
        return super().eventFilter(watched, event)

"""Entreprises: every company and structure, searchable and filtered by kind, above the record
of the one chosen (identity, lots held, hours credited, contacts, actions to follow).

The hours credited per company sum the whole ledger (a second on the large database): they
are read in the background and fill their column when ready; everything else is read at once.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from asr_desktop.domain.enums import CompanyKind
from asr_desktop.domain.formats import format_int
from asr_desktop.domain.model import Company
from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.companies.company_dialog import CompanyDialog
from asr_desktop.ui.companies.models import HOURS_COLUMN, CompanyListing, CompanyTableModel
from asr_desktop.ui.companies.record import CompanyRecord
from asr_desktop.ui.companies.siret_check import display_siret
from asr_desktop.ui.item_models import TONES, SearchProxy
from asr_desktop.ui.pages.common import PageFrame
from asr_desktop.ui.tasks import BackgroundRead

__all__ = ["CompaniesPage", "display_siret"]

#: Kind filter choices beyond one kind: groups of kinds.
SIAE, DISABILITY = "siae", "disability"
_GROUPS: dict[str, Callable[[CompanyKind], bool]] = {
    SIAE: lambda kind: kind.is_siae,
    DISABILITY: lambda kind: kind.is_disability_sector,
}


def _digits_only(text: str) -> str | None:
    """The digits of a search made only of digits (and spaces): a SIRET or SIREN part."""
    compact = "".join(text.split())
    return compact if compact.isdigit() else None


class CompaniesPage(PageFrame):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(
            "Entreprises",
            "Les entreprises attributaires et les structures qui emploient les candidats. "
            "Choisissez-en une pour voir sa fiche : lots tenus, heures créditées, contacts et "
            "actions à suivre.",
            parent,
        )
        self.services = services
        self.dialog: QDialog | None = None
        self._companies: list[tuple[Company, int]] = []
        self._shown_id: int | None = None
        self._filter_key: tuple = (None, None)
        self._filtering = False
        self.totals = BackgroundRead(self)
        self.totals.ready.connect(self._totals_ready)
        self.totals.failed.connect(self._totals_failed)
        self.content.addLayout(self._toolbar())
        self.count_label = QLabel(self)
        self.count_label.setObjectName("companiesCount")
        self.content.addWidget(self.count_label)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("companiesSplitter")
        splitter.setChildrenCollapsible(False)
        self.model = CompanyTableModel(self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = common.record_view(self.proxy, "companiesTable", splitter)
        self.view.setMinimumHeight(150)
        self.view.activated.connect(lambda _index: self.open_selected())
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.record_stack = QStackedWidget(splitter)
        self.placeholder = QLabel(self.record_stack)
        self.placeholder.setObjectName("recordPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.record_stack.addWidget(self.placeholder)
        self.record = CompanyRecord(services, self.record_stack)
        self.record.editRequested.connect(self.edit_current)
        self.record_stack.addWidget(self.record)
        splitter.addWidget(self.view)
        splitter.addWidget(self.record_stack)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 420])
        self.content.addWidget(splitter, 1)
        self.search.textChanged.connect(self._apply_filters)
        self.search.returnPressed.connect(self.open_selected)
        self.kind_filter.currentIndexChanged.connect(self._apply_filters)
        self.refresh()

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.search = common.search_field(
            "Rechercher une entreprise : raison sociale, commune ou SIRET (Ctrl+F)", self
        )
        bar.addWidget(self.search, 3)
        label = QLabel("&Type :", self)
        self.kind_filter = QComboBox(self)
        self.kind_filter.setObjectName("kindFilter")
        label.setBuddy(self.kind_filter)
        choices = [
            ("Structures de l'insertion (SIAE)", SIAE),
            ("Secteur adapté et protégé (EA, EATT, ESAT)", DISABILITY),
        ] + [(kind.label, kind) for kind in CompanyKind]
        common.fill_combo(self.kind_filter, choices, empty="Tous les types")
        self.kind_filter.setMinimumContentsLength(24)
        self.kind_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        bar.addWidget(label)
        bar.addWidget(self.kind_filter, 2)
        self.new_button = QPushButton("&Nouvelle entreprise…", self)
        self.new_button.setObjectName("newCompanyButton")
        self.new_button.setToolTip("Créer la fiche d'une entreprise (Ctrl+N)")
        self.new_button.clicked.connect(self.create_record)
        bar.addWidget(self.new_button)
        return bar

    # --- the four commands of the window -------------------------------------------------------

    def create_record(self) -> None:
        self._open_dialog(CompanyDialog(self.services.companies, None, self))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_selected(self) -> None:
        """Show the record of the selected company (the first listed when none is), and move
        the keyboard to it."""
        index = self.view.currentIndex()
        if not index.isValid():
            if self.proxy.rowCount() == 0:
                return
            self._select_row(0)
        self.record.tabs.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self) -> None:
        """Read the companies again (the hours totals follow in the background)."""
        self._companies = self.services.companies.list_with_lot_counts()
        self._fill_list()
        self.totals.request(self.services.hours.credited_by_company)
        if self._shown_id is not None:
            self._show(self._shown_id, force=True)

    # --- list ---------------------------------------------------------------------------------

    @property
    def totals_pending(self) -> bool:
        return self.totals.pending

    def _fill_list(self) -> None:
        self.model.set_rows(CompanyListing(company, lots) for company, lots in self._companies)
        self._update_count()
        self._follow_shown()

    def _totals_ready(self, totals: dict[int, Decimal]) -> None:
        self.model.set_totals(totals)
        header = self.view.horizontalHeader()
        if header.sortIndicatorSection() == HOURS_COLUMN:  # sorted on what just arrived
            self.proxy.sort(HOURS_COLUMN, header.sortIndicatorOrder())

    def _totals_failed(self) -> None:
        self.count_label.setText(
            self.count_label.text() + " Les heures créditées n'ont pas pu être lues (voir le "
            "journal)."
        )

    def _apply_filters(self) -> None:
        text = self.search.text()
        digits = _digits_only(text)
        chosen = self.kind_filter.currentData()
        tests: list[Callable[[CompanyListing], bool]] = []
        if chosen in _GROUPS:
            group = _GROUPS[chosen]
            tests.append(lambda r: group(r.company.kind))
        elif chosen is not None:  # Qt hands the enum back as its plain value
            kind = CompanyKind(chosen)
            tests.append(lambda r: r.company.kind is kind)
        if digits is not None:
            tests.append(lambda r: digits in r.company.siret)
        key = (chosen, digits)
        self._filtering = True  # Qt moves the current row as rows go: no record loaded meanwhile
        try:
            self.proxy.set_search("" if digits is not None else text)
            if key != self._filter_key:  # a new predicate filters every row again: if needed
                self._filter_key = key
                self.proxy.set_predicate((lambda r: all(t(r) for t in tests)) if tests else None)
        finally:
            self._filtering = False
        self._update_count()
        self._follow_shown()

    def _follow_shown(self) -> None:
        """The list highlights the company whose record is shown, or nothing when the
        filters hide it (the record stays until another company is chosen)."""
        if self._shown_id is None:
            return
        row = self.model.row_of(lambda r: r.id == self._shown_id)
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else None
        if index is not None and index.isValid():
            if self.view.currentIndex().row() != index.row():
                self._select_row(index.row())
        else:
            self.view.selectionModel().clear()

    def _update_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        tone = None
        if total == 0:
            text = (
                "La base ne contient encore aucune entreprise : « Nouvelle entreprise… » "
                "(Ctrl+N) pour en créer une."
            )
        elif shown == 0:
            typed = self.search.text().strip()
            kind = self.kind_filter.currentIndex() > 0
            if typed and kind:
                text = (
                    f"Aucune entreprise de ce type ne correspond à « {typed} ». Essayez un "
                    "autre mot ou « Tous les types »."
                )
            elif typed:
                text = f"Aucune entreprise ne correspond à « {typed} »."
            else:
                text = "Aucune entreprise de ce type dans la base."
            tone = TONES["warning"].name()
        elif shown == total:
            text = f"{format_int(total)} entreprise{'s' if total > 1 else ''}."
        else:
            text = f"{format_int(shown)} sur {format_int(total)} entreprises."
        self.count_label.setText(text)
        style = f"color: {tone};" if tone else ""
        if self.count_label.styleSheet() != style:
            self.count_label.setStyleSheet(style)
        if self._shown_id is None:
            self._show_placeholder()

    def _show_placeholder(self) -> None:
        if self.model.rowCount() == 0:
            text = "Aucune fiche à afficher."
        else:
            text = "Choisissez une entreprise dans la liste pour voir sa fiche."
        self.placeholder.setText(text)
        self.record_stack.setCurrentWidget(self.placeholder)

    # --- selection and record -----------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._filtering:
            listing = self.proxy.record_at(current)
            if listing.id != self._shown_id:
                self._show(listing.id)

    def _show(self, company_id: int, force: bool = False) -> None:
        row = self.model.row_of(lambda r: r.id == company_id)
        if row < 0:
            self._shown_id = None
            self._show_placeholder()
            return
        if force or company_id != self._shown_id:
            self.record.show_company(self.model.row_at(row).company)
        self._shown_id = company_id
        self.record_stack.setCurrentWidget(self.record)

    def _select_row(self, proxy_row: int) -> None:
        index = self.proxy.index(proxy_row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index)

    def select_company(self, company_id: int) -> None:
        """Show this company's record and highlight it in the list, clearing the search and
        the filter if they hide it."""
        row = self.model.row_of(lambda r: r.id == company_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.search.clear()
            self.kind_filter.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self._select_row(index.row())  # shows the record when another one was shown
        if company_id != self._shown_id:
            self._show(company_id)

    # --- dialogs ------------------------------------------------------------------------------

    def edit_current(self) -> None:
        if self.record.company is not None:
            self._open_dialog(CompanyDialog(self.services.companies, self.record.company, self))

    def _open_dialog(self, dialog: CompanyDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _code: self._dialog_finished(dialog))
        dialog.open()

    def _dialog_finished(self, dialog: CompanyDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        target = dialog.saved or dialog.open_requested
        if dialog.saved is not None:
            self._shown_id = None  # read again when selected below
            self.refresh()
        if target is not None:
            self.select_company(target.id)
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

"""« Conservation des données »: the people whose last contact is older than the retention
period in force (2 years by default, domain.md §7.4), and their anonymisation in one step
after a French confirmation that says how many people and that it cannot be undone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.dates import months_between
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import format_date, format_int
from asr_desktop.services.container import Services
from asr_desktop.services.rights import RetentionCase
from asr_desktop.ui import common
from asr_desktop.ui.item_models import Column, RecordTableModel, SearchProxy
from asr_desktop.ui.parameters import COORDINATORS_ONLY, busy, may_erase


def _people(count: int) -> str:
    return f"{format_int(count)} personne{'s' if count > 1 else ''}"


def delay_text(months: int) -> str:
    """« 5 mois », « 1 an », « 8 ans et 2 mois »."""
    years, rest = divmod(months, 12)
    if not years:
        return f"{rest} mois"
    text = f"{years} an{'s' if years > 1 else ''}"
    return f"{text} et {rest} mois" if rest else text


def retention_columns(today) -> list[Column]:
    def late(case: RetentionCase) -> int:
        return max(months_between(case.due_date, today), 0)

    return [
        Column("Référence", lambda c: c.reference, width=95),
        Column("Nom", lambda c: c.last_name.upper(), width=150),
        Column("Prénom", lambda c: c.first_name, width=120),
        Column("Statut", lambda c: c.status, width=150),
        Column("Dernier contact", lambda c: c.last_contact, width=115),
        Column("À anonymiser depuis le", lambda c: c.due_date, width=175),
        Column("Retard", late, text=delay_text, align="right", searchable=False, width=110),
        Column(
            "À vérifier",
            lambda c: _check_text(c),
            tone=lambda c: "warning" if _check_text(c) else None,
        ),
    ]


def _check_text(case: RetentionCase) -> str:
    notes = []
    if case.open_placements:
        notes.append("mise en emploi sans date de fin")
    if case.restricted:
        notes.append("traitement limité (art. 18)")
    return " ; ".join(notes)


def confirmation_text(cases: list[RetentionCase]) -> str:
    count = len(cases)
    lines = [
        f"Anonymiser {_people(count)} ?",
        "",
        "Les noms, prénoms, coordonnées, la date de naissance exacte et tous les textes libres "
        f"de {'ces dossiers' if count > 1 else 'ce dossier'} seront effacés définitivement. "
        "Les statistiques des comités restent identiques.",
    ]
    open_ones = sum(1 for c in cases if c.open_placements)
    if open_ones:
        lines += ["", f"Attention : {_people(open_ones)} ont une mise en emploi sans date de fin."]
    lines += ["", "Cette opération est irréversible."]
    return "\n".join(lines)


class RetentionView(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.cases: list[RetentionCase] = []
        self.allowed = may_erase(services)  # anonymising is for coordinators
        self._build()
        self.search_edit.textChanged.connect(self.proxy.set_search)
        self.select_all_button.clicked.connect(self.view.selectAll)
        self.anonymise_button.clicked.connect(self.anonymise_selection)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("retentionSummaryLabel")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        tools = QHBoxLayout()
        self.search_edit = common.search_field("Chercher (nom, référence…)", self)
        tools.addWidget(self.search_edit, 1)
        self.select_all_button = QPushButton("Tout sélectionner", self)
        self.select_all_button.setObjectName("retentionSelectAllButton")
        self.anonymise_button = QPushButton("Anonymiser la sélection", self)
        self.anonymise_button.setObjectName("retentionAnonymiseButton")
        self.anonymise_button.setEnabled(False)
        tools.addWidget(self.select_all_button)
        tools.addWidget(self.anonymise_button)
        layout.addLayout(tools)
        self.model: RecordTableModel[RetentionCase] = RecordTableModel(
            retention_columns(common.today()), [], self
        )
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = common.record_view(self.proxy, "retentionTable", self)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.sortByColumn(5, Qt.SortOrder.AscendingOrder)
        layout.addWidget(self.view, 1)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("retentionResultLabel")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)

    def load(self) -> None:
        """Ask the service for the people past their retention date today."""
        today = common.today()
        rights = self._services.rights
        self.cases = rights.retention_review(today)
        years = rights.retention_years(today)
        self.model.set_rows(self.cases)
        if self.cases:
            verb = "ont" if len(self.cases) > 1 else "a"
            self.summary_label.setText(
                f"{_people(len(self.cases))} {verb} dépassé la durée de conservation : "
                f"leur dernier contact date de plus de {years} an{'s' if years > 1 else ''} "
                f"(au {format_date(today)}). L'anonymisation efface ce qui les identifie et "
                "garde ce que comptent les statistiques des comités."
            )
        else:
            self.summary_label.setText(
                f"Personne n'a dépassé la durée de conservation ({years} an"
                f"{'s' if years > 1 else ''} après le dernier contact) au {format_date(today)}."
            )
        self._selection_changed()

    def selected_cases(self) -> list[RetentionCase]:
        rows = self.view.selectionModel().selectedRows()
        return [self.proxy.record_at(index) for index in rows]

    def _selection_changed(self, *_args) -> None:
        count = len(self.view.selectionModel().selectedRows())
        self.anonymise_button.setEnabled(count > 0 and self.allowed)
        self.anonymise_button.setToolTip("" if self.allowed else COORDINATORS_ONLY)
        self.anonymise_button.setText(
            f"Anonymiser la sélection ({format_int(count)})" if count else "Anonymiser la sélection"
        )

    def anonymise_selection(self) -> int:
        """Anonymise the people selected after confirmation; how many were anonymised."""
        chosen = self.selected_cases()
        if not chosen:
            return 0
        title = "Anonymiser des dossiers"
        if not common.confirm(self, title, confirmation_text(chosen), "Anonymiser"):
            return 0
        try:
            with busy():
                ids = [c.participant_id for c in chosen]
                done = self._services.rights.anonymise_many(ids)
                common.changes().changed.emit("participant")
                self.load()
        except DomainError as error:
            common.show_error(self, error, "Anonymisation impossible")
            return 0
        self.result_label.setText(f"{_people(done)} anonymisée{'s' if done > 1 else ''}.")
        return done

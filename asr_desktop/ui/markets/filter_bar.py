"""The bar above the Marchés tree: the search (accents ignored), the filters (year, contracting
authority, lot status, at risk only), and the « Nouveau » menu and « Modifier… » button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.enums import LotStatus
from asr_desktop.domain.formats import normalise_text
from asr_desktop.ui.common import fill_combo, search_field
from asr_desktop.ui.markets.tree_nodes import AUTHORITY, LOT, MARKET, OPERATION, TreeFilter

NEW_TEXT = {
    AUTHORITY: "&Donneur d'ordre",
    OPERATION: "&Opération",
    MARKET: "&Marché",
    LOT: "&Lot",
}


class FilterBar(QWidget):
    """``changed`` after every change of the search or a filter; ``create_requested(kind)``
    from the « Nouveau » menu; ``edit_requested`` from « Modifier… »."""

    changed = Signal()
    create_requested = Signal(str)
    edit_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = search_field(
            "Rechercher un donneur d'ordre, une opération, un marché ou un lot (accents "
            "et majuscules indifférents)",
            self,
        )
        self.search.textChanged.connect(lambda _text: self.changed.emit())
        self.year_combo = QComboBox(self)
        self.year_combo.setObjectName("yearCombo")
        self.year_combo.setToolTip("Les lots dont l'exécution couvre une partie de l'année")
        self.authority_combo = QComboBox(self)
        self.authority_combo.setObjectName("authorityFilterCombo")
        self.authority_combo.setMinimumContentsLength(24)
        self.authority_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("statusFilterCombo")
        fill_combo(self.status_combo, [(s.label, s) for s in LotStatus], empty="Tous les statuts")
        self.at_risk_check = QCheckBox("À &risque seulement", self)
        self.at_risk_check.setObjectName("atRiskCheck")
        self.at_risk_check.setToolTip("Les lots dont la prévision à la fin manque l'objectif")
        self.at_risk_check.toggled.connect(lambda _on: self.changed.emit())
        self.new_menu = QMenu(self)
        self.new_actions: dict[str, QAction] = {}
        for kind in (AUTHORITY, OPERATION, MARKET, LOT):
            action = self.new_menu.addAction(NEW_TEXT[kind] + "…")
            action.triggered.connect(lambda _checked=False, k=kind: self.create_requested.emit(k))
            self.new_actions[kind] = action
        self.new_button = QToolButton(self)
        self.new_button.setObjectName("newRecordButton")
        self.new_button.setText("&Nouveau")
        self.new_button.setToolTip(
            "Créer un donneur d'ordre, une opération, un marché ou un lot (Ctrl+N)"
        )
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.new_button.setMenu(self.new_menu)
        self.edit_button = QPushButton("&Modifier…", self)
        self.edit_button.setObjectName("editRecordButton")
        self.edit_button.setToolTip("Modifier l'élément choisi dans l'arbre (Entrée)")
        self.edit_button.clicked.connect(self.edit_requested.emit)
        first = QHBoxLayout()
        first.addWidget(self.search, 1)
        first.addWidget(self.new_button)
        first.addWidget(self.edit_button)
        second = QHBoxLayout()
        for caption, combo in (
            ("Ann&ée", self.year_combo),
            ("Donne&ur d'ordre", self.authority_combo),
            ("S&tatut", self.status_combo),
        ):
            label = QLabel(caption, self)
            label.setBuddy(combo)
            second.addWidget(label)
            second.addWidget(combo)
            second.addSpacing(8)
            combo.currentIndexChanged.connect(lambda _row: self.changed.emit())
        second.addWidget(self.at_risk_check)
        second.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(first)
        layout.addLayout(second)

    def fill(self, years: list[int], authorities: list[tuple[str, int]]) -> None:
        """The choices of the year and authority filters, keeping those made."""
        fill_combo(
            self.year_combo,
            [(str(y), y) for y in years],
            empty="Toutes les années",
            current=self.year_combo.currentData(),
        )
        fill_combo(
            self.authority_combo,
            authorities,
            empty="Tous les donneurs d'ordre",
            current=self.authority_combo.currentData(),
        )

    def current(self) -> TreeFilter:
        status = self.status_combo.currentData()
        return TreeFilter(
            words=tuple(normalise_text(self.search.text()).split()),
            year=self.year_combo.currentData(),
            authority_id=self.authority_combo.currentData(),
            status=LotStatus(status) if status else None,
            at_risk=self.at_risk_check.isChecked(),
        )

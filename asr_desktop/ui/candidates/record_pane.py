"""The record of one participant, beside the list: a header (name, reference, status,
clause eligibility) and four tabs — identity, eligibility (with add/edit/delete), placements,
follow-up log and outcomes. Opening a record writes a « consultation » in the audit trail
(``ParticipantService.open_record``); showing it again after a change does not.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.enums import Sex
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import format_int
from asr_desktop.services.container import Services
from asr_desktop.services.participants import EligibilityLine, ParticipantRecord
from asr_desktop.ui import common
from asr_desktop.ui.candidates import rights_actions
from asr_desktop.ui.candidates.eligibility_dialog import EligibilityDialog
from asr_desktop.ui.candidates.fields import Lookups
from asr_desktop.ui.candidates.merge import MergeDialog
from asr_desktop.ui.candidates.models import (
    action_columns,
    birth_text,
    eligibility_columns,
    outcome_columns,
    placement_columns,
)
from asr_desktop.ui.candidates.participant_dialog import ParticipantDialog
from asr_desktop.ui.candidates.record_identity import IdentityTab
from asr_desktop.ui.item_models import TONES, RecordTableModel, SearchProxy
from asr_desktop.ui.parameters import may_erase

EMPTY_TEXT = (
    "Choisissez une personne dans la liste pour afficher sa fiche : identité, éligibilité, "
    "mises en emploi et suivi."
)


def _coloured(label: QLabel, ok: bool | None) -> None:
    colour = {True: TONES["success"], False: TONES["error"]}.get(ok)
    label.setStyleSheet(f"color: {colour.name()};" if colour is not None else "")


class RecordPane(QWidget):
    """``changed(participant_id)`` after a change made from the record (the page refreshes
    its list); ``merged(kept_id)`` after a merge."""

    changed = Signal(int)
    merged = Signal(int)

    def __init__(self, services: Services, lookups: Lookups, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.lookups = lookups
        self.record: ParticipantRecord | None = None
        self.stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setObjectName("recordEmptyLabel")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: palette(dark); padding: 24px;")
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self._build_record())

    # --- building --------------------------------------------------------------------------

    def _build_record(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        self.name_label = QLabel(page)
        self.name_label.setObjectName("recordNameLabel")
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle_label = QLabel(page)
        self.subtitle_label.setObjectName("recordSubtitleLabel")
        self.subtitle_label.setWordWrap(True)
        titles.addWidget(self.name_label)
        titles.addWidget(self.subtitle_label)
        top.addLayout(titles, 1)
        self.edit_button = QPushButton("Modifi&er…", page)
        self.edit_button.setObjectName("editParticipantButton")
        self.merge_button = QPushButton("Fusionner a&vec…", page)
        self.merge_button.setObjectName("mergeParticipantButton")
        self.merge_button.setToolTip(
            "Fusionner ce dossier avec un autre dossier de la même personne"
        )
        # the person's rights: rare actions, kept in one menu so the header stays readable
        self.rights_button = QPushButton("Dro&its…", page)
        self.rights_button.setObjectName("rightsParticipantButton")
        self.rights_button.setToolTip("Droits de la personne : accès à ses données, effacement")
        rights_menu = QMenu(self.rights_button)
        self.export_action = rights_menu.addAction("E&xporter ses données…")
        self.export_action.setToolTip(
            "Droit d'accès : un fichier avec tout ce que la base contient sur cette personne"
        )
        self.anonymise_action = rights_menu.addAction("Anon&ymiser le dossier…")
        self.anonymise_action.setToolTip(
            "Effacer définitivement ce qui identifie la personne (les chiffres restent)"
        )
        self.rights_button.setMenu(rights_menu)
        buttons = (self.edit_button, self.merge_button, self.rights_button)
        for button in buttons:
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.clause_label = QLabel(page)
        self.clause_label.setObjectName("clauseEligibilityLabel")
        self.clause_label.setWordWrap(True)
        layout.addWidget(self.clause_label)
        self.tabs = QTabWidget(page)
        self.tabs.setObjectName("recordTabs")
        self.identity = IdentityTab(self.tabs)
        self.tabs.addTab(self.identity, "I&dentité")
        self.tabs.addTab(self._build_eligibility_tab(), "Éli&gibilité")
        self.placements = RecordTableModel(placement_columns(), [], self)
        self.placements_view = self._view(
            self.placements, "candidatePlacementsTable", 2, Qt.SortOrder.DescendingOrder
        )
        self.tabs.addTab(self.placements_view, "Mises en emp&loi")
        self.tabs.addTab(self._build_follow_up_tab(), "S&uivi")
        layout.addWidget(self.tabs, 1)
        self.edit_button.clicked.connect(self.edit_participant)
        self.merge_button.clicked.connect(self.merge_with)
        self.export_action.triggered.connect(self.export_data)
        self.anonymise_action.triggered.connect(self.anonymise)
        return page

    def _view(
        self,
        model: RecordTableModel,
        name: str,
        column: int = 0,
        order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
    ):
        proxy = SearchProxy(self)
        proxy.setSourceModel(model)
        view = common.record_view(proxy, name, self)
        view.sortByColumn(column, order)
        return view

    def _build_eligibility_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        self.iae_label = QLabel(tab)
        self.iae_label.setObjectName("iaeEligibilityLabel")
        self.iae_label.setWordWrap(True)
        layout.addWidget(self.iae_label)
        self.eligibility = RecordTableModel(eligibility_columns(lambda _uid: ""), [], self)
        self.eligibility_view = self._view(self.eligibility, "candidateEligibilityTable")
        self.eligibility_view.activated.connect(lambda _index: self.edit_eligibility())
        layout.addWidget(self.eligibility_view, 1)
        buttons = QHBoxLayout()
        self.add_eligibility_button = QPushButton("Ajou&ter un critère…", tab)
        self.edit_eligibility_button = QPushButton("M&odifier le critère…", tab)
        self.delete_eligibility_button = QPushButton("Suppr&imer le critère", tab)
        for button in (
            self.add_eligibility_button,
            self.edit_eligibility_button,
            self.delete_eligibility_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_eligibility_button.clicked.connect(self.add_eligibility)
        self.edit_eligibility_button.clicked.connect(self.edit_eligibility)
        self.delete_eligibility_button.clicked.connect(self.delete_eligibility)
        self.eligibility_view.selectionModel().selectionChanged.connect(self._update_buttons)
        return tab

    def _build_follow_up_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        self.actions_title = QLabel("Journal de suivi (le plus récent en premier)", tab)
        layout.addWidget(self.actions_title)
        self.actions = RecordTableModel(action_columns(lambda _uid: "", common.today()), [], self)
        self.actions_view = self._view(
            self.actions, "candidateActionsTable", 0, Qt.SortOrder.DescendingOrder
        )
        layout.addWidget(self.actions_view, 3)
        self.outcomes_title = QLabel("Sorties et suivis à 6 et 12 mois", tab)
        layout.addWidget(self.outcomes_title)
        self.outcomes = RecordTableModel(outcome_columns(common.today()), [], self)
        self.outcomes_view = self._view(self.outcomes, "candidateOutcomesTable", 1)
        layout.addWidget(self.outcomes_view, 2)
        return tab

    # --- showing ---------------------------------------------------------------------------

    @property
    def participant_id(self) -> int | None:
        return self.record.participant.id if self.record is not None else None

    def open(self, participant_id: int) -> None:
        """Open a record (one « consultation » in the audit trail)."""
        self._load(lambda: self._services.participants.open_record(participant_id, common.today()))

    def reload(self) -> None:
        """Show the open record again after a change (no new consultation)."""
        if self.record is None:
            return
        person_id = self.record.participant.id
        self._load(lambda: self._services.participants.reload_record(person_id, common.today()))

    def show_saved(self, participant_id: int) -> None:
        """Show a record the adviser has just created or changed (not a consultation)."""
        self._load(
            lambda: self._services.participants.reload_record(participant_id, common.today())
        )

    def clear(self) -> None:
        self.record = None
        self.stack.setCurrentIndex(0)

    def _load(self, read) -> None:
        try:
            record = read()
        except DomainError as error:  # deleted or merged meanwhile
            self.clear()
            common.show_error(self, error, "Fiche indisponible")
            return
        self.show_record(record)

    def show_record(self, record: ParticipantRecord) -> None:
        self.record = record
        p = record.participant
        self.name_label.setText(f"{p.first_name} {p.last_name.upper()}")
        born = "Née" if p.sex is Sex.FEMALE else "Né"
        place = f" · {p.commune}" if p.commune else ""
        self.subtitle_label.setText(
            f"{p.reference} · {p.status.label} · {born} le "
            f"{birth_text(p.birth_date, record.on)}{place}"
        )
        status = record.eligibility
        self.clause_label.setText(status.clause_explanation)
        _coloured(self.clause_label, status.clause_eligible)
        _ai_ok, ai_text = status.iae_ai_etti
        _ei_ok, ei_text = status.iae_ei_aci
        self.iae_label.setText(
            f"Embauche par une AI ou une ETTI : {ai_text}\n"
            f"Embauche par une EI, un ACI ou une EITI : {ei_text}"
        )
        self.identity.show_record(record)
        self.eligibility.columns = tuple(eligibility_columns(record.user_name))
        self.eligibility.set_rows(record.eligibility.lines)
        self.placements.set_rows(record.placements)
        self.actions.columns = tuple(action_columns(record.user_name, record.on))
        self.actions.set_rows(record.actions)
        self.outcomes.columns = tuple(outcome_columns(record.on))
        self.outcomes.set_rows(record.outcomes)
        self._tab_titles(record)
        self.merge_button.setEnabled(not p.anonymised)
        self.edit_button.setEnabled(not p.anonymised)
        self.anonymise_action.setEnabled(not p.anonymised and may_erase(self._services))
        self.stack.setCurrentIndex(1)
        self._update_buttons()

    def _tab_titles(self, record: ParticipantRecord) -> None:
        expired = sum(1 for line in record.eligibility.lines if line.expired)
        eligibility = f"Éli&gibilité ({format_int(len(record.eligibility.lines))})"
        if expired:
            eligibility += f" — {expired} expiré{'s' if expired > 1 else ''}"
        self.tabs.setTabText(1, eligibility)
        self.tabs.setTabText(2, f"Mises en emp&loi ({format_int(len(record.placements))})")
        self.tabs.setTabText(3, f"S&uivi ({format_int(len(record.actions))})")

    def _update_buttons(self, *_args) -> None:
        chosen = self.selected_eligibility() is not None
        self.edit_eligibility_button.setEnabled(chosen)
        self.delete_eligibility_button.setEnabled(chosen)

    # --- actions ---------------------------------------------------------------------------

    def selected_eligibility(self) -> EligibilityLine | None:
        rows = self.eligibility_view.selectionModel().selectedRows()
        return self.eligibility_view.model().record_at(rows[0]) if rows else None

    def edit_participant(self) -> None:
        if self.record is None:
            return
        dialog = ParticipantDialog(
            self._services, self.lookups, self.record.participant, parent=self
        )
        if dialog.exec() and dialog.saved is not None:
            self._after_change()

    def add_eligibility(self) -> None:
        if self.record is None:
            return
        dialog = EligibilityDialog(
            self._services, self.lookups, self.record.participant, parent=self
        )
        if dialog.exec() and dialog.saved is not None:
            self._after_change(dialog.saved.id)

    def edit_eligibility(self) -> None:
        line = self.selected_eligibility()
        if self.record is None or line is None:
            return
        dialog = EligibilityDialog(
            self._services, self.lookups, self.record.participant, line.record, parent=self
        )
        if dialog.exec() and dialog.saved is not None:
            self._after_change(dialog.saved.id)

    def delete_eligibility(self) -> None:
        line = self.selected_eligibility()
        if self.record is None or line is None:
            return
        if not common.confirm(
            self,
            "Supprimer le critère",
            f"Supprimer le critère « {line.label} » de ce dossier ?",
            yes="Supprimer",
        ):
            return
        try:
            self._services.participants.delete_eligibility(line.record.id)
        except DomainError as error:
            common.show_error(self, error)
            return
        common.changes().changed.emit("participant")
        self._after_change()

    def merge_with(self) -> None:
        if self.record is None:
            return
        dialog = MergeDialog(self._services, self.lookups, self.record.participant, self)
        if dialog.exec() and dialog.merged is not None:
            kept = dialog.merged.id
            self._load(lambda: self._services.participants.reload_record(kept, common.today()))
            self.merged.emit(kept)

    def export_data(self) -> None:
        if self.record is not None:
            rights_actions.export_data(self, self._services, self.record.participant.id)

    def anonymise(self) -> None:
        if self.record is None:
            return
        participant_id = self.record.participant.id
        if rights_actions.anonymise(self, self._services, participant_id):
            self._after_change()

    def _after_change(self, eligibility_id: int | None = None) -> None:
        self.reload()
        if eligibility_id is not None:
            row = self.eligibility.row_of(lambda line: line.record.id == eligibility_id)
            if row >= 0:
                proxy = self.eligibility_view.model()
                self.eligibility_view.selectRow(
                    proxy.mapFromSource(self.eligibility.index(row, 0)).row()
                )
        if self.record is not None:
            self.changed.emit(self.record.participant.id)

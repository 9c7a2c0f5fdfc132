"""« Agenda »: what is due by today + the horizon (7, 30 or 90 days), overdue included — actions
to do, contracts ending, follow-up points (M+6, M+12) to observe, eligibility ending — by due
date, the overdue ones in red. « Fait » closes the selected item the way its kind requires; «
Prochaine action » schedules the next one."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.enums import FollowUpSubject
from asr_desktop.domain.formats import format_date, format_int
from asr_desktop.services.container import Services
from asr_desktop.services.placements import AgendaKind, AgendaLine, AgendaView
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.action_dialog import ActionDialog
from asr_desktop.ui.follow_up.exit_dialogs import ClosePlacementDialog, OutcomeDialog
from asr_desktop.ui.follow_up.fields import combo_enum
from asr_desktop.ui.follow_up.models import DONE_TEXT, KIND_TEXT, agenda_columns, agenda_model
from asr_desktop.ui.follow_up.placement_dialog import PlacementDialog
from asr_desktop.ui.item_models import SearchProxy

HORIZONS = (("7 jours", 7), ("30 jours", 30), ("90 jours", 90))
#: Items shown at most: those due closest to today (the large base holds 14 000).
LIMIT = 1500
DEFAULT_HORIZON = 30
ELIGIBILITY_HINT = (
    "Pour une fin d'éligibilité : renouvelez le justificatif ou enregistrez un autre critère "
    "dans la fiche du candidat (page Candidats) ; l'alerte disparaîtra d'elle-même."
)


class AgendaTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.loaded = False
        self._today = common.today()
        self.agenda = AgendaView((), 0, 0, dict.fromkeys(AgendaKind, 0))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        filters = QHBoxLayout()
        self.search_edit = common.search_field("Rechercher un candidat, une action…")
        self.search_edit.setObjectName("agendaSearchEdit")
        filters.addWidget(self.search_edit, 3)
        self.horizon_combo = QComboBox()
        self.horizon_combo.setObjectName("horizonCombo")
        common.fill_combo(self.horizon_combo, HORIZONS, current=DEFAULT_HORIZON)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        common.fill_combo(self.kind_combo, [(KIND_TEXT[k], k) for k in AgendaKind], empty="Tout")
        for text, widget in (("&Horizon :", self.horizon_combo), ("T&ype :", self.kind_combo)):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addSpacing(8)
            filters.addWidget(label)
            filters.addWidget(widget)
        self.overdue_check = QCheckBox("En retard &uniquement")
        self.overdue_check.setObjectName("overdueCheck")
        filters.addSpacing(8)
        filters.addWidget(self.overdue_check)
        layout.addLayout(filters)

        self.model = agenda_model(self._today, self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = common.record_view(self.proxy, "agendaTable", self)
        layout.addWidget(self.view, 1)

        self.summary = QLabel()
        self.summary.setObjectName("agendaSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        bottom = QHBoxLayout()
        self.hint = QLabel()
        self.hint.setObjectName("agendaHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #6b6b6b;")
        bottom.addWidget(self.hint, 1)
        self.done_button = QPushButton(DONE_TEXT[AgendaKind.ACTION])
        self.done_button.setObjectName("doneButton")
        self.next_button = QPushButton("&Prochaine action…")
        self.next_button.setObjectName("nextActionButton")
        self.placement_button = QPushButton("&Ouvrir la mise en emploi…")
        self.placement_button.setObjectName("openPlacementButton")
        for button in (self.done_button, self.next_button, self.placement_button):
            bottom.addWidget(button)
        layout.addLayout(bottom)

        self.search_edit.textChanged.connect(self._search)
        self.search_edit.returnPressed.connect(self.open_selected)
        self.horizon_combo.currentIndexChanged.connect(self.refresh)
        self.kind_combo.currentIndexChanged.connect(self.refresh)
        self.overdue_check.toggled.connect(self.refresh)
        self.view.activated.connect(lambda _index: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.done_button.clicked.connect(self.mark_done)
        self.next_button.clicked.connect(self.plan_next)
        self.placement_button.clicked.connect(self.open_placement)
        self._update_buttons()

    # --- reading and filtering ------------------------------------------------------------

    def refresh(self) -> None:
        """Read the agenda again with the horizon, type and lateness chosen (the selected
        row's position is kept)."""
        current = self.view.currentIndex().row()
        today = common.today()
        if today != self._today:
            self._today = today
            self.model.columns = tuple(agenda_columns(today))
        self.agenda = self._services.placements.agenda_view(
            today,
            self.horizon_combo.currentData(),
            kind=combo_enum(self.kind_combo, AgendaKind),
            overdue_only=self.overdue_check.isChecked(),
            limit=LIMIT,
        )
        self.model.set_rows(self.agenda.lines)
        self.loaded = True
        self._search()
        if self.proxy.rowCount():
            row = min(max(current, 0), self.proxy.rowCount() - 1)
            self.view.setCurrentIndex(self.proxy.index(row, 0))
        self._update_buttons()

    def _search(self) -> None:
        self.proxy.set_search(self.search_edit.text())
        self._update_summary()

    def _update_summary(self) -> None:
        view = self.agenda
        until = format_date(self._today + timedelta(days=self.horizon_combo.currentData() or 0))
        if view.size == 0:
            self.summary.setText(f"Rien à faire d'ici le {until} : l'agenda est à jour.")
            return
        detail = " · ".join(
            f"{KIND_TEXT[k]} : {format_int(n)}" for k, n in view.by_kind.items() if n
        )
        text = (
            f"{format_int(view.size)} élément{'s' if view.size > 1 else ''} d'ici le {until}, "
            f"dont {format_int(view.overdue)} en retard ({detail})."
        )
        shown = self.proxy.rowCount()
        query = self.search_edit.text().strip()
        if view.limited:
            text += (
                f" Affichés : les {format_int(len(view.lines))} plus proches d'aujourd'hui sur "
                f"{format_int(view.total)} ; choisissez un type ou « En retard uniquement »."
            )
        elif shown != view.size:
            text += f" {format_int(shown)} affiché{'s' if shown > 1 else ''}."
        if shown == 0 and query:
            text += f" Aucun ne correspond à « {query} »."
        self.summary.setText(text)

    def _update_buttons(self) -> None:
        line = self.selected()
        kind = line.item.kind if line else None
        self.done_button.setText(DONE_TEXT[kind or AgendaKind.ACTION])
        self.done_button.setEnabled(line is not None and kind is not AgendaKind.ELIGIBILITY)
        self.next_button.setEnabled(line is not None)
        self.placement_button.setEnabled(line is not None and line.placement_id is not None)
        self.hint.setText(ELIGIBILITY_HINT if kind is AgendaKind.ELIGIBILITY else "")

    # --- selection and commands -----------------------------------------------------------

    def selected(self) -> AgendaLine | None:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.record_at(rows[0]) if rows else None

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def open_selected(self) -> None:
        """Entrée: the dialog that deals with the item (the exit to record, the situation to
        observe, the next action to plan)."""
        line = self.selected()
        if line is None and self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))
            line = self.selected()
        if line is None or line.item.kind is AgendaKind.ELIGIBILITY:
            return
        if line.item.kind is AgendaKind.ACTION:
            self.plan_next()
        else:
            self.mark_done()

    def mark_done(self) -> None:
        line = self.selected()
        if line is None:
            return
        done = False
        if line.action is not None:
            summary = line.action.summary
            if common.confirm(
                self, "Action faite", f"Marquer comme faite l'action « {summary} » ?", "Fait"
            ):
                self._services.placements.mark_done(line.action.id, self._today)
                common.changes().changed.emit("follow_up")
                done = True
        elif line.placement is not None:
            placement = self._services.placements.get(line.placement.id)
            done = bool(ClosePlacementDialog(self._services, placement, self).exec())
        elif line.outcome is not None:
            done = bool(OutcomeDialog(self._services, line.outcome, self).exec())
        if done:
            self.refresh()

    def plan_next(self) -> None:
        line = self.selected()
        if line is None:
            return
        if line.action is not None:
            subject, subject_id = line.action.subject, line.action.subject_id
        elif line.item.participant_id is not None:
            subject, subject_id = FollowUpSubject.PARTICIPANT, line.item.participant_id
        else:
            return
        dialog = ActionDialog(
            self._services,
            subject,
            subject_id,
            subject_text=line.subject,
            current=line.action,
            parent=self,
        )
        if dialog.exec():
            self.refresh()

    def open_placement(self) -> None:
        line = self.selected()
        if line is None or line.placement_id is None:
            return
        placement = self._services.placements.get(line.placement_id)
        if PlacementDialog(self._services, placement, parent=self).exec():
            self.refresh()

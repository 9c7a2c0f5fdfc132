"""Two tabs of the lot pane: the placements on the lot (read only) and its contact log
(follow-up actions whose subject is the lot, ``FollowUpSubject.LOT``), where a note, a call or
an action to do is added."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.enums import ActionKind, FollowUpSubject
from asr_desktop.domain.formats import format_date, format_hours, format_number
from asr_desktop.domain.model import FollowUpAction, Placement
from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.common import changes, record_view
from asr_desktop.ui.item_models import Column, RecordTableModel, SearchProxy
from asr_desktop.ui.markets.fields import SpotErrors, date_of, fill_enum, text_of


@dataclass(frozen=True, slots=True)
class PlacementLine:
    placement: Placement
    participant: str
    employer: str
    credited: Decimal


def _hours(value) -> str:
    return format_hours(value) if value is not None else ""


PLACEMENT_COLUMNS: tuple[Column[PlacementLine], ...] = (
    Column("Participant", lambda r: r.participant, width=190),
    Column("Employeur", lambda r: r.employer, width=190),
    Column("Poste", lambda r: r.placement.job_title or "", width=150),
    Column("Début", lambda r: r.placement.start_date, width=90),
    Column("Fin", lambda r: r.placement.exit_date or r.placement.end_date, width=90),
    Column(
        "Heures/semaine",
        lambda r: r.placement.weekly_hours,
        text=lambda v: format_number(v, 2) if v is not None else "",
        align="right",
        width=100,
    ),
    Column("Heures créditées", lambda r: r.credited, text=_hours, align="right", width=110),
)

ACTION_COLUMNS: tuple[Column[FollowUpAction], ...] = (
    Column("Date", lambda a: a.occurred_on, width=90),
    Column("Type", lambda a: a.kind, width=120),
    Column("Résumé", lambda a: a.summary, width=320),
    Column(
        "Échéance",
        lambda a: a.due_date,
        tone=lambda a: "warning" if a.due_date and not a.done_on else None,
        width=90,
    ),
    Column("Fait le", lambda a: a.done_on, width=90),
)


class PlacementsTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.model: RecordTableModel[PlacementLine] = RecordTableModel(PLACEMENT_COLUMNS)
        self.model.setParent(self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = record_view(self.proxy, "lotPlacementsTable", self)
        self.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        self.empty_label = QLabel("Aucune mise en emploi sur ce lot pour l'instant.", self)
        self.empty_label.setObjectName("placementsEmpty")
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)

    def show_lot(self, lot_id: int) -> int:
        """Read the lot's placements with names and hours; returns how many there are."""
        s = self._services
        listing = s.placements.listing(exited=None, lot_id=lot_id)
        credited = s.hours.credited_by_placement(lot_id)
        self.model.set_rows(
            PlacementLine(
                line.placement,
                line.participant_name,
                line.employer_name,
                credited.get(line.placement.id, Decimal(0)),  # type: ignore[arg-type]
            )
            for line in listing.lines
        )
        self.empty_label.setVisible(not listing.lines)
        return listing.total


class ContactLogTab(QWidget):
    """The lot's log, most recent first, and a line to add an entry to it."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self._lot_id: int | None = None
        self.model: RecordTableModel[FollowUpAction] = RecordTableModel(ACTION_COLUMNS)
        self.model.setParent(self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = record_view(self.proxy, "lotContactLogTable", self)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("actionKindCombo")
        fill_enum(self.kind_combo, ActionKind, ActionKind.NOTE)
        self.date_edit = QLineEdit(self)
        self.date_edit.setObjectName("actionDateEdit")
        self.date_edit.setPlaceholderText("JJ/MM/AAAA")
        self.summary_edit = QLineEdit(self)
        self.summary_edit.setObjectName("actionSummaryEdit")
        self.summary_edit.setPlaceholderText("ex. Appel du conducteur de travaux : 2 recrutements")
        self.due_edit = QLineEdit(self)
        self.due_edit.setObjectName("actionDueEdit")
        self.due_edit.setPlaceholderText("JJ/MM/AAAA, facultatif")
        self.due_edit.setToolTip("Une échéance fait de l'entrée une action à faire (agenda)")
        self.due_edit.setMinimumWidth(170)
        self.add_button = QPushButton("A&jouter au journal", self)
        self.add_button.setObjectName("addActionButton")
        self.add_button.clicked.connect(self.add)
        self.summary_edit.returnPressed.connect(self.add)
        form = QFormLayout()
        line = QHBoxLayout()
        for label, widget, stretch in (
            ("T&ype", self.kind_combo, 0),
            ("Date", self.date_edit, 0),
            ("É&chéance", self.due_edit, 0),
        ):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            line.addWidget(caption)
            line.addWidget(widget, stretch)
        line.addStretch(1)
        form.addRow(line)
        summary_label = QLabel("Ré&sumé", self)
        summary_label.setBuddy(self.summary_edit)
        summary_line = QHBoxLayout()
        summary_line.addWidget(self.summary_edit, 1)
        summary_line.addWidget(self.add_button)
        form.addRow(summary_label, summary_line)
        general = QLabel(self)
        self.errors = SpotErrors(general)
        for field, widget in (
            ("kind", self.kind_combo),
            ("occurred_on", self.date_edit),
            ("due_date", self.due_edit),
            ("summary", self.summary_edit),
        ):
            self.errors.bind(field, widget)
        self.errors.check_when_left(
            self.date_edit, "occurred_on", lambda: date_of(self.date_edit, "occurred_on")
        )
        self.errors.check_when_left(
            self.due_edit, "due_date", lambda: date_of(self.due_edit, "due_date")
        )
        layout = QVBoxLayout(self)  # the entry line first: always in sight
        layout.addLayout(form)
        layout.addWidget(general)
        layout.addWidget(self.view, 1)

    def show_lot(self, lot_id: int) -> int:
        self._lot_id = lot_id
        actions = self._services.placements.list_actions(FollowUpSubject.LOT, lot_id)
        self.model.set_rows(actions)
        if not self.date_edit.text().strip():
            self.date_edit.setText(format_date(common.today()))
        return len(actions)

    def add(self) -> None:
        if self._lot_id is None:
            return
        stored = self.errors.guard(self._store)
        if stored is None:
            return
        self.summary_edit.clear()
        self.due_edit.clear()
        changes().changed.emit("lot")
        self.show_lot(self._lot_id)
        self.changed.emit()

    def _store(self) -> FollowUpAction:
        occurred = date_of(self.date_edit, "occurred_on") or common.today()
        return self._services.placements.add_action(
            FollowUpAction(
                id=None,
                subject=FollowUpSubject.LOT,
                subject_id=self._lot_id,  # type: ignore[arg-type]
                kind=ActionKind(self.kind_combo.currentData()),
                summary=text_of(self.summary_edit) or "",
                occurred_on=occurred,
                user_id=self._services.user_id,
                due_date=date_of(self.due_edit, "due_date"),
            )
        )

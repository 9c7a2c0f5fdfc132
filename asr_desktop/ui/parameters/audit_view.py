"""« Journal d'accès »: who created, changed, consulted or exported which record, when — with
filters (user, action, kind of record, period), the result of the hash-chain verification,
and the purge of the entries older than the retention period.

The list shows the ``AUDIT_LIMIT`` most recent entries matching the filters (asked to the
service again at each change); the search box narrows what is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.dates import add_months
from asr_desktop.domain.enums import AuditAction
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import format_date, format_int
from asr_desktop.domain.model import AuditEntry
from asr_desktop.services.audit import ChainStatus, entity_label
from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.item_models import Column, RecordTableModel, SearchProxy
from asr_desktop.ui.parameters import COORDINATORS_ONLY, busy, may_erase

#: At most this many entries are listed (the most recent matching the filters).
AUDIT_LIMIT = 1000
ALL, TODAY, WEEK, MONTH, YEAR, CHOSEN = range(6)
PERIODS = (
    (ALL, "Toute la période"),
    (TODAY, "Aujourd'hui"),
    (WEEK, "7 derniers jours"),
    (MONTH, "30 derniers jours"),
    (YEAR, "12 derniers mois"),
    (CHOSEN, "Dates choisies"),
)
NO_USER = "— (sans compte)"
OK_COLOUR, ERROR_COLOUR = "#1e6b34", common.ERROR_COLOUR


def _stamp(moment: datetime) -> str:
    return f"{format_date(moment.date())} {moment:%H:%M:%S}"


def audit_columns(
    user_name: Callable[[int | None], str], broken_id: Callable[[], int | None]
) -> list[Column]:
    """Columns of the journal; ``user_name`` and ``broken_id`` are read at each refill."""

    def tone(entry: AuditEntry) -> str | None:
        return "error" if entry.id is not None and entry.id == broken_id() else None

    return [
        Column("Date et heure", lambda e: e.at, text=_stamp, tone=tone, width=150),
        Column("Utilisateur", lambda e: user_name(e.user_id), tone=tone, width=170),
        Column("Action", lambda e: e.action, tone=tone, width=120),
        Column("Élément", lambda e: entity_label(e.entity), tone=tone, width=140),
        Column("N°", lambda e: e.entity_id, align="right", tone=tone, width=70),
        Column("Détail", lambda e: e.detail or "", tone=tone),
    ]


def chain_text(status: ChainStatus) -> str:
    if status.intact:
        return (
            f"Chaîne intègre : les {format_int(status.entries)} entrées du journal se suivent "
            "sans modification ni suppression."
        )
    where = f"l'entrée n° {status.broken_id}"
    if status.broken_at is not None:
        where += f" du {_stamp(status.broken_at.at)}"
    return (
        f"Chaîne rompue à {where} : le journal a été modifié ou amputé en dehors du "
        "programme à cet endroit. Conservez la base en l'état et prévenez le responsable "
        "de la protection des données."
    )


class AuditLogView(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.entries: list[AuditEntry] = []
        self.status: ChainStatus | None = None
        self._users: dict[int, str] = {}
        self._build()
        self.user_combo.currentIndexChanged.connect(self.reload)
        self.action_combo.currentIndexChanged.connect(self.reload)
        self.entity_combo.currentIndexChanged.connect(self.reload)
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        self.from_edit.dateChanged.connect(self.reload)
        self.to_edit.dateChanged.connect(self.reload)
        self.search_edit.textChanged.connect(self.proxy.set_search)
        self.verify_button.clicked.connect(self.verify)
        self.purge_button.clicked.connect(self.purge)

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        filters = QGridLayout()
        self.user_combo = self._combo("auditUserCombo")
        self.action_combo = self._combo("auditActionCombo")
        self.entity_combo = self._combo("auditEntityCombo")
        self.period_combo = self._combo("auditPeriodCombo")
        common.fill_combo(self.period_combo, [(label, key) for key, label in PERIODS])
        today = common.today()
        self.from_edit = self._date_edit("auditFromEdit", add_months(today, -1))
        self.to_edit = self._date_edit("auditToEdit", today)
        self.search_edit = common.search_field("Chercher dans la liste (n°, détail…)", self)
        for column, (label, widget) in enumerate(
            (
                ("Utilisateur", self.user_combo),
                ("Action", self.action_combo),
                ("Élément", self.entity_combo),
                ("Période", self.period_combo),
                ("Du", self.from_edit),
                ("Au", self.to_edit),
            )
        ):
            filters.addWidget(QLabel(label, self), 0, column)
            filters.addWidget(widget, 1, column)
        filters.addWidget(self.search_edit, 1, 6)
        filters.setColumnStretch(6, 1)
        layout.addLayout(filters)

        self.chain_label = QLabel(self)
        self.chain_label.setObjectName("auditChainLabel")
        self.chain_label.setWordWrap(True)
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.chain_label)

        columns = audit_columns(self.user_name, lambda: self.status and self.status.broken_id)
        self.model: RecordTableModel[AuditEntry] = RecordTableModel(columns, [], self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = common.record_view(self.proxy, "auditTable", self)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.view, 1)

        footer = QHBoxLayout()
        self.count_label = QLabel(self)
        self.count_label.setObjectName("auditCountLabel")
        self.count_label.setWordWrap(True)
        footer.addWidget(self.count_label, 1)
        self.verify_button = QPushButton("Vérifier la chaîne", self)
        self.verify_button.setObjectName("auditVerifyButton")
        self.purge_button = QPushButton("Purger les entrées anciennes…", self)
        self.purge_button.setObjectName("auditPurgeButton")
        if not may_erase(self._services):  # purging is for coordinators
            self.purge_button.setEnabled(False)
            self.purge_button.setToolTip(COORDINATORS_ONLY)
        footer.addWidget(self.verify_button)
        footer.addWidget(self.purge_button)
        layout.addLayout(footer)
        self._period_changed()

    def user_name(self, user_id: int | None) -> str:
        if user_id is None:
            return NO_USER
        return self._users.get(user_id, f"Utilisateur n° {user_id}")

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day), self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        return edit

    # --- data ---------------------------------------------------------------------------

    def load(self) -> None:
        """Read the users and kinds of record for the filters, the entries, and verify the
        chain (what the page does when the tab is first shown or the data changed)."""
        audit = self._services.audit
        self._users = {u.id: u.display_name for u in self._services.users.list_users()}
        self._refill(
            self.user_combo,
            [(NO_USER, 0)]
            + sorted(((name, uid) for uid, name in self._users.items()), key=lambda p: p[0]),
        )
        self._refill(self.action_combo, [(a.label, a.value) for a in AuditAction])
        self._refill(
            self.entity_combo,
            sorted(((entity_label(e), e) for e in audit.entities()), key=lambda p: p[0]),
        )
        self.verify()

    def _refill(self, combo: QComboBox, choices) -> None:
        current = combo.currentData()
        common.fill_combo(combo, choices, empty="Tous", current=current)

    def filters(self) -> dict:
        """The service's arguments for the filters chosen."""
        user = self.user_combo.currentData()
        action = self.action_combo.currentData()
        since, until = self._period()
        return {
            "user_id": user or None,
            "without_user": user == 0,
            "action": AuditAction(action) if action else None,
            "entity": self.entity_combo.currentData(),
            "since": since,
            "until": until,
            "limit": AUDIT_LIMIT,
        }

    def _period(self) -> tuple[datetime | None, datetime | None]:
        choice = self.period_combo.currentData()
        today = common.today()
        starts = {
            TODAY: today,
            WEEK: today - timedelta(days=6),
            MONTH: today - timedelta(days=29),
            YEAR: add_months(today, -12),
        }
        if choice in starts:
            return datetime.combine(starts[choice], time()), None
        if choice == CHOSEN:
            first = self.from_edit.date().toPython()
            last = self.to_edit.date().toPython()
            return datetime.combine(first, time()), datetime.combine(
                last + timedelta(days=1), time()
            )
        return None, None

    def reload(self) -> None:
        """Ask the service again for the entries matching the filters."""
        try:
            entries = self._services.audit.list_entries(**self.filters())
        except DomainError as error:
            self.count_label.setText(str(error))
            return
        self.entries = entries
        self.model.set_rows(entries)
        shown = format_int(len(entries))
        more = (
            " (les plus récentes ; précisez les filtres pour remonter plus loin)"
            if len(entries) >= AUDIT_LIMIT
            else ""
        )
        self.count_label.setText(f"{shown} entrée{'s' if len(entries) > 1 else ''}{more}.")

    def verify(self) -> None:
        """Verify the hash chain and show the result, then list the entries again."""
        self.status = self._services.audit.chain_status()
        colour = OK_COLOUR if self.status.intact else ERROR_COLOUR
        self.chain_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.chain_label.setText(chain_text(self.status))
        self.reload()

    def _period_changed(self) -> None:
        chosen = self.period_combo.currentData() == CHOSEN
        self.from_edit.setEnabled(chosen)
        self.to_edit.setEnabled(chosen)
        if self.status is not None:
            self.reload()

    # --- purge --------------------------------------------------------------------------

    def purge(self) -> bool:
        """Remove, after confirmation, the entries older than the retention period."""
        audit = self._services.audit
        months = audit.retention_months(common.today())
        preview = audit.purge_preview()
        limit = format_date(preview.cutoff.date())
        if preview.count == 0:
            self.count_label.setText(
                f"Aucune entrée n'est antérieure au {limit} (conservation : {months} mois)."
            )
            return False
        plural = "s" if preview.count > 1 else ""
        question = (
            f"Supprimer définitivement {format_int(preview.count)} entrée{plural} du journal "
            f"d'accès antérieure{plural} au {limit} (durée de conservation : {months} mois) ?\n\n"
            "La purge est elle-même inscrite au journal, qui reste vérifiable. "
            "Elle est irréversible."
        )
        if not common.confirm(self, "Purger le journal d'accès", question, "Purger"):
            return False
        try:
            with busy():
                done = audit.purge()
                common.changes().changed.emit("audit_entry")
                self.load()
        except DomainError as error:
            common.show_error(self, error)
            return False
        self.count_label.setText(
            f"{format_int(done.count)} entrée{'s' if done.count > 1 else ''} purgée"
            f"{'s' if done.count > 1 else ''}. " + self.count_label.text()
        )
        return True

"""Suivi: the placements (mises en emploi), the follow-up agenda and the monthly hours grid,
in three tabs.

The agenda and the hours are read the first time their tab is shown (they are the heavier on a
large base); after a change, each tab reads its data again when it is next shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.agenda_tab import AgendaTab
from asr_desktop.ui.follow_up.hours_tab import HoursTab
from asr_desktop.ui.follow_up.placements_tab import PlacementsTab
from asr_desktop.ui.pages.common import PageFrame

INTRODUCTION = (
    "Les mises en emploi sur clause, en cours ou terminées, et l'agenda du suivi : actions à "
    "faire, fins de contrat, suivis à 6 et 12 mois après la sortie, éligibilités qui expirent ; "
    "et les heures de chaque mois."
)


class FollowUpPage(PageFrame):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__("Suivi", INTRODUCTION, parent)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("followUpTabs")
        self.tabs.setDocumentMode(True)
        self.placements = PlacementsTab(services, self.tabs)
        self.agenda = AgendaTab(services, self.tabs)
        self.hours = HoursTab(services, self.tabs)
        self.tabs.addTab(self.placements, "Mise&s en emploi")
        self.tabs.addTab(self.agenda, "A&genda")
        self.tabs.addTab(self.hours, "&Heures")
        self.content.addWidget(self.tabs, 1)
        self._stale: set[QWidget] = set()
        self.tabs.currentChanged.connect(self._tab_shown)
        common.changes().changed.connect(self._changed)

    def _current(self) -> PlacementsTab | AgendaTab | HoursTab:
        current = self.tabs.currentWidget()
        return current if current in (self.agenda, self.hours) else self.placements

    def _lazy(self, tab: QWidget) -> bool:
        """A tab read only when first shown, not read yet."""
        return tab in (self.agenda, self.hours) and not tab.loaded

    def _tab_shown(self, _index: int) -> None:
        tab = self._current()
        if self._lazy(tab) or tab in self._stale:
            self._stale.discard(tab)
            tab.refresh()

    def _changed(self, _what: str) -> None:
        """A write here or elsewhere: the hidden tabs read their data when next shown (the
        visible one reloads after its own writes; the window calls ``refresh`` otherwise)."""
        for hidden in (self.placements, self.agenda, self.hours):
            if hidden is not self._current() and not self._lazy(hidden):
                self._stale.add(hidden)

    # --- the commands of the window (Édition menu) ------------------------------------------

    def create_record(self) -> None:
        """Ctrl+N: a new placement."""
        self.tabs.setCurrentWidget(self.placements)
        self.placements.create_record()

    def focus_search(self) -> None:
        """Ctrl+F: the search field of the tab shown."""
        self._current().focus_search()

    def open_selected(self) -> None:
        """Entrée / Ouvrir: the selected placement, the selected agenda item, or the grid's
        current cell."""
        self._current().open_selected()

    def refresh(self) -> None:
        """Read the data of the tab shown again; the other one when it is next shown."""
        current = self._current()
        current.refresh()
        for other in (self.placements, self.agenda, self.hours):
            if other is not current and not self._lazy(other):
                self._stale.add(other)

"""Suivi: the placements (mises en emploi) and the follow-up agenda, in two tabs.

The agenda is read the first time its tab is shown (it is the heavier of the two on a large
base); after a change, each tab reads its data again when it is next shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.agenda_tab import AgendaTab
from asr_desktop.ui.follow_up.placements_tab import PlacementsTab
from asr_desktop.ui.pages.common import PageFrame

INTRODUCTION = (
    "Les mises en emploi sur clause, en cours ou terminées, et l'agenda du suivi : actions à "
    "faire, fins de contrat, suivis à 6 et 12 mois après la sortie, éligibilités qui expirent."
)


class FollowUpPage(PageFrame):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__("Suivi", INTRODUCTION, parent)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("followUpTabs")
        self.tabs.setDocumentMode(True)
        self.placements = PlacementsTab(services, self.tabs)
        self.agenda = AgendaTab(services, self.tabs)
        self.tabs.addTab(self.placements, "Mise&s en emploi")
        self.tabs.addTab(self.agenda, "A&genda")
        self.content.addWidget(self.tabs, 1)
        self._stale: set[QWidget] = set()
        self.tabs.currentChanged.connect(self._tab_shown)
        common.changes().changed.connect(self._changed)

    def _current(self) -> PlacementsTab | AgendaTab:
        return self.agenda if self.tabs.currentWidget() is self.agenda else self.placements

    def _tab_shown(self, _index: int) -> None:
        tab = self._current()
        if tab is self.agenda and not self.agenda.loaded or tab in self._stale:
            self._stale.discard(tab)
            tab.refresh()

    def _changed(self, _what: str) -> None:
        """A write here or elsewhere: the hidden tab reads its data when next shown (the
        visible one reloads after its own writes; the window calls ``refresh`` otherwise)."""
        hidden = self.placements if self._current() is self.agenda else self.agenda
        if hidden is self.placements or self.agenda.loaded:
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
        """Entrée / Ouvrir: the selected placement, or the selected agenda item."""
        self._current().open_selected()

    def refresh(self) -> None:
        """Read the data of the tab shown again; the other one when it is next shown."""
        current = self._current()
        current.refresh()
        other = self.agenda if current is self.placements else self.placements
        if other is self.placements or self.agenda.loaded:
            self._stale.add(other)

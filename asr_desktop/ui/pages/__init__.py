"""The pages of the main window, in navigation order.

Adding a page = one module with a ``QWidget`` subclass taking ``(services, parent=None)`` and
one ``PageSpec`` line below; the window builds the navigation, the stack, the « Affichage »
menu and the Ctrl+1… shortcuts from this list, and builds each page the first time it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from asr_desktop.services.container import Services
from asr_desktop.ui.pages.candidates import CandidatesPage
from asr_desktop.ui.pages.committees import CommitteesPage
from asr_desktop.ui.pages.companies import CompaniesPage
from asr_desktop.ui.pages.dashboard import DashboardPage
from asr_desktop.ui.pages.follow_up import FollowUpPage
from asr_desktop.ui.pages.markets import MarketsPage
from asr_desktop.ui.pages.parameters import ParametersPage


@dataclass(frozen=True)
class PageSpec:
    key: str  # English identifier, remembered in the settings (last page shown)
    title: str  # French, shown in the navigation column and the « Affichage » menu
    icon: str  # Qt resource path
    factory: Callable[[Services], QWidget]


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "Tableau de bord", ":/icons/dashboard.svg", DashboardPage),
    PageSpec("markets", "Marchés", ":/icons/markets.svg", MarketsPage),
    PageSpec("companies", "Entreprises", ":/icons/companies.svg", CompaniesPage),
    PageSpec("candidates", "Candidats", ":/icons/candidates.svg", CandidatesPage),
    PageSpec("follow_up", "Suivi", ":/icons/follow-up.svg", FollowUpPage),
    PageSpec("committees", "Comités", ":/icons/committees.svg", CommitteesPage),
    PageSpec("parameters", "Paramètres", ":/icons/parameters.svg", ParametersPage),
)

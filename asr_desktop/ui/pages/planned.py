"""Pages whose screens come with the next version: they say, in one paragraph, what they will
hold, and show the little the database already knows about them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from asr_desktop.domain.formats import format_date, format_int
from asr_desktop.services.container import Services
from asr_desktop.ui.pages.common import PageFrame, cell, table_model, table_view

_PANEL_STYLE = (
    "QFrame#plannedPanel { background: palette(base); border: 1px dashed palette(mid);"
    " border-radius: 8px; }"
)

CANDIDATES_TEXT = (
    "Cette page tiendra la liste des candidats, avec des filtres par statut, critère "
    "d'éligibilité, commune, prescripteur et conseiller, et la fiche de chaque personne : "
    "identité, éligibilité et justificatifs, mises en emploi, suivi et sorties, export de ses "
    "données et anonymisation."
)
FOLLOW_UP_TEXT = (
    "Cette page tiendra la grille mensuelle des heures (mises en emploi × mois, saisie au "
    "clavier comme dans un tableur, avec les totaux), l'import des relevés d'heures envoyés par "
    "les entreprises, avec l'aperçu de chaque ligne et de ses erreurs avant tout "
    "enregistrement, et l'agenda des suivis."
)
COMMITTEES_TEXT = (
    "Cette page préparera les dossiers des comités : période, périmètre, sections, aperçu des "
    "graphiques, puis export en PDF et en XLSX, pseudonymisé par défaut. En attendant, voici "
    "les comités enregistrés dans la base."
)


def _count_sentence(count: int, singular: str, plural: str, feminine: bool = False) -> str:
    if count == 0:
        return f"La base ne contient encore {'aucune' if feminine else 'aucun'} {singular}."
    noun = singular if count == 1 else plural
    return f"La base contient {format_int(count)} {noun}."


class PlannedPage(PageFrame):
    """A page whose screen is not built yet: what it will hold, in a panel, and one figure."""

    def __init__(self, title: str, text: str, icon: str, figure: str, parent=None):
        super().__init__(title, text, parent)
        self.introduction.hide()  # shown in the panel instead
        panel = QFrame(self)
        panel.setObjectName("plannedPanel")
        panel.setStyleSheet(_PANEL_STYLE)
        panel.setMaximumWidth(720)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(12)
        picture = QLabel(panel)
        picture.setPixmap(QIcon(icon).pixmap(64, 64, QIcon.Mode.Disabled))
        picture.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        heading = QLabel("En préparation pour la prochaine version", panel)
        heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        description = QLabel(text, panel)
        description.setWordWrap(True)
        self.figure = QLabel(figure, panel)
        self.figure.setObjectName("plannedFigure")
        self.figure.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        for widget in (picture, heading, description, self.figure):
            layout.addWidget(widget)
        centred = QHBoxLayout()  # stretches, not an alignment: the wrapped text keeps its height
        centred.addStretch(1)
        centred.addWidget(panel, 4)
        centred.addStretch(1)
        self.content.addStretch(1)
        self.content.addLayout(centred)
        self.content.addStretch(2)


class CandidatesPage(PlannedPage):
    def __init__(self, services: Services, parent: QWidget | None = None):
        count = services.maintenance.row_counts().get("participant", 0)
        figure = _count_sentence(count, "candidat", "candidats")
        super().__init__("Candidats", CANDIDATES_TEXT, ":/icons/candidates.svg", figure, parent)


class FollowUpPage(PlannedPage):
    def __init__(self, services: Services, parent: QWidget | None = None):
        count = services.maintenance.row_counts().get("hours_entry", 0)
        figure = _count_sentence(count, "ligne d'heures", "lignes d'heures", feminine=True)
        super().__init__("Suivi", FOLLOW_UP_TEXT, ":/icons/follow-up.svg", figure, parent)


class CommitteesPage(PageFrame):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__("Comités", COMMITTEES_TEXT, parent)
        committees = services.committees.list_committees()
        self.add_note(_count_sentence(len(committees), "comité", "comités"), "committeesSummary")
        self.model = table_model(("Date", "Type", "Intitulé", "Période"), self)
        for committee in committees:
            day = committee.meeting_date.toordinal()
            self.model.appendRow(
                [
                    cell(format_date(committee.meeting_date), day, ref=("committee", committee.id)),
                    cell(committee.kind.label),
                    cell(committee.title),
                    cell(
                        f"du {format_date(committee.period_start)} "
                        f"au {format_date(committee.period_end)}",
                        committee.period_start.toordinal(),
                    ),
                ]
            )
        self.view = table_view(self.model, self)
        self.view.setObjectName("committeesTable")
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.view.setColumnWidth(0, 110)
        self.view.setColumnWidth(1, 180)
        self.view.setColumnWidth(2, 360)
        self.content.addWidget(self.view, 1)

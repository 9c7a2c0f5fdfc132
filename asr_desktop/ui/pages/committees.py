"""Comités: the committees recorded so far (the dossier builder comes with its own issue)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from asr_desktop.domain.formats import format_date, format_int
from asr_desktop.services.container import Services
from asr_desktop.ui.pages.common import PageFrame, cell, table_model, table_view

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

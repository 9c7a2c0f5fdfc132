"""The look-alikes dialog shown when a new participant resembles stored ones
(forms/duplicates_dialog.ui): each record with why it looks alike, « Ouvrir la fiche
existante » or « Créer quand même »."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QWidget

from asr_desktop.domain.model import DuplicateCandidate
from asr_desktop.ui import common
from asr_desktop.ui.candidates.fields import Lookups
from asr_desktop.ui.candidates.models import duplicate_columns
from asr_desktop.ui.forms.ui_duplicates_dialog import Ui_DuplicatesDialog
from asr_desktop.ui.item_models import RecordTableModel, SearchProxy


@dataclass(frozen=True)
class DuplicateChoice:
    open_id: int | None = None  # open this existing record instead
    create_anyway: bool = False  # create the new record all the same


class DuplicatesDialog(QDialog):
    def __init__(
        self,
        candidates: list[DuplicateCandidate],
        lookups: Lookups,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_DuplicatesDialog()
        self.ui.setupUi(self)
        self.choice = DuplicateChoice()
        count = len(candidates)
        self.ui.introLabel.setText(
            "Un dossier existant ressemble à celui que vous créez :"
            if count == 1
            else f"{count} dossiers existants ressemblent à celui que vous créez :"
        )
        self.model = RecordTableModel(duplicate_columns(lookups, common.today()), candidates, self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = common.record_view(self.proxy, "duplicatesTable", self)
        self.view.setWordWrap(True)  # every reason readable, on two lines if need be
        self.view.setColumnWidth(0, 280)
        self.view.resizeRowsToContents()
        self.ui.tableLayout.addWidget(self.view)
        self.view.selectRow(0)
        self.view.activated.connect(lambda _index: self._open())
        self.ui.openButton.clicked.connect(self._open)
        self.ui.createButton.clicked.connect(self._create)
        self.ui.cancelButton.clicked.connect(self.reject)
        self.view.setFocus()

    def selected(self) -> DuplicateCandidate | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.proxy.record_at(rows[0])

    def _open(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        self.choice = DuplicateChoice(open_id=chosen.participant.id)
        self.accept()

    def _create(self) -> None:
        self.choice = DuplicateChoice(create_anyway=True)
        self.accept()


def choose(
    parent: QWidget | None, candidates: list[DuplicateCandidate], lookups: Lookups
) -> DuplicateChoice:
    """Ask the adviser (tests replace this function: ``duplicates.choose``)."""
    dialog = DuplicatesDialog(candidates, lookups, parent)
    dialog.exec()
    return dialog.choice

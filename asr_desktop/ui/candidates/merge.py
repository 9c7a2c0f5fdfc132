"""Merge two records of the same person (forms/merge_dialog.ui): find the other record,
look at both side by side, choose which one stays, confirm; ``ParticipantService.merge`` moves
everything of the dropped record to the kept one and deletes it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from asr_desktop.domain.model import Participant
from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.candidates.fields import Lookups, french_buttons
from asr_desktop.ui.candidates.models import (
    comparison_columns,
    comparison_rows,
    participant_columns,
)
from asr_desktop.ui.candidates.participant_dialog import describe
from asr_desktop.ui.forms.ui_merge_dialog import Ui_MergeDialog
from asr_desktop.ui.item_models import RecordTableModel, SearchProxy

RESULTS_LIMIT = 50


class MergeDialog(QDialog):
    def __init__(
        self,
        services: Services,
        lookups: Lookups,
        current: Participant,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_MergeDialog()
        self.ui.setupUi(self)
        self._services = services
        self._lookups = lookups
        self._current = current
        self.merged: Participant | None = None
        ui = self.ui
        ui.keepLabel.setText(
            f"Dossier ouvert : {describe(current)}. Cherchez l'autre dossier de la même "
            "personne, vérifiez-les côte à côte, puis fusionnez-les."
        )
        french_buttons(ui.buttonBox, save="&Fusionner…")
        self.merge_button = ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        ui.buttonBox.accepted.connect(self.accept)
        ui.buttonBox.rejected.connect(self.reject)
        self.results = RecordTableModel(participant_columns(lookups, common.today())[:7], [], self)
        self.results_proxy = SearchProxy(self)
        self.results_proxy.setSourceModel(self.results)
        self.results_view = common.record_view(self.results_proxy, "mergeCandidatesTable", self)
        self.results_view.setMinimumHeight(150)
        ui.resultsLayout.addWidget(self.results_view)
        self.comparison = RecordTableModel(comparison_columns("", ""), [], self)
        self.comparison_view = common.record_view(self.comparison, "mergeComparisonTable", self)
        self.comparison_view.setSortingEnabled(False)
        self.comparison_view.setMinimumHeight(220)
        ui.comparisonLayout.addWidget(self.comparison_view)
        self.errors = common.FormErrors(ui.generalErrorLabel)
        ui.searchEdit.textChanged.connect(self._search)
        ui.searchEdit.returnPressed.connect(self._choose_first)
        self.results_view.selectionModel().selectionChanged.connect(self._compare)
        self.results_view.activated.connect(lambda _index: self.comparison_view.setFocus())
        ui.swapCheck.toggled.connect(self._compare)
        ui.searchEdit.setText(current.last_name)
        ui.searchEdit.selectAll()
        ui.searchEdit.setFocus()
        self._compare()

    # --- choosing the other record ---------------------------------------------------------

    def _search(self, text: str) -> None:
        found = [
            p
            for p in self._services.participants.search(text, limit=RESULTS_LIMIT + 1)
            if p.id != self._current.id
        ]
        shown = found[:RESULTS_LIMIT]
        self.results.set_rows(shown)
        if not shown:
            note = f"Aucun autre dossier ne correspond à « {text.strip()} »." if text else ""
        elif len(found) > RESULTS_LIMIT:
            note = f"{RESULTS_LIMIT} premiers résultats — précisez la recherche."
        else:
            note = ""
        self.ui.resultsNoteLabel.setText(note)
        self.ui.resultsNoteLabel.setVisible(bool(note))
        self._compare()

    def _choose_first(self) -> None:
        if self.results_proxy.rowCount() and not self.results_view.selectionModel().hasSelection():
            self.results_view.selectRow(0)
        self.results_view.setFocus()

    def other(self) -> Participant | None:
        rows = self.results_view.selectionModel().selectedRows()
        return self.results_proxy.record_at(rows[0]) if rows else None

    def pair(self) -> tuple[Participant, Participant] | None:
        """(kept, dropped) as chosen, or None while no other record is selected."""
        other = self.other()
        if other is None:
            return None
        if self.ui.swapCheck.isChecked():
            return other, self._current
        return self._current, other

    # --- side by side ----------------------------------------------------------------------

    def _compare(self, *_args) -> None:
        pair = self.pair()
        self.merge_button.setEnabled(pair is not None)
        if pair is None:
            self.comparison.set_rows([])
            self.ui.effectLabel.setText(
                "Choisissez dans la liste l'autre dossier de cette personne."
            )
            return
        keep, drop = pair
        columns = comparison_columns(f"Conservé : {keep.reference}", f"Fusionné : {drop.reference}")
        self.comparison.columns = tuple(columns)  # same count: the reset below redraws titles
        self.comparison.set_rows(comparison_rows(keep, drop, self._lookups))
        self.ui.effectLabel.setText(
            f"Le dossier {drop.reference} sera supprimé : ses critères d'éligibilité, ses mises "
            f"en emploi (avec leurs heures), son suivi et ses sorties passeront au dossier "
            f"{keep.reference}, dont les champs vides seront complétés (en vert). En orange, "
            "les valeurs différentes : celles du dossier conservé restent."
        )

    # --- merging ---------------------------------------------------------------------------

    def accept(self) -> None:
        pair = self.pair()
        if pair is None:
            self.errors.show("Choisissez d'abord l'autre dossier.")
            return
        keep, drop = pair
        question = (
            f"Fusionner le dossier {drop.reference} dans le dossier {keep.reference} ?\n\n"
            f"Le dossier {drop.reference} sera supprimé. Cette opération ne peut pas être annulée."
        )
        if not common.confirm(self, "Fusionner les dossiers", question, yes="Fusionner"):
            return
        merged = self.errors.guard(lambda: self._services.participants.merge(keep.id, drop.id))
        if merged is None:
            return
        self.merged = merged
        common.changes().changed.emit("participant")
        super().accept()

"""The lot pane, shown under the tree when a lot is selected: where the lot sits, its progress
with the forecast at its end date and the penalty, then tabs for the clause and its
calibration calculator, the attributions, the placements, the progress in detail and the
contact log. Everything is read through the services when a lot is shown (« open a lot page
≤ 150 ms », product.md §6)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.criteria import CRITERIA_BY_CODE
from asr_desktop.domain.errors import DomainError
from asr_desktop.domain.formats import format_amount, format_date, format_hours, format_percent
from asr_desktop.services.clauses import LotOverview
from asr_desktop.services.container import Services
from asr_desktop.services.hours import LotProgress
from asr_desktop.ui import common
from asr_desktop.ui.common import changes
from asr_desktop.ui.markets.attributions import AttributionsTab
from asr_desktop.ui.markets.calculator import CalibrationCalculator
from asr_desktop.ui.markets.lot_tabs import ContactLogTab, PlacementsTab
from asr_desktop.ui.markets.progress_tab import ProgressTab, progress_sentence
from asr_desktop.ui.markets.texts import lot_caption

_TABS = ("Clause et calibrage", "Attributions", "Mises en emploi", "Avancement", "Journal")


def _yes_no(flag: bool) -> str:
    return "oui" if flag else "non"


class ElidedLabel(QLabel):
    """One line, cut with « … » when too long; the whole text is the tooltip."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""
        self.setMinimumWidth(1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideMiddle, max(self.width(), 1)
        )
        super().setText(shown)


class LotPane(QWidget):
    """``show_lot(lot_id)`` fills everything; ``lot_changed`` is emitted after a write here
    (calibration applied, attribution, log entry) so the page updates the tree."""

    lot_changed = Signal(int)
    edit_requested = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self.overview: LotOverview | None = None
        self.progress: LotProgress | None = None
        self.title_label = QLabel(self)
        self.title_label.setObjectName("lotTitle")
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        self.path_label = ElidedLabel(self)
        self.path_label.setObjectName("lotPath")
        self.edit_button = QPushButton("Modifier &le lot…", self)
        self.edit_button.setObjectName("editLotButton")
        self.edit_button.clicked.connect(self._ask_edit)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("lotProgressBar")
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(260)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("lotProgressSummary")
        self.summary_label.setWordWrap(True)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title_label)
        titles.addWidget(self.path_label)
        head.addLayout(titles, 1)
        head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        strip = QHBoxLayout()
        strip.addWidget(self.bar)
        strip.addWidget(self.summary_label, 1)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("lotTabs")
        self.tabs.addTab(self._clause_tab(), _TABS[0])
        self.attributions = AttributionsTab(services, self)
        self.placements = PlacementsTab(services, self)
        self.progress_tab = ProgressTab(self)
        self.contact_log = ContactLogTab(services, self)
        for widget, title in zip(
            (self.attributions, self.placements, self.progress_tab, self.contact_log),
            _TABS[1:],
            strict=True,
        ):
            self.tabs.addTab(widget, title)
        self.attributions.changed.connect(self._written)
        self.contact_log.changed.connect(self._written)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(head)
        layout.addLayout(strip)
        layout.addWidget(self.tabs, 1)

    def _clause_tab(self) -> QWidget:
        tab = QWidget(self)
        clause = QGroupBox("Clause", tab)
        self.clause_form = QFormLayout(clause)
        self.clause_labels: dict[str, QLabel] = {}
        for key, caption in (
            ("required", "Heures exigées"),
            ("publics", "Publics éligibles"),
            ("penalty", "Pénalité par heure"),
            ("globalisation", "Globalisation"),
            ("training", "Heures de formation"),
            ("conversion", "Conversion des factures"),
            ("text", "Texte de la clause"),
        ):
            label = QLabel(clause)
            label.setObjectName(f"clause_{key}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.clause_form.addRow(caption, label)
            self.clause_labels[key] = label
        calculator_box = QGroupBox("Calculateur d'heures", tab)
        self.calculator = CalibrationCalculator(self._services, calculator_box)
        self.apply_button = QPushButton("A&ppliquer au lot", calculator_box)
        self.apply_button.setObjectName("applyCalibrationButton")
        self.apply_button.clicked.connect(self.apply_calibration)
        self.calculator.changed.connect(self._calculator_moved)
        self.apply_note = QLabel(calculator_box)
        self.apply_note.setObjectName("applyNote")
        self.apply_note.setWordWrap(True)
        self.calculator.result_line.addWidget(self.apply_button)
        self.calculator.form.insertRow(2, self.apply_note)
        box = QVBoxLayout(calculator_box)
        box.addWidget(self.calculator)
        box.addStretch(1)
        layout = QHBoxLayout(tab)
        layout.addWidget(clause, 1)
        layout.addWidget(calculator_box, 1)
        return tab

    # --- showing a lot ------------------------------------------------------------------

    @property
    def lot_id(self) -> int | None:
        return self.overview.lot.id if self.overview is not None else None

    def show_lot(self, lot_id: int) -> None:
        s = self._services
        self.overview = overview = s.clauses.lot_overview(lot_id)
        self.progress = s.hours.lot_progress(lot_id, common.today())
        lot = overview.lot
        self.title_label.setText(lot_caption(lot.number, lot.title))
        self.path_label.setText(
            f"{overview.authority.name} › {overview.operation.name} › "
            f"{overview.market.reference} — {overview.market.object}"
        )
        self._show_progress()
        self._show_clause()
        self.calculator.set_context(lot.market_id, lot.amount_ht, lot.calibration)
        self.attributions.show_lot(lot, overview.attributions)
        counts = (
            len(overview.attributions),
            self.placements.show_lot(lot_id),
            None,
            self.contact_log.show_lot(lot_id),
        )
        for position, count in enumerate(counts, start=1):
            title = _TABS[position]
            self.tabs.setTabText(position, f"{title} ({count})" if count is not None else title)

    def _show_progress(self) -> None:
        result, lot = self.progress, self.overview.lot  # type: ignore[union-attr]
        assert result is not None
        ratio = result.progress.ratio
        self.bar.setValue(int(min(ratio or 0, 1) * 1000))
        self.bar.setFormat(format_percent(ratio, 0) if ratio is not None else "—")
        dates = []
        if lot.start_date or lot.end_date:
            dates.append(f"du {format_date(lot.start_date)} au {format_date(lot.end_date)}")
        self.summary_label.setText(
            " · ".join([lot.status.label, *dates, progress_sentence(result, lot.penalty_per_hour)])
        )
        self.progress_tab.show_progress(result, lot.penalty_per_hour)
        services = self._services
        self.progress_tab.show_pooled(
            lot.id, services.hours.pooled_obligations(lot.id), services.placements.lot_label
        )

    def _show_clause(self) -> None:
        lot = self.overview.lot  # type: ignore[union-attr]
        calibration = lot.calibration
        labels = self.clause_labels
        labels["required"].setText(
            f"{format_hours(calibration.required_hours)} ({calibration.method.label.lower()})"
        )
        publics = lot.eligible_publics
        labels["publics"].setText(
            ", ".join(publics) if publics else "tout critère de la liste commune des clauses"
        )
        labels["publics"].setToolTip(
            "\n".join(CRITERIA_BY_CODE[c].label for c in publics if c in CRITERIA_BY_CODE)
        )
        labels["penalty"].setText(
            format_amount(lot.penalty_per_hour) if lot.penalty_per_hour is not None else "aucune"
        )
        labels["globalisation"].setText(
            "autorisée" if lot.globalisation_allowed else "non autorisée"
        )
        labels["training"].setText(f"comptées : {_yes_no(lot.training_hours_counted)}")
        share, cost = lot.conversion_labour_share, lot.conversion_hourly_cost
        labels["conversion"].setText(
            f"part de main-d'œuvre {format_percent(share, 1) if share is not None else 'par défaut'}"
            f", coût horaire {format_amount(cost) if cost is not None else 'par défaut'}"
        )
        labels["text"].setText(lot.clause_text or "—")

    # --- actions ------------------------------------------------------------------------

    def _calculator_moved(self) -> None:
        result = self.calculator.result
        stored = self.overview.lot.calibration if self.overview is not None else None
        self.apply_button.setEnabled(result is not None and result != stored)
        if result is None:
            self.apply_note.setText("")
        elif stored is not None and result.required_hours != stored.required_hours:
            self.apply_note.setText(
                f"Actuellement {format_hours(stored.required_hours)} : « Appliquer » enregistre "
                f"{format_hours(result.required_hours)} et ces paramètres sur le lot."
            )
        else:
            self.apply_note.setText("Résultat identique aux heures exigées enregistrées.")

    def apply_calibration(self) -> None:
        """Store the calculator's method, inputs and result on the lot."""
        if self.overview is None:
            return
        lot_id = self.overview.lot.id
        calculator = self.calculator
        stored = calculator.errors.guard(
            lambda: self._services.clauses.calibrate_lot(
                lot_id, calculator.method(), calculator.inputs()
            )
        )
        if stored is None:
            return
        changes().changed.emit("lot")
        self._written()

    def _written(self) -> None:
        lot_id = self.lot_id
        if lot_id is None:
            return
        try:
            self.show_lot(lot_id)
        except DomainError as error:  # the lot vanished meanwhile
            common.show_error(self, error)
            return
        self.lot_changed.emit(lot_id)

    def _ask_edit(self) -> None:
        if self.lot_id is not None:
            self.edit_requested.emit(self.lot_id)

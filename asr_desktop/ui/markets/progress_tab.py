"""« Avancement » of the lot pane: required and credited hours, the recent pace, the forecast
at the end date with the expected shortfall and the penalty it would cost (figures from
``HoursService.lot_progress``, i.e. ``domain.progress``), and the hours credited month by
month; and the obligations the lot shares with others by a globalisation convention."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from asr_desktop.domain.formats import (
    format_amount,
    format_date,
    format_hours,
    format_int,
    format_month,
    format_percent,
)
from asr_desktop.domain.progress import RiskStatus
from asr_desktop.services.hours import LotProgress
from asr_desktop.ui.common import record_view
from asr_desktop.ui.item_models import TONES, Column, RecordTableModel, SearchProxy

Month = tuple[date, Decimal]

MONTH_COLUMNS: tuple[Column[Month], ...] = (
    Column("Mois", lambda m: m[0], text=lambda d: format_month(d), width=150),
    Column("Heures créditées", lambda m: m[1], text=format_hours, align="right", width=140),
)
_TONE = {RiskStatus.ON_TRACK: "success", RiskStatus.AT_RISK: "warning", RiskStatus.LATE: "error"}


def progress_sentence(result: LotProgress, penalty_per_hour: Decimal | None) -> str:
    """One line: credited / required, and the forecast with its penalty when there is one."""
    done = result.progress
    text = f"{format_hours(done.credited)} créditées sur {format_hours(done.required)}"
    forecast = result.forecast
    if forecast is None:
        return f"{text} ; sans date de fin, pas de prévision"
    text += (
        f" ; prévision à la fin : {format_hours(forecast.forecast)}"
        f" ({forecast.status.label.lower()})"
    )
    if forecast.shortfall > 0 and penalty_per_hour is not None:
        text += f", pénalité estimée {format_amount(result.penalty)}"
    return text


class ProgressTab(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, caption in (
            ("required", "Heures exigées"),
            ("credited", "Heures créditées à ce jour"),
            ("left", "Reste à réaliser"),
            ("pace", "Rythme récent"),
            ("planned", "Mises en emploi à venir"),
            ("remaining", "Mois restants"),
            ("forecast", "Prévision à la fin"),
            ("shortfall", "Déficit prévu"),
            ("penalty", "Pénalité estimée"),
            ("status", "Situation"),
        ):
            label = QLabel(self)
            label.setObjectName(f"progress_{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(caption, label)
            self.values[key] = label
        self.model: RecordTableModel[Month] = RecordTableModel(MONTH_COLUMNS)
        self.model.setParent(self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = record_view(self.proxy, "lotMonthlyHoursTable", self)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.pooled = QLabel(self)
        self.pooled.setObjectName("pooledObligations")
        self.pooled.setWordWrap(True)
        self.pooled.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pooled.hide()
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.pooled)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(self.view, 2)

    def show_pooled(self, lot_id: int, obligations, lot_label) -> None:
        """The globalisation conventions pooling the lot: the hours pooled, what goes to this
        lot by the key, and what was declared on it (``HoursService.pooled_obligations``;
        ``lot_label(lot_id)`` names the other lots)."""
        lines = []
        for obligation in obligations:
            own = next((p for p in obligation.lots if p.lot_id == lot_id), None)
            if own is None:
                continue
            others = ", ".join(lot_label(p.lot_id) for p in obligation.lots if p.lot_id != lot_id)
            key = (
                "au prorata des heures exigées"
                if obligation.convention.allocation_key == ("prorata")
                else "parts fixées"
            )
            lines.append(
                f"<b>{escape(obligation.convention.name)}</b> (avec {escape(others)} ; {key}) : "
                f"{format_hours(obligation.pool)} mises en commun ; part de ce lot "
                f"{format_percent(own.share, 2)}, soit <b>{format_hours(own.allocated)}</b> "
                f"comptées ici (déclarées sur ce lot : {format_hours(own.declared)})."
            )
        self.pooled.setText(
            "Obligations mises en commun (globalisation), comprises dans les heures créditées :"
            "<br>" + "<br>".join(lines)
            if lines
            else ""
        )
        self.pooled.setVisible(bool(lines))

    def show_progress(self, result: LotProgress, penalty_per_hour: Decimal | None) -> None:
        done, forecast, v = result.progress, result.forecast, self.values
        v["required"].setText(format_hours(done.required))
        share = f" ({format_percent(done.ratio, 1)})" if done.ratio is not None else ""
        v["credited"].setText(format_hours(done.credited) + share)
        v["left"].setText(format_hours(done.shortfall) if done.shortfall else "rien : atteint")
        self.model.set_rows(result.monthly)
        if forecast is None:
            for key in ("pace", "planned", "remaining", "forecast", "shortfall"):
                v[key].setText("—")
            v["status"].setText("Sans date de fin, la prévision n'est pas possible.")
            v["status"].setStyleSheet("")
        else:
            v["pace"].setText(f"{format_hours(forecast.pace)} par mois (derniers mois complets)")
            v["planned"].setText(f"{format_hours(forecast.planned_monthly)} par mois")
            v["remaining"].setText(format_int(forecast.remaining_months))
            ratio = f" ({format_percent(forecast.ratio, 1)})" if forecast.ratio is not None else ""
            v["forecast"].setText(format_hours(forecast.forecast) + ratio)
            v["shortfall"].setText(
                format_hours(forecast.shortfall) if forecast.shortfall else "aucun"
            )
            v["status"].setText(forecast.status.label)
            v["status"].setStyleSheet(f"color: {TONES[_TONE[forecast.status]].name()};")
        if penalty_per_hour is None:
            v["penalty"].setText("aucune pénalité prévue au contrat")
        else:
            v["penalty"].setText(
                f"{format_amount(result.penalty)} ({format_amount(penalty_per_hour)} par heure "
                "manquante)"
            )
        v["forecast"].setToolTip(f"Prévision calculée le {format_date(result.today)}")

"""The pane under the tree for a contracting authority, an operation or a market: its details,
the progress of the lots it shows (sums of the tree) and the buttons to change it or to add
what goes under it. A lot has its own pane (``lot_pane.py``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.formats import format_amount, format_date, format_hours, format_percent
from asr_desktop.domain.model import Authority, Market, Operation
from asr_desktop.domain.progress import progress
from asr_desktop.ui.markets.texts import plural
from asr_desktop.ui.markets.tree_nodes import AUTHORITY, MARKET, OPERATION, Node, Sums

CHILD_OF = {AUTHORITY: OPERATION, OPERATION: MARKET, MARKET: "lot"}
ADD_TEXT = {
    AUTHORITY: "A&jouter une opération…",
    OPERATION: "A&jouter un marché…",
    MARKET: "A&jouter un lot…",
}
EDIT_TEXT = {
    AUTHORITY: "Modifier &le donneur d'ordre…",
    OPERATION: "Modifier &l'opération…",
    MARKET: "Modifier &le marché…",
}


def _dates(start, end) -> str:
    if start and end:
        return f"du {format_date(start)} au {format_date(end)}"
    if start:
        return f"à partir du {format_date(start)}"
    return f"jusqu'au {format_date(end)}" if end else "—"


def details(record: Authority | Operation | Market) -> list[tuple[str, str]]:
    """(caption, value) lines describing the record."""
    if isinstance(record, Authority):
        contact = " · ".join(
            x for x in (record.contact_name, record.contact_email, record.contact_phone) if x
        )
        return [
            ("Type", record.kind.label),
            ("Commune", record.commune or "—"),
            ("SIRET", record.siret or "—"),
            ("Interlocuteur", contact or "—"),
        ]
    if isinstance(record, Operation):
        flags = [n for n, on in (("ANRU", record.anru), ("QPV", record.qpv)) if on]
        codes = " · ".join(x for x in (record.anru_convention, record.qpv_code) if x)
        return [
            ("Commune", record.commune or "—"),
            ("Zonage", (" · ".join(flags) + (f" ({codes})" if codes else "")) or "aucun"),
            ("Période", _dates(record.start_date, record.end_date)),
        ]
    amount = format_amount(record.amount_ht) if record.amount_ht is not None else "—"
    if record.frame_agreement:
        maximum = record.max_amount_ht
        amount += " (accord-cadre" + (f", maximum {format_amount(maximum)})" if maximum else ")")
    weight = record.award_weight_pct
    return [
        ("Fondement", record.mechanism.label),
        ("Type et secteur", f"{record.kind.label} · {record.sector.label}"),
        ("Montant HT", amount),
        ("Notification", format_date(record.notification_date) or "—"),
        ("Exécution", _dates(record.start_date, record.end_date)),
        ("Critère d'insertion", f"{weight.normalize():f} % de la note" if weight else "—"),
    ]


class NodePane(QWidget):
    edit_requested = Signal()
    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind: str | None = None
        self.title_label = QLabel(self)
        self.title_label.setObjectName("nodeTitle")
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.form = QFormLayout()
        self.bar = QProgressBar(self)
        self.bar.setObjectName("nodeProgressBar")
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(260)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("nodeSummary")
        self.summary_label.setWordWrap(True)
        self.edit_button = QPushButton(self)
        self.edit_button.setObjectName("editNodeButton")
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addChildButton")
        self.edit_button.clicked.connect(self.edit_requested.emit)
        self.add_button.clicked.connect(self.add_requested.emit)
        strip = QHBoxLayout()
        strip.addWidget(self.bar)
        strip.addWidget(self.summary_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title_label)
        layout.addLayout(strip)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def show_node(self, node: Node, sums: Sums, record: Authority | Operation | Market) -> None:
        """``record`` is the full value (the tree holds a light one for markets)."""
        self.kind = node.kind
        self.title_label.setText(node.caption)
        while self.form.rowCount():
            self.form.removeRow(0)
        for caption, value in details(record):
            label = QLabel(value, self)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(caption, label)
        self.edit_button.setText(EDIT_TEXT[node.kind])
        self.add_button.setText(ADD_TEXT[node.kind])
        self.show_sums(sums)

    def show_sums(self, sums: Sums) -> None:
        lots = plural(sums.lots, "lot", "lots")
        if sums.credited is None:
            self.bar.setValue(0)
            self.bar.setFormat("…")
            self.summary_label.setText(
                f"{lots} ; {format_hours(sums.required)} exigées ; heures créditées en cours "
                "de lecture…"
            )
            return
        done = progress(sums.required, sums.credited)
        self.bar.setValue(int(min(done.ratio or 0, 1) * 1000))
        self.bar.setFormat(format_percent(done.ratio, 0) if done.ratio is not None else "—")
        risky = f", dont {plural(sums.risky, 'lot', 'lots')} à risque" if sums.risky else ""
        self.summary_label.setText(
            f"{format_hours(done.credited)} créditées sur {format_hours(done.required)} "
            f"exigées ; {lots}{risky}."
        )

"""Attributions of a lot: which companies hold its clause, in what role, for what share of
the hours; added, changed and removed through ``CompanyService``. The company is chosen by
searching (name, town or SIRET, accents ignored) among the companies of the database."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from asr_desktop.domain.enums import AttributionRole
from asr_desktop.domain.errors import DomainError, ValidationError
from asr_desktop.domain.formats import format_percent
from asr_desktop.domain.model import Attribution, Company, Lot
from asr_desktop.services.container import Services
from asr_desktop.ui import common
from asr_desktop.ui.common import changes, fill_combo, record_view
from asr_desktop.ui.forms.ui_markets_attribution_dialog import Ui_MarketsAttributionDialog
from asr_desktop.ui.item_models import Column, RecordTableModel, SearchProxy
from asr_desktop.ui.markets.dialogs import RecordDialog
from asr_desktop.ui.markets.fields import fill_enum, percent_of, show_percent
from asr_desktop.ui.markets.texts import lot_caption

Held = tuple[Attribution, Company]

COLUMNS: tuple[Column[Held], ...] = (
    Column("Entreprise", lambda r: r[1].name, width=240),
    Column("Type", lambda r: r[1].kind.label, width=160),
    Column("Rôle", lambda r: r[0].role, width=150),
    Column(
        "Part des heures",
        lambda r: r[0].hours_share,
        text=lambda v: format_percent(v, 1),
        align="right",
        width=110,
    ),
)


class AttributionDialog(RecordDialog):
    """Give a company a share of the lot's clause, or change an attribution's role/share."""

    def __init__(
        self,
        services: Services,
        lot: Lot,
        held: Held | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(Ui_MarketsAttributionDialog(), parent)
        self._services, self._lot, self._held = services, lot, held
        ui = self.ui
        ui.lotLabel.setText(lot_caption(lot.number, lot.title))
        fill_enum(ui.roleCombo, AttributionRole, held[0].role if held else None)
        if held is not None:
            self.setWindowTitle("Modifier l'attribution")
            fill_combo(ui.companyCombo, [(held[1].name, held[1].id)])
            ui.companyCombo.setEnabled(False)
            ui.companySearchEdit.hide()
            ui.companySearchLabel.hide()
            show_percent(ui.shareEdit, held[0].hours_share)
        else:
            self.setWindowTitle("Attribuer le lot à une entreprise")
            fill_combo(ui.companyCombo, [], empty="— tapez un nom, une ville ou un SIRET —")
            ui.companySearchEdit.textChanged.connect(self.search)
            ui.shareEdit.setText(format_percent(1, 0))
        self.errors.bind("company_id", ui.companyCombo, "lot_id")
        self.errors.bind("role", ui.roleCombo)
        self.errors.bind("hours_share", ui.shareEdit)
        self.errors.check_when_left(
            ui.shareEdit, "hours_share", lambda: percent_of(ui.shareEdit, "hours_share")
        )

    def search(self, text: str) -> None:
        """Offer the companies matching what is typed (at most 50, best first)."""
        found = self._services.companies.search_companies(text, limit=50) if text.strip() else []
        fill_combo(
            self.ui.companyCombo,
            [(_company_choice(c), c.id) for c in found],
            empty=None if found else "— aucune entreprise ne correspond —",
        )
        self.ui.companyCombo.setCurrentIndex(0)

    def save(self) -> Attribution:
        ui = self.ui
        company_id = ui.companyCombo.currentData()
        if company_id is None:
            raise ValidationError(
                "Choisissez l'entreprise attributaire : tapez une partie de son nom, de sa "
                "ville ou de son SIRET dans « Rechercher ».",
                "company_id",
            )
        value = Attribution(
            id=self._held[0].id if self._held else None,
            lot_id=self._lot.id,  # type: ignore[arg-type]
            company_id=company_id,
            role=AttributionRole(ui.roleCombo.currentData()),
            hours_share=percent_of(ui.shareEdit, "hours_share"),  # type: ignore[arg-type]
        )
        companies = self._services.companies
        if self._held is None:
            return companies.add_attribution(value)
        return companies.update_attribution(value)


def _company_choice(company: Company) -> str:
    where = f" — {company.city}" if company.city else ""
    return f"{company.name}{where} ({company.siret})"


class AttributionsTab(QWidget):
    """The table of a lot's attributions, with « Ajouter… », « Modifier… », « Supprimer »."""

    changed = Signal()  # an attribution was stored or removed

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self._lot: Lot | None = None
        self.dialog: AttributionDialog | None = None
        self.model: RecordTableModel[Held] = RecordTableModel(COLUMNS, parent=self)
        self.proxy = SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = record_view(self.proxy, "lotAttributionsTable", self)
        self.view.activated.connect(lambda _index: self.edit())
        self.total_label = QLabel(self)
        self.total_label.setObjectName("attributionsTotal")
        self.add_button = QPushButton("A&jouter…", self)
        self.edit_button = QPushButton("Modif&ier…", self)
        self.remove_button = QPushButton("&Supprimer", self)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.total_label, 1)
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)  # the buttons first: always in sight
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self.view.selectionModel().currentChanged.connect(self._enable)
        self._enable()

    def show_lot(self, lot: Lot, attributions: Sequence[Held]) -> None:
        self._lot = lot
        self.model.set_rows(attributions)
        total = sum((a.hours_share for a, _c in attributions), Decimal(0))
        self.total_label.setText(
            f"Parts attribuées : {format_percent(total, 1)}"
            if attributions
            else "Aucune entreprise n'est encore attributaire de ce lot."
        )
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))
        self._enable()

    def selected(self) -> Held | None:
        index = self.view.currentIndex()
        return self.proxy.record_at(index) if index.isValid() else None

    def _enable(self, *_args: QModelIndex) -> None:
        has = self.selected() is not None
        self.add_button.setEnabled(self._lot is not None)
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def add(self) -> None:
        if self._lot is not None:
            self._open(AttributionDialog(self._services, self._lot, None, self))

    def edit(self) -> None:
        held = self.selected()
        if self._lot is not None and held is not None:
            self._open(AttributionDialog(self._services, self._lot, held, self))

    def _open(self, dialog: AttributionDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(self.changed.emit)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def remove(self) -> None:
        held = self.selected()
        if held is None or self._lot is None:
            return
        attribution, company = held
        if not common.confirm(
            self,
            "Supprimer l'attribution",
            f"Retirer « {company.name} » des attributaires de ce lot ? Ses mises en emploi "
            "et ses heures restent enregistrées.",
            yes="Supprimer",
        ):
            return
        try:
            self._services.companies.remove_attribution(attribution.id)  # type: ignore[arg-type]
        except DomainError as error:
            common.show_error(self, error)
            return
        changes().changed.emit("lot")
        self.changed.emit()

    def focus_list(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

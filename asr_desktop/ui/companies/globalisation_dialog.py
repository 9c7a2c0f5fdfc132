"""A new globalisation convention for a company (``forms/globalisation_dialog.ui``): its name,
dates, key of distribution, and the lots it pools, chosen among the lots the company holds
(a check box per lot; a share per lot under the manual key). Saving calls
``CompanyService.create_globalisation``, which checks every rule (lots held, globalisation
allowed on each lot, shares summing to 100 %)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QWidget

from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_hours, format_percent, parse_percent
from asr_desktop.domain.model import Company, GlobalisationConvention
from asr_desktop.services.companies import CompanyService, HeldLot
from asr_desktop.ui import common
from asr_desktop.ui.follow_up.fields import date_field, read_date
from asr_desktop.ui.forms.ui_globalisation_dialog import Ui_GlobalisationDialog

AnyIndex = QModelIndex | QPersistentModelIndex
KEYS = (("Au prorata des heures exigées des lots", "prorata"), ("Parts fixées à la main", "manual"))
COLUMNS = ("Lot", "Marché", "Heures exigées", "Globalisation", "Part (clé manuelle)")
SHARE = len(COLUMNS) - 1


def held_lot_label(held: HeldLot) -> str:
    return f"{held.market.reference} · lot {held.lot.number} — {held.lot.title}"


class HeldLotChoice(QAbstractTableModel):
    """The lots a company holds: a check box to pool each, and its share (manual key)."""

    def __init__(self, held: list[HeldLot], parent=None):
        super().__init__(parent)
        self.held = list(held)
        self.checked = [False] * len(self.held)
        self.shares = [""] * len(self.held)
        self.manual = False

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.held)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == SHARE and self.manual and self.checked[index.row()]:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        held, column = self.held[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return (
                Qt.CheckState.Checked if self.checked[index.row()] else Qt.CheckState.Unchecked
            ).value
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == SHARE:
                return self.shares[index.row()] if self.manual else "—"
            return (
                f"{held.lot.number} — {held.lot.title}",
                held.market.reference,
                format_hours(held.lot.calibration.required_hours),
                "autorisée" if held.lot.globalisation_allowed else "non autorisée",
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column <= 1:
            return f"{held_lot_label(held)}\n{held.market.object}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, SHARE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        row = index.row()
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            self.checked[row] = Qt.CheckState(value) == Qt.CheckState.Checked
            self.dataChanged.emit(index, self.index(row, SHARE))
            return True
        if role == Qt.ItemDataRole.EditRole and index.column() == SHARE:
            self.shares[row] = str(value).strip()
            self.dataChanged.emit(index, index)
            return True
        return False

    def set_manual(self, manual: bool) -> None:
        self.beginResetModel()
        self.manual = manual
        self.endResetModel()

    def lot_shares(self) -> tuple[tuple[int, Decimal], ...]:
        """(lot id, share) of the lots checked; the shares typed as « 40 % », « 0,4 » or « 40 »
        under the manual key, 0 under the prorata key (computed by the service)."""
        chosen = []
        for held, checked, text in zip(self.held, self.checked, self.shares, strict=True):
            if not checked:
                continue
            share = Decimal(0)
            if self.manual:
                try:
                    share = parse_percent(text, "lot_shares", optional=True) or Decimal(0)
                except ValidationError as error:
                    raise ValidationError(
                        f"Part du lot {held.lot.number} : {error}", "lot_shares"
                    ) from None
            chosen.append((held.lot.id, share))
        return tuple(chosen)


class GlobalisationDialog(QDialog):
    """``saved`` holds the convention created (with the shares the service computed)."""

    def __init__(
        self,
        companies: CompanyService,
        company: Company,
        held: list[HeldLot],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_GlobalisationDialog()
        self.ui.setupUi(self)
        self._companies = companies
        self.company = company
        self.saved: GlobalisationConvention | None = None
        self.ui.companyLabel.setText(
            f"Entreprise : {company.name}. Les heures réalisées sur l'un des lots regroupés "
            "sont mises en commun, puis réparties entre les lots selon la clé."
        )
        for edit in (self.ui.signedEdit, self.ui.startEdit, self.ui.endEdit):
            date_field(edit)
        common.fill_combo(self.ui.keyCombo, KEYS)
        self.lots = HeldLotChoice(held, self)
        view = self.ui.lotsView
        view.setObjectName("globalisationLotsTable")
        view.setModel(self.lots)
        view.verticalHeader().hide()
        view.setSelectionBehavior(view.SelectionBehavior.SelectRows)
        view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 110), (2, 100), (3, 100), (SHARE, 120)):
            view.setColumnWidth(column, width)
        self.ui.keyCombo.currentIndexChanged.connect(
            lambda _i: self.lots.set_manual(self.ui.keyCombo.currentData() == "manual")
        )
        save = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        save.setText("&Enregistrer")
        save.setDefault(True)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.errors = common.FormErrors(self.ui.generalErrorLabel)
        for field, widget in (
            ("name", self.ui.nameEdit),
            ("signed_on", self.ui.signedEdit),
            ("start_date", self.ui.startEdit),
            ("end_date", self.ui.endEdit),
            ("allocation_key", self.ui.keyCombo),
            ("lot_shares", view),
        ):
            self.errors.bind(field, widget)
        self.ui.nameEdit.setFocus()

    def check_lot(self, lot_id: int, share: str = "") -> None:
        """Tick a lot (and type its share): what a click and typing in the table do."""
        row = next(n for n, h in enumerate(self.lots.held) if h.lot.id == lot_id)
        self.lots.setData(
            self.lots.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
        )
        if share:
            self.lots.setData(self.lots.index(row, SHARE), share)

    def value(self) -> GlobalisationConvention:
        ui = self.ui
        return GlobalisationConvention(
            id=None,
            company_id=self.company.id,
            name=ui.nameEdit.text(),
            signed_on=read_date(ui.signedEdit, "signed_on", "La date de signature"),
            start_date=read_date(ui.startEdit, "start_date", "La date de début"),
            end_date=read_date(ui.endEdit, "end_date", "La date de fin"),
            allocation_key=ui.keyCombo.currentData(),
            lot_shares=self.lots.lot_shares(),
        )

    def accept(self) -> None:
        saved = self.errors.guard(lambda: self._companies.create_globalisation(self.value()))
        if saved is None:
            return
        self.saved = saved
        common.changes().changed.emit("company")
        super().accept()


def shares_text(convention: GlobalisationConvention, labels: dict[int, str]) -> str:
    """« lot 1 — Voirie (75 %) ; lot 2 — Réseaux (25 %) »."""
    return " ; ".join(
        f"{labels.get(lot_id, f'lot n° {lot_id}')} ({format_percent(share)})"
        for lot_id, share in convention.lot_shares
    )

"""What the « Entreprises » page lists, and the columns of each of its tables.

The models are ``RecordTableModel``s over small frozen values built from what the services
return; they never call a service themselves (architecture §3.4.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt

from asr_desktop.domain.formats import format_date, format_hours, format_int, format_percent
from asr_desktop.domain.model import Company, CompanyContact, FollowUpAction
from asr_desktop.domain.progress import Progress, progress
from asr_desktop.services.companies import HeldLot
from asr_desktop.ui.companies.siret_check import display_siret
from asr_desktop.ui.item_models import RAW_ROLE, Column, RecordTableModel, attribute

#: Shown in the hours column while the totals are being summed.
PENDING = "…"
HOURS_TIP = (
    "Heures créditées sur les mises en emploi dont l'entreprise est l'employeur "
    "(ses embauches et les personnes qu'elle met à disposition)."
)


@dataclass(frozen=True)
class CompanyListing:
    """One row of the list: the company and how many lots it holds (the hours credited are
    held by the model, as they arrive later)."""

    company: Company
    lots_held: int = 0

    @property
    def id(self) -> int | None:
        return self.company.id


def commune(company: Company) -> str:
    return " ".join(part for part in (company.postcode, company.city) if part)


HOURS_COLUMN = 5


class CompanyTableModel(RecordTableModel[CompanyListing]):
    """The list of companies; ``set_totals`` fills the hours column in place (no reset: the
    selection, the search and the other cached texts stay)."""

    def __init__(self, parent=None):
        super().__init__(self._columns(), parent=parent)
        self.totals: dict[int, Decimal] | None = None

    def credited(self, listing: CompanyListing) -> Decimal | None:
        if self.totals is None:
            return None
        return self.totals.get(listing.company.id, Decimal(0))

    def set_totals(self, totals: dict[int, Decimal] | None) -> None:
        self.totals = totals
        if self.rowCount():
            first = self.index(0, HOURS_COLUMN)
            last = self.index(self.rowCount() - 1, HOURS_COLUMN)
            self.dataChanged.emit(first, last)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            index.isValid()
            and index.column() == HOURS_COLUMN
            and role in (Qt.ItemDataRole.DisplayRole, RAW_ROLE)
            and index.row() < self.rowCount()
        ):
            value = self.credited(self.row_at(index.row()))
            if role == RAW_ROLE:
                return PENDING if value is None else float(value)
            return PENDING if value is None else format_hours(value)
        return super().data(index, role)

    def _columns(self) -> tuple[Column[CompanyListing], ...]:
        return (
            Column("Raison sociale", lambda r: r.company.name, width=260),
            Column(
                "SIRET",
                lambda r: r.company.siret,
                text=display_siret,
                searchable=False,  # digits typed in the search are matched on the SIRET itself
                width=135,
            ),
            # the kind has its own filter: left out of the search line, which stays short
            Column("Type", lambda r: r.company.kind, searchable=False, width=190),
            Column(
                "Commune", lambda r: commune(r.company), sort=lambda r: r.company.city, width=180
            ),
            Column(
                "Lots tenus",
                attribute("lots_held"),
                text=format_int,
                align="right",
                searchable=False,
                width=85,
            ),
            Column(
                "Heures créditées",
                self.credited,
                text=lambda _value: "",  # shown by data(): the totals arrive after the rows
                align="right",
                tooltip=lambda r: HOURS_TIP,
                searchable=False,
                width=120,
            ),
        )


# --- lots held -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldLotLine:
    held: HeldLot
    credited: Decimal

    @property
    def progress(self) -> Progress:
        return progress(self.held.lot.calibration.required_hours, self.credited)


def _ratio_text(value: Decimal | None) -> str:
    return "—" if value is None else format_percent(value)


HELD_LOT_COLUMNS: tuple[Column[HeldLotLine], ...] = (
    Column(
        "Lot",
        lambda r: f"{r.held.lot.number} — {r.held.lot.title}",
        sort=lambda r: (r.held.market.reference, r.held.lot.number),
        width=170,
    ),
    Column(
        "Marché",
        lambda r: r.held.market.reference,
        tooltip=lambda r: (
            f"{r.held.market.object} — {r.held.operation.name} ({r.held.authority.name})"
        ),
        width=120,
    ),
    Column("Rôle", lambda r: r.held.attribution.role, width=100),
    Column(
        "Part",
        lambda r: r.held.attribution.hours_share,
        text=format_percent,
        align="right",
        width=55,
    ),
    Column(
        "Heures exigées",
        lambda r: r.held.lot.calibration.required_hours,
        text=format_hours,
        align="right",
        tooltip=lambda r: "Heures d'insertion exigées sur l'ensemble du lot.",
        width=100,
    ),
    Column(
        "Heures créditées",
        attribute("credited"),
        text=format_hours,
        align="right",
        tooltip=lambda r: "Heures créditées sur le lot, tous employeurs confondus.",
        width=110,
    ),
    Column(
        "Avancement",
        lambda r: r.progress.ratio,
        text=_ratio_text,
        align="right",
        width=90,
    ),
)


# --- hours per year --------------------------------------------------------------------------


@dataclass(frozen=True)
class YearHours:
    year: int
    credited: Decimal


YEAR_COLUMNS: tuple[Column[YearHours], ...] = (
    Column("Année", attribute("year"), text=str, width=90),
    Column("Heures créditées", attribute("credited"), text=format_hours, align="right"),
)


# --- contacts --------------------------------------------------------------------------------

CONTACT_COLUMNS: tuple[Column[CompanyContact], ...] = (
    Column("Nom", attribute("name"), width=180),
    Column("Fonction", attribute("role"), width=170),
    Column("Téléphone", attribute("phone"), width=120),
    Column("Courriel", attribute("email")),
)


# --- follow-up actions -----------------------------------------------------------------------


def is_open(action: FollowUpAction) -> bool:
    """An action still to do: planned (a due date) and not done."""
    return action.due_date is not None and action.done_on is None


def action_columns(today: date) -> tuple[Column[FollowUpAction], ...]:
    def tone(action: FollowUpAction) -> str | None:
        if not is_open(action):
            return "muted"
        return "error" if action.due_date and action.due_date < today else None

    def status(action: FollowUpAction) -> str:
        if action.done_on is not None:
            return f"Faite le {format_date(action.done_on)}"
        if action.due_date is None:
            return "Échange noté"
        return "En retard" if action.due_date < today else "À faire"

    return (
        Column(
            "Échéance",
            attribute("due_date"),
            sort=lambda a: (not is_open(a), a.due_date or a.occurred_on),
            tone=tone,
            width=95,
        ),
        Column("État", status, tone=tone, width=120),
        Column("Type", attribute("kind"), tone=tone, width=100),
        Column("Objet", attribute("summary"), tone=tone, width=260),
        Column("Saisie le", attribute("occurred_on"), tone=tone, width=90),
    )

"""The « Globalisation » tab of a company record: the conventions pooling the company's lots
(name, period, key, lots and their shares), and the button to create one."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from asr_desktop.domain.formats import format_date
from asr_desktop.domain.model import Company, GlobalisationConvention
from asr_desktop.services.companies import CompanyService
from asr_desktop.ui.companies.globalisation_dialog import (
    KEYS,
    GlobalisationDialog,
    held_lot_label,
    shares_text,
)
from asr_desktop.ui.companies.tabs import _RecordTab, list_view, note_label, show_rows_or_note
from asr_desktop.ui.item_models import Column

_KEY_LABELS = {code: text for text, code in KEYS}


def _period(c: GlobalisationConvention) -> str:
    if c.start_date is None and c.end_date is None:
        return "sans limite"
    start = f"du {format_date(c.start_date)}" if c.start_date else "jusqu'"
    end = f" au {format_date(c.end_date)}" if c.end_date else ""
    return (start + end) if c.start_date else f"jusqu'au {format_date(c.end_date)}"


class GlobalisationTab(_RecordTab):
    def __init__(self, companies: CompanyService, parent: QWidget | None = None):
        super().__init__(parent)
        self._companies = companies
        self.labels: dict[int, str] = {}
        self.note = note_label(self, "globalisationNote")
        self.layout_.addWidget(self.note)
        columns = (
            Column("Convention", lambda c: c.name, width=200),
            Column("En vigueur", _period, sort=lambda c: c.start_date, width=190),
            Column("Clé", lambda c: _KEY_LABELS.get(c.allocation_key, c.allocation_key), width=150),
            Column(
                "Lots et parts",
                lambda c: shares_text(c, self.labels),
                tooltip=lambda c: shares_text(c, self.labels).replace(" ; ", "\n"),
                width=360,
            ),
            Column("Signée le", lambda c: c.signed_on, text=format_date, width=90),
        )
        self.model, self.proxy, self.view = list_view(columns, "companyGlobalisationTable", self)
        self.layout_.addWidget(self.view, 1)
        self.add_button = self._button("&Nouvelle convention…", "addGlobalisationButton", self.add)
        self.buttons.addStretch(1)
        self.layout_.addLayout(self.buttons)

    def show_company(self, company: Company) -> None:
        self.company = company
        self.reload()

    def reload(self, keep=None) -> None:
        held = self._companies.lots_of_company(self.company.id)
        self.labels = {h.lot.id: held_lot_label(h) for h in held}
        conventions = self._companies.list_globalisations(company_id=self.company.id)
        self.model.set_rows(conventions)
        pooled = sum(1 for h in held if h.lot.globalisation_allowed)
        show_rows_or_note(
            self.view,
            self.note,
            "Aucune convention de globalisation. "
            + (
                "« Nouvelle convention… » pour regrouper des lots de l'entreprise."
                if pooled >= 2
                else "Il faut au moins deux lots tenus qui autorisent la globalisation des heures."
            ),
        )
        self.add_button.setEnabled(len(held) >= 2)
        self.loaded.emit(len(conventions))

    def add(self) -> None:
        if self.company is None:
            return
        held = self._companies.lots_of_company(self.company.id)
        self._open(GlobalisationDialog(self._companies, self.company, held, self))

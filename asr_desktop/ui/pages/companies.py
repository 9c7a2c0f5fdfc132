"""Entreprises: every company and structure of the database, in one sortable table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QWidget
from stdnum.fr import siret as siret_number

from asr_desktop.domain.formats import NBSP, format_int, normalise_text
from asr_desktop.domain.model import Company
from asr_desktop.services.container import Services
from asr_desktop.ui.pages.common import PageFrame, cell, table_model, table_view

HEADERS = ("Raison sociale", "SIRET", "Type", "Commune")


def display_siret(siret: str) -> str:
    """« 732 829 320 00074 », with no-break spaces so the number never wraps."""
    return siret_number.format(siret).replace(" ", NBSP)


def _commune(company: Company) -> str:
    return " ".join(part for part in (company.postcode, company.city) if part)


def build_companies_model(companies: list[Company], parent=None) -> QStandardItemModel:
    model = table_model(HEADERS, parent)
    for company in companies:
        ref = ("company", company.id)
        model.appendRow(
            [
                cell(company.name, normalise_text(company.name), ref=ref),
                cell(display_siret(company.siret), company.siret),
                cell(company.kind.label, normalise_text(company.kind.label)),
                cell(_commune(company), normalise_text(company.city or "")),
            ]
        )
    return model


def summary(companies: list[Company]) -> str:
    if not companies:
        return "La base ne contient encore aucune entreprise."
    total = len(companies)
    siae = sum(1 for company in companies if company.kind.is_siae)
    noun = "entreprise ou structure" if total < 2 else "entreprises et structures"
    return (
        f"{format_int(total)} {noun}, dont {format_int(siae)} de l'insertion par l'activité "
        "économique (SIAE)."
    )


class CompaniesPage(PageFrame):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(
            "Entreprises",
            "Les entreprises attributaires et les structures qui emploient les candidats. La "
            "fiche de chaque entreprise (contacts, lots tenus, heures réalisées, relevés "
            "mensuels) viendra ensuite.",
            parent,
        )
        companies = services.companies.list_companies()
        self.summary = self.add_note(summary(companies), "companiesSummary")
        self.model = build_companies_model(companies, self)
        self.view = table_view(self.model, self)
        self.view.setObjectName("companiesTable")
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        for column, width in enumerate((320, 140, 250)):
            self.view.setColumnWidth(column, width)
        self.content.addWidget(self.view, 1)

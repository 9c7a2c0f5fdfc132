"""Paramètres: the dated business parameters (hourly cost, rates, SMIC…), history included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QWidget

from asr_desktop.domain import parameters as params
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import (
    NBSP,
    format_date,
    format_hours,
    format_number,
    format_percent,
    normalise_text,
)
from asr_desktop.domain.model import Parameter
from asr_desktop.services.container import Services
from asr_desktop.services.settings import parameter_unit
from asr_desktop.ui.pages.common import PageFrame, cell, table_model, table_view

HEADERS = ("Paramètre", "Valeur", "À partir du", "État", "Source ou note")
IN_FORCE, PAST, FUTURE = "En vigueur", "Ancienne valeur", "À venir"
_FAMILIES = {"labour_share.": "Part de main-d'œuvre : ", "insertion_rate.": "Taux d'insertion : "}


def parameter_label(key: str) -> str:
    spec = params.SPECS_BY_KEY.get(key)
    if spec is not None:
        return spec.label
    for prefix, label in _FAMILIES.items():
        if key.startswith(prefix):
            return label + key.removeprefix(prefix).replace("_", " ")
    return key


def format_parameter(key: str, value: Decimal) -> str:
    """The value in its unit: « 5 % », « 30,00 €/h », « 1 607 h », « 24 mois », « oui »."""
    try:
        unit = parameter_unit(key)
    except ValidationError:  # a key this version does not know: show the bare number
        return format_number(value, 5)
    if unit == "taux":
        return format_percent(value, 2)
    if unit == "€/h":
        return f"{format_number(value, 2, 2)}{NBSP}€/h"
    if unit == "h":
        return format_hours(value)
    if unit == "booléen":
        return "oui" if value else "non"
    return f"{format_number(value, 2)}{NBSP}{unit}"


def states(parameters: list[Parameter], today: date) -> dict[int | None, str]:
    """For each value (by id): in force today, replaced by a later one, or not yet started."""
    current: dict[str, Parameter] = {}
    for parameter in parameters:
        best = current.get(parameter.key)
        if parameter.valid_from <= today and (
            best is None or parameter.valid_from > best.valid_from
        ):
            current[parameter.key] = parameter
    in_force = {parameter.id for parameter in current.values()}
    return {
        p.id: IN_FORCE if p.id in in_force else FUTURE if p.valid_from > today else PAST
        for p in parameters
    }


def build_parameters_model(
    parameters: list[Parameter], today: date, parent=None
) -> QStandardItemModel:
    model = table_model(HEADERS, parent)
    state_of = states(parameters, today)
    for parameter in parameters:
        label = parameter_label(parameter.key)
        ref = ("parameter", parameter.id)
        model.appendRow(
            [
                cell(label, f"{normalise_text(label)} {parameter.valid_from.isoformat()}", ref=ref),
                cell(format_parameter(parameter.key, parameter.value), parameter.value, right=True),
                cell(format_date(parameter.valid_from), parameter.valid_from.toordinal()),
                cell(state_of[parameter.id]),
                cell(parameter.note or ""),
            ]
        )
    return model


class ParametersPage(PageFrame):
    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(
            "Paramètres",
            "Les paramètres datés qui servent aux calculs : une nouvelle valeur s'applique à "
            "partir de sa date et les anciennes restent utilisées pour les dates antérieures. "
            "La gestion des utilisateurs, la sauvegarde et la revue des durées de conservation "
            "viendront compléter cette page.",
            parent,
        )
        parameters = services.parameters.list_all()
        self.model = build_parameters_model(parameters, date.today(), self)
        self.view = table_view(self.model, self)
        self.view.setObjectName("parametersTable")
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        for column, width in enumerate((380, 100, 95, 120)):
            self.view.setColumnWidth(column, width)
        self.content.addWidget(self.view, 1)

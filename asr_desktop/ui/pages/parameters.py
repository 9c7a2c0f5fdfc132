"""Paramètres: the dated business parameters (hourly cost, rates, SMIC…), history included; the
access journal (audit trail), the data-retention review, the backups and the accounts, each in
its own tab, read when the tab is first shown and again after a change elsewhere.

``restoreRequested(path)``: the user confirmed the restore of a backup; the window relays it
to the launcher, which closes the base, restores and reopens it (``app.Launcher.restore``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

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
from asr_desktop.ui import common
from asr_desktop.ui.pages.common import PageFrame, cell, table_model, table_view
from asr_desktop.ui.parameters.accounts_view import AccountsView
from asr_desktop.ui.parameters.audit_view import AuditLogView
from asr_desktop.ui.parameters.backups_view import BackupsView
from asr_desktop.ui.parameters.retention_view import RetentionView

HEADERS = ("Paramètre", "Valeur", "À partir du", "État", "Source ou note")
IN_FORCE, PAST, FUTURE = "En vigueur", "Ancienne valeur", "À venir"
#: A documented parameter the database has no row for (added by a later version): the
#: rules use its default.
DEFAULT = "Valeur par défaut"
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
    stored = {parameter.key for parameter in parameters}
    for spec in params.SPECS:
        if spec.key in stored:
            continue
        model.appendRow(
            [
                cell(spec.label, f"{normalise_text(spec.label)} {spec.valid_from.isoformat()}"),
                cell(format_parameter(spec.key, spec.default), spec.default, right=True),
                cell(format_date(spec.valid_from), spec.valid_from.toordinal()),
                cell(DEFAULT),
                cell(spec.source),
            ]
        )
    return model


class ParametersPage(PageFrame):
    PARAMETERS_TAB, AUDIT_TAB, RETENTION_TAB, BACKUPS_TAB, ACCOUNTS_TAB = range(5)

    #: The user confirmed the restore of this backup file (relayed by the window).
    restoreRequested = Signal(Path)

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(
            "Paramètres",
            "Les paramètres datés qui servent aux calculs (une nouvelle valeur s'applique à "
            "partir de sa date, les anciennes restent utilisées pour les dates antérieures), le "
            "journal des accès aux données personnelles, la revue des durées de conservation, "
            "les sauvegardes et les comptes.",
            parent,
        )
        self._services = services
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("parametersTabs")
        self.tabs.setDocumentMode(True)
        self.content.addWidget(self.tabs, 1)

        holder = QWidget(self.tabs)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 8, 0, 0)
        self.model = build_parameters_model(services.parameters.list_all(), date.today(), self)
        self.view = table_view(self.model, holder)
        self.view.setObjectName("parametersTable")
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        for column, width in enumerate((380, 120, 95, 120)):
            self.view.setColumnWidth(column, width)
        box.addWidget(self.view, 1)
        self.tabs.addTab(holder, "Paramètres datés")

        self.audit_view = AuditLogView(services, self.tabs)
        self.tabs.addTab(self.audit_view, "Journal d'accès")
        self.retention_view = RetentionView(services, self.tabs)
        self.tabs.addTab(self.retention_view, "Conservation des données")
        self.backups_view = BackupsView(services, self.tabs)
        self.backups_view.restoreRequested.connect(self.restoreRequested)
        self.tabs.addTab(self.backups_view, "Sauvegardes")
        self.accounts_view = AccountsView(services, self.tabs)
        self.tabs.addTab(self.accounts_view, "Comptes")
        self._loaded: set[int] = {self.PARAMETERS_TAB}
        self.tabs.currentChanged.connect(self._tab_shown)
        common.changes().changed.connect(self._changed)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self._tab_shown(index)

    def refresh(self) -> None:
        """Read everything again (the window calls this after changes on other pages)."""
        self.model = build_parameters_model(
            self._services.parameters.list_all(), date.today(), self
        )
        self.view.setModel(self.model)
        self._loaded = {self.PARAMETERS_TAB}
        self._tab_shown(self.tabs.currentIndex())

    def _changed(self, what: str) -> None:
        """A write somewhere: the other tabs are read again when next shown."""
        self._loaded &= {self.PARAMETERS_TAB}

    def _tab_shown(self, index: int) -> None:
        if index in self._loaded:
            return
        if index == self.AUDIT_TAB:
            self.audit_view.load()
        elif index == self.RETENTION_TAB:
            self.retention_view.load()
        elif index == self.BACKUPS_TAB:
            self.backups_view.load()
        elif index == self.ACCOUNTS_TAB:
            self.accounts_view.load()
        self._loaded.add(index)

"""Lists: raw-value sorting, accent-insensitive search, error display next to a field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from asr_desktop.domain.errors import Conflict, ValidationError
from asr_desktop.ui.common import FormErrors, record_view
from asr_desktop.ui.item_models import RAW_ROLE, Column, RecordTableModel, SearchProxy, attribute


@dataclass(frozen=True)
class Person:
    name: str
    hours: float
    born: date | None


PEOPLE = [
    Person("Hélène Dupré", 9.5, date(1990, 5, 1)),
    Person("Jean Martin", 120.0, None),
    Person("Éric Lefèvre", 10.0, date(1985, 1, 2)),
]
COLUMNS = [
    Column("Nom", attribute("name")),
    Column("Heures", attribute("hours"), text=lambda h: f"{h:g} h", align="right"),
    Column("Naissance", attribute("born")),
]


@pytest.fixture
def model(qapp):
    return RecordTableModel(COLUMNS, PEOPLE)


def test_model_passes_qt_model_tester(qtmodeltester, model):
    qtmodeltester.check(model)
    proxy = SearchProxy()
    proxy.setSourceModel(model)
    proxy.set_search("hel")
    qtmodeltester.check(proxy)


def test_cells_read_in_french(model):
    assert model.index(0, 1).data() == "9.5 h"
    assert model.index(0, 2).data() == "01/05/1990"
    assert model.index(1, 2).data() == ""
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Heures"
    assert model.index(1, 1).data(RAW_ROLE) == 120.0


def test_hours_sort_as_numbers_and_missing_dates_first(model):
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert [p.hours for p in model.records] == [9.5, 10.0, 120.0]
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert [p.name for p in model.records][-1] == "Jean Martin"


def test_search_ignores_accents_case_and_word_order(model):
    proxy = SearchProxy()
    proxy.setSourceModel(model)
    proxy.set_search("helene")
    assert proxy.rowCount() == 1
    assert proxy.record_at(proxy.index(0, 0)).name == "Hélène Dupré"
    proxy.set_search("LEFEVRE eric")
    assert proxy.record_at(proxy.index(0, 0)).name == "Éric Lefèvre"
    proxy.set_search("")
    assert proxy.rowCount() == 3
    proxy.set_predicate(lambda person: person.born is not None)
    assert proxy.rowCount() == 2


def test_rows_replaced_keep_the_chosen_sort(model):
    proxy = SearchProxy()
    proxy.setSourceModel(model)
    view = record_view(proxy, "peopleTable")
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    model.set_rows([*PEOPLE, Person("Zoé Petit", 500.0, None)])
    assert proxy.index(0, 0).data() == "Zoé Petit"


def test_validation_error_is_shown_under_its_field_and_cleared_on_edit(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    form = QFormLayout()
    layout.addLayout(form)
    name = QLineEdit()
    siret = QLineEdit()
    form.addRow("Nom", name)
    form.addRow("SIRET", siret)
    general = QLabel()
    layout.addWidget(general)
    errors = FormErrors(general)
    errors.bind("name", name)
    errors.bind("siret", siret)
    siret.setText("123")

    def refuse():
        raise ValidationError("Le SIRET doit compter 14 chiffres.", "siret")

    assert errors.guard(refuse) is None
    assert errors.shown == {"siret": "Le SIRET doit compter 14 chiffres."}
    label = dialog.findChild(QLabel, "siretError")
    assert label is not None and label.text().startswith("Le SIRET")
    assert form.getWidgetPosition(label)[0] == form.getWidgetPosition(siret)[0] + 1
    assert siret.text() == "123"  # nothing typed is lost
    qtbot.keyClick(siret, "4")
    assert errors.shown == {}

    def conflict():
        raise Conflict("Ce SIRET est déjà enregistré.")

    errors.guard(conflict)
    assert general.text() == "Ce SIRET est déjà enregistré."
    assert errors.guard(lambda: 42) == 42
    assert errors.shown == {}

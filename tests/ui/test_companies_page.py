"""The « Entreprises » page driven as an adviser would: list, search, kind filter, creating and
editing a company through its dialog, the keyboard commands of the window."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication
from stdnum import luhn

from asr_desktop.domain.enums import CompanyKind
from asr_desktop.domain.formats import NBSP, format_hours
from asr_desktop.domain.model import Company
from asr_desktop.ui.companies.models import HOURS_COLUMN, PENDING
from asr_desktop.ui.pages.companies import CompaniesPage


def siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


def make_page(qtbot, services) -> CompaniesPage:
    page = CompaniesPage(services)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitUntil(lambda: not page.totals_pending)
    return page


@pytest.fixture
def page_of(qtbot):
    """``page_of(services)``: the page, its background reads finished before the database
    closes."""
    yield lambda services: make_page(qtbot, services)
    QThreadPool.globalInstance().waitForDone()


@pytest.fixture
def three(services):
    create = services.companies.create_company
    return [
        create(
            Company(
                id=None,
                siret=siret(41234567),
                name="Société Générale de Bâtiment",
                kind=CompanyKind.ORDINARY,
                postcode="94000",
                city="Créteil",
            )
        ),
        create(
            Company(id=None, siret=siret(52345678), name="Atelier Solidaire", kind=CompanyKind.ACI)
        ),
        create(
            Company(id=None, siret=siret(63456789), name="ESAT du Plateau", kind=CompanyKind.ESAT)
        ),
    ]


def shown_names(page) -> list[str]:
    return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]


def test_the_list_shows_each_company_with_lots_held_and_hours_credited(
    qtbot, demo_services, page_of
):
    page = page_of(demo_services)
    counts = dict(
        (company.id, lots) for company, lots in demo_services.companies.list_with_lot_counts()
    )
    hours = demo_services.hours.credited_by_company()
    busiest = max(hours, key=hours.get)
    row = page.model.row_of(lambda r: r.id == busiest)
    company = page.model.row_at(row).company

    texts = [page.model.index(row, c).data() for c in range(6)]

    assert page.model.rowCount() == len(counts) == 30
    assert texts[:3] == [
        company.name,
        NBSP.join((company.siret[:3], company.siret[3:6], company.siret[6:9], company.siret[9:])),
        company.kind.label,
    ]
    assert texts[3] == f"{company.postcode} {company.city}"
    assert texts[4] == str(counts[busiest])
    assert texts[5] == format_hours(hours[busiest])
    assert page.count_label.text() == "30 entreprises."


def test_the_hours_column_waits_for_its_totals_then_fills_in_place(qtbot, services, three):
    page = CompaniesPage(services)
    qtbot.addWidget(page)
    page.view.selectRow(1)
    chosen = page.proxy.record_at(page.view.currentIndex()).id

    assert page.model.index(0, HOURS_COLUMN).data() in (PENDING, f"0{NBSP}h")
    qtbot.waitUntil(lambda: not page.totals_pending)

    assert page.model.index(0, HOURS_COLUMN).data() == f"0{NBSP}h"
    assert page.proxy.record_at(page.view.currentIndex()).id == chosen  # selection kept


def test_search_ignores_accents_and_case_and_reads_siret_digits(
    qtbot, services, three, page_of, type_text
):
    page = page_of(services)

    type_text(page.search, "SOCIETE generale")
    assert shown_names(page) == ["Société Générale de Bâtiment"]

    page.search.clear()
    type_text(page.search, "créteil")
    assert shown_names(page) == ["Société Générale de Bâtiment"]

    page.search.clear()
    digits = three[1].siret
    type_text(page.search, f"{digits[:3]} {digits[3:6]}")
    assert shown_names(page) == ["Atelier Solidaire"]
    assert page.count_label.text() == "1 sur 3 entreprises."

    page.search.clear()
    type_text(page.search, "xyz")
    assert shown_names(page) == []
    assert page.count_label.text() == "Aucune entreprise ne correspond à « xyz »."


def test_the_kind_filter_keeps_one_kind_or_a_family(qtbot, services, three, page_of):
    page = page_of(services)
    combo = page.kind_filter

    combo.setCurrentIndex(combo.findData(CompanyKind.ESAT))
    assert shown_names(page) == ["ESAT du Plateau"]

    combo.setCurrentIndex(combo.findData("siae"))
    assert shown_names(page) == ["Atelier Solidaire"]

    combo.setCurrentIndex(combo.findData("disability"))
    assert shown_names(page) == ["ESAT du Plateau"]

    combo.setCurrentIndex(0)
    assert len(shown_names(page)) == 3


def test_an_empty_base_says_how_to_start(services, page_of):
    page = page_of(services)

    assert "aucune entreprise" in page.count_label.text()
    assert "Ctrl+N" in page.count_label.text()
    assert page.record_stack.currentWidget() is page.placeholder


def test_a_company_created_with_the_keyboard_is_stored_and_shown(
    qtbot, services, page_of, type_text
):
    page = page_of(services)
    page.create_record()
    dialog = page.dialog
    ui = dialog.ui
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert ui.nameEdit.hasFocus()

    type_text(ui.nameEdit, "Menuiserie Élan")
    qtbot.keyClick(ui.nameEdit, Qt.Key.Key_Tab)
    assert ui.siretEdit.hasFocus()
    qtbot.keyClicks(ui.siretEdit, "732 829 320 00074")
    ui.kindCombo.setCurrentIndex(ui.kindCombo.findData(CompanyKind.EI))
    type_text(ui.nafEdit, "4332a")
    type_text(ui.addressEdit, "12 rue des Écoles")
    type_text(ui.postcodeEdit, "94000")
    type_text(ui.cityEdit, "Créteil")
    type_text(ui.contactNameEdit, "Léa Martin")
    type_text(ui.contactEmailEdit, "lea.martin@example.org")
    type_text(ui.contactPhoneEdit, "01 23 45 67 89")
    qtbot.keyClick(ui.contactPhoneEdit, Qt.Key.Key_Return)

    assert page.dialog is None
    stored = services.companies.find_by_siret("73282932000074")
    assert stored == Company(
        id=stored.id,
        siret="73282932000074",
        name="Menuiserie Élan",
        kind=CompanyKind.EI,
        address="12 rue des Écoles",
        postcode="94000",
        city="Créteil",
        naf="4332A",
        contact_name="Léa Martin",
        contact_email="lea.martin@example.org",
        contact_phone="01 23 45 67 89",
    )
    assert shown_names(page) == ["Menuiserie Élan"]
    assert page.record.title.text() == "Menuiserie Élan"
    assert page.record.fields["kind"].text() == "Entreprise d'insertion (EI)"


def test_every_kind_is_offered_in_french(services, page_of):
    page = page_of(services)
    page.create_record()
    combo = page.dialog.ui.kindCombo

    assert [combo.itemData(i) for i in range(combo.count())] == [k.value for k in CompanyKind]
    assert [combo.itemText(i) for i in range(combo.count())] == [k.label for k in CompanyKind]
    assert combo.itemText(combo.findData(CompanyKind.GEIQ)).startswith("Groupement d'employeurs")
    assert combo.currentData() == CompanyKind.ORDINARY
    page.dialog.reject()


def test_a_refused_value_is_shown_under_its_field_and_nothing_typed_is_lost(
    qtbot, services, three, page_of, type_text
):
    page = page_of(services)
    page.select_company(three[0].id)
    page.record.edit_button.click()
    ui = page.dialog.ui
    ui.nameEdit.clear()
    type_text(ui.nameEdit, "SGB Créteil")
    type_text(ui.contactEmailEdit, "pas-une-adresse")

    page.dialog.accept()

    error = page.dialog.findChild(type(ui.nameLabel), "contact_emailError")
    assert error is not None and "n'est pas valide" in error.text()
    assert ui.nameEdit.text() == "SGB Créteil"
    assert services.companies.get_company(three[0].id).name == "Société Générale de Bâtiment"

    ui.contactEmailEdit.clear()
    type_text(ui.contactEmailEdit, "contact@sgb.example")
    page.dialog.accept()

    assert page.dialog is None
    assert services.companies.get_company(three[0].id).name == "SGB Créteil"
    assert "SGB Créteil" in shown_names(page)
    assert page.record.title.text() == "SGB Créteil"


def test_opening_the_existing_company_from_the_dialog_shows_its_record(
    qtbot, services, three, page_of
):
    page = page_of(services)
    page.kind_filter.setCurrentIndex(page.kind_filter.findData(CompanyKind.ESAT))
    page.create_record()
    qtbot.keyClicks(page.dialog.ui.siretEdit, three[0].siret)

    qtbot.mouseClick(page.dialog.ui.openExistingButton, Qt.MouseButton.LeftButton)

    assert page.dialog is None
    assert page.record.company == three[0]
    assert page.kind_filter.currentIndex() == 0  # the filter hid it: cleared
    assert page.proxy.record_at(page.view.currentIndex()).id == three[0].id
    assert len(services.companies.list_companies()) == 3


def test_enter_in_the_search_opens_the_first_company_found(
    qtbot, services, three, page_of, type_text
):
    page = page_of(services)
    page.focus_search()
    assert page.search.hasFocus()

    type_text(page.search, "plateau")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)

    assert page.record.company == three[2]
    assert page.record_stack.currentWidget() is page.record


def test_moving_in_the_list_shows_each_record(qtbot, services, three, page_of):
    page = page_of(services)
    page.view.setFocus()
    page.view.selectRow(0)
    first = page.record.company

    qtbot.keyClick(page.view, Qt.Key.Key_Down)

    assert page.record.company != first
    assert page.record.company == page.proxy.record_at(page.view.currentIndex()).company


def test_refresh_reads_changes_made_elsewhere_and_keeps_the_record(qtbot, demo_services, page_of):
    page = page_of(demo_services)
    company, _lots = demo_services.companies.list_with_lot_counts()[3]
    page.select_company(company.id)
    demo_services.companies.create_company(
        Company(id=None, siret=siret(99887766), name="Zénith Nettoyage", kind=CompanyKind.ORDINARY)
    )
    demo_services.companies.update_company(
        Company(**{**{f: getattr(company, f) for f in company.__slots__}, "city": "Boissy"})
    )

    page.refresh()
    qtbot.waitUntil(lambda: not page.totals_pending)

    assert page.model.rowCount() == 31
    assert page.record.company.id == company.id
    assert page.record.fields["address"].text().endswith("Boissy")
    assert page.proxy.record_at(page.view.currentIndex()).id == company.id
    assert page.model.index(page.view.currentIndex().row(), 0).data() == company.name


def test_the_window_commands_reach_the_page(qtbot, services, three):
    from asr_desktop.ui.main_window import MainWindow

    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_page("companies")
    page = window.page("companies")
    qtbot.waitUntil(lambda: not page.totals_pending)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.dialog is not None and page.dialog.isVisible()
    qtbot.keyClick(page.dialog, Qt.Key.Key_Escape)
    assert page.dialog is None
    assert window.run_page_command("open_selected")
    assert page.record.company is not None
    QThreadPool.globalInstance().waitForDone()


def test_hours_are_sorted_as_numbers(qtbot, demo_services, page_of):
    page = page_of(demo_services)

    page.view.sortByColumn(HOURS_COLUMN, Qt.SortOrder.DescendingOrder)

    values = [page.model.credited(page.proxy.record_at(page.proxy.index(r, 0))) for r in range(5)]
    assert values == sorted(values, reverse=True)
    assert values[0] > Decimal(1000)


def test_typing_a_search_keeps_the_record_shown(qtbot, services, three, page_of, type_text):
    page = page_of(services)
    page.select_company(three[0].id)

    type_text(page.search, "atelier")

    assert shown_names(page) == ["Atelier Solidaire"]
    assert page.record.company == three[0]  # not replaced by whatever row the filter left
    assert not page.view.currentIndex().isValid()

    page.search.clear()

    assert page.record.company == three[0]
    assert page.proxy.record_at(page.view.currentIndex()).id == three[0].id

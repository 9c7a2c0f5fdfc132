"""The Marchés page driven as an adviser would: create each level from Ctrl+N, fix what the
forms refuse, calibrate a lot with the calculator, filter and search the tree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from asr_desktop.domain.enums import CalibrationMethod, LotStatus
from asr_desktop.domain.formats import NBSP
from asr_desktop.domain.model import Authority
from asr_desktop.ui import common
from asr_desktop.ui.markets.dialogs import AuthorityDialog, MarketDialog, OperationDialog
from asr_desktop.ui.markets.lot_dialog import LotDialog
from asr_desktop.ui.markets.tree_model import AT_RISK
from asr_desktop.ui.pages.markets import MarketsPage

DEMO_TODAY = date(2026, 11, 25)  # the small demonstration base's « today »


@pytest.fixture
def make_page(qtbot, monkeypatch):
    monkeypatch.setattr(common, "today", lambda: DEMO_TODAY)

    def make(services) -> MarketsPage:
        page = MarketsPage(services)
        qtbot.addWidget(page)
        page.resize(1200, 800)
        page.show()
        qtbot.waitUntil(lambda: page.model.standings_loaded and not page.loader.busy)
        return page

    return make


def _select(page, kind, record_id):
    index = page.model.find(kind, record_id)
    assert index.isValid()
    parent = index.parent()
    while parent.isValid():
        page.view.expand(parent)
        parent = parent.parent()
    page.view.setCurrentIndex(index)
    return index


def _new(qtbot, page, expected_kind):
    """Ctrl+N: the « Nouveau » menu opens on the level expected; Entrée creates it."""
    page.create_record()
    menu = page.bar.new_menu
    assert menu.activeAction() is page.bar.new_actions[expected_kind]
    menu.activeAction().trigger()
    menu.close()
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _save(qtbot, page, dialog):
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        qtbot.mouseClick(dialog.ui.buttonBox.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.loader.busy)
    return dialog.saved


def test_an_empty_base_says_how_to_begin_and_builds_a_whole_branch(qtbot, make_page, services):
    page = make_page(services)
    assert "aucun donneur d'ordre" in page.summary.text()

    dialog = _new(qtbot, page, "authority")
    assert isinstance(dialog, AuthorityDialog)
    qtbot.keyClicks(dialog.ui.nameEdit, "Ville de Bonneuil")
    authority = _save(qtbot, page, dialog)
    assert page.model.node(page.view.currentIndex()).ref == ("authority", authority.id)

    dialog = _new(qtbot, page, "operation")
    assert isinstance(dialog, OperationDialog)
    qtbot.keyClicks(dialog.ui.nameEdit, "Groupe scolaire")
    qtbot.keyClicks(dialog.ui.startDateEdit, "01/09/2025")
    operation = _save(qtbot, page, dialog)
    assert operation.authority_id == authority.id

    dialog = _new(qtbot, page, "market")
    assert isinstance(dialog, MarketDialog)
    qtbot.keyClicks(dialog.ui.referenceEdit, "M-2025-07")
    qtbot.keyClicks(dialog.ui.objectEdit, "Construction")
    qtbot.keyClicks(dialog.ui.notificationDateEdit, "02/06/2025")
    qtbot.keyClicks(dialog.ui.amountEdit, "1 200 000")
    market = _save(qtbot, page, dialog)
    assert market.amount_ht == Decimal("1200000.00")

    dialog = _new(qtbot, page, "lot")
    assert isinstance(dialog, LotDialog)
    qtbot.keyClicks(dialog.ui.numberEdit, "1")
    type_in = dialog.calculator.edits
    qtbot.keyClicks(dialog.ui.titleEdit, "Gros oeuvre")
    qtbot.keyClicks(type_in["amount_ht"], "1000000")
    type_in["labour_share"].setText("50 %")
    assert dialog.calculator.result_label.text() == f"833{NBSP}h"  # 5 % and 30 €/h in force
    lot = _save(qtbot, page, dialog)

    stored = services.clauses.get_lot(lot.id)
    assert stored.calibration.required_hours == 833
    assert (stored.calibration.labour_share, stored.calibration.hourly_cost) == (
        Decimal("0.5"),
        Decimal("30.00"),
    )
    assert page.model.node(page.view.currentIndex()).ref == ("lot", lot.id)
    assert page.lot_pane.title_label.text() == "Lot 1 — Gros oeuvre"
    assert "1 lot" in page.summary.text()


def test_a_refused_value_is_shown_under_its_field_and_the_typing_is_kept(
    qtbot, make_page, demo_services
):
    page = make_page(demo_services)
    _select(page, "authority", 2)
    page.create("operation")
    dialog = page.dialog
    qtbot.keyClicks(dialog.ui.nameEdit, "Piscine")
    qtbot.keyClicks(dialog.ui.startDateEdit, "31/02/2025")
    dialog.ui.startDateEdit.editingFinished.emit()  # what leaving the field does
    assert "inexistante" in dialog.errors.shown["start_date"]

    dialog.ui.startDateEdit.setText("01/03/2026")
    dialog.ui.endDateEdit.setText("01/01/2026")
    dialog.accept()

    assert dialog.isVisible()
    assert "antérieure" in dialog.errors.shown["end_date"]
    assert dialog.ui.nameEdit.text() == "Piscine"
    dialog.reject()


def test_enter_on_a_node_opens_its_dialog_and_escape_closes_it(qtbot, make_page, demo_services):
    page = make_page(demo_services)
    _select(page, "market", demo_services.clauses.get_lot(14).market_id)
    page.view.setFocus()

    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, MarketDialog) and dialog.isVisible()
    assert (
        dialog.ui.referenceEdit.text()
        == demo_services.clauses.get_market(dialog._market.id).reference
    )

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_editing_a_lot_keeps_its_calibration_and_stores_the_fields(qtbot, make_page, demo_services):
    page = make_page(demo_services)
    before = demo_services.clauses.get_lot(20)
    _select(page, "lot", 20)
    page.open_selected()
    dialog = page.dialog
    dialog.ui.titleEdit.setText("Assistance aux utilisateurs et formation")
    dialog.ui.penaltyEdit.setText("45 €")
    dialog.ui.statusCombo.setCurrentIndex(dialog.ui.statusCombo.findData(LotStatus.IN_PROGRESS))
    _save(qtbot, page, dialog)

    after = demo_services.clauses.get_lot(20)
    assert after.title == "Assistance aux utilisateurs et formation"
    assert (after.penalty_per_hour, after.status) == (Decimal("45.00"), LotStatus.IN_PROGRESS)
    assert after.calibration == before.calibration
    assert page.lot_pane.title_label.text() == "Lot 1 — Assistance aux utilisateurs et formation"


def test_the_calculator_recomputes_as_typed_and_applies_to_the_lot(qtbot, make_page, demo_services):
    page = make_page(demo_services)
    _select(page, "lot", 20)
    calculator = page.lot_pane.calculator
    assert not page.lot_pane.apply_button.isEnabled()  # shows what is stored

    calculator.method_combo.setCurrentIndex(
        calculator.method_combo.findData(CalibrationMethod.PER_EURO)
    )
    assert calculator.result is None
    assert "euros_per_hour" in calculator.errors.shown  # needed, no default
    qtbot.keyClicks(calculator.edits["amount_ht"], "600000")
    qtbot.keyClicks(calculator.edits["euros_per_hour"], "2000")
    assert calculator.result_label.text() == f"300{NBSP}h"
    assert page.lot_pane.apply_button.isEnabled()

    qtbot.mouseClick(page.lot_pane.apply_button, Qt.MouseButton.LeftButton)

    stored = demo_services.clauses.get_lot(20).calibration
    assert (stored.method, stored.required_hours) == (CalibrationMethod.PER_EURO, 300)
    assert (stored.amount_ht, stored.euros_per_hour) == (Decimal("600000"), Decimal("2000"))
    lot = page.model.find("lot", 20)
    assert page.model.index(lot.row(), 2, lot.parent()).data() == f"300{NBSP}h"
    assert page.lot_pane.clause_labels["required"].text().startswith(f"300{NBSP}h (une heure")


def test_attributions_are_added_changed_and_removed(qtbot, make_page, demo_services, messages):
    page = make_page(demo_services)
    _select(page, "lot", 20)
    tab = page.lot_pane.attributions
    assert tab.model.rowCount() == 1  # the holder, 100 %
    held = tab.selected()

    tab.edit()
    tab.dialog.ui.shareEdit.setText("60 %")
    _save(qtbot, page, tab.dialog)
    assert demo_services.companies.list_attributions(lot_id=20)[0].hours_share == Decimal("0.6")

    tab.add()
    dialog = tab.dialog
    qtbot.keyClicks(dialog.ui.companySearchEdit, "bourgeois")
    assert dialog.ui.companyCombo.currentText().startswith("Bourgeois S.A.S.")
    dialog.ui.shareEdit.setText("50 %")
    dialog.accept()
    assert "dépasseraient" in dialog.errors.shown["hours_share"]  # 60 % + 50 % > 100 %
    dialog.ui.shareEdit.setText("40 %")
    _save(qtbot, page, dialog)

    assert sorted(a.hours_share for a in demo_services.companies.list_attributions(lot_id=20)) == [
        Decimal("0.4"),
        Decimal("0.6"),
    ]
    assert page.lot_pane.tabs.tabText(1) == "Attributions (2)"
    row = tab.model.row_of(lambda r: r[1].id == held[1].id)
    tab.view.setCurrentIndex(tab.proxy.mapFromSource(tab.model.index(row, 0)))
    tab.remove()
    assert messages.questions and "Supprimer" in messages.questions[0][0]
    assert [a.company_id for a in demo_services.companies.list_attributions(lot_id=20)] != [
        held[1].id
    ]
    assert len(demo_services.companies.list_attributions(lot_id=20)) == 1


def test_the_lot_pane_lists_placements_and_logs_a_note(qtbot, make_page, demo_services):
    page = make_page(demo_services)
    _select(page, "lot", 14)
    pane = page.lot_pane
    placements = demo_services.placements.list(lot_id=14)
    assert pane.placements.model.rowCount() == len(placements) > 0
    names = {line.participant for line in pane.placements.model.records}
    assert demo_services.participants.get(placements[0].participant_id).display_name in names
    assert pane.progress_tab.values["required"].text() == f"5{NBSP}374{NBSP}h"
    before = pane.contact_log.model.rowCount()

    log = pane.contact_log
    log.add()  # nothing typed: the summary is required
    assert "summary" in log.errors.shown
    type_text = log.summary_edit
    qtbot.keyClicks(type_text, "Appel du chef de chantier : deux recrutements en janvier")
    qtbot.keyClick(type_text, Qt.Key.Key_Return)

    actions = demo_services.placements.list_actions("lot", 14)
    assert len(actions) == before + 1
    assert any(a.summary.startswith("Appel du chef de chantier") for a in actions)
    assert log.model.rowCount() == before + 1
    assert log.summary_edit.text() == ""


def test_search_and_filters_narrow_the_tree(qtbot, make_page, demo_services, type_text):
    page = make_page(demo_services)
    page.focus_search()
    assert QApplication.focusWidget() is page.search

    type_text(page.search, "electricite")
    assert page.model.counts()["lot"] == 1
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.model.node(page.view.currentIndex()).ref == ("lot", 3)
    assert page.details.currentWidget() is page.lot_pane

    page.search.clear()
    type_text(page.search, "zzz introuvable")
    assert "Aucun donneur d'ordre, marché ni lot ne correspond à « zzz introuvable »" in (
        page.summary.text()
    )
    page.search.clear()
    page.bar.at_risk_check.setChecked(True)
    shown = [n for n in page.model._shown["lot"]]
    assert shown and all(n.standing.status in AT_RISK for n in shown)
    page.bar.at_risk_check.setChecked(False)
    combo = page.bar.status_combo
    combo.setCurrentIndex(combo.findData(LotStatus.IN_PROGRESS))
    assert page.model.counts()["lot"] == 5
    assert {n.record.status for n in page.model._shown["lot"]} == {LotStatus.IN_PROGRESS}


def test_refresh_reads_what_was_written_elsewhere(qtbot, make_page, demo_services):
    page = make_page(demo_services)
    demo_services.clauses.create_authority(
        Authority(id=None, name="Ville de Marolles-en-Brie", kind="commune")  # type: ignore[arg-type]
    )

    page.refresh()
    qtbot.waitUntil(lambda: not page.loader.busy)

    assert page.model.counts()["authority"] == 9
    assert page.bar.authority_combo.findText("Ville de Marolles-en-Brie") >= 0


def test_ctrl_n_beside_a_lot_offers_a_lot_of_the_same_market(qtbot, make_page, demo_services):
    page = make_page(demo_services)
    market_id = demo_services.clauses.get_lot(17).market_id
    _select(page, "lot", 17)

    dialog = _new(qtbot, page, "lot")

    assert dialog._market_id == market_id
    assert "Plâtrerie" not in page.bar.new_actions["lot"].text()  # named by its market
    assert demo_services.clauses.get_market(market_id).reference in (
        page.bar.new_actions["lot"].text()
    )
    dialog.reject()


def test_the_tree_of_the_demonstration_base_passes_the_model_tester(
    qtmodeltester, make_page, demo_services
):
    page = make_page(demo_services)
    page.view.expandAll()
    qtmodeltester.check(page.model)

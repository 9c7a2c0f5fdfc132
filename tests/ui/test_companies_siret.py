"""The SIRET as it is typed in the company dialog: the reason when it is wrong, the formatted
number when it is right, and the company that already has it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from asr_desktop.domain.enums import CompanyKind
from asr_desktop.domain.formats import NBSP
from asr_desktop.domain.model import Company
from asr_desktop.ui.companies.company_dialog import CompanyDialog
from asr_desktop.ui.companies.siret_check import SiretState, check_siret, display_siret

VALID = "73282932000074"


@pytest.mark.parametrize(
    ("typed", "state", "reason"),
    [
        ("", SiretState.EMPTY, "obligatoire"),
        ("7328", SiretState.INCOMPLETE, "14 chiffres attendus : 4 saisis"),
        ("7", SiretState.INCOMPLETE, "1 saisi pour"),
        ("732829320000745", SiretState.INVALID, "15 saisis : retirez-en 1"),
        ("7328293200007A", SiretState.INVALID, "« A » n'en est pas un"),
        ("73-28x", SiretState.INVALID, "« - » et « x » n'en sont pas"),
        ("73282932000079", SiretState.INVALID, "Clé de contrôle fausse"),
        # the SIRET's key is right but not the SIREN's (its first nine digits)
        ("29141777631705", SiretState.INVALID, "Clé du SIREN"),
    ],
)
def test_a_wrong_siret_says_why(typed, state, reason):
    check = check_siret(typed)

    assert check.state is state
    assert reason in check.message
    assert not check.valid and check.number == ""


@pytest.mark.parametrize(
    "typed", [VALID, "732 829 320 00074", " 732.829.320.00074 ", "35600000000048"]
)
def test_a_valid_siret_is_shown_formatted(typed):
    check = check_siret(typed)

    assert check.valid
    assert check.number == "".join(c for c in typed if c.isdigit())
    assert check.message == f"SIRET valide : {display_siret(check.number)}"


def test_la_poste_establishments_use_their_own_key():
    assert check_siret("35600000049837").valid  # digits summing to a multiple of 5
    assert not check_siret("35600000049838").valid


def test_display_groups_the_digits_with_no_break_spaces():
    assert display_siret(VALID) == f"732{NBSP}829{NBSP}320{NBSP}00074"


@pytest.fixture
def dialog(qtbot, services):
    created = CompanyDialog(services.companies)
    qtbot.addWidget(created)
    created.show()
    return created


def test_the_reason_follows_each_keystroke(qtbot, dialog):
    edit, status = dialog.ui.siretEdit, dialog.ui.siretStatusLabel

    qtbot.keyClicks(edit, "7328293200007")
    assert status.text() == "14 chiffres attendus : 13 saisis pour l'instant."
    assert edit.property("invalid") is False

    qtbot.keyClick(edit, "9")
    assert status.text().startswith("Clé de contrôle fausse")
    assert edit.property("invalid") is True

    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(edit, "4")
    assert status.text() == f"SIRET valide : 732{NBSP}829{NBSP}320{NBSP}00074"
    assert edit.property("invalid") is False
    assert dialog.ui.duplicateFrame.isHidden()


def test_saving_with_an_unfinished_siret_keeps_the_dialog_and_points_at_it(
    qtbot, dialog, services, type_text
):
    type_text(dialog.ui.nameEdit, "Atelier Solidaire du Plateau")
    qtbot.keyClicks(dialog.ui.siretEdit, "73282932")
    dialog.ui.nafEdit.setFocus()

    dialog.accept()

    assert dialog.isVisible() and dialog.saved is None
    assert dialog.ui.siretEdit.property("invalid") is True
    assert dialog.ui.nameEdit.text() == "Atelier Solidaire du Plateau"
    assert services.companies.list_companies() == []


def test_a_siret_already_in_the_base_names_its_company(qtbot, dialog, services):
    existing = services.companies.create_company(
        Company(id=None, siret=VALID, name="Bâtiments du Val", kind=CompanyKind.EI, city="Sucy")
    )

    qtbot.keyClicks(dialog.ui.siretEdit, "732 829 320 00074")

    assert dialog.ui.duplicateFrame.isVisible()
    assert "« Bâtiments du Val » (Sucy)" in dialog.ui.duplicateLabel.text()
    dialog.accept()  # the service would refuse a second record: the dialog offers the first
    assert dialog.isVisible() and dialog.ui.openExistingButton.hasFocus()

    qtbot.mouseClick(dialog.ui.openExistingButton, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    assert dialog.open_requested == existing and dialog.saved is None
    assert len(services.companies.list_companies()) == 1


def test_editing_a_company_does_not_warn_about_its_own_siret(qtbot, services):
    company = services.companies.create_company(
        Company(id=None, siret=VALID, name="Bâtiments du Val", kind=CompanyKind.ORDINARY)
    )
    dialog = CompanyDialog(services.companies, company)
    qtbot.addWidget(dialog)
    dialog.show()

    assert dialog.siret_check.valid
    assert dialog.ui.duplicateFrame.isHidden()

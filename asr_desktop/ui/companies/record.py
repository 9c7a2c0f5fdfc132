"""The record of one company: identity, lots held, hours credited per year, contacts and the
actions to follow (the last two in ``tabs.py``, with their dialogs)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from asr_desktop.domain.formats import format_hours, format_int
from asr_desktop.domain.model import Company
from asr_desktop.services.container import Services
from asr_desktop.ui.companies.globalisation_tab import GlobalisationTab
from asr_desktop.ui.companies.models import (
    HELD_LOT_COLUMNS,
    YEAR_COLUMNS,
    HeldLotLine,
    YearHours,
    commune,
)
from asr_desktop.ui.companies.siret_check import display_siret
from asr_desktop.ui.companies.tabs import (
    ActionsTab,
    ContactsTab,
    list_view,
    note_label,
    show_rows_or_note,
)

LOTS_TAB, HOURS_TAB, CONTACTS_TAB, ACTIONS_TAB, GLOBALISATION_TAB = range(5)


def _value_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CompanyRecord(QWidget):
    """Shows the company given to ``show_company``; ``editRequested`` asks the page to open
    the company dialog (the page owns the list that must follow)."""

    editRequested = Signal()  # noqa: N815 - Qt naming

    def __init__(self, services: Services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("companyRecord")
        self.services = services
        self.company: Company | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(self._header())
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.setObjectName("companyRecordSplitter")
        body.setChildrenCollapsible(False)
        body.addWidget(self._identity())
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("companyTabs")
        self.tabs.addTab(self._lots_tab(), "")
        self.tabs.addTab(self._hours_tab(), "&Heures par année")
        self.contacts = ContactsTab(services.companies, self)
        self.contacts.loaded.connect(
            lambda n: self.tabs.setTabText(CONTACTS_TAB, f"C&ontacts ({format_int(n)})")
        )
        self.tabs.addTab(self.contacts, "")
        self.actions = ActionsTab(services.placements, self)
        self.actions.loaded.connect(self._actions_loaded)
        self.tabs.addTab(self.actions, "")
        self.globalisation = GlobalisationTab(services.companies, self)
        self.globalisation.loaded.connect(
            lambda n: self.tabs.setTabText(GLOBALISATION_TAB, f"&Globalisation ({format_int(n)})")
        )
        self.tabs.addTab(self.globalisation, "")
        body.addWidget(self.tabs)
        body.setStretchFactor(1, 1)
        body.setSizes([320, 800])
        layout.addWidget(body, 1)

    # --- building ----------------------------------------------------------------------------

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("companyTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        row.addWidget(self.title, 1)
        self.edit_button = QPushButton("&Modifier l'entreprise…", self)
        self.edit_button.setObjectName("editCompanyButton")
        self.edit_button.clicked.connect(self.editRequested)
        row.addWidget(self.edit_button)
        return row

    def _identity(self) -> QWidget:
        column = QWidget(self)
        column.setObjectName("identityColumn")
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[str, QLabel] = {}
        for name, title, rows in (
            (
                "identityBox",
                "Identité",
                (
                    ("siret", "SIRET"),
                    ("kind", "Type"),
                    ("address", "Adresse"),
                    ("naf", "Code NAF"),
                    ("contact", "Contact"),
                ),
            ),
            (
                "figuresBox",
                "En bref",
                (
                    ("lots", "Lots tenus"),
                    ("hours", "Heures créditées"),
                    ("open_actions", "Actions à faire"),
                ),
            ),
        ):
            box = QGroupBox(title, column)
            box.setObjectName(name)
            form = QFormLayout(box)
            for key, label in rows:
                self.fields[key] = _value_label(box, f"{key}Value")
                form.addRow(f"{label} :", self.fields[key])
            layout.addWidget(box)
        layout.addStretch(1)
        return column

    def _lots_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        self.lots_note = note_label(tab, "lotsNote")
        layout.addWidget(self.lots_note)
        self.lots_model, _proxy, self.lots_view = list_view(
            HELD_LOT_COLUMNS, "companyLotsTable", tab
        )
        layout.addWidget(self.lots_view, 1)
        return tab

    def _hours_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        self.hours_note = note_label(tab, "hoursNote")
        layout.addWidget(self.hours_note)
        self.years_model, _proxy, self.years_view = list_view(
            YEAR_COLUMNS, "companyYearsTable", tab
        )
        layout.addWidget(self.years_view, 1)
        return tab

    # --- showing ------------------------------------------------------------------------------

    def show_company(self, company: Company) -> None:
        """Read everything the record shows about ``company`` again."""
        self.company = company
        self.title.setText(company.name)
        self.fields["siret"].setText(display_siret(company.siret))
        self.fields["kind"].setText(company.kind.label)
        address = "\n".join(p for p in (company.address, commune(company)) if p)
        self.fields["address"].setText(address or "—")
        self.fields["naf"].setText(company.naf or "—")
        contact = "\n".join(
            p for p in (company.contact_name, company.contact_email, company.contact_phone) if p
        )
        self.fields["contact"].setText(contact or "—")
        self._load_lots()
        self._load_hours()
        self.contacts.show_company(company)
        self.actions.show_company(company)
        self.globalisation.show_company(company)

    def _load_lots(self) -> None:
        held = self.services.companies.lots_of_company(self.company.id)
        credited = self.services.hours.credited_by_lot([h.lot.id for h in held]) if held else {}
        lines = [HeldLotLine(h, credited.get(h.lot.id, Decimal(0))) for h in held]
        self.lots_model.set_rows(lines)
        show_rows_or_note(self.lots_view, self.lots_note, "Cette entreprise ne tient aucun lot.")
        self.fields["lots"].setText(format_int(len(lines)))
        self.tabs.setTabText(LOTS_TAB, f"&Lots tenus ({format_int(len(lines))})")

    def _load_hours(self) -> None:
        years = self.services.hours.credited_by_company_year(self.company.id)
        self.years_model.set_rows([YearHours(y, h) for y, h in years])
        total = sum((h for _y, h in years), Decimal(0))
        self.fields["hours"].setText(format_hours(total))
        self.fields["hours"].setToolTip(
            "Sur les mises en emploi dont l'entreprise est l'employeur."
        )
        if years:
            self.hours_note.setText(
                f"Total : {format_hours(total)}, sur les mises en emploi dont l'entreprise est "
                "l'employeur (ses embauches et les personnes qu'elle met à disposition)."
            )
            self.hours_note.show()
            self.years_view.show()
        else:
            show_rows_or_note(
                self.years_view,
                self.hours_note,
                "Aucune heure créditée sur les mises en emploi de cette entreprise.",
            )

    def _actions_loaded(self, opened: int) -> None:
        self.fields["open_actions"].setText(format_int(opened) if opened else "aucune")
        self.tabs.setTabText(ACTIONS_TAB, f"Actions à &suivre ({format_int(opened)})")

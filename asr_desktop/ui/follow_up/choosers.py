"""Search-as-you-type choosers of the follow-up forms and filters: a candidate (through
``ParticipantService.search``), an employer (``CompanyService.search_companies``), a lot
(``PlacementService.lot_choices``); and the labels they show for a value chosen elsewhere."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from asr_desktop.domain.formats import format_date
from asr_desktop.domain.model import Company, Participant
from asr_desktop.services.container import Services
from asr_desktop.ui.follow_up.fields import CHOICES, SearchCompleter


def participant_label(person: Participant) -> str:
    born = "née" if person.sex.value == "F" else "né"
    return (
        f"{person.display_name} — {person.reference} — {born} le {format_date(person.birth_date)}"
    )


def company_label(company: Company) -> str:
    where = f", {company.city}" if company.city else ""
    return f"{company.name}{where} — {company.kind.value}"


def participant_chooser(edit: QLineEdit, services: Services) -> SearchCompleter:
    def search(text: str) -> list[tuple[str, int]]:
        found = services.participants.search(text, limit=CHOICES)
        return [(participant_label(p), p.id) for p in found]

    return SearchCompleter(edit, search)


def company_chooser(edit: QLineEdit, services: Services) -> SearchCompleter:
    def search(text: str) -> list[tuple[str, int]]:
        found = services.companies.search_companies(text, limit=CHOICES)
        return [(company_label(c), c.id) for c in found]

    return SearchCompleter(edit, search)


def lot_chooser(edit: QLineEdit, services: Services) -> SearchCompleter:
    def search(text: str) -> list[tuple[str, int]]:
        found = services.placements.lot_choices(text, limit=CHOICES)
        return [(c.label + _lot_state(c.status.value, c.status.label), c.id) for c in found]

    return SearchCompleter(edit, search)


def _lot_state(code: str, label: str) -> str:
    return "" if code in ("not_started", "in_progress") else f" ({label.lower()})"

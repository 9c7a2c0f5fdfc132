"""Small helpers of the candidate forms: optional dates typed as « 04/05/1990 », combo
boxes of labelled enums, and the names the lists show beside ids (prescribers, users)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit

from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.formats import format_date, normalise_text, parse_date
from asr_desktop.services.container import Services

DATE_PLACEHOLDER = "jj/mm/aaaa"


def read_date(edit: QLineEdit, field_name: str, what: str, *, required: bool = False):
    """The date typed in ``edit`` (None when empty and not ``required``), or ValidationError
    naming ``field_name`` in French."""
    text = edit.text().strip()
    if not text:
        if required:
            raise ValidationError(f"{what} est obligatoire (jj/mm/aaaa).", field_name)
        return None
    if text.isdigit():  # parse_date would read it as an Excel serial number
        raise ValidationError(
            f"{what} est illisible : « {text} » (attendu : jj/mm/aaaa).", field_name
        )
    try:
        return parse_date(text, field_name)
    except ValidationError as error:
        raise ValidationError(f"{what} : {error}", field_name) from None


def show_date(edit: QLineEdit, value: date | None) -> None:
    edit.setText(format_date(value))


def date_field(edit: QLineEdit) -> None:
    edit.setPlaceholderText(DATE_PLACEHOLDER)
    edit.setMaxLength(20)


def enum_choices(enum_class) -> list[tuple[str, object]]:
    return [(member.label, member) for member in enum_class]


def combo_value(combo: QComboBox):
    return combo.currentData()


def french_buttons(box: QDialogButtonBox, save: str = "&Enregistrer") -> None:
    """« Enregistrer » / « Annuler » whatever translations are installed."""
    for role, text in (
        (QDialogButtonBox.StandardButton.Save, save),
        (QDialogButtonBox.StandardButton.Ok, save),
        (QDialogButtonBox.StandardButton.Cancel, "Annuler"),
        (QDialogButtonBox.StandardButton.Close, "&Fermer"),
    ):
        button = box.button(role)
        if button is not None:
            button.setText(text)


@dataclass
class Lookups:
    """Names shown instead of ids: prescribers and users (a handful of rows, read once per
    refresh of the page)."""

    prescribers: dict[int, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    active_users: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def load(cls, services: Services) -> Lookups:
        users = services.users.list_users()
        return cls(
            prescribers={p.id: p.name for p in services.participants.list_prescribers()},
            users={u.id: u.display_name for u in users},
            active_users=[(u.display_name, u.id) for u in users if u.active],
        )

    def prescriber(self, prescriber_id: int | None) -> str:
        if prescriber_id is None:
            return ""
        return self.prescribers.get(prescriber_id, f"Prescripteur n° {prescriber_id}")

    def user(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        return self.users.get(user_id, f"Utilisateur n° {user_id}")

    def user_choices(self, current: int | None = None) -> list[tuple[str, int]]:
        """Active users, plus ``current`` when it is an inactive one (kept selectable)."""
        choices = list(self.active_users)
        if current is not None and all(uid != current for _name, uid in choices):
            choices.append((self.user(current), current))
        return choices

    def users_by_name(self) -> list[tuple[str, int]]:
        """Every user, active or not (a list filter must reach old records too)."""
        return sorted(((name, uid) for uid, name in self.users.items()), key=_french)

    def prescriber_choices(self) -> list[tuple[str, int]]:
        return sorted(((name, pid) for pid, name in self.prescribers.items()), key=_french)


def _french(pair: tuple[str, int]) -> str:
    return normalise_text(pair[0])

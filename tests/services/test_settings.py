"""Dated parameters, users, committees and the export log."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from asr_desktop.domain.enums import AuthorityKind, CommitteeKind, ExportKind, UserRole
from asr_desktop.domain.errors import Conflict, NotFound, ValidationError
from asr_desktop.domain.model import Authority, Committee, Operation
from asr_desktop.services.clauses import ClauseService
from asr_desktop.services.settings import CommitteeService, ParameterService, UserService

SHA = "ab" * 32


@pytest.fixture
def parameters(sessions):
    return ParameterService(sessions)


@pytest.fixture
def users(sessions):
    return UserService(sessions)


# --- dated parameters -------------------------------------------------------------------------


def test_a_new_dated_value_keeps_the_history(parameters):
    parameters.add_value("hourly_cost", Decimal("32.50"), date(2026, 1, 1), note="Délibération")

    history = [(p.value, p.valid_from, p.note) for p in parameters.history("hourly_cost")]
    assert history == [
        (Decimal("30"), date(2015, 1, 1), "Usage : 25 à 30 €/h (MDE Sud 77)"),
        (Decimal("32.5"), date(2026, 1, 1), "Délibération"),
    ]
    listed = [(p.key, p.value) for p in parameters.list_all() if p.key == "hourly_cost"]
    assert listed == [("hourly_cost", Decimal("30")), ("hourly_cost", Decimal("32.5"))]
    assert parameters.value_at("hourly_cost", date(2025, 12, 31)) == Decimal("30")
    assert parameters.value_at("hourly_cost", date(2026, 1, 1)) == Decimal("32.5")


def test_in_force_gives_one_value_per_key_at_the_date(parameters):
    parameters.add_value("smic.hourly", Decimal("12.02"), date(2026, 1, 1))
    before = {p.key: p.value for p in parameters.in_force(date(2025, 6, 1))}
    after = {p.key: p.value for p in parameters.in_force(date(2026, 6, 1))}
    assert before["smic.hourly"] == Decimal("11.88")
    assert after["smic.hourly"] == Decimal("12.02")
    assert after["hourly_cost"] == Decimal("30")


def test_an_existing_dated_value_is_never_overwritten(parameters):
    with pytest.raises(Conflict) as err:
        parameters.add_value("hourly_cost", Decimal("28"), date(2015, 1, 1))
    assert "01/01/2015" in str(err.value)
    assert [p.value for p in parameters.history("hourly_cost")] == [Decimal("30")]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("insertion_rate.default", Decimal("5"), "saisissez 0,05"),
        ("hourly_cost", Decimal("0"), "supérieure à zéro"),
        ("training.counted", Decimal("2"), "vaut 1 (oui) ou 0 (non)"),
        ("retention.years_after_last_contact", Decimal("1.5"), "nombre entier"),
        ("export.small_cell_threshold", Decimal("0"), "d'au moins 1"),
        ("coût.inconnu", Decimal("1"), "Paramètre inconnu"),
    ],
)
def test_values_are_checked_against_the_unit(parameters, key, value, expected):
    with pytest.raises(ValidationError) as err:
        parameters.add_value(key, value, date(2026, 1, 1))
    assert expected in str(err.value)


def test_a_new_trade_labour_share_can_be_added(parameters):
    parameters.add_value("labour_share.plomberie", Decimal("0.6"), date(2026, 1, 1))
    assert parameters.value_at("labour_share.plomberie", date(2026, 3, 1)) == Decimal("0.6")
    with pytest.raises(NotFound):
        parameters.value_at("labour_share.inconnu", date(2026, 3, 1))


# --- users ------------------------------------------------------------------------------------


def test_users_have_unique_logins_and_a_role(users):
    assert users.has_users() is False
    users.create_user("mdupont", "Martine Dupont", UserRole.COORDINATOR)
    users.create_user("kbenali", "Karim Benali", "conseiller")

    assert [(u.login, u.role) for u in users.list_users()] == [
        ("kbenali", UserRole.ADVISER),
        ("mdupont", UserRole.COORDINATOR),
    ]
    with pytest.raises(Conflict):
        users.create_user("MDupont", "Autre personne")
    with pytest.raises(ValidationError) as err:
        users.create_user("j martin", "Jean Martin")
    assert err.value.field == "login"
    with pytest.raises(ValidationError) as err:
        users.create_user("jmartin", "Jean Martin", "directeur")
    assert err.value.field == "role"


def test_a_deactivated_user_leaves_the_active_list(users):
    user = users.create_user("kbenali", "Karim Benali")
    users.set_active(user.id, False)
    assert users.list_users(active_only=True) == []
    assert users.get_user(user.id).active is False


# --- committees and exports -------------------------------------------------------------------


@pytest.fixture
def scope(sessions):
    clauses = ClauseService(sessions)
    authority = clauses.create_authority(
        Authority(id=None, name="Ville d'Alfortville", kind=AuthorityKind.COMMUNE)
    )
    other = clauses.create_authority(
        Authority(id=None, name="Ville de Limeil-Brévannes", kind=AuthorityKind.COMMUNE)
    )
    operation = clauses.create_operation(
        Operation(id=None, authority_id=other.id, name="Centre aquatique")
    )
    return authority, operation


def _committee(**fields):
    values = dict(
        id=None,
        kind=CommitteeKind.TECHNICAL,
        meeting_date=date(2026, 7, 10),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        title="Comité technique du 1er semestre 2026",
    )
    values.update(fields)
    return Committee(**values)


def test_committees_are_listed_most_recent_first(sessions, scope):
    authority, _operation = scope
    committees = CommitteeService(sessions)
    committees.create_committee(_committee(authority_id=authority.id))
    committees.create_committee(
        _committee(
            kind=CommitteeKind.ANNUAL,
            meeting_date=date(2027, 2, 1),
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            title="Bilan annuel 2026",
        )
    )

    assert [(c.title, c.authority_id) for c in committees.list_committees()] == [
        ("Bilan annuel 2026", None),
        ("Comité technique du 1er semestre 2026", authority.id),
    ]


def test_committee_period_and_scope_are_checked(sessions, scope):
    authority, operation = scope
    committees = CommitteeService(sessions)
    with pytest.raises(ValidationError) as err:
        committees.create_committee(_committee(period_end=date(2025, 12, 31)))
    assert err.value.field == "period_end"
    assert "31/12/2025" in str(err.value)
    with pytest.raises(ValidationError) as err:
        committees.create_committee(
            _committee(authority_id=authority.id, operation_id=operation.id)
        )
    assert err.value.field == "operation_id"
    assert committees.list_committees() == []


def test_record_export_logs_who_what_and_how_many(sessions, users):
    user = users.create_user("mdupont", "Martine Dupont")
    committees = CommitteeService(sessions, user_id=user.id)
    committee = committees.create_committee(_committee())

    record = committees.record_export(
        ExportKind.DOSSIER_PDF, 42, False, SHA.upper(), committee_id=committee.id
    )
    committees.record_export("participants", 310, True, None)

    assert (record.kind, record.row_count, record.named, record.sha256, record.user_id) == (
        ExportKind.DOSSIER_PDF,
        42,
        False,
        SHA,
        user.id,
    )
    assert isinstance(record.created_at, datetime)
    assert [r.kind for r in committees.list_exports(committee.id)] == [ExportKind.DOSSIER_PDF]
    assert sorted(r.row_count for r in committees.list_exports()) == [42, 310]


def test_record_export_refuses_a_malformed_digest_or_count(sessions):
    committees = CommitteeService(sessions)
    with pytest.raises(ValidationError) as err:
        committees.record_export(ExportKind.LIST, 3, False, "abc")
    assert err.value.field == "sha256"
    with pytest.raises(ValidationError) as err:
        committees.record_export(ExportKind.LIST, -1, False, None)
    assert err.value.field == "row_count"
    with pytest.raises(NotFound):
        committees.record_export(ExportKind.LIST, 3, False, None, committee_id=99)
    assert committees.list_exports() == []

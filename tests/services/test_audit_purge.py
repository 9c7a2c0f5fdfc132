"""Purge of the audit trail (issue 6 §5): entries older than the retention period (12 months
by default, a dated parameter) are removed, the purge is itself recorded with the anchor the
remaining chain starts from, and tampering with what remains is still found. Nothing else in
the program updates or deletes an audit entry."""

from __future__ import annotations

import ast
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

import asr_desktop
from asr_desktop.domain.audit_chain import GENESIS, entry_hash
from asr_desktop.domain.enums import AuditAction
from asr_desktop.domain.errors import ValidationError
from asr_desktop.domain.privacy import audit_cutoff
from asr_desktop.persistence.models import AuditEntryRow
from asr_desktop.persistence.repositories.audit import AuditRepository
from asr_desktop.services.audit import AuditService
from asr_desktop.services.container import build_services

NOW = datetime.now().replace(microsecond=0)


@pytest.fixture
def audit(sessions):
    return AuditService(sessions, user_id=None)


def write_chain(sessions, stamps: list[datetime]) -> list[int]:
    """Entries stamped at the given moments, chained as the program chains them."""
    ids = []
    with sessions.begin() as s:
        previous = (
            s.scalar(text("SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1")) or GENESIS
        )
        for n, at in enumerate(stamps):
            detail = f"champs : note ({n})"
            digest = entry_hash(previous, at, None, "consultation", "participant", n + 1, detail)
            row = AuditEntryRow(
                at=at,
                user_id=None,
                action="consultation",
                entity="participant",
                entity_id=n + 1,
                detail=detail,
                prev_hash=previous,
                hash=digest,
            )
            s.add(row)
            s.flush()
            ids.append(row.id)
            previous = digest
    return ids


def months_ago(months: int, days: int = 0) -> datetime:
    return audit_cutoff(NOW, months) - timedelta(days=days)


@pytest.fixture
def trail(sessions):
    """Ten entries older than a year, then five recent ones."""
    old = [months_ago(12, days=40 - i) for i in range(10)]
    recent = [NOW - timedelta(days=40 - i) for i in range(5)]
    return write_chain(sessions, old + recent)


def execute(db, sql: str, **values) -> None:
    with db.engine.begin() as con:
        con.execute(text(sql), values)


# --- the purge ------------------------------------------------------------------------------


def test_entries_past_a_year_are_purged_and_the_rest_still_verifies(audit, trail):
    assert audit.retention_months() == 12
    preview = audit.purge_preview()
    assert (preview.count, preview.last_id) == (10, trail[9])
    assert len(audit.list_entries()) == 15  # a preview removes nothing

    done = audit.purge()

    assert (done.count, done.last_id) == (10, trail[9])
    assert months_ago(12) <= done.cutoff <= audit_cutoff(datetime.now(), 12)
    entries = audit.list_entries()
    assert [e.id for e in reversed(entries)][:5] == trail[10:]
    record = entries[0]
    assert (record.action, record.entity, record.entity_id) == (
        AuditAction.DELETE,
        "audit_entry",
        trail[9],
    )
    assert done.anchor in record.detail and "10 entrées" in record.detail
    assert audit.verify_chain() is None
    status = audit.chain_status()
    assert status.intact and status.entries == 6


def test_nothing_to_purge_writes_nothing(audit, sessions):
    write_chain(sessions, [NOW - timedelta(days=3)])
    assert audit.purge().count == 0
    assert len(audit.list_entries()) == 1


def test_a_purge_of_everything_leaves_its_own_entry_anchored(audit, trail):
    done = audit.purge(before=NOW + timedelta(days=1))
    assert done.count == 15
    (only,) = audit.list_entries()
    assert only.entity == "audit_entry" and only.entity_id == trail[-1]
    assert audit.verify_chain() is None


def test_successive_purges_keep_the_chain_verifiable(audit, sessions, trail):
    audit.purge(before=months_ago(12, days=35))
    audit.purge()
    write_chain(sessions, [NOW])
    audit.purge(before=NOW - timedelta(days=37))
    assert audit.verify_chain() is None
    assert len(audit.list_entries(action=AuditAction.DELETE, entity="audit_entry")) == 3


def test_the_period_is_the_dated_parameter_in_force(db, audit, trail):
    services = build_services(db)
    services.parameters.add_value("audit.retention_months", 1, date(2020, 1, 1))
    assert audit.retention_months() == 1
    assert audit.purge_preview().count == 15  # the entries of 36 to 40 days ago go too
    with pytest.raises(ValidationError):
        services.parameters.add_value("audit.retention_months", 0, date(2021, 1, 1))


def test_a_clock_set_back_never_cuts_a_hole_in_the_chain(audit, sessions):
    ids = write_chain(
        sessions,
        [months_ago(13), NOW - timedelta(days=2), months_ago(14), NOW - timedelta(days=1)],
    )
    assert audit.purge().count == 1  # the old entry after a recent one stays
    assert [e.id for e in reversed(audit.list_entries())][:3] == ids[1:]
    assert audit.verify_chain() is None


# --- tampering after a purge is still found ---------------------------------------------------


@pytest.fixture
def purged(audit, trail):
    audit.purge()
    return trail[10:], audit.list_entries(limit=1)[0].id


def test_a_changed_entry_after_a_purge_is_found(db, audit, purged):
    kept, _record = purged
    execute(db, "UPDATE audit_entry SET detail = 'rien' WHERE id = :id", id=kept[2])
    assert audit.verify_chain() == kept[2]
    status = audit.chain_status()
    assert not status.intact and status.broken_at.id == kept[2]


def test_removing_the_oldest_kept_entries_is_found(db, audit, purged):
    kept, _record = purged
    execute(db, "DELETE FROM audit_entry WHERE id <= :id", id=kept[1])
    assert audit.verify_chain() == kept[2]


def test_removing_the_purge_entry_is_found(db, audit, purged):
    kept, record = purged
    execute(db, "DELETE FROM audit_entry WHERE id = :id", id=record)
    assert audit.verify_chain() == kept[0]  # no anchor any more: the first entry is orphaned


def test_removing_everything_up_to_the_purge_entry_is_found(db, audit, purged, sessions):
    _kept, record = purged
    later = write_chain(sessions, [NOW])
    execute(db, "DELETE FROM audit_entry WHERE id <= :id", id=record)
    assert audit.verify_chain() == later[0]


def test_a_forged_anchor_is_found(db, audit, purged):
    _kept, record = purged
    execute(
        db,
        "UPDATE audit_entry SET detail = :d WHERE id = :id",
        d="purge de 10 entrées anciennes ; ancre " + "f" * 64,
        id=record,
    )
    assert audit.verify_chain() is not None


# --- no other way to change or remove an entry ------------------------------------------------

_PACKAGE = Path(asr_desktop.__file__).parent
_ALLOWED = {("persistence/repositories/audit.py", "AuditRepository.purge_before")}
_RAW_SQL = re.compile(
    r"\b(update|delete\s+from|replace\s+into|drop\s+table|alter\s+table)\s+[\"'`\[]?audit_entry\b",
    re.IGNORECASE,
)
_CHANGING = re.compile(r"update|delete|edit|modify|change|remove|erase|rewrite|^set_", re.I)


def _sources():
    """Every module of the program that names the audit table or its row class at all."""
    for path in sorted(_PACKAGE.rglob("*.py")):
        relative = path.relative_to(_PACKAGE).as_posix()
        if relative.startswith(("persistence/migrations/", "ui/forms/")):
            continue
        source = path.read_text(encoding="utf-8")
        if "audit_entry" in source.lower() or "AuditEntryRow" in source:
            yield relative, ast.parse(source)


def _scoped(tree: ast.AST):
    """(qualified name of the enclosing function, node) for every node."""
    stack = [("", tree)]
    while stack:
        scope, node = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                inner = f"{scope}.{child.name}" if scope else child.name
            yield inner, child
            stack.append((inner, child))


def test_no_code_updates_or_deletes_audit_entries_except_the_purge():
    found = set()
    for relative, tree in _sources():
        for scope, node in _scoped(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not _RAW_SQL.search(node.value), f"{relative} {scope}: SQL sur audit_entry"
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if not re.search(r"update|delete", name, re.I):
                continue
            arguments = " ".join(ast.unparse(a) for a in node.args)
            if "AuditEntryRow" in arguments or "audit_entry" in arguments:
                found.add((relative, scope))
    assert found == _ALLOWED


def test_the_audit_api_offers_no_change_but_the_purge():
    for cls in (AuditRepository, AuditService):
        public = [n for n in vars(cls) if not n.startswith("_") and callable(getattr(cls, n))]
        changing = [n for n in public if _CHANGING.search(n)]
        assert changing == [], cls.__name__
    assert "purge" in vars(AuditService) and "purge_before" in vars(AuditRepository)

"""The audit trail's hash chain detects a changed, removed or reordered entry."""

from dataclasses import replace
from datetime import datetime

from asr_desktop.domain.audit_chain import GENESIS, ChainLink, entry_hash, first_break


def _chain(n: int) -> list[ChainLink]:
    links, previous = [], GENESIS
    for i in range(1, n + 1):
        at = datetime(2026, 3, 1, 9, 0, i)
        h = entry_hash(previous, at, 1, "creation", "participant", i, "status")
        links.append(ChainLink(i, at, 1, "creation", "participant", i, "status", previous, h))
        previous = h
    return links


def test_intact_chain_holds():
    assert first_break(_chain(5)) is None
    assert first_break([]) is None


def test_changed_detail_is_found_at_that_entry():
    links = _chain(5)
    links[2] = replace(links[2], detail="status,commune")
    assert first_break(links) == 3


def test_removed_entry_breaks_the_next_one():
    links = _chain(5)
    del links[1]
    assert first_break(links) == 3


def test_rehashing_a_changed_entry_still_breaks_its_successor():
    links = _chain(4)
    forged = replace(links[1], entity_id=99)
    forged = replace(
        forged,
        hash=entry_hash(
            links[0].hash,
            forged.at,
            forged.user_id,
            forged.action,
            forged.entity,
            forged.entity_id,
            forged.detail,
        ),
    )
    links[1] = forged
    assert first_break(links) == 3


def test_microseconds_do_not_change_the_hash():
    at = datetime(2026, 3, 1, 9, 0, 0)
    assert entry_hash(GENESIS, at, None, "export", "committee", 1, None) == entry_hash(
        GENESIS, at.replace(microsecond=123456), None, "export", "committee", 1, None
    )


def test_every_field_is_covered():
    base = (GENESIS, datetime(2026, 1, 1), 1, "creation", "participant", 7, "x")
    reference = entry_hash(*base)
    variants = [
        ("1" * 64, *base[1:]),
        (base[0], datetime(2026, 1, 2), *base[2:]),
        (*base[:2], 2, *base[3:]),
        (*base[:3], "modification", *base[4:]),
        (*base[:4], "placement", *base[5:]),
        (*base[:5], 8, base[6]),
        (*base[:6], "y"),
    ]
    assert all(entry_hash(*v) != reference for v in variants)

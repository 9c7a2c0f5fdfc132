"""Hash chain of the audit trail (domain.md §7): each entry's hash covers its content and the
previous entry's hash, so changing or removing an entry breaks every hash after it.

Pure: the persistence layer stores ``prev_hash`` and ``hash``; ``verify`` walks a sequence
of stored entries and says where the chain first breaks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainLink:
    """What the hash covers: never a name, only ids, codes and field names."""

    id: int
    at: datetime
    user_id: int | None
    action: str
    entity: str
    entity_id: int | None
    detail: str | None
    prev_hash: str | None
    hash: str | None


def entry_hash(
    prev_hash: str,
    at: datetime,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: str | None,
) -> str:
    """SHA-256 over a canonical, unambiguous text of the entry (fields joined by U+001F)."""
    parts = (
        prev_hash,
        at.replace(microsecond=0).isoformat(sep=" "),
        "" if user_id is None else str(user_id),
        action,
        entity,
        "" if entity_id is None else str(entity_id),
        detail or "",
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def link_hash(link: ChainLink, prev_hash: str) -> str:
    return entry_hash(
        prev_hash, link.at, link.user_id, link.action, link.entity, link.entity_id, link.detail
    )


def first_break(links: Iterable[ChainLink], start: str = GENESIS) -> int | None:
    """Id of the first entry whose stored hashes do not follow from its content and its
    predecessor, or None when the whole chain holds. ``links`` must be in id order;
    ``start`` is the hash the first link follows (``GENESIS``, or a purge's anchor)."""
    previous = start
    for link in links:
        if link.prev_hash != previous or link.hash != link_hash(link, previous):
            return link.id
        previous = link.hash
    return None

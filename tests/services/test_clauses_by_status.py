"""The dashboard's lots per state: the same figures as adding up every lot."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from asr_desktop.services.container import open_services
from asr_desktop.services.demo import generate_demo


def test_lots_by_status_adds_up_like_the_lots_themselves(tmp_path):
    path = tmp_path / "demo.db"
    generate_demo(path, "small", seed=7, today=date(2026, 11, 25))
    services = open_services(path, create=False)
    try:
        lots = services.clauses.list_lots()
        totals = services.clauses.lots_by_status()
    finally:
        services.close()
    count = Counter(lot.status for lot in lots)
    assert {status: n for status, (n, _h) in totals.items()} == dict(count)
    for status, (_n, hours) in totals.items():
        expected = sum(
            (lot.calibration.required_hours for lot in lots if lot.status is status), Decimal(0)
        )
        assert hours == expected
    assert len(totals) >= 2  # the demo has lots in several states

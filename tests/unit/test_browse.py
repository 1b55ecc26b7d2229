"""Event pages, once per backend: newest first by keyset cursor, undated events last, nothing repeated."""

from __future__ import annotations

from datetime import date

from eventwatch.monitor import EventFilters, list_events
from eventwatch.monitor.synthetic import event_rows
from fixtures.monitor.monitor_db import build_db


def test_pages_run_newest_first_then_the_undated_ones(store_location: str) -> None:
    rows = event_rows(
        {"date": date(2024, 1, 1 + i % 5), "cameo": "190", "source": {"code": "RUSMIL", "country": "RUS"},
         "target": {"code": "UKRMIL", "country": "UKR"}}
        for i in range(23)
    )  # fmt: skip
    for event in rows.events[:3]:
        event["date"] = None  # as an imported table may have them
    build_db(store_location, rows)
    seen, cursor = [], None
    while True:
        page = list_events(store_location, limit=4, cursor=cursor)
        seen += page.items
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len({e["event_id"] for e in seen}) == 23
    dated = [e["date"] for e in seen if e["date"]]
    assert dated == sorted(dated, reverse=True) and all(e["date"] is None for e in seen[20:])
    fights = list_events(store_location, EventFilters(source="RUS", cameo="19"), limit=100)
    assert len(fights.items) == 23 and fights.next_cursor is None

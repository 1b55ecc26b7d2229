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


def test_filtered_pages_read_back_window_by_window_as_one_query_would(store_location: str) -> None:
    """Rare matches years apart, common ones every day: windows of growing length find the same pages,
    in the same order and with the same cursors, as one query over every date."""
    from eventwatch.monitor.browse import EVENT_COLUMNS, NEWEST, encode_cursor
    from eventwatch.monitor.db import reading, rows_as_dicts

    def actor(code: str) -> dict[str, str]:
        return {"code": code, "country": code[:3]}

    common = [{"date": date(2023, 12, 31 - i % 20), "cameo": "042", "source": actor("USAGOV"),
               "target": actor("CHNGOV")} for i in range(30)]  # fmt: skip
    rare = [{"date": date(2023 - 3 * i, 1 + i % 12, 1 + i % 28), "cameo": "193", "source": actor("RUSMIL"),
             "target": actor("UKRMIL")} for i in range(9)]  # fmt: skip
    same_day = [{"date": date(2021, 5, 5), "cameo": "190", "source": actor("RUSGOV"),
                 "target": actor("UKRGOV")} for _ in range(4)]  # fmt: skip
    build_db(store_location, event_rows([*common, *rare, *same_day]))
    with reading(store_location) as con:
        # Actor filters start from the writers' dyad-day counts (browse._counted_reach), which match more
        # than a CAMEO code or a PLOVER type does: the pages must not depend on it.
        for filters in (EventFilters(source="RUS", target="UKR", cameo="19"), EventFilters(cameo="04"),
                        EventFilters(country="UKR", end="2022-01-01"), EventFilters(source="XXX"), EventFilters(),
                        EventFilters(source="RUS", cameo="190"), EventFilters(target="CHN", start="2023-12-15"),
                        EventFilters(source="RUS", plover="CONSULT"),
                        EventFilters(target="UKRMIL", end="2017-06-01")):  # fmt: skip
            where, params = filters.sql()
            everything = rows_as_dicts(con.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE {' AND '.join(where or ['TRUE'])} ORDER BY {NEWEST}", params
            ))  # fmt: skip
            for limit in (1, 3, 50):
                seen, cursor = [], None
                while True:
                    page = list_events(con, filters, limit=limit, cursor=cursor)
                    expected = everything[len(seen) : len(seen) + limit]
                    assert page.items == expected
                    seen += page.items
                    more = len(seen) < len(everything)
                    assert page.next_cursor == (encode_cursor(seen[-1]["date"], seen[-1]["event_id"]) if more else None)
                    cursor = page.next_cursor
                    if not cursor:
                        break
                assert len(seen) == len(everything)

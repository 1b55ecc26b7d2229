"""Exports, once per backend: GDELT 2.0 events (61 columns, codes in their columns), mentions, PLOVER,
Parquet, CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from eventwatch.records import Document
from eventwatch.store import Store
from eventwatch.store.export import column_map
from fixtures.store.fake_coder import FakeCoder

GDELT_EVENT_COLUMNS = (
    "GLOBALEVENTID SQLDATE MonthYear Year FractionDate "
    + " ".join(f"Actor{n}{f}" for n in (1, 2) for f in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
        "Type1Code", "Type2Code", "Type3Code"))
    + " IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale NumMentions NumSources "
    "NumArticles AvgTone "
    + " ".join(f"{g}_{f}" for g in ("Actor1Geo", "Actor2Geo", "ActionGeo") for f in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"))
    + " DATEADDED SOURCEURL"
).split()  # fmt: skip


@pytest.fixture(scope="module")
def store(module_store_location: str) -> Iterator[Store]:
    s = Store(module_store_location)
    s.ingest(
        [Document("Russia attacked Ukraine near Kharkiv. Washington condemned Moscow.", date="2022-02-24",
                  url="https://a.test/1", source="Wire A"),
         Document("In Kharkiv, Russia attacked Ukraine.", date="2022-02-24", url="https://b.test/2"),
         Document("Washington sanctioned Russia.\tMore followed.", date="2022-02-26", url="https://c.test/3")],
        coder=FakeCoder(),
    )  # fmt: skip
    yield s
    s.close()


def _rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text("utf-8").splitlines()]


def test_gdelt_events_have_61_columns_in_codebook_order(store: Store, tmp_path: Path) -> None:
    assert len(GDELT_EVENT_COLUMNS) == 61
    out = tmp_path / "events.tsv"
    assert store.export("gdelt", out) == 3
    rows = _rows(out)
    assert rows[0] == GDELT_EVENT_COLUMNS
    assert all(len(r) == 61 for r in rows)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["SQLDATE"] == "20220224" and record["MonthYear"] == "202202" and record["Year"] == "2022"
    assert record["FractionDate"] == "2022.1507"
    actor1 = (record["Actor1Code"], record["Actor1Name"], record["Actor1CountryCode"])
    assert actor1 == ("RUS", "RUSSIA", "RUS")
    assert (record["Actor2Code"], record["Actor2CountryCode"]) == ("UKR", "UKR")
    assert (record["EventCode"], record["EventBaseCode"], record["EventRootCode"]) == ("190", "190", "19")
    assert (record["QuadClass"], record["GoldsteinScale"]) == ("4", "-10.0")
    assert (record["NumMentions"], record["NumSources"], record["NumArticles"]) == ("2", "2", "2")
    assert record["IsRootEvent"] == "1"
    assert record["ActionGeo_Type"] == "4" and record["ActionGeo_FullName"] == "Kharkiv"
    assert record["ActionGeo_CountryCode"] == "UP"  # FIPS, as GDELT has it
    assert (record["ActionGeo_Lat"], record["ActionGeo_Long"]) == ("49.99", "36.23")
    assert record["SOURCEURL"] == "https://a.test/1" and len(record["DATEADDED"]) == 14
    assert int(record["GLOBALEVENTID"]) > 0
    assert record["AvgTone"] == "" and record["Actor1Geo_FullName"] == ""
    condemn = next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[26] == "111")
    dyad = (condemn["Actor1Code"], condemn["Actor1Type1Code"], condemn["Actor2Code"])
    assert dyad == ("USAGOV", "GOV", "RUSGOV")


def test_gdelt_without_header(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "events.tsv"
    store.export("gdelt", out, header=False)
    assert len(_rows(out)) == 3 and _rows(out)[0][1] == "20220224"


def test_gdelt_mentions_columns(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "mentions.tsv"
    assert store.export("gdelt-mentions", out) == 4
    rows = _rows(out)
    assert [c for c, _, _ in column_map("gdelt_mentions")] == rows[0]
    assert rows[0][:6] == ["GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType",
                           "MentionSourceName", "MentionIdentifier"]  # fmt: skip
    assert len(rows[0]) == 16 and all(len(r) == 16 for r in rows)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["MentionIdentifier"] in ("https://a.test/1", "https://b.test/2")
    assert first["SentenceID"] == "1" and first["Confidence"] == "80"
    store.export("gdelt", tmp_path / "e.tsv")
    assert {r[0] for r in rows[1:]} <= {r[0] for r in _rows(tmp_path / "e.tsv")[1:]}


def test_plover_jsonl(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "plover.jsonl"
    assert store.export("plover", out) == 3
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assault = records[0]
    assert assault["event"] == ["ASSAULT"] and assault["date"] == "2022-02-24"
    assert assault["actor"][0]["code"] == "RUS" and assault["recipient"][0]["code"] == "UKR"
    assert assault["mode"] == ["firearms"] and assault["context"] == ["military"]
    assert assault["event_loc"]["name"] == "Kharkiv" and assault["num_articles"] == 2


def test_parquet_is_typed_for_pandas_and_polars(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    assert store.export("parquet", out) == 3
    frame = pd.read_parquet(out)
    assert len(frame) == 3 and str(frame["num_mentions"].dtype) == "int32"
    polars = pl.read_parquet(out)
    assert polars.schema["date"] == pl.Date and polars.schema["goldstein"] == pl.Float64
    store.export("parquet", tmp_path / "m.parquet", table="mentions")
    assert pl.read_parquet(tmp_path / "m.parquet").height == 4


def test_csv_keeps_tabs_and_quotes(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "articles.csv"
    store.export("csv", out, table="articles")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 3 and any("\t" in r["text"] for r in rows)


def test_unknown_format(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        store.export("xml", tmp_path / "x.xml")

"""`eventwatch spark` and `eventwatch load` as a user runs them, on a local Spark (local[2]).

- the same articles give the same events (ids, codes, mention counts) through Spark and through
  `ingest` into DuckDB, and `load` brings the Spark output into a store that equals the ingested one;
- bad records of every format go to rejects/ with input, line and reason, and the job goes on;
- a worker that dies mid-task is retried without duplicating rows;
- a driver killed with SIGKILL mid-job, then run again, leaves the output of a clean run.

Skipped, with the way to get them, where PySpark or Java is missing (`.ci/run` installs both).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eventwatch.spark.session import SparkUnavailable, require_spark
from eventwatch.store import Store
from fixtures.store.counts_check import assert_counts_match_a_scan

EVENTWATCH = str(Path(sys.executable).with_name("eventwatch"))
TESTS = Path(__file__).resolve().parents[1]
FAKE = "fixtures.spark.coders:make_coder"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def spark_available() -> None:
    try:
        require_spark()
    except SparkUnavailable as exc:
        pytest.skip(str(exc))


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, PYTHONPATH=str(TESTS), **(env or {}))
    return subprocess.run([EVENTWATCH, *args], capture_output=True, text=True, timeout=timeout, env=environment)


def parquet(folder: Path, sql: str) -> list[tuple]:
    """Rows of ``sql`` over the Parquet part ``folder`` (as table ``t``)."""
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{folder}/**/*.parquet', hive_partitioning = true)")
    return con.execute(sql).fetchall()


def store(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# -- same events on both engines -----------------------------------------------------------------------

EVENT_FIELDS = (
    "event_id, date, source_code, target_code, cameo, cameo_root, quad_class, goldstein, plover, "
    "num_mentions, num_sources, num_articles, location_name"
)


def news(path: Path, n: int = 240) -> Path:
    """Real-article-like input: the bundled sample articles, re-told (sentence order, report number,
    day, wire) so that they repeat events across articles and days; one text twice and one URL twice."""
    text = resources.files("eventwatch").joinpath("data/samples/articles.jsonl").read_text("utf-8")
    samples = [json.loads(line) for line in text.splitlines() if line.strip()]
    records = []
    for i in range(n):
        sample = samples[i % len(samples)]
        sentences = [s.strip() + "." for s in sample["text"].split(". ") if s.strip()]
        turn = (i // len(samples)) % len(sentences)
        body = " ".join(sentences[turn:] + sentences[:turn]).replace("..", ".")
        day = date.fromisoformat(sample["date"]) + timedelta(days=(i // len(samples)) % 4)
        records.append({"id": f"r{i}", "text": f"(Report {i % 60}) {body}", "date": day.isoformat(),
                        "url": f"https://news.test/{i}", "source": f"Wire {i % 5}"})  # fmt: skip
    records.append(dict(records[3], id="again", url="https://news.test/again"))  # same text
    records.append(dict(records[4], id="moved", text=records[4]["text"] + " Updated."))  # same URL
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    tmp = tmp_path_factory.mktemp("engines")
    source = news(tmp / "news.jsonl")
    ingested = run("ingest", str(source), "--db", str(tmp / "ingested.duckdb"), "--workers", "2")
    assert ingested.returncode == 0, ingested.stderr
    coded = run("spark", str(source), "--output", str(tmp / "out"), "--master", "local[2]")
    assert coded.returncode == 0, coded.stderr
    return tmp / "ingested.duckdb", tmp / "out", coded


def test_spark_gives_the_events_of_ingest(both_engines):
    db, out, coded = both_engines
    sql = f"SELECT {EVENT_FIELDS} FROM {{}} ORDER BY event_id"
    from_spark = parquet(out / "events", sql.format("t"))
    from_store = store(db, sql.format("events"))
    assert len(from_store) > 100
    assert from_spark == from_store
    mentions = "SELECT mention_id, event_id, article_id, cameo, modality FROM {} ORDER BY mention_id"
    assert parquet(out / "mentions", mentions.format("t")) == store(db, mentions.format("mentions"))
    articles = "SELECT article_id, url, date, n_sentences, n_events FROM {} ORDER BY article_id"
    assert parquet(out / "articles", articles.format("t")) == store(db, articles.format("articles"))
    assert "240 articles (2 duplicates skipped)" in coded.stderr


def test_load_brings_the_output_into_a_store_once(both_engines, tmp_path):
    db, out, _ = both_engines
    loaded = tmp_path / "loaded.duckdb"
    first = run("load", str(out), "--db", str(loaded))
    assert first.returncode == 0, first.stderr
    snapshot = {t: store(loaded, f"SELECT * EXCLUDE (ingested_at) FROM {t} ORDER BY 1") for t in ("articles",)}
    snapshot |= {t: store(loaded, f"SELECT * FROM {t} ORDER BY 1") for t in ("mentions", "actors")}
    snapshot["events"] = store(loaded, "SELECT * EXCLUDE (first_seen, last_seen) FROM events ORDER BY 1")
    again = run("load", str(out), "--db", str(loaded))
    assert again.returncode == 0 and "0 articles loaded (240 already stored)" in again.stderr
    assert snapshot["events"] == store(loaded, "SELECT * EXCLUDE (first_seen, last_seen) FROM events ORDER BY 1")
    assert snapshot["mentions"] == store(loaded, "SELECT * FROM mentions ORDER BY 1")
    with Store(loaded) as kept:
        assert_counts_match_a_scan(kept)  # the dyad-day counts series read, once per event
    sql = f"SELECT {EVENT_FIELDS} FROM events ORDER BY event_id"
    assert store(loaded, sql) == store(db, sql)
    series = run("series", "RUS", "UKR", "--db", str(loaded), "--format", "csv")
    assert series.returncode == 0, series.stderr


# -- bad input -------------------------------------------------------------------------------------

def test_bad_records_of_every_format_are_rejected_with_input_and_line(tmp_path):
    good = {"text": "Russia attacked Ukraine near Kharkiv.", "date": "2022-03-01"}
    jsonl = tmp_path / "news.jsonl"
    jsonl.write_text(json.dumps(good) + "\n\nnot json\n" + json.dumps({"id": 7}) + "\n"
                     + json.dumps({"text": "NATO condemned Russia.", "date": "2022-03-32"}) + "\n")  # fmt: skip
    csv = tmp_path / "news.csv"
    csv.write_text('id,text,date\n1,"Israel attacked Hamas, officials said.",2023-10-09\n2,,2023-10-09\n')
    table = tmp_path / "news.parquet"
    pq.write_table(pa.table({"text": ["Kyiv condemned Moscow.", None], "date": ["2022-03-02", "2022-03-02"]}), table)
    no_text = tmp_path / "titles.csv"
    no_text.write_text("id,title\n1,Headline\n")
    out = tmp_path / "out"
    inputs = [str(p) for p in (jsonl, csv, table, no_text, tmp_path / "missing.jsonl")]
    done = run("spark", *inputs, "--output", str(out), "--coder", FAKE)
    assert done.returncode == 1, done.stderr
    assert "3 articles" in done.stderr and "6 rejected records" in done.stderr
    rejects = [json.loads(line) for part in sorted((out / "rejects").glob("*.json")) for line in part.open()]
    found = {(Path(r["input"]).name, r.get("line"), r["reason"]) for r in rejects}
    assert found == {
        ("news.jsonl", 3, "not valid JSON (Expecting value at column 1)"),
        ("news.jsonl", 4, "record has no text"),
        ("news.jsonl", 5, "bad date '2022-03-32' (expected YYYY-MM-DD)"),
        ("news.csv", 3, "record's text is empty; nothing to code"),  # a warning, as in ingest
        ("news.parquet", 2, "record has no text"),
        ("titles.csv", None, "has no 'text' column (columns: id, title)"),
        ("missing.jsonl", None, "no such file or folder"),
    }
    assert f"{jsonl}:3: not valid JSON" in done.stderr
    assert parquet(out / "mentions", "SELECT count(*) FROM t")[0][0] == 3


# -- failures: a dying worker, a killed driver ---------------------------------------------------------

def fake_news(path: Path, n: int, crash_at: int | None = None) -> Path:
    actors = ("Russia", "Ukraine", "Moscow", "Kyiv", "NATO", "Israel", "Hamas", "Washington")
    verbs = ("attacked", "condemned", "met with", "sanctioned", "shelled")
    with path.open("w") as out:
        for i in range(n):
            a, b = actors[i % 8], actors[(i * 3 + 1) % 8]
            text = f"Report {i}: {a} {verbs[i % 5]} {b} near Kharkiv. {b} condemned {a}."
            if i == crash_at:
                text += " CRASH THE WORKER"
            out.write(json.dumps({"text": text, "date": f"2022-03-{1 + i % 9:02d}", "source": f"W{i % 3}"}) + "\n")
    return path


def test_a_worker_dying_mid_task_is_retried_without_duplicate_rows(tmp_path):
    from eventwatch.spark import spark

    source = fake_news(tmp_path / "news.jsonl", 200, crash_at=120)
    os.environ["SPARK_TEST_CRASH_ONCE"] = str(tmp_path / "crashed")
    sys.path.insert(0, str(TESTS))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            report = spark([str(source)], str(tmp_path / "out"), master="local[2]", coder=FAKE, partitions=2,
                           config={"spark.sql.execution.arrow.maxRecordsPerBatch": "10"})  # fmt: skip
    finally:
        del os.environ["SPARK_TEST_CRASH_ONCE"]
    assert (tmp_path / "crashed").exists()  # the worker did die once
    assert report.articles == 200 and report.rejects == 0
    articles = parquet(tmp_path / "out" / "articles", "SELECT count(*), count(DISTINCT article_id) FROM t")
    mentions = parquet(tmp_path / "out" / "mentions", "SELECT count(*), count(DISTINCT mention_id) FROM t")
    assert articles == [(200, 200)] and mentions == [(report.mentions, report.mentions)]


SNAPSHOT = {
    "articles": "SELECT * EXCLUDE (ingested_at) FROM t ORDER BY article_id",
    "mentions": "SELECT * FROM t ORDER BY mention_id",
    "events": "SELECT * EXCLUDE (first_seen, last_seen) FROM t ORDER BY event_id",
}


def output(folder: Path) -> dict[str, list[tuple]]:
    parts = {name: parquet(folder / name, sql) for name, sql in SNAPSHOT.items()}
    parts["rejects"] = sorted((folder / "rejects").glob("*.json"))[0].read_text().splitlines()
    return parts


def test_a_driver_killed_mid_job_then_run_again_leaves_the_output_of_a_clean_run(tmp_path):
    source = fake_news(tmp_path / "news.jsonl", 400)
    with source.open("a") as out:
        out.write("not json\n")
    started = tmp_path / "started"
    env = dict(os.environ, PYTHONPATH=str(TESTS), FAKE_CODER_DELAY="0.05", SPARK_TEST_STARTED=str(started))
    args = [EVENTWATCH, "spark", str(source), "--output", str(tmp_path / "killed"), "--coder", FAKE]
    driver = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not started.exists() and driver.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert started.exists(), "the job never started coding"
        time.sleep(2)
        assert driver.poll() is None, "the job ended before it could be killed"
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait()
    finally:
        # The JVM and Python workers go when their driver does; make sure of it.
        time.sleep(3)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(driver.pid, signal.SIGKILL)
    refused = run("load", str(tmp_path / "killed"), "--db", str(tmp_path / "x.duckdb"))
    assert refused.returncode == 1 and "did not finish" in refused.stderr

    rerun = run("spark", str(source), "--output", str(tmp_path / "killed"), "--coder", FAKE)
    builds = tmp_path / "builds"
    clean = run("spark", str(source), "--output", str(tmp_path / "clean"), "--coder", FAKE,
                env={"SPARK_TEST_BUILDS": str(builds)})  # fmt: skip
    assert rerun.returncode == clean.returncode == 1, rerun.stderr + clean.stderr  # the bad line
    assert output(tmp_path / "killed") == output(tmp_path / "clean")
    assert len(output(tmp_path / "clean")["articles"]) == 400
    # One coder per Python worker (two at local[2]), kept for all eight coding tasks.
    pids = builds.read_text().split()
    assert len(pids) == len(set(pids)) <= 2


# -- the dedup rule, on both engines ---------------------------------------------------------------------

def random_mentions(seed: int, n: int) -> tuple[list[dict], list[dict]]:
    """Mentions and their articles that exercise every step of the rule: actor codes at several depths
    (SRB, SRBGOV, SRBGOVDIP, SRBOPP) and missing, text- and article-dated mentions a day apart, several
    mentions a day, gaps longer and shorter than a window, unreal mentions."""
    import random
    from datetime import datetime

    rng = random.Random(seed)
    articles = [{"article_id": f"a{i}", "ingested_at": datetime(2024, 1, 20 + i % 3, 12, 30)} for i in range(40)]
    mentions = []
    for i in range(n):
        cameo = rng.choice(["190", "193", "111", "0431"])
        mentions.append({
            "mention_id": f"m{i:04d}", "event_id": None, "article_id": rng.choice(articles)["article_id"],
            "source_code": rng.choice(["SRB", "SRBGOV", "SRBGOVDIP", "SRBOPP", "ALB", None]),
            "target_code": rng.choice(["ALB", "ALBGOV", "ALBGOVMIL", "SRB", None]),
            "cameo": cameo, "cameo_root": cameo[:2], "plover": "ASSAULT",
            "modality": rng.choice(["asserted"] * 5 + ["negated", "hypothetical"]),
            "date": rng.choice([None, *(date(2024, 1, 1) + timedelta(days=rng.randrange(12)) for _ in range(4))]),
            "date_precision": rng.choice(["day", "day", "document", "unknown", "month"]),
        })  # fmt: skip
    return mentions, articles


MENTIONS_SCHEMA = (
    "mention_id string, event_id string, article_id string, source_code string, target_code string, cameo string, "
    "cameo_root string, plover string, modality string, date date, date_precision string"
)


def store_clusters(mentions: list[dict], articles: list[dict], config) -> dict[str, str | None]:
    """mention id -> event id by the store's own SQL on DuckDB."""
    from eventwatch.store.dedup import cluster_sql, event_id, from_day_number
    from eventwatch.store.writer import dedup_input

    con = duckdb.connect()
    fields = [column.split() for column in MENTIONS_SCHEMA.split(", ")]
    schema = pa.schema([(name, pa.date32() if kind == "date" else pa.string()) for name, kind in fields])
    con.register("mentions", pa.Table.from_pylist(mentions, schema))
    con.register("articles", pa.Table.from_pylist(articles))
    cursor = con.execute(cluster_sql(config, dedup_input(config) + "WHERE m.modality = 'asserted'"))
    names = [d[0] for d in cursor.description]
    found = {m["mention_id"]: None for m in mentions}
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        key = [row[f"k_{f}"] for f in config.key]
        found[row["mention_id"]] = event_id(config, key, from_day_number(row["first_day"]))
    return found


def test_spark_sql_clusters_like_the_store_for_any_key_and_window():
    """The store's cluster_sql run by Spark SQL gives DuckDB's clusters and ids, for several rules."""
    from eventwatch.spark.dedup import assign_events
    from eventwatch.spark.session import start_session
    from eventwatch.store.dedup import DedupConfig

    mentions, articles = random_mentions(7, 600)
    session = start_session("local[1]")
    try:
        frame = session.createDataFrame(mentions, MENTIONS_SCHEMA)
        about = session.createDataFrame(articles, "article_id string, ingested_at timestamp_ntz")
        configs = (DedupConfig(), DedupConfig(window_days=3), DedupConfig(("source_code", "cameo", "target_code"), 2),
                   DedupConfig(("cameo_root",)))  # fmt: skip
        for config in configs:
            spark_ids = {r.mention_id: r.event_id for r in assign_events(session, frame, about, config).collect()}
            expected = store_clusters(mentions, articles, config)
            assert spark_ids == expected, config
            assert len(set(expected.values())) > 20
    finally:
        session.stop()

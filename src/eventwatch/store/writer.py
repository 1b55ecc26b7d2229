"""Writing coded articles: one transaction per batch, so a killed run leaves whole articles or none.

Inside the transaction the article rows, their mentions, the re-clustered events they touch and the
actor totals are written together. An article already in the database (same content hash, or same
URL) is skipped inside the transaction too, so running the same input again - after a crash or not -
adds nothing twice.

Several writers at once (PostgreSQL: any number of ``ingest`` and ``watch`` processes; DuckDB: the
threads of one ``serve``) are safe by two means:

- **Unique keys.** ``article_id`` (from the content hash), ``mention_id`` and ``event_id`` are primary
  keys, so no article, mention or event can be stored twice whatever the timing.
- **Writers take turns for the write itself** (PostgreSQL: a transaction-scoped advisory lock taken
  first thing in the batch's transaction; DuckDB: one writing connection). Re-clustering reads every
  mention of the touched dyads and rewrites their events - a read-modify-write across many rows that
  no row-level key or ``ON CONFLICT`` can make safe: two writers re-clustering the same dyad at once
  would each miss the other's uncommitted mentions. Under the lock each batch sees all committed
  batches. Coding, which is >90% of ingest time, runs outside the transaction, in parallel; readers
  (``serve``) are never blocked (MVCC).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from eventwatch.isolation import one_line
from eventwatch.records import Document, Event, content_hash
from eventwatch.store import counts
from eventwatch.store.backends import Backend, HeldByServer, StoreError, display, open_backend
from eventwatch.store.dedup import (
    DedupConfig,
    block_columns,
    block_of,
    cluster_date,
    cluster_sql,
    day_number,
    event_id,
    from_day_number,
    summarise_event,
)
from eventwatch.store.dialect import Connection
from eventwatch.store.rows import ARTICLE_COLUMNS, MENTION_COLUMNS, article_row, mention_rows

_INT = {"sentence_index", "sentence_start", "source_start", "source_end", "target_start", "target_end",
        "quad_class", "trigger_start", "trigger_end", "n_sentences", "n_events", "num_mentions",
        "num_sources", "num_articles"}  # fmt: skip
_FLOAT = {"goldstein", "confidence", "lat", "lon"}
_DATE = {"date", "first_date", "last_date", "from_day"}
_TIME = {"ingested_at", "first_seen", "last_seen"}
EVENT_COLUMNS = (
    "event_id", "date", "source_code", "source_country", "source_name", "target_code", "target_country",
    "target_name", "cameo", "cameo_base", "cameo_root", "quad_class", "goldstein", "plover", "num_mentions",
    "num_sources", "num_articles", "confidence", "location_name", "location_country", "lat", "lon",
    "source_url", "first_seen", "last_seen",
)  # fmt: skip


# The mention fields an event's summary reads (see dedup.summarise_event).
SUMMARY_COLUMNS = (
    "event_id", "mention_id", "article_id", "date", "source_code", "source_country", "source_name",
    "target_code", "target_country", "target_name", "cameo", "quad_class", "goldstein", "plover",
    "confidence", "location_name", "location_country", "lat", "lon",
)  # fmt: skip


def _arrow_type(column: str) -> pa.DataType:
    if column in _INT:
        return pa.int32()
    if column in _FLOAT:
        return pa.float64()
    if column in _DATE:
        return pa.date32()
    if column in _TIME:
        return pa.timestamp("us")
    return pa.string()


def arrow_schema(columns: Sequence[str]) -> pa.Schema:
    """The Arrow types of store columns (articles, mentions, events), for tables made outside the store."""
    return pa.schema([(c, _arrow_type(c)) for c in columns])


def arrow_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pa.Table:
    """Rows as an Arrow table with the store's column types."""
    return pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows], schema=arrow_schema(columns))


@dataclass(slots=True)
class SeenArticles:
    """Articles known by content hash or by URL: one seen either way is the same article."""

    hashes: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)

    def first_time(self, digest: str, url: str | None) -> bool:
        """Whether this article is new; it is remembered either way."""
        if digest in self.hashes or (url and url in self.urls):
            return False
        self.hashes.add(digest)
        if url:
            self.urls.add(url)
        return True


@dataclass(slots=True)
class CodedArticle:
    document: Document
    events: list[Event]
    n_sentences: int = 0
    content_hash: str = ""  # computed from the text when not given

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.document.text)

    @property
    def article_id(self) -> str:
        # The first 16 hex digits, as records.content_id, so article ids look like the coder's doc ids.
        return self.content_hash[:16]


@dataclass(slots=True)
class Batch:
    """A batch as the rows it adds: what a writer stores, or hands to the server holding the store."""

    articles: list[dict[str, Any]]
    mentions: list[dict[str, Any]]

    @classmethod
    def of(cls, articles: Iterable[CodedArticle]) -> Batch:
        now = datetime.now(UTC).replace(tzinfo=None)
        batch = cls([], [])
        for item in articles:
            rows = mention_rows(item.events, item.article_id, item.document.date)
            batch.mentions.extend(rows)
            batch.articles.append(
                article_row(item.document, item.article_id, item.content_hash, now, item.n_sentences, len(rows))
            )
        return batch

    def to_json(self) -> dict[str, Any]:
        def plain(row: dict[str, Any]) -> dict[str, Any]:
            return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}

        return {"articles": [plain(r) for r in self.articles], "mentions": [plain(r) for r in self.mentions]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Batch:
        def typed(row: dict[str, Any]) -> dict[str, Any]:
            out = dict(row)
            for key, value in row.items():
                if value is not None and key in _DATE:
                    out[key] = date.fromisoformat(value)
                elif value is not None and key in _TIME:
                    out[key] = datetime.fromisoformat(value)
            return out

        return cls([typed(r) for r in data.get("articles", [])], [typed(r) for r in data.get("mentions", [])])


@dataclass(slots=True)
class WriteResult:
    articles: int = 0
    mentions: int = 0
    skipped: int = 0
    events: set[str] = field(default_factory=set)


def key_sql(column: str, alias: str = "m", text_type: str = "VARCHAR") -> str:
    return f"coalesce(CAST({alias}.{column} AS {text_type}), '')"


# A mention's day for clustering, and how it was dated (see dedup's rule).
MENTION_DAY = "coalesce(m.date, CAST(a.ingested_at AS DATE))"
MENTION_DATING = (
    "CASE WHEN m.date IS NULL OR m.date_precision IN ('document', 'unknown') THEN 'article' "
    "WHEN m.date_precision = 'day' THEN 'text' ELSE 'other' END"
)


# Days since 1970-01-01 of a date, in DuckDB and PostgreSQL (Spark SQL: ``datediff({}, DATE '1970-01-01')``).
DAY_NUMBER = "{} - DATE '1970-01-01'"


def dedup_input(
    config: DedupConfig, dating: str = MENTION_DATING, *, text_type: str = "VARCHAR", day_number: str = DAY_NUMBER
) -> str:
    """The rule's input (``dedup.cluster_sql``) from the mentions ``m`` joined with their articles ``a``;
    callers add joins and a WHERE clause. ``text_type`` and ``day_number`` adapt it to Spark SQL."""
    keys = ", ".join(f"{key_sql(f, text_type=text_type)} AS k_{f}" for f in config.key)
    day = day_number.format(MENTION_DAY)
    return (
        f"SELECT m.mention_id, m.event_id, {keys}, {day} AS day, {dating} AS dating "
        "FROM mentions m JOIN articles a ON a.article_id = m.article_id "
    )


def _write_failures() -> tuple[type[BaseException], ...]:
    import psycopg

    # A disk that is full, a file over its size limit, a medium gone read-only, a database server gone:
    # the batch is not written and the store keeps what it had (the transaction). Other errors are faults.
    return (OSError, duckdb.IOException, duckdb.TransactionException, duckdb.FatalException, psycopg.OperationalError)


@contextmanager
def _reporting_write_failures(location: str) -> Iterator[None]:
    try:
        yield
    except _write_failures() as exc:
        raise StoreError(f"{display(location)}: cannot write ({one_line(exc)}); the batches before are kept") from exc


class Writer:
    """Writes batches of coded articles into a store (a DuckDB path, PostgreSQL URL or Backend)."""

    def __init__(self, backend: Backend | str | Path, dedup: DedupConfig | None = None) -> None:
        self.backend = open_backend(backend)
        self.dedup = dedup or DedupConfig()

    def known(self) -> SeenArticles:
        """The articles already stored, to skip coding what is already there."""
        if not self.backend.exists():
            return SeenArticles()
        with self.backend.read() as con:
            hashes = {r[0] for r in con.execute("SELECT content_hash FROM articles").fetchall()}
            urls = {r[0] for r in con.execute("SELECT url FROM articles WHERE url IS NOT NULL").fetchall()}
        return SeenArticles(hashes, urls)

    def write(self, batch: Iterable[CodedArticle]) -> WriteResult:
        return self.write_batch(Batch.of(batch))

    def write_batch(self, batch: Batch) -> WriteResult:
        """Store ``batch`` in one transaction (or hand it to the server holding a DuckDB file)."""
        try:
            with _reporting_write_failures(self.backend.location), self.backend.write() as con:
                return self.write_in(con, batch)
        except HeldByServer as held:
            from eventwatch.store.handoff import send_batch

            return send_batch(held.server, batch, self.dedup)

    def write_in(self, con: Connection, batch: Batch) -> WriteResult:
        """Store ``batch`` on ``con``, inside the caller's transaction."""
        con.lock_writers()
        result = WriteResult()
        self._ensure_rule(con)
        self._write(con, batch, result)
        return result

    def recluster(self) -> int:
        """Rebuild every event from the mentions under the current rule; returns the number of events."""
        try:
            with _reporting_write_failures(self.backend.location), self.backend.write() as con:
                con.lock_writers()
                self._save_rule(con)
                self._recluster_all(con)
                return int(con.scalar("SELECT count(*) FROM events"))
        except HeldByServer as held:
            where = held.server.url
            raise StoreError(f"{self.backend.location}: stop eventwatch serve ({where}) to recluster") from None

    # -- inside a transaction -------------------------------------------------------------------

    def _ensure_rule(self, con: Connection) -> None:
        stored = con.scalar("SELECT value FROM store_settings WHERE key = 'dedup'")
        if stored == self.dedup.fingerprint:
            return
        self._save_rule(con)
        if stored:  # events built under another rule: rebuild them all under this one
            self._recluster_all(con)

    def _save_rule(self, con: Connection) -> None:
        con.execute(
            "INSERT INTO store_settings VALUES ('dedup', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [self.dedup.fingerprint],
        )

    def _write(self, con: Connection, batch: Batch, result: WriteResult) -> None:
        # Articles already stored (by an earlier run, or another process since we looked) are skipped.
        incoming = pa.table({
            "content_hash": pa.array([a["content_hash"] for a in batch.articles], pa.string()),
            "url": pa.array([a["url"] for a in batch.articles], pa.string()),
        })  # fmt: skip
        with con.stage("_incoming", incoming):
            stored = con.execute(
                "SELECT a.content_hash, a.url FROM articles a WHERE a.content_hash IN "
                "(SELECT content_hash FROM _incoming) OR a.url IN (SELECT url FROM _incoming)"
            ).fetchall()
        seen = SeenArticles({row[0] for row in stored}, {row[1] for row in stored if row[1]})
        articles = [a for a in batch.articles if seen.first_time(a["content_hash"], a["url"])]
        result.skipped += len(batch.articles) - len(articles)
        if not articles:
            return
        kept = {a["article_id"] for a in articles}
        mentions = [m for m in batch.mentions if m["article_id"] in kept]
        con.insert("articles", arrow_rows(articles, ARTICLE_COLUMNS))
        if mentions:
            con.insert("mentions", arrow_rows(mentions, MENTION_COLUMNS), skip_duplicates=True)
            # Mentions that arrive in an event (``load``: Spark clustered them) count from here on.
            counts.count(con, "mentions", [m for m in mentions if m.get("event_id") is not None], 1)
        result.articles += len(articles)
        result.mentions += len(mentions)
        ingested = {a["article_id"]: a["ingested_at"] for a in articles}
        blocks: dict[tuple[str, ...], date] = {}
        for m in mentions:
            if m["modality"] == "asserted":
                block = block_of(self.dedup, m)
                day = cluster_date(m["date"], ingested[m["article_id"]])
                blocks[block] = min(day, blocks.get(block, day))
        result.events |= self._recluster(con, blocks)
        codes = {m[f"{side}_code"] for m in mentions for side in ("source", "target")} - {None}
        self._refresh_actors(con, codes)

    def _recluster_all(self, con: Connection) -> None:
        con.execute("UPDATE mentions SET event_id = NULL WHERE event_id IS NOT NULL")
        con.execute("DELETE FROM events")
        con.execute("DELETE FROM dyad_days")  # every mention is counted again as it rejoins an event
        self._recluster(con, None)
        codes = {r[0] for r in con.execute(
            "SELECT source_code FROM mentions WHERE source_code IS NOT NULL "
            "UNION SELECT target_code FROM mentions WHERE target_code IS NOT NULL"
        ).fetchall()}  # fmt: skip
        self._refresh_actors(con, codes)

    def _recluster(self, con: Connection, blocks: dict[tuple[str, ...], date] | None) -> set[str]:
        """Re-cluster the asserted mentions of ``blocks`` (each from the day before its earliest new
        mention; all mentions when ``blocks`` is None) and rewrite the events touched.

        With the default window of 0 an event is one effective day, and a new mention dated d can only
        change events from day d-1 on (it may be moved to the day before, or move a report of d+1 to
        d), so the events of a block dated d-1 or later are rebuilt, whole, and earlier ones left
        alone: a long-running dyad stays cheap to update. With a window, runs can chain back any
        distance, so the whole block is rebuilt.
        """
        if blocks is not None and not blocks:
            return set()
        columns = block_columns(self.dedup)
        source = dedup_input(self.dedup)
        where = "WHERE m.modality = 'asserted'"
        if blocks is None:
            found = con.rows(cluster_sql(self.dedup, source + where, con.binary))
        else:
            data = {c: [b[i] for b in blocks] for i, c in enumerate(columns)}
            incremental = self.dedup.window_days == 0
            from_days = [from_day_number(day_number(d) - 1) if incremental else None for d in blocks.values()]
            match = " AND ".join(
                f"substr({key_sql(c[2:])}, 1, 3) = k.{c}" if c.startswith("b_") else f"{key_sql(c[2:])} = k.{c}"
                for c in columns
            )
            source += (
                f"LEFT JOIN events e ON e.event_id = m.event_id JOIN _blocks k ON {match} "
                f"{where} AND (k.from_day IS NULL OR coalesce(e.date, {MENTION_DAY}) >= k.from_day)"
            )
            staged = pa.table({**{c: pa.array(v, pa.string()) for c, v in data.items()},
                               "from_day": pa.array(from_days, pa.date32())})  # fmt: skip
            with con.stage("_blocks", staged):
                found = con.rows(cluster_sql(self.dedup, source, con.binary))
        old: dict[str, str | None] = {}
        new: dict[str, str] = {}
        first_days: dict[str, date] = {}
        for row in found:
            first = from_day_number(row["first_day"])
            eid = event_id(self.dedup, [row[f"k_{f}"] for f in self.dedup.key], first)
            old[row["mention_id"]] = row["old_event_id"]
            new[row["mention_id"]] = eid
            first_days[eid] = first
        changed = [(mid, eid) for mid, eid in new.items() if old[mid] != eid]
        if changed:
            assign = pa.table({"mention_id": [c[0] for c in changed], "eid": [c[1] for c in changed]})
            with con.stage("_assign", assign):
                con.execute(
                    "UPDATE mentions SET event_id = _assign.eid FROM _assign "
                    "WHERE mentions.mention_id = _assign.mention_id"
                )
        joined = [mid for mid, _ in changed if old[mid] is None]  # mentions that now count (store.counts)
        if joined:
            with con.stage("_joined", pa.table({"mention_id": pa.array(joined, pa.string())})):
                rows = counts.counted_rows(con, "mentions", "mention_id IN (SELECT mention_id FROM _joined)")
            counts.count(con, "mentions", rows, 1)
        touched = {e for e in old.values() if e} | set(new.values())
        self._rewrite_events(con, touched, first_days)
        return touched

    def _rewrite_events(self, con: Connection, event_ids: set[str], first_days: dict[str, date]) -> None:
        if not event_ids:
            return
        with con.stage("_touched", pa.table({"event_id": pa.array(sorted(event_ids), pa.string())})):
            touched = "event_id IN (SELECT event_id FROM _touched)"
            counts.count(con, "events", counts.counted_rows(con, "events", touched), -1)
            con.execute(f"DELETE FROM events WHERE {touched}")
            found = con.rows(
                f"SELECT {', '.join('m.' + c for c in SUMMARY_COLUMNS)}, "
                "a.source AS article_source, a.url AS article_url, a.ingested_at "
                "FROM mentions m JOIN articles a ON a.article_id = m.article_id "
                "WHERE m.event_id IN (SELECT event_id FROM _touched)"
            )
        clusters: dict[str, list[dict[str, Any]]] = {}
        for row in found:
            clusters.setdefault(row["event_id"], []).append(row)
        rows = [summarise_event(eid, members, first_days.get(eid)) for eid, members in sorted(clusters.items())]
        if rows:
            con.insert("events", arrow_rows(rows, EVENT_COLUMNS))
            counts.count(con, "events", rows, 1)

    def _refresh_actors(self, con: Connection, codes: set[str]) -> None:
        if not codes:
            return
        # Each attribute is the value most mentions give it; ties go to the smallest, to be deterministic.
        pick = (
            "(SELECT {f} FROM occ o2 WHERE o2.code = o.code AND o2.{f} IS NOT NULL "
            "GROUP BY {f} ORDER BY count(*) DESC, {order} LIMIT 1) AS {f}"
        )
        picks = ", ".join(pick.format(f=f, order=con.binary(f)) for f in ("name", "country", "sector"))
        with con.stage("_codes", pa.table({"code": pa.array(sorted(codes), pa.string())})):
            con.execute("DELETE FROM actors WHERE code IN (SELECT code FROM _codes)")
            con.execute(
                "INSERT INTO actors (code, name, country, sector, n_mentions, first_date, last_date) "
                "WITH occ AS ("
                "  SELECT source_code AS code, source_name AS name, source_country AS country, "
                "         source_sector AS sector, date FROM mentions "
                "  WHERE source_code IN (SELECT code FROM _codes)"
                "  UNION ALL "
                "  SELECT target_code, target_name, target_country, target_sector, date FROM mentions "
                "  WHERE target_code IN (SELECT code FROM _codes)) "
                f"SELECT o.code, {picks}, count(*) AS n_mentions, min(o.date) AS first_date, "
                "max(o.date) AS last_date FROM occ o GROUP BY o.code"
            )

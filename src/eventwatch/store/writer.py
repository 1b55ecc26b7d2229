"""Writing coded articles: one transaction per batch, so a killed run leaves whole articles or none.

Inside the transaction the article rows, their mentions, the re-clustered events they touch and the
actor totals are written together. An article already in the database (same content hash, or same
URL) is skipped inside the transaction too, so running the same input again - after a crash or not -
adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from eventwatch.records import Document, Event, content_hash
from eventwatch.store.connection import connect
from eventwatch.store.dedup import ClusterInput, DedupConfig, assign_events, cluster_date, summarise_event
from eventwatch.store.rows import ARTICLE_COLUMNS, MENTION_COLUMNS, article_row, mention_rows

_INT = {"sentence_index", "sentence_start", "source_start", "source_end", "target_start", "target_end",
        "quad_class", "trigger_start", "trigger_end", "n_sentences", "n_events", "num_mentions",
        "num_sources", "num_articles"}  # fmt: skip
_FLOAT = {"goldstein", "confidence", "lat", "lon"}
_DATE = {"date", "first_date", "last_date"}
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
    """The Arrow types of store columns (articles, mentions, events), for tables made outside DuckDB."""
    return pa.schema([(c, _arrow_type(c)) for c in columns])


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pa.Table:
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
class WriteResult:
    articles: int = 0
    mentions: int = 0
    skipped: int = 0
    events: set[str] = field(default_factory=set)


def _stored(con: duckdb.DuckDBPyConnection, hashes: list[str], urls: list[str | None]) -> SeenArticles:
    """The articles among these content hashes and URLs that the store already has."""
    con.register("_incoming", pa.table({"content_hash": hashes, "url": pa.array(urls, pa.string())}))
    stored = con.execute(
        "SELECT a.content_hash, a.url FROM articles a WHERE a.content_hash IN "
        "(SELECT content_hash FROM _incoming) OR a.url IN (SELECT url FROM _incoming)"
    ).fetchall()
    con.unregister("_incoming")
    return SeenArticles({row[0] for row in stored}, {row[1] for row in stored if row[1]})


def key_sql(column: str) -> str:
    return f"coalesce(CAST(m.{column} AS VARCHAR), '')"


class Writer:
    """Writes batches of coded articles into the store at ``path`` under a dedup rule."""

    def __init__(
        self, path: str | Path, dedup: DedupConfig | None = None, lock_timeout: float = 60.0
    ) -> None:
        self.path = Path(path)
        self.dedup = dedup or DedupConfig()
        self.lock_timeout = lock_timeout
        self._migrated = False  # migrations are checked on this Writer's first connection only

    def _connect(self):  # noqa: ANN202 - a context manager over a DuckDB connection
        connection = connect(self.path, read_only=False, timeout=self.lock_timeout, migrated=self._migrated)
        self._migrated = True
        return connection

    def known(self) -> SeenArticles:
        """The articles already stored, to skip coding what is already there."""
        with self._connect() as con:
            hashes = {r[0] for r in con.execute("SELECT content_hash FROM articles").fetchall()}
            urls = {r[0] for r in con.execute("SELECT url FROM articles WHERE url IS NOT NULL").fetchall()}
        return SeenArticles(hashes, urls)

    def write(self, batch: Iterable[CodedArticle]) -> WriteResult:
        """Store coded articles (skipping those already stored) in one transaction."""
        batch = list(batch)
        return self._in_transaction(lambda con, result: self._write(con, batch, result))

    def write_rows(self, articles: Sequence[dict[str, Any]], mentions: Sequence[dict[str, Any]]) -> WriteResult:
        """Store article and mention rows made elsewhere (``rows.article_row`` and ``rows.mention_row``
        columns, e.g. a Spark job's output) in one transaction. Articles already stored are skipped
        with their mentions; events are clustered here under this writer's rule."""
        return self._in_transaction(lambda con, result: self._write_rows(con, articles, mentions, result))

    def _in_transaction(self, work: Any) -> WriteResult:
        result = WriteResult()
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                self._ensure_rule(con)
                work(con, result)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return result

    def recluster(self) -> int:
        """Rebuild every event from the mentions under the current rule; returns the number of events."""
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                self._save_rule(con)
                self._recluster_all(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return int(con.execute("SELECT count(*) FROM events").fetchall()[0][0])

    # -- inside a transaction -------------------------------------------------------------------

    def _ensure_rule(self, con: duckdb.DuckDBPyConnection) -> None:
        # fetchall, not fetchone: DuckDB 2 refuses other work while a result is unfinished
        rows = con.execute("SELECT value FROM store_settings WHERE key = 'dedup'").fetchall()
        row = rows[0] if rows else None
        if row and row[0] == self.dedup.fingerprint:
            return
        self._save_rule(con)
        if row:  # events built under another rule: rebuild them all under this one
            self._recluster_all(con)

    def _save_rule(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("INSERT OR REPLACE INTO store_settings VALUES ('dedup', ?)", [self.dedup.fingerprint])

    def _write(self, con: duckdb.DuckDBPyConnection, batch: list[CodedArticle], result: WriteResult) -> None:
        now = datetime.now(UTC).replace(tzinfo=None)
        seen = _stored(con, [item.content_hash for item in batch], [item.document.url for item in batch])
        articles: list[dict[str, Any]] = []
        mentions: list[dict[str, Any]] = []
        for item in batch:
            doc = item.document
            if not seen.first_time(item.content_hash, doc.url):
                result.skipped += 1
                continue
            rows = mention_rows(item.events, item.article_id, doc.date)
            mentions.extend(rows)
            articles.append(article_row(doc, item.article_id, item.content_hash, now, item.n_sentences, len(rows)))
        self._insert(con, articles, mentions, result)

    def _write_rows(
        self,
        con: duckdb.DuckDBPyConnection,
        articles: Sequence[dict[str, Any]],
        mentions: Sequence[dict[str, Any]],
        result: WriteResult,
    ) -> None:
        seen = _stored(con, [a["content_hash"] for a in articles], [a["url"] for a in articles])
        new = [a for a in articles if seen.first_time(a["content_hash"], a["url"])]
        result.skipped += len(articles) - len(new)
        kept = {a["article_id"] for a in new}
        self._insert(con, new, [m for m in mentions if m["article_id"] in kept], result)

    def _insert(
        self,
        con: duckdb.DuckDBPyConnection,
        articles: Sequence[dict[str, Any]],
        mentions: Sequence[dict[str, Any]],
        result: WriteResult,
    ) -> None:
        """Insert new articles and their mentions, then re-cluster the events they touch."""
        if not articles:
            return
        con.register("_new_articles", _table(articles, ARTICLE_COLUMNS))
        con.execute("INSERT INTO articles BY NAME SELECT * FROM _new_articles")
        con.unregister("_new_articles")
        if mentions:
            con.register("_new_mentions", _table(mentions, MENTION_COLUMNS))
            con.execute("INSERT OR IGNORE INTO mentions BY NAME SELECT * FROM _new_mentions")
            con.unregister("_new_mentions")
        result.articles += len(articles)
        result.mentions += len(mentions)
        seen_at = {a["article_id"]: a["ingested_at"] for a in articles}
        keys: dict[tuple[str, ...], date] = {}
        for m in mentions:
            if m["modality"] == "asserted":
                key = tuple("" if m[k] is None else str(m[k]) for k in self.dedup.key)
                day = cluster_date(m["date"], seen_at[m["article_id"]])
                keys[key] = min(day, keys.get(key, day))
        result.events |= self._recluster(con, keys)
        codes = {m[f"{side}_code"] for m in mentions for side in ("source", "target")} - {None}
        self._refresh_actors(con, codes)

    def _recluster_all(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("UPDATE mentions SET event_id = NULL WHERE event_id IS NOT NULL")
        con.execute("DELETE FROM events")
        keys = {tuple(r): date.min for r in con.execute(
            f"SELECT DISTINCT {', '.join(key_sql(k) for k in self.dedup.key)} FROM mentions m "
            "WHERE m.modality = 'asserted'"
        ).fetchall()}  # fmt: skip
        self._recluster(con, keys)
        codes = {r[0] for r in con.execute(
            "SELECT source_code FROM mentions WHERE source_code IS NOT NULL "
            "UNION SELECT target_code FROM mentions WHERE target_code IS NOT NULL"
        ).fetchall()}  # fmt: skip
        self._refresh_actors(con, codes)

    def _recluster(self, con: duckdb.DuckDBPyConnection, keys: dict[tuple[str, ...], date]) -> set[str]:
        """Re-cluster the asserted mentions of each key in ``keys`` from the given date on; rewrite the
        events touched.

        Clusters are built by a scan in date order, so a new mention dated d can only change clusters
        from the one that covers d (an event of that key starting at most ``window_days`` before d)
        onwards. Earlier ones are left alone, which keeps a long-running dyad cheap to update.
        """
        if not keys:
            return set()
        names = [f"k{i}" for i in range(len(self.dedup.key))]
        columns = {n: [k[i] for k in keys] for i, n in enumerate(names)}
        con.register("_keys", pa.table({**columns, "d_min": pa.array(list(keys.values()), pa.date32())}))
        pairs = list(zip(self.dedup.key, names, strict=True))
        event_match = " AND ".join(f"coalesce(CAST(e.{c} AS VARCHAR), '') = _keys.{n}" for c, n in pairs)
        bounds = (
            f"SELECT {', '.join(names)}, coalesce((SELECT min(e.date) FROM events e WHERE {event_match} "
            f"AND e.date BETWEEN _keys.d_min - {self.dedup.window_days} AND _keys.d_min), _keys.d_min) "
            "AS lower FROM _keys"
        )
        join = " AND ".join(f"{key_sql(c)} = b.{n}" for c, n in pairs)
        keys_sql = ", ".join(key_sql(k) for k in self.dedup.key)
        day = "coalesce(m.date, CAST(a.ingested_at AS DATE))"
        found = con.execute(
            f"WITH b AS ({bounds}) SELECT m.mention_id, m.event_id, m.date, a.ingested_at, {keys_sql} "
            f"FROM mentions m JOIN articles a ON a.article_id = m.article_id JOIN b ON {join} "
            f"WHERE m.modality = 'asserted' AND {day} >= b.lower"
        ).fetchall()
        con.unregister("_keys")
        old = {r[0]: r[1] for r in found}
        inputs = [ClusterInput(r[0], tuple(r[4:]), cluster_date(r[2], r[3])) for r in found]
        new = assign_events(inputs, self.dedup)
        changed = [(mid, eid) for mid, eid in new.items() if old[mid] != eid]
        if changed:
            con.register(
                "_assign", pa.table({"mention_id": [c[0] for c in changed], "eid": [c[1] for c in changed]})
            )
            con.execute(
                "UPDATE mentions SET event_id = _assign.eid FROM _assign "
                "WHERE mentions.mention_id = _assign.mention_id"
            )
            con.unregister("_assign")
        touched = {e for e in old.values() if e} | set(new.values())
        self._rewrite_events(con, touched)
        return touched

    def _rewrite_events(self, con: duckdb.DuckDBPyConnection, event_ids: set[str]) -> None:
        if not event_ids:
            return
        con.register("_touched", pa.table({"event_id": sorted(event_ids)}))
        con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM _touched)")
        cursor = con.execute(
            f"SELECT {', '.join('m.' + c for c in SUMMARY_COLUMNS)}, "
            "a.source AS article_source, a.url AS article_url, a.ingested_at "
            "FROM mentions m JOIN articles a ON a.article_id = m.article_id "
            "WHERE m.event_id IN (SELECT event_id FROM _touched)"
        )
        columns = [d[0] for d in cursor.description]
        clusters: dict[str, list[dict[str, Any]]] = {}
        for values in cursor.fetchall():
            row = dict(zip(columns, values, strict=True))
            clusters.setdefault(row["event_id"], []).append(row)
        con.unregister("_touched")
        rows = [summarise_event(eid, members) for eid, members in sorted(clusters.items())]
        if rows:
            con.register("_events", _table(rows, EVENT_COLUMNS))
            con.execute("INSERT INTO events BY NAME SELECT * FROM _events")
            con.unregister("_events")

    def _refresh_actors(self, con: duckdb.DuckDBPyConnection, codes: set[str]) -> None:
        if not codes:
            return
        con.register("_codes", pa.table({"code": sorted(codes)}))
        # Each attribute is the value most mentions give it; ties go to the smallest, to be deterministic.
        pick = (
            "(SELECT {f} FROM occ o2 WHERE o2.code = o.code AND o2.{f} IS NOT NULL "
            "GROUP BY {f} ORDER BY count(*) DESC, {f} LIMIT 1) AS {f}"
        )
        con.execute("DELETE FROM actors WHERE code IN (SELECT code FROM _codes)")
        con.execute(
            "INSERT INTO actors BY NAME "
            "WITH occ AS ("
            "  SELECT source_code AS code, source_name AS name, source_country AS country, "
            "         source_sector AS sector, date FROM mentions "
            "  WHERE source_code IN (SELECT code FROM _codes)"
            "  UNION ALL "
            "  SELECT target_code, target_name, target_country, target_sector, date FROM mentions "
            "  WHERE target_code IN (SELECT code FROM _codes)) "
            f"SELECT o.code, {pick.format(f='name')}, {pick.format(f='country')}, {pick.format(f='sector')}, "
            "count(*) AS n_mentions, min(o.date) AS first_date, max(o.date) AS last_date "
            "FROM occ o GROUP BY o.code"
        )
        con.unregister("_codes")

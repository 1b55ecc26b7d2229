"""The DuckDB schema and its migrations.

Table and column names are a contract: the monitor and API read them directly. A change to the schema
is a new entry at the end of ``MIGRATIONS`` (never an edit of an old one), so a database made by any
earlier version is brought up to date the next time it is opened for writing.
"""

from __future__ import annotations

import duckdb

# (version, statements). Applied in order, each in its own transaction with its version row.
MIGRATIONS: list[tuple[int, tuple[str, ...]]] = [
    (
        1,
        (
            """
            CREATE TABLE articles (
                article_id VARCHAR PRIMARY KEY,
                content_hash VARCHAR,
                url VARCHAR,
                title VARCHAR,
                source VARCHAR,
                date DATE,
                text VARCHAR,
                ingested_at TIMESTAMP,
                n_sentences INTEGER,
                n_events INTEGER
            )
            """,
            """
            CREATE TABLE mentions (
                mention_id VARCHAR PRIMARY KEY,
                event_id VARCHAR,
                article_id VARCHAR,
                sentence_index INTEGER,
                sentence VARCHAR,
                sentence_start INTEGER,
                date DATE,
                date_precision VARCHAR,
                source_text VARCHAR, source_code VARCHAR, source_country VARCHAR, source_sector VARCHAR,
                source_name VARCHAR, source_start INTEGER, source_end INTEGER,
                target_text VARCHAR, target_code VARCHAR, target_country VARCHAR, target_sector VARCHAR,
                target_name VARCHAR, target_start INTEGER, target_end INTEGER,
                cameo VARCHAR, cameo_name VARCHAR, cameo_base VARCHAR, cameo_root VARCHAR,
                goldstein DOUBLE,
                quad_class INTEGER,
                plover VARCHAR, plover_mode VARCHAR, plover_context VARCHAR,
                trigger_text VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
                modality VARCHAR,
                confidence DOUBLE,
                location_name VARCHAR, location_country VARCHAR,
                lat DOUBLE, lon DOUBLE,
                attribution VARCHAR, quote VARCHAR, rule VARCHAR, url VARCHAR
            )
            """,
            """
            CREATE TABLE events (
                event_id VARCHAR PRIMARY KEY,
                date DATE,
                source_code VARCHAR, source_country VARCHAR, source_name VARCHAR,
                target_code VARCHAR, target_country VARCHAR, target_name VARCHAR,
                cameo VARCHAR, cameo_base VARCHAR, cameo_root VARCHAR,
                quad_class INTEGER,
                goldstein DOUBLE,
                plover VARCHAR,
                num_mentions INTEGER, num_sources INTEGER, num_articles INTEGER,
                confidence DOUBLE,
                location_name VARCHAR, location_country VARCHAR,
                lat DOUBLE, lon DOUBLE,
                source_url VARCHAR,
                first_seen TIMESTAMP,
                last_seen TIMESTAMP
            )
            """,
            """
            CREATE TABLE actors (
                code VARCHAR PRIMARY KEY,
                name VARCHAR, country VARCHAR, sector VARCHAR,
                n_mentions INTEGER,
                first_date DATE, last_date DATE
            )
            """,
            # The dedup rule the events were built with; a different rule on open means a re-cluster.
            "CREATE TABLE store_settings (key VARCHAR PRIMARY KEY, value VARCHAR)",
            "CREATE INDEX articles_hash ON articles (content_hash)",
            "CREATE INDEX articles_url ON articles (url)",
            "CREATE INDEX mentions_event ON mentions (event_id)",
            "CREATE INDEX mentions_article ON mentions (article_id)",
            "CREATE INDEX mentions_dyad ON mentions (source_code, target_code, cameo_root)",
            "CREATE INDEX events_date ON events (date)",
            "CREATE INDEX events_dyad ON events (source_code, target_code)",
            "CREATE INDEX events_cameo ON events (cameo)",
        ),
    ),
]

LATEST = MIGRATIONS[-1][0]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the database to the latest schema; returns the version it is at. Safe to call every open."""
    version = current_version(con)
    if version > LATEST:
        raise RuntimeError(f"database schema version {version} is newer than this eventwatch ({LATEST})")
    if version == 0:
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
    for number, statements in MIGRATIONS:
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?)", [number])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        version = number
    return version

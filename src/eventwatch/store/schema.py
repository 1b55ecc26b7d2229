"""The store's schema and its migrations, for DuckDB and PostgreSQL alike.

Table and column names are a contract: the monitor and API read them directly. A change to the schema
is a new entry at the end of ``MIGRATIONS`` (never an edit of an old one), so a database made by any
earlier version is brought up to date the next time it is opened for writing. Statements are written
in the SQL both engines accept; one an engine does without (an index only PostgreSQL's planner uses)
is a ``{dialect: statement}`` entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventwatch.store import counts

if TYPE_CHECKING:
    from eventwatch.store.dialect import Connection

# (version, statements). Applied in order, each in its own transaction with its version row.
MIGRATIONS: list[tuple[int, tuple[str | dict[str, str], ...]]] = [
    (
        1,
        (  # DOUBLE PRECISION is DuckDB's DOUBLE under the name PostgreSQL also knows
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
                goldstein DOUBLE PRECISION,
                quad_class INTEGER,
                plover VARCHAR, plover_mode VARCHAR, plover_context VARCHAR,
                trigger_text VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
                modality VARCHAR,
                confidence DOUBLE PRECISION,
                location_name VARCHAR, location_country VARCHAR,
                lat DOUBLE PRECISION, lon DOUBLE PRECISION,
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
                goldstein DOUBLE PRECISION,
                plover VARCHAR,
                num_mentions INTEGER, num_sources INTEGER, num_articles INTEGER,
                confidence DOUBLE PRECISION,
                location_name VARCHAR, location_country VARCHAR,
                lat DOUBLE PRECISION, lon DOUBLE PRECISION,
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
    (
        2,
        (  # Indexes PostgreSQL's planner needs; DuckDB scans columns (and its ART indexes slow writes).
            # GET /events pages newest first (monitor.browse.NEWEST).
            {"postgresql": "CREATE INDEX events_newest ON events (date DESC NULLS LAST, event_id)"},
            # The writer finds a batch's dedup blocks (store.writer, default rule) and actors' mentions.
            {
                "postgresql": "CREATE INDEX mentions_block ON mentions ((substr(coalesce(CAST(source_code AS VARCHAR), "
                "''), 1, 3)), (substr(coalesce(CAST(target_code AS VARCHAR), ''), 1, 3)), "
                "(coalesce(CAST(cameo_root AS VARCHAR), '')))"
            },
            {"postgresql": "CREATE INDEX mentions_target ON mentions (target_code)"},
            # Actor filters (monitor.db.actor_match: a country, or a code range) of listings and series.
            {"postgresql": "CREATE INDEX events_source_country ON events (source_country)"},
            {"postgresql": "CREATE INDEX events_target_country ON events (target_country)"},
            {"postgresql": "CREATE INDEX events_target ON events (target_code)"},
            {"postgresql": "CREATE INDEX mentions_source_country ON mentions (source_country)"},
            {"postgresql": "CREATE INDEX mentions_target_country ON mentions (target_country)"},
            # A number every write to the tables changes, whoever the writer (eventwatch, a loader, psql):
            # the API reuses an answer only while it is unchanged (api.cache). DuckDB has no triggers;
            # its server counts the writes it makes itself (backends.HeldDuckDB).
            {"postgresql": "CREATE TABLE data_version (version BIGINT NOT NULL)"},
            {"postgresql": "INSERT INTO data_version VALUES (0)"},
            {
                "postgresql": "CREATE FUNCTION eventwatch_data_changed() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN UPDATE data_version SET version = version + 1; RETURN NULL; END $$"
            },
            *(
                {
                    "postgresql": f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION eventwatch_data_changed()"
                }
                for table in ("articles", "mentions", "events", "actors")
            ),
        ),
    ),
    (
        3,
        (  # Filtered pages of GET /events read back one date window at a time (monitor.browse._newest):
            # each filter column's index carries the date, so a window's matches are found in the index
            # (a bitmap of one CAMEO prefix or actor over a month) instead of by reading every row of the
            # window. They replace the single-column indexes of the same columns (the date serves as well).
            *(
                {"postgresql": f"DROP INDEX IF EXISTS {name}"}
                for name in ("events_source_country", "events_target_country", "events_target", "events_cameo")
            ),
            *(
                {"postgresql": f"CREATE INDEX events_{column}_date ON events ({column}, date)"}
                for column in ("source_country", "target_country", "source_code", "target_code", "cameo",
                               "location_country")
            ),  # fmt: skip
        ),
    ),
    (
        4,
        (  # Dyad-day counts the writers keep (store.counts): a series reads a pair's days, not every event.
            *counts.table_statements(),
            *counts.rebuild_statements(),
            {"postgresql": f"CREATE INDEX dyads_pair ON dyads ({', '.join(counts.DYAD)})"},
            {"postgresql": "CREATE INDEX dyad_days_key ON dyad_days (unit, dyad_id, date, quad_class, cameo_root)"},
        ),
    ),
]

LATEST = MIGRATIONS[-1][0]


def statements(number: int, dialect: str) -> tuple[str, ...]:
    """The statements of migration ``number`` for ``dialect`` (an entry may be a {dialect: SQL} dict)."""
    found = dict(MIGRATIONS)[number]
    out = []
    for statement in found:
        if isinstance(statement, dict):
            if dialect in statement:
                out.append(statement[dialect])
        else:
            out.append(statement)
    return tuple(out)


def current_version(con: Connection) -> int:
    if not con.table_exists("schema_version"):
        return 0
    value = con.scalar("SELECT max(version) FROM schema_version")
    return int(value) if value is not None else 0


def migrate(con: Connection) -> int:
    """Bring the database to the latest schema; returns the version it is at. Safe to call every open.

    Runs inside the caller's transaction (DDL is transactional in both engines), so a failed migration
    leaves the schema as it was; PostgreSQL callers hold the writers' lock, so two processes opening a
    new database at once do not both create it."""
    version = current_version(con)
    if version > LATEST:
        raise RuntimeError(f"database schema version {version} is newer than this eventwatch ({LATEST})")
    if version == 0:
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
    for number, _ in MIGRATIONS:
        if number <= version:
            continue
        for statement in statements(number, con.dialect):
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?)", [number])
        version = number
    return version

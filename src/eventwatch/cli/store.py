"""Store commands: ``ingest``, ``watch``, ``events``, ``sql``, ``export``, ``summary``.

Each is a thin layer over the ``Store`` method (or ``eventwatch.ingest.watch``) of the same name.
Problems are one line on stderr naming the input; the exit code is 1 if any input failed.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import click

from eventwatch.cli import coder_errors, main
from eventwatch.cli.options import DB_OPTION
from eventwatch.documents import InputProblem

TIMEOUT_OPTION = click.option(
    "--timeout", type=click.FloatRange(0.1, 600), default=20.0, show_default=True,
    help="Seconds one URL may take in all (connecting, redirects, reading, retries).",
)  # fmt: skip
ALLOW_PRIVATE_OPTION = click.option(
    "--allow-private", is_flag=True,
    help="Also fetch from loopback, private and link-local addresses (feeds on your own network).",
)  # fmt: skip
RETRIES_OPTION = click.option(
    "--retries", type=click.IntRange(0, 10), default=2, show_default=True, help="HTTP retries, with backoff."
)
FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table", show_default=True
)
TABLE_COLUMNS = (
    "event_id", "date", "source_code", "target_code", "cameo", "plover", "goldstein",
    "num_mentions", "num_sources", "num_articles", "location_name",
)  # fmt: skip


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    cells = [[("" if r.get(c) is None else str(_plain(r.get(c)))) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def _print_rows(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str) -> None:
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _plain(v) for k, v in row.items()} for row in rows)
    else:
        click.echo(_table(rows, columns))


def _load_coder(spec: str | None, workers: int) -> Any:
    """The default Coder, or an object made by ``module:callable`` (anything with ``pipe_documents``)."""
    from eventwatch.ingest.pipeline import make_coder

    try:
        return make_coder(spec, workers)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--coder") from None


def _dedup_config(dedup_key: str | None, window: int) -> Any:
    from eventwatch.store import DedupConfig

    try:
        return DedupConfig.parse(dedup_key, window)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--dedup-key") from None


def _store(db: str, read_only: bool = False, dedup_key: str | None = None, window: int = 0) -> Any:
    from eventwatch.store import Store

    return Store(db, read_only=read_only, dedup=_dedup_config(dedup_key, window))


def _fetch_config(timeout: float, retries: int, allow_private: bool) -> Any:
    from eventwatch.ingest.fetch import FetchConfig

    return FetchConfig(timeout=timeout, retries=retries, allow_private=allow_private)


def _print_problem(problem: InputProblem) -> None:
    click.echo(f"{'error' if problem.fatal else 'warning'}: {problem}", err=True)


def _dedup_options(f: Any) -> Any:
    f = click.option(
        "--dedup-window",
        type=click.IntRange(0, 365),
        default=0,
        show_default=True,
        help="Days apart two mentions may be and still report one event.",
    )(f)
    return click.option(
        "--dedup-key",
        default=None,
        help="Comma-separated mention fields that must agree [default: source_code,target_code,cameo_root].",
    )(f)


@main.command("ingest")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@DB_OPTION
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Parallel workers.")
@TIMEOUT_OPTION
@RETRIES_OPTION
@ALLOW_PRIVATE_OPTION
@_dedup_options
@click.option("--coder", "coder_spec", metavar="MODULE:CALLABLE", help="Use another coder (a factory).")
@click.option(
    "--batch", type=click.IntRange(1), default=1000, show_default=True, help="Articles per transaction."
)
@click.option("--progress/--no-progress", default=None, help="Progress bar [default: on a terminal].")
def ingest_command(
    sources, db, workers, timeout, retries, allow_private, dedup_window, dedup_key, coder_spec, batch, progress
):
    """Code articles and store them, with their events, in a DuckDB file or PostgreSQL database.

    SOURCE is a .txt, .jsonl, .csv (id,text,date,url,title,source) or .html file, a folder of them,
    an http(s) article URL, or an RSS/Atom feed (URL or file). Articles already stored (same text
    or URL) are skipped, so running the same command again adds nothing.

    \b
    Examples:
        eventwatch ingest articles/ --db news.duckdb
        eventwatch ingest https://example.org/world/rss.xml --workers 4
        eventwatch ingest http://intranet.example/feed.xml --allow-private
        eventwatch ingest articles/ --db postgresql://analyst@dbhost/events

    Into a DuckDB file that `eventwatch serve` holds, the coded articles are handed to the server.
    """
    from eventwatch.store import StoreError

    show_progress = sys.stderr.isatty() if progress is None else progress
    try:
        with _store(db, dedup_key=dedup_key, window=dedup_window) as store:
            coder = _load_coder(coder_spec, workers)
            result = store.ingest(
                sources, workers=workers, coder=coder, progress=show_progress,
                fetch_config=_fetch_config(timeout, retries, allow_private), on_problem=_print_problem,
                batch_size=batch,
            )  # fmt: skip
            where = store.location
    except StoreError as exc:
        _fail(str(exc))
    except (ImportError, *coder_errors()) as exc:  # the spaCy model missing, typically
        _fail(str(exc))
    click.echo(f"{where}: {result}", err=True)
    if result.failed:
        click.echo(f"{len(result.problems)} source(s) failed; the rest were ingested.", err=True)
        sys.exit(1)


@main.command("watch")
@click.argument("feeds", nargs=-1, required=True, metavar="FEED...")
@click.option("--every", default="15m", show_default=True, help="Polling interval: 30s, 15m, 2h.")
@DB_OPTION
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Parallel fetches.")
@TIMEOUT_OPTION
@RETRIES_OPTION
@ALLOW_PRIVATE_OPTION
@click.option("--max-polls", type=click.IntRange(1), default=None, help="Stop after this many polls.")
@click.option("--alerts/--no-alerts", default=True, show_default=True, help="Check escalation alerts after each poll.")
@click.option("--coder", "coder_spec", metavar="MODULE:CALLABLE", help="Use another coder (a factory).")
def watch_command(feeds, every, db, workers, timeout, retries, allow_private, max_polls, alerts, coder_spec):
    """Poll RSS/Atom feeds and ingest new articles until Ctrl-C or SIGTERM.

    Each poll is logged on stderr. Queries (`eventwatch events`, `sql`) work while it runs.

    \b
    Example:
        eventwatch watch https://example.org/world/rss.xml --every 15m --db news.duckdb
    """
    from eventwatch.ingest.watch import parse_interval, watch
    from eventwatch.store import StoreError

    try:
        interval = parse_interval(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None
    try:
        result = watch(
            feeds, interval, db, workers=workers, coder=_load_coder(coder_spec, workers),
            fetch_config=_fetch_config(timeout, retries, allow_private),
            log=lambda line: click.echo(line, err=True), max_polls=max_polls, alerts=alerts,
        )  # fmt: skip
    except StoreError as exc:
        _fail(str(exc))
    except (ImportError, *coder_errors()) as exc:
        _fail(str(exc))
    sys.exit(1 if result.failures else 0)


@main.command("events")
@DB_OPTION
@click.option("--from", "date_from", metavar="DATE", help="First date (YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="Last date (YYYY-MM-DD).")
@click.option("--source", metavar="CODE", help="Source actor code or prefix (USA matches USAGOV).")
@click.option("--target", metavar="CODE", help="Target actor code or prefix.")
@click.option("--cameo", metavar="PREFIX", help="CAMEO code prefix (19 = all fighting).")
@click.option("--plover", metavar="TYPE", help="PLOVER event type (ASSAULT, CONSULT, ...).")
@click.option("--country", metavar="ISO3", help="Either actor's country or the event's location.")
@click.option("--limit", type=click.IntRange(0), default=None, help="At most this many events.")
@FORMAT_OPTION
def events_command(db, date_from, date_to, source, target, cameo, plover, country, limit, fmt):
    """List deduplicated events, oldest first.

    \b
    Example:
        eventwatch events --source RUS --target UKR --cameo 19 --from 2022-02-24 --format table
    """
    from eventwatch.store import StoreError

    try:
        with _store(db, read_only=True) as store:
            rows = store.events(date_from, date_to, source, target, cameo, plover, country, limit, as_="records")
    except (StoreError, ValueError) as exc:
        _fail(str(exc))
    from eventwatch.store.writer import EVENT_COLUMNS

    _print_rows(rows, TABLE_COLUMNS if fmt == "table" else EVENT_COLUMNS, fmt)


@main.command("sql")
@click.argument("query")
@DB_OPTION
@FORMAT_OPTION
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=60.0,
    show_default=True,
    help="Seconds before the query is stopped.",
)
@click.option("--memory", default="2GB", show_default=True, help="DuckDB memory limit (e.g. 500MB, 4GB).")
@click.option(
    "--max-rows", type=click.IntRange(1), default=1_000_000, show_default=True, help="Rows the result may have."
)
def sql_command(query, db, fmt, timeout, memory, max_rows):
    """Run a read-only SQL query on the store (tables: articles, mentions, events, actors).

    The query reads the store and nothing else: no files, no other databases, no extensions, within
    a time limit, a memory limit and a row limit.

    \b
    Example:
        eventwatch sql "SELECT source_code, target_code, count(*) n FROM events GROUP BY ALL ORDER BY n DESC"
    """
    from eventwatch.store import QueryError, StoreError
    from eventwatch.store.sandbox import SqlLimits

    limits = SqlLimits(seconds=timeout, memory=memory, max_rows=max_rows)
    try:
        with _store(db, read_only=True) as store:
            table = store.sql(query, as_="arrow", limits=limits)
    except QueryError as exc:
        _fail(f"sql: {exc}")
    except StoreError as exc:
        _fail(str(exc))
    _print_rows(table.to_pylist(), table.column_names, fmt)


@main.command("export")
@DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["gdelt", "gdelt-mentions", "plover", "parquet", "csv"]),
    required=True,
    help="gdelt: GDELT 2.0 events (61 columns); gdelt-mentions; plover: JSON Lines; parquet; csv.",
)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--header/--no-header", default=True, show_default=True, help="Header row (gdelt, csv).")
@click.option(
    "--table",
    type=click.Choice(["events", "mentions", "articles", "actors"]),
    default="events",
    show_default=True,
    help="Table for parquet and csv.",
)
def export_command(db, fmt, output, header, table):
    """Export the store as GDELT 2.0 events or mentions, PLOVER JSON Lines, Parquet or CSV.

    \b
    Examples:
        eventwatch export --format gdelt --output events.tsv
        eventwatch export --format parquet --table mentions --output mentions.parquet
    """
    from eventwatch.store import StoreError

    try:
        with _store(db, read_only=True) as store:
            count = store.export(fmt, output, header=header, table=table)
    except (StoreError, OSError, ValueError) as exc:
        _fail(str(exc))
    click.echo(f"wrote {count} records to {output}", err=True)


@main.command("summary")
@DB_OPTION
@click.option("--top", type=click.IntRange(1, 100), default=10, show_default=True, help="How many top dyads.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def summary_command(db, top, fmt):
    """Summarise the store: articles, mentions, events, date range and the top dyads.

    \b
    Example:
        eventwatch summary --db eventwatch.duckdb
    """
    from eventwatch.store import StoreError

    try:
        with _store(db, read_only=True) as store:
            info = store.summary(top)
    except StoreError as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(info, indent=2))
        return
    span = f"{info['first_date']} to {info['last_date']}" if info["first_date"] else "no dates"
    click.echo(
        f"{db}: {info['articles']} articles, {info['sentences']} sentences, "
        f"{info['mentions']} event mentions "
        f"({info['asserted_mentions']} asserted) -> {info['events']} events, {info['actors']} actors, {span}"
    )
    if info["top_dyads"]:
        click.echo("\nTop dyads (source -> target):")
        click.echo(_table(info["top_dyads"], ("source", "target", "events", "mentions", "goldstein")))
    if info["top_cameo_roots"]:
        click.echo("\nTop CAMEO roots:")
        click.echo(_table(info["top_cameo_roots"], ("cameo_root", "events")))

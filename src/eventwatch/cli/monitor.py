"""Monitor commands: ``series``, ``dyads``, ``actors``, ``alerts`` and ``serve``.

Each is a thin layer over the ``eventwatch.monitor`` function (or ``eventwatch.api.server.serve``) of
the same name and options. Problems are one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import wraps
from typing import Any

import click

from eventwatch.cli import main
from eventwatch.monitor.config import LEVELS, METHODS, METRICS, PERIODS, UNITS

DB = click.option(
    "--db", default="eventwatch.duckdb", show_default=True, type=click.Path(dir_okay=False), help="DuckDB file."
)
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table", show_default=True
)
FROM = click.option("--from", "date_from", metavar="DATE", help="First day (YYYY-MM-DD).")
TO = click.option("--to", "date_to", metavar="DATE", help="Last day (YYYY-MM-DD).")
BY = click.option(
    "--by", type=click.Choice(LEVELS), default="country", show_default=True, help="Actors by country or full code."
)


def _one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (FileNotFoundError, ValueError, TypeError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except Exception as exc:  # the store's errors (locked file, ...) without importing the store
            if type(exc).__name__ in ("StoreError", "StoreBusy"):
                click.echo(f"error: {exc}", err=True)
                sys.exit(1)
            raise

    return run


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return " ".join(f"{k}:{v}" for k, v in value.items())
    return value


def _print(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> None:
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: _plain(r.get(c)) for c in columns} for r in rows)
        return
    cells = [["" if r.get(c) is None else str(_plain(r.get(c))) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    for row in [list(columns), *cells]:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


@main.command("series")
@click.argument("source")
@click.argument("target")
@DB
@click.option("--period", type=click.Choice(PERIODS), default=None, help="day, week or month [default: day].")
@click.option("--directed", is_flag=True, help="Only SOURCE acting on TARGET (default: both ways).")
@click.option("--unit", type=click.Choice(UNITS), default=None, help="Count events (default) or mentions.")
@FROM
@TO
@FORMAT
@_one_line_errors
def series_command(source, target, db, period, directed, unit, date_from, date_to, fmt):
    """Events between two actors per period: counts by QuadClass and CAMEO root, Goldstein sum and mean.

    SOURCE and TARGET are countries (RUS) or CAMEO actor codes (RUSMIL, IGOWSTNAT).

    \b
    Example:
        eventwatch series RUS UKR --period week --from 2022-01-01 --db news.duckdb
    """
    from eventwatch.monitor import series

    s = series(db, source, target, period=period, directed=directed, unit=unit, start=date_from, end=date_to)
    columns = ["period", "count", "verbal_cooperation", "material_cooperation", "verbal_conflict",
               "material_conflict", "goldstein_sum", "goldstein_mean", "roots"]  # fmt: skip
    _print([p.to_dict() for p in s.points], columns, fmt)


@main.command("dyads")
@DB
@FROM
@TO
@BY
@click.option("--directed", is_flag=True, help="Keep direction (USA->RUS apart from RUS->USA).")
@click.option("--limit", type=click.IntRange(1, 10000), default=None, help="How many [default: 20].")
@FORMAT
@_one_line_errors
def dyads_command(db, date_from, date_to, by, directed, limit, fmt):
    """The busiest actor pairs in a period, with cooperation, conflict and net cooperation.

    \b
    Example:
        eventwatch dyads --from 2022-02-01 --to 2022-02-28 --limit 10
    """
    from eventwatch.monitor import dyads

    rows = dyads(db, start=date_from, end=date_to, by=by, directed=directed, limit=limit)
    columns = ["source", "target", "n_events", "cooperation", "conflict", "net_cooperation", "goldstein_sum",
               "goldstein_mean", "first_date", "last_date"]  # fmt: skip
    _print([r.to_dict() for r in rows], columns, fmt)


@main.command("actors")
@DB
@FROM
@TO
@BY
@click.option("--limit", type=click.IntRange(1, 10000), default=None, help="How many [default: 20].")
@FORMAT
@_one_line_errors
def actors_command(db, date_from, date_to, by, limit, fmt):
    """The most active actors in a period (as source or target), with their net cooperation.

    \b
    Example:
        eventwatch actors --by code --from 2022-02-01 --limit 15
    """
    from eventwatch.monitor import actors

    rows = actors(db, start=date_from, end=date_to, by=by, limit=limit)
    columns = ["actor", "name", "n_events", "as_source", "as_target", "cooperation", "conflict",
               "net_cooperation", "goldstein_sum"]  # fmt: skip
    _print([r.to_dict() for r in rows], columns, fmt)


@main.command("alerts")
@DB
@click.option("--since", metavar="DATE", help="Report alerts for periods from this day on (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="...and up to this day.")
@click.option("--period", type=click.Choice(PERIODS), default=None, help="Period [default: monitor.yaml].")
@click.option("--method", type=click.Choice(METHODS), default=None, help="zscore or cusum [default: monitor.yaml].")
@click.option("--metric", type=click.Choice(METRICS), default=None, help="Conflict intensity measure.")
@click.option("--by", type=click.Choice(LEVELS), default=None, help="Dyads of countries or of actor codes.")
@click.option("--min-events", type=click.IntRange(1), default=None, help="Volume guard per period.")
@click.option("--threshold", type=float, default=None, help="z-score threshold (zscore method).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@_one_line_errors
def alerts_command(db, since, until, period, method, metric, by, min_events, threshold, fmt):
    """Dyads whose conflict intensity rose well above their own baseline, with the events behind it.

    The method and its defaults are documented in eventwatch/data/monitor.yaml.

    \b
    Example:
        eventwatch alerts --since 2022-02-20 --db news.duckdb
    """
    from eventwatch.monitor import alerts

    found = alerts(
        db, since=since, until=until, period=period, method=method, metric=metric, by=by,
        min_events=min_events, z_threshold=threshold,
    )  # fmt: skip
    if fmt == "jsonl":
        _print([a.to_dict() for a in found], [], fmt)
        return
    if not found:
        click.echo("no alerts", err=True)
        return
    for a in found:
        click.echo(
            f"{a.period}  {a.actor_a}-{a.actor_b}  {a.metric}={a.value:g} (baseline {a.baseline_mean:g} "
            f"± {a.baseline_std:g}, {a.method} {a.score:.1f})  {a.n_events} events, {a.n_conflict} conflict"
        )
        for d in a.drivers:
            click.echo(f"    {d.event_id}  {d.date}  {d.source_code}->{d.target_code}  {d.cameo}  {d.goldstein:+g}")


@main.command("serve")
@DB
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--token", envvar="EVENTWATCH_TOKEN", help="Bearer token for POST /ingest [env: EVENTWATCH_TOKEN].")
@click.option("--watch", "feeds", multiple=True, metavar="FEED", help="Also poll this feed and store its articles.")
@click.option("--every", default="15m", show_default=True, help="Polling interval for --watch: 30s, 15m, 2h.")
@click.option(
    "--allow-private", is_flag=True,
    help="Let --watch and POST /ingest fetch loopback and private addresses (intranet feeds).",
)  # fmt: skip
@click.option(
    "--config", "config_file", type=click.Path(exists=True, dir_okay=False), envvar="EVENTWATCH_CONFIG",
    help="YAML file whose values replace data/monitor.yaml's, e.g. 'api: {request_seconds: 5}' "
    "[env: EVENTWATCH_CONFIG].",
)
@click.option("--request-timeout", type=click.FloatRange(0.1), help="Seconds a read may run; then 503 [default: 10].")
@click.option("--max-periods", type=click.IntRange(1), help="Periods per /series or alert scan [default: 10000].")
@click.option("--max-response-mb", type=click.FloatRange(0.01), help="Largest answer (MB); then 413 [default: 32].")
@click.option("--max-text-chars", type=click.IntRange(1), help="Longest POST /code and /ingest text [default: 100000].")
@click.option("--code-workers", type=click.IntRange(1, 64), help="Documents POST /code codes at once [default: 1].")
@click.option(
    "--trusted-proxy", "trusted_proxies", multiple=True, metavar="ADDRESS",
    help="A reverse proxy (address or network) whose X-Forwarded-For names the client, for per-client limits "
    "[default: none].",
)  # fmt: skip
@_one_line_errors
def serve_command(db, host, port, token, feeds, every, allow_private, config_file, **limits):
    """Serve the REST API and the dashboard (all assets local; no network needed).

    Reads are open; POST /ingest needs the token. Binding a non-loopback address without one warns.
    Every request is held to limits (time, date range, answer size, text length: README "API limits").
    A DuckDB file stays open while the server runs: `eventwatch ingest` and `watch` on the same file
    hand their articles to the server, and queries (`events`, `sql`, `series`, ...) go through it.

    \b
    Examples:
        eventwatch serve --db news.duckdb --port 8000     # then open http://127.0.0.1:8000/
        eventwatch serve --db news.duckdb --watch https://example.org/world/rss.xml --every 15m
    """
    from eventwatch.api.server import api_config, serve
    from eventwatch.ingest.watch import parse_interval

    try:
        parse_interval(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None
    config = api_config(config_file, **limits)
    serve(db, host=host, port=port, token=token, log=lambda line: click.echo(line, err=True),
          watch_feeds=feeds, every=every, allow_private=allow_private, config=config)  # fmt: skip

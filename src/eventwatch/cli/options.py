"""Options shared by the store and monitor commands."""

from __future__ import annotations

import click

DB_OPTION = click.option(
    "--db",
    envvar="EVENTWATCH_DB",
    default="eventwatch.duckdb",
    show_default=True,
    metavar="FILE|URL",
    help="DuckDB file, or PostgreSQL URL (postgresql://user@host/dbname) [env: EVENTWATCH_DB].",
)

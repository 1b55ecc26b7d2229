"""``eventwatch spark`` and ``eventwatch load``: thin commands over ``eventwatch.spark.spark`` and
``Store.load``."""

from __future__ import annotations

import sys

import click

from eventwatch.cli import main
from eventwatch.cli.options import DB_OPTION
from eventwatch.cli.store import _dedup_config, _dedup_options, _store


@main.command("spark")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--output", "-o", required=True, metavar="DIR", help="Folder (or URI) to write the job's output to.")
@click.option("--master", default=None, help="Spark master [default: local[2], or spark-submit's].")
@click.option("--partitions", type=click.IntRange(1), default=None, help="Coding tasks [default: 4 per core].")
@click.option(
    "--input-format",
    type=click.Choice(["auto", "jsonl", "csv", "parquet"]),
    default="auto",
    show_default=True,
    help="Format of the inputs (auto: by file name).",
)
@click.option(
    "--partition-by",
    type=click.Choice(["day", "month", "year"]),
    default="month",
    show_default=True,
    help="Output folders per day, month or year of the dates.",
)
@_dedup_options
@click.option("--coder", metavar="MODULE:CALLABLE", help="Use another coder (a factory), built once per worker.")
def spark_command(inputs, output, master, partitions, input_format, partition_by, dedup_key, dedup_window, coder):
    """Code articles with PySpark: the same coder on every Python worker, events deduplicated in Spark
    SQL with the store's rule.

    INPUT is a JSON Lines, CSV or Parquet file or folder of records {id, text, date, url, title,
    source}, on any filesystem Spark reads (local, hdfs://, s3a://). The output folder gets articles/,
    mentions/ and events/ as Parquet in folders by date (month=2024-05/ by default), and rejects/ (JSON
    Lines: input, line, reason) for records that could not be coded. Needs
    `pip install 'eventwatch[spark]'` and Java 17.

    \b
    Examples:
        eventwatch spark news.jsonl --output coded/ --master 'local[2]'
        eventwatch load coded/ --db news.duckdb
    """
    from eventwatch.spark import SparkUnavailable, spark

    try:
        report = spark(
            inputs, output, master=master, partitions=partitions, input_format=input_format,
            dedup=_dedup_config(dedup_key, dedup_window), coder=coder, partition_by=partition_by,
            log=lambda line: click.echo(line, err=True),
        )  # fmt: skip
    except SparkUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.shown_rejects:
        click.echo(f"error: {line}", err=True)
    if report.rejects > len(report.shown_rejects):
        click.echo(f"... and {report.rejects - len(report.shown_rejects)} more in {output}/rejects/", err=True)
    click.echo(str(report), err=True)
    if report.failed:
        click.echo(f"{report.rejects} record(s) rejected (see {output}/rejects/); the rest were coded.", err=True)
        sys.exit(1)


@main.command("load")
@click.argument("output", metavar="DIR", type=click.Path(exists=True, file_okay=False))
@DB_OPTION
@_dedup_options
@click.option("--batch", type=click.IntRange(1), default=2000, show_default=True, help="Articles per transaction.")
def load_command(output, db, dedup_key, dedup_window, batch):
    """Load the output of `eventwatch spark` into a store, so that serve, series, alerts and exports
    work on it. Articles already stored are skipped: loading twice changes nothing.

    \b
    Example:
        eventwatch load coded/ --db news.duckdb
    """
    from eventwatch.spark.output import OutputError
    from eventwatch.store import StoreError

    try:
        with _store(db, dedup_key=dedup_key, window=dedup_window) as store:
            report = store.load(output, batch_size=batch)
    except (OutputError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{db}: {report}", err=True)

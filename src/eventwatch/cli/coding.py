"""``eventwatch code``: a thin command over ``eventwatch.coding.code``."""

from __future__ import annotations

import sys

import click

from eventwatch.cli import coder_errors, main
from eventwatch.documents import InputProblem, normalise_date


@main.command("code")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]), default="jsonl", show_default=True)
@click.option("--date", help="Document date (YYYY-MM-DD) for inputs without one; anchors 'on Wednesday'.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write here instead of stdout.")
@click.option("--include-unreal", is_flag=True, help="Also output negated, hypothetical, future and historical events.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal)."
)
def code_command(inputs, fmt, date, output, include_unreal, workers, progress):
    """Code news text into events (CAMEO + PLOVER, with evidence).

    INPUT is a .txt file (one article; its id is the file stem), a .jsonl/.csv file of records
    {id, text, date, url, title, source}, or - for standard input.

    \b
    Examples:
        eventwatch code article.txt --date 2022-01-27 --format table
        eventwatch code articles.jsonl --workers 2 -o events.jsonl
        echo "Russia attacked Ukraine." | eventwatch code - --format table
    """
    from eventwatch.coding import EventWriter, code

    if date is not None and normalise_date(date) is None:
        raise click.BadParameter(f"{date!r} is not a date (YYYY-MM-DD)", param_hint="--date")
    problems: list[InputProblem] = []

    def report(problem: InputProblem) -> None:
        if problem.fatal:
            problems.append(problem)
        click.echo(f"{'error' if problem.fatal else 'warning'}: {problem}", err=True)

    show_progress = sys.stderr.isatty() if progress is None else progress
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115 - closed below
    try:
        from tqdm import tqdm

        bar = tqdm(unit="doc", desc="coding", disable=not show_progress, file=sys.stderr)
        writer = EventWriter(out, fmt)

        def advance(document, events) -> None:
            bar.update(1)
            bar.set_postfix(events=writer.count + len(events), refresh=False)

        for event in code(
            inputs,
            date=normalise_date(date) if date else None,
            include_unreal=include_unreal,
            workers=workers,
            on_problem=report,
            on_document=advance,
        ):
            writer.write(event)
        bar.close()
    except coder_errors() as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if output:
            out.close()
    if problems:
        click.echo(f"{len(problems)} input(s) could not be read; the rest were coded.", err=True)
        sys.exit(1)

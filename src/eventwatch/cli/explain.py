"""``eventwatch explain``: a thin command over ``eventwatch.coding.explain.explain``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from eventwatch.cli import main
from eventwatch.documents import InputProblem, normalise_date


@main.command("explain")
@click.argument("source", metavar="TEXT|FILE")
@click.option("--date", help="Document date (YYYY-MM-DD) for inputs without one; anchors 'on Wednesday'.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def explain_command(source, date, fmt):
    """Why the coder codes a text as it does, sentence by sentence.

    For each sentence: the predicates found and the lexicon entry that fired (or why none), and for each
    event the path that resolved each party (registry mention, pronoun link, place or other party's
    country) or why it stayed empty; also the events dropped as unreal and why. TEXT is the text itself;
    FILE is a .txt, .jsonl, .csv or .html file as `eventwatch code` reads it, or - for standard input.

    \b
    Examples:
        eventwatch explain "Chile recalled its ambassador from Peru on Monday." --date 2023-04-05
        eventwatch explain article.txt --date 2022-01-27
        eventwatch explain articles.jsonl --format json
    """
    from eventwatch.coding import Coder
    from eventwatch.coding.explain import explain
    from eventwatch.coding.lexicon import LexiconError
    from eventwatch.coding.parse import ModelNotInstalled
    from eventwatch.documents import read_inputs
    from eventwatch.records import Document

    if date is not None and normalise_date(date) is None:
        raise click.BadParameter(f"{date!r} is not a date (YYYY-MM-DD)", param_hint="--date")
    day = normalise_date(date) if date else None
    is_file = source == "-" or _is_file(source)
    items = read_inputs([source], day) if is_file else [Document(text=source, id="text", date=day)]
    try:
        coder = Coder()
    except (ModelNotInstalled, LexiconError) as exc:
        raise click.ClickException(str(exc)) from None
    failed = False
    for n, item in enumerate(items):
        if isinstance(item, InputProblem):
            click.echo(f"error: {item}", err=True)
            failed = True
            continue
        explanation = explain(item, coder=coder)
        if fmt == "json":
            click.echo(json.dumps(explanation.to_dict(), ensure_ascii=False))
        else:
            click.echo(("\n" if n else "") + explanation.render())
    if failed:
        sys.exit(1)


def _is_file(source: str) -> bool:
    """A text longer than a file name may be is a text, not a missing file."""
    try:
        return Path(source).is_file()
    except OSError:
        return False

"""``eventwatch knowledge``: thin commands over the knowledge importers (``eventwatch.coding.petrarch``)."""

from __future__ import annotations

import click

from eventwatch.cli import main


@main.group("knowledge")
def knowledge_group() -> None:
    """Bring outside knowledge (actor dictionaries) into eventwatch's data format."""


@knowledge_group.command("import-petrarch")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--output", "-o", required=True, type=click.Path(file_okay=False), help="Folder to write the actor tables to."
)
def import_petrarch_command(directory, output):
    """Import the PETRARCH2 actor and agent dictionaries in DIRECTORY as actor tables.

    The output folder holds the curated actor tables with the PETRARCH2 people (dated roles),
    named actors and agent words appended below them; names the curated tables know are left out.
    Code with it through --actors.

    \b
    Example:
        eventwatch knowledge import-petrarch ../shared/dictionaries/petrarch2 -o petrarch-actors
        eventwatch code articles.jsonl --actors petrarch-actors
    """
    from eventwatch.coding.petrarch import PetrarchError, import_petrarch

    try:
        summary = import_petrarch(directory, output)
    except PetrarchError as exc:
        raise click.ClickException(str(exc)) from None
    for line in summary.lines():
        click.echo(line)

"""The ``eventwatch`` command line: thin commands over the library functions of the same names.

Each command group lives in its own module and registers itself on ``main``.
"""

from __future__ import annotations

import click

from eventwatch import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eventwatch")
def main() -> None:
    """Political event data from news: who did what to whom, when and where, with the evidence.

    \b
    Example:
        eventwatch code article.txt --date 2022-01-27 --format table
    """


def coder_errors() -> tuple[type[Exception], ...]:
    """Errors in building the coder that the user fixes (install the spaCy model, correct a lexicon
    file): each is one line on stderr, never a traceback. ``ModelNotInstalled`` is a RuntimeError, not
    an ImportError, so each command must name these."""
    from eventwatch.coding.lexicon import LexiconError
    from eventwatch.coding.parse import ModelNotInstalled

    return (ModelNotInstalled, LexiconError)


def _register() -> None:
    # Imported for their side effect of adding commands to ``main``.
    from eventwatch.cli import coding, explain, knowledge  # noqa: F401
    for optional in ("store", "monitor", "spark"):
        try:
            __import__(f"eventwatch.cli.{optional}")
        except ModuleNotFoundError as exc:
            if exc.name != f"eventwatch.cli.{optional}":
                raise


_register()

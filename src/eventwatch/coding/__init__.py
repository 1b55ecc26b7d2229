"""The coder: a package of passes over one document (the pass list is in ``coder.py``).

Public: ``Coder`` and ``CoderConfig`` (code texts and documents), ``code`` (code input files, as
``eventwatch code`` does) and ``EventWriter`` (JSON Lines, CSV or table output).
"""

from __future__ import annotations

__all__ = ["Coder", "CoderConfig", "EventWriter", "code"]

_HOMES = {
    "Coder": "eventwatch.coding.coder",
    "CoderConfig": "eventwatch.coding.coder",
    "code": "eventwatch.coding.files",
    "EventWriter": "eventwatch.coding.output",
}


def __getattr__(name: str):
    # Lazy, so that the store, monitor and API can use the ontology without importing spaCy.
    if name not in _HOMES:
        raise AttributeError(name)
    from importlib import import_module

    return getattr(import_module(_HOMES[name]), name)

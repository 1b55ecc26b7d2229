"""eventwatch: political event data from news (CAMEO + PLOVER), with evidence and confidence."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Coder", "Document", "Event", "Store", "__version__"]


def __getattr__(name: str):
    # Lazy so that `import eventwatch` stays cheap (no spaCy or DuckDB until used).
    if name == "Coder":
        from eventwatch.coding import Coder

        return Coder
    if name in ("Event", "Document"):
        from eventwatch import records

        return getattr(records, name)
    if name == "Store":
        from eventwatch.store import Store

        return Store
    raise AttributeError(name)

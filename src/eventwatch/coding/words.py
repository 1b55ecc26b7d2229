"""Word lists from the knowledge files: every list under a YAML key, as a set of lower-case words."""

from __future__ import annotations

from typing import Any


def word_lists(data: dict[str, Any]) -> dict[str, frozenset[str]]:
    """``{key: words}`` for each key of ``data`` whose value is a list (other values are left out)."""
    return {key: frozenset(str(w).lower() for w in value) for key, value in data.items() if isinstance(value, list)}

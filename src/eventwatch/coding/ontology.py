"""CAMEO event codes with Goldstein weight, QuadClass and PLOVER 2021 type/mode/context.

The facts live in ``data/ontology/cameo.tsv`` (rebuilt by ``scripts/build_ontology.py``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

QUAD_CLASS_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None

    @property
    def root(self) -> str:
        return self.code[:2]

    @property
    def base(self) -> str:
        """GDELT's EventBaseCode: the three-digit level (the root itself for a root code)."""
        return self.code[:3]


class Ontology:
    """Look-ups over the CAMEO table. Immutable after loading; share one instance per process."""

    def __init__(self, codes: dict[str, CameoCode]):
        self._codes = codes

    @classmethod
    def load(cls, path: str | None = None) -> Ontology:
        if path is None:
            text = resources.files("eventwatch").joinpath("data/ontology/cameo.tsv").read_text("utf-8")
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        codes = {}
        for row in csv.DictReader(text.splitlines(), delimiter="\t"):
            codes[row["cameo"]] = CameoCode(
                code=row["cameo"],
                name=row["name"],
                goldstein=float(row["goldstein"]),
                quad_class=int(row["quad_class"]),
                plover_type=row["plover_type"] or None,
                plover_mode=row["plover_mode"] or None,
                plover_context=row["plover_context"] or None,
            )
        return cls(codes)

    def __contains__(self, code: str) -> bool:
        return code in self._codes

    def __len__(self) -> int:
        return len(self._codes)

    def get(self, code: str) -> CameoCode:
        """The entry for ``code``; an unknown sub-code falls back to its nearest listed parent."""
        for n in (len(code), 3, 2):
            entry = self._codes.get(code[:n])
            if entry is not None:
                return entry
        raise KeyError(f"unknown CAMEO code {code!r}")

    def codes(self) -> list[CameoCode]:
        return list(self._codes.values())

    def roots(self) -> list[CameoCode]:
        return [c for c in self._codes.values() if len(c.code) == 2]


@cache
def default_ontology() -> Ontology:
    return Ontology.load()

"""Output formats for events: JSON Lines, CSV (flattened) and a readable terminal table."""

from __future__ import annotations

import csv
import json
from typing import IO, Any

from eventwatch.records import Event

FORMATS = ("jsonl", "csv", "table")
NESTED_FIELDS = ("source", "target", "location", "trigger")  # event fields that are records
TABLE_HEADER = ("date", "source", "action", "target", "cameo", "plover", "mod", "conf")


def flat_event(event: dict[str, Any]) -> dict[str, Any]:
    """One level of columns from an event dict: source.code -> source_code, trigger.start -> trigger_start."""
    flat: dict[str, Any] = {}
    for key, value in event.items():
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                flat[f"{key}_{sub}"] = sub_value
        elif key in NESTED_FIELDS and value is None:
            continue
        else:
            flat[key] = value
    return flat


CSV_COLUMNS = [
    "mention_id",
    "doc_id",
    "sentence_index",
    "date",
    "date_precision",
    "source_text",
    "source_code",
    "source_country",
    "source_sector",
    "source_name",
    "source_start",
    "source_end",
    "target_text",
    "target_code",
    "target_country",
    "target_sector",
    "target_name",
    "target_start",
    "target_end",
    "cameo",
    "cameo_name",
    "cameo_root",
    "goldstein",
    "quad_class",
    "plover",
    "plover_mode",
    "plover_context",
    "trigger_text",
    "trigger_start",
    "trigger_end",
    "modality",
    "confidence",
    "location_name",
    "location_country",
    "location_lat",
    "location_lon",
    "attribution",
    "quote",
    "rule",
    "url",
    "sentence",
]


class EventWriter:
    """Writes events as they come: ``jsonl``, ``csv`` or ``table``."""

    def __init__(self, out: IO[str], fmt: str = "jsonl"):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: use jsonl, csv or table")
        self.out, self.fmt = out, fmt
        self._csv: csv.DictWriter | None = None
        self.count = 0

    def write(self, event: Event) -> None:
        record = event.to_dict()
        if self.fmt == "jsonl":
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif self.fmt == "csv":
            if self._csv is None:
                self._csv = csv.DictWriter(self.out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
                self._csv.writeheader()
            self._csv.writerow(flat_event(record))
        else:
            if self.count == 0:
                self.out.write(_table_row(list(TABLE_HEADER)))
            target = event.target
            self.out.write(
                _table_row(
                    [
                        event.date or "",
                        f"{event.source.code or '?'} ({_short(event.source.text)})",
                        _short(event.trigger.text, 14),
                        f"{target.code or '?'} ({_short(target.text)})" if target else "-",
                        event.cameo,
                        event.plover or "-",
                        event.modality[:4],
                        f"{event.confidence:.2f}",
                    ]
                )
            )
        self.count += 1


_WIDTHS = (10, 30, 14, 30, 5, 10, 4, 4)


def _short(text: str, width: int = 22) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _table_row(cells: list[str]) -> str:
    return "  ".join(str(c)[:w].ljust(w) for c, w in zip(cells, _WIDTHS, strict=True)).rstrip() + "\n"

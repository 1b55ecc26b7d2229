"""The folder a Spark job writes, and how ``load`` reads it back (DuckDB reads the Parquet: no Java).

    DIR/_eventwatch.json            the manifest: what the job was, its state ("running" until
                                    everything is written, then "complete") and its counts
    DIR/articles/month=YYYY-MM/     Parquet, the store's ``articles`` columns (or day=, year= folders)
    DIR/mentions/month=YYYY-MM/     Parquet, the store's ``mentions`` columns, with their event ids
    DIR/events/month=YYYY-MM/       Parquet, the store's ``events`` columns
    DIR/rejects/                    JSON Lines: input, line, reason, severity, record

A job that is killed leaves the state "running", which ``load`` refuses; running the job again
rewrites every part and gives the output of a clean run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

MANIFEST = "_eventwatch.json"
LAYOUT = "eventwatch-spark/1"
RUNNING, COMPLETE = "running", "complete"


class OutputError(RuntimeError):
    """The folder is not a complete output of ``eventwatch spark``."""


@dataclass(slots=True)
class Manifest:
    ingested_at: str  # ISO time every article of the job is stamped with, as the store stamps ingests
    inputs: list[str]
    dedup: str  # DedupConfig.fingerprint
    state: str = RUNNING
    layout: str = LAYOUT
    counts: dict[str, int] = field(default_factory=dict)
    started: str = ""
    finished: str = ""

    @property
    def ingested_time(self) -> datetime:
        return datetime.fromisoformat(self.ingested_at)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__slots__})


class HadoopFiles:
    """Small files beside the job's output, on any filesystem Spark writes to (local, HDFS, S3), through
    the session's Hadoop FileSystem: no Spark job needed for a few bytes."""

    def __init__(self, session: Any, folder: str) -> None:
        jvm = session._jvm  # PySpark's gateway to the JVM; Hadoop's FileSystem has no Python API
        self._path = lambda name: jvm.org.apache.hadoop.fs.Path(f"{folder}/{name}")
        self._fs = self._path(MANIFEST).getFileSystem(session._jsc.hadoopConfiguration())

    def read(self, name: str) -> str | None:
        path = self._path(name)
        if not self._fs.exists(path):
            return None
        stream = self._fs.open(path)
        try:
            # Whole, as one Java byte[] (py4j copies arrays across: a Python buffer passed to read() stays empty).
            data = bytes(stream.readAllBytes())
        finally:
            stream.close()
        return data.decode("utf-8")

    def write(self, name: str, text: str) -> None:
        """Written whole under a temporary name, then renamed over the old one."""
        temporary, final = self._path(f".{name}.tmp"), self._path(name)
        stream = self._fs.create(temporary, True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()
        self._fs.delete(final, False)
        self._fs.rename(temporary, final)


class OutputDir:
    """A local copy of a job's output, read by ``load``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def manifest(self) -> Manifest:
        if not self.path.is_dir():
            raise OutputError(f"{self.path}: no such folder")
        if not (self.path / MANIFEST).is_file():
            raise OutputError(f"{self.path}: not an eventwatch spark output (no {MANIFEST})")
        manifest = Manifest.from_json((self.path / MANIFEST).read_text("utf-8"))
        if manifest.layout != LAYOUT:
            raise OutputError(f"{self.path}: output layout {manifest.layout}; this eventwatch reads {LAYOUT}")
        if manifest.state != COMPLETE:
            raise OutputError(f"{self.path}: the spark job writing it did not finish; run it again")
        return manifest

    def rows(self, con: Any, part: str, columns: Sequence[str], batch_rows: int = 10_000) -> Iterator[dict[str, Any]]:
        """The rows of one part in article order (then mention order), as dicts of ``columns``;
        DuckDB sorts, spilling to disk when the output is larger than memory."""
        files = self.path / part
        if not any(files.rglob("*.parquet")):
            return
        order = "article_id, mention_id" if "mention_id" in columns else "article_id"
        relation = con.sql(
            f"SELECT {', '.join(columns)} FROM read_parquet($files, hive_partitioning = true, union_by_name = true) "
            f"ORDER BY {order}",
            params={"files": str(files / "**" / "*.parquet")},
        )
        for batch in relation.to_arrow_reader(batch_rows):
            yield from batch.to_pylist()

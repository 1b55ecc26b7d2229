"""Reading articles with Spark: JSON Lines, CSV or Parquet, from any path Spark can read.

Every input becomes rows of (input file, line, record as JSON text, problem), so that one set of
per-record rules - ``documents.document_from_json``, the checks ``ingest`` applies to each record -
decides what a good article is, whatever the format. An input that cannot be read at all (no such
path, no ``text`` column) is a problem of its own; the other inputs are still read.

Line numbers: a file is read whole by one task (the job sets ``spark.sql.files.maxPartitionBytes``
high), so a row's place in its file is its line (JSON Lines, blank lines counted), or its record number
after the header line (CSV) or its row number (Parquet).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventwatch.documents import RECORD_KEYS, InputProblem

FORMATS: dict[str, tuple[str, ...]] = {
    "jsonl": (".jsonl", ".ndjson", ".json"),
    "csv": (".csv",),
    "parquet": (".parquet", ".pq"),
}
COMPRESSIONS = (".gz", ".bz2", ".zst", ".lz4", ".snappy", ".deflate", ".xz")
RAW_SCHEMA = "input string, line long, record string, problem string"
WHOLE_FILES = str(1 << 40)  # a maxPartitionBytes no file reaches: files are never split


@dataclass(frozen=True, slots=True)
class Input:
    path: str
    format: str


def format_of(path: str) -> str | None:
    """The format a file name says (``news.jsonl.gz`` is JSON Lines); None if it says none."""
    name = path.rstrip("/").lower()
    for suffix in COMPRESSIONS:
        name = name.removesuffix(suffix)
    for fmt, suffixes in FORMATS.items():
        if name.endswith(suffixes):
            return fmt
    return None


def resolve(session: Any, path: str, fmt: str) -> Input | InputProblem:
    """The input with its format: ``fmt`` unless "auto"; else the file name's, or for a folder the one
    format of the files in it."""
    if fmt != "auto":
        return Input(path, fmt)
    named = format_of(path)
    if named:
        return Input(path, named)
    try:
        files = session.read.format("binaryFile").option("recursiveFileLookup", "true").load(path).select("path")
        found = {format_of(row.path) for row in files.collect()} - {None}
    except Exception as exc:  # AnalysisException and friends: the path cannot be listed
        return InputProblem(path, _reason(exc))
    if len(found) != 1:
        kinds = ", ".join(sorted(f for f in found if f)) or "no .jsonl, .csv or .parquet files"
        return InputProblem(path, f"cannot tell the format of this folder ({kinds}); give --input-format")
    return Input(path, found.pop())


def read_input(session: Any, source: Input) -> Any:
    """The raw rows of one input (RAW_SCHEMA). Raises when the input cannot be read at all."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    no_problem = F.lit(None).cast("string")
    if source.format == "jsonl":
        frame = session.read.text(source.path)
        record, problem, first_line = F.col("value"), no_problem, 1
    else:
        if source.format == "csv":
            frame = (
                session.read.option("header", True).option("multiLine", True).option("escape", '"')
                .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", "_corrupt_record")
                .csv(source.path)
            )  # fmt: skip
            first_line = 2  # the header is line 1
        else:
            frame, first_line = session.read.parquet(source.path), 1
        if "text" not in frame.columns:
            raise ValueError(f"has no 'text' column (columns: {', '.join(frame.columns)})")
        fields = {name: F.col(name) for name in RECORD_KEYS if name in frame.columns}
        if source.format == "csv":  # an empty cell is an empty text, as Python's csv reads it (Spark: null)
            fields["text"] = F.coalesce(fields["text"], F.lit("")).alias("text")
        record = F.to_json(F.struct(*fields.values()))
        problem = no_problem
        if "_corrupt_record" in frame.columns:
            problem = F.when(F.col("_corrupt_record").isNotNull(), F.lit("malformed CSV record"))
    # Numbered straight off the file scan, where rows are still in file order.
    numbered = frame.select(
        F.regexp_replace(F.col("_metadata.file_path"), "^file:(//)?", "").alias("input"),
        F.monotonically_increasing_id().alias("row"),
        record.alias("record"),
        problem.alias("problem"),
    )
    line = F.col("row") - F.min("row").over(Window.partitionBy("input")) + first_line
    rows = numbered.select("input", line.alias("line"), "record", "problem")
    return rows.where(F.trim("record") != "") if source.format == "jsonl" else rows  # blank lines: nothing


def read_inputs(session: Any, paths: list[str], fmt: str = "auto") -> tuple[Any, list[InputProblem]]:
    """All inputs as one frame of raw rows, and the inputs that could not be read."""
    session.conf.set("spark.sql.files.maxPartitionBytes", WHOLE_FILES)
    frames, problems = [], []
    for path in paths:
        source = resolve(session, path, fmt)
        if isinstance(source, InputProblem):
            problems.append(source)
            continue
        try:
            frames.append(read_input(session, source))
        except Exception as exc:
            problems.append(InputProblem(path, _reason(exc)))
    if not frames:
        return session.createDataFrame([], RAW_SCHEMA), problems
    raw = frames[0]
    for frame in frames[1:]:
        raw = raw.unionByName(frame)
    return raw, problems


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "PATH_NOT_FOUND" in text or "does not exist" in text:
        return "no such file or folder"
    return text

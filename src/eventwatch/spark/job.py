"""``spark``: code articles with PySpark and write articles, mentions, events and rejects as Parquet.

The stages, each a Spark job step:

    inputs.read_inputs      files -> (input, line, record) rows
    worker.check_batches    per-record rules of ``ingest`` -> documents, or rejects naming input and line
    first_articles          one article per content hash, then per URL (the first in input order)
    worker.code_batches     the Coder, one per Python worker -> article and mention rows (store columns)
    dedup.assign_events     the store's dedup rule, its own SQL run by Spark SQL -> event ids
    dedup.summarise_events  the store's event summaries -> event rows

Failed tasks are retried by Spark; output files are committed per task by Spark's commit protocol, so a
retried task's rows are written once. Each part is written with mode "overwrite", and the manifest says
"complete" only after all of them are, so a run that dies (even the driver, with kill -9) is repaired
by running it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from eventwatch.documents import InputProblem
from eventwatch.spark.output import COMPLETE, MANIFEST, HadoopFiles, Manifest
from eventwatch.store.dedup import DedupConfig
from eventwatch.store.rows import MENTION_COLUMNS

MAX_SHOWN_REJECTS = 20


@dataclass(slots=True)
class SparkReport:
    output: str
    articles: int = 0
    duplicates: int = 0  # records whose article (same text or URL) came earlier in the input
    sentences: int = 0
    mentions: int = 0
    events: int = 0
    rejects: int = 0  # records that could not be coded (errors)
    warnings: int = 0  # records with nothing to code (empty text)
    seconds: float = 0.0
    # Of which: starting Spark (the JVM; a fixed cost per job), and the stage that codes (reading the
    # checked articles, keeping the first of each, coding them: the part that grows with the input and
    # is spread over the cores). The rest is reading and checking, dedup and writing.
    starting_seconds: float = 0.0
    coding_seconds: float = 0.0
    shown_rejects: list[str] = field(default_factory=list)  # the first few, as "input:line: reason"

    @property
    def failed(self) -> bool:
        return self.rejects > 0

    def counts(self) -> dict[str, int]:
        names = ("articles", "duplicates", "sentences", "mentions", "events", "rejects", "warnings")
        return {name: getattr(self, name) for name in names}

    def __str__(self) -> str:
        return (
            f"{self.articles} articles ({self.duplicates} duplicates skipped), {self.sentences} sentences, "
            f"{self.mentions} event mentions, {self.events} events, {self.rejects} rejected records "
            f"in {self.seconds:.1f}s -> {self.output}"
        )


@dataclass(frozen=True, slots=True)
class JobSettings:
    inputs: list[str]
    output: str
    tasks: int  # coding tasks, and shuffle partitions
    input_format: str
    dedup: DedupConfig
    coder: str | None
    partition_by: str  # "day", "month" or "year": the folders of articles/, mentions/ and events/


# The folder each row goes to, from its date: articles/month=2024-05/. A folder per day suits a day's
# news by the million; for archives of a few hundred articles a day, months keep files few and large
# (writing ~1 small file per day and part made a third of the WCEP run).
PARTITION_FORMATS = {"day": "yyyy-MM-dd", "month": "yyyy-MM", "year": "yyyy"}


def spark(
    inputs: Sequence[str],
    output: str,
    *,
    master: str | None = None,
    partitions: int | None = None,
    input_format: str = "auto",
    dedup: DedupConfig | None = None,
    coder: str | None = None,
    config: dict[str, str] | None = None,
    partition_by: str = "month",
    log: Callable[[str], None] | None = None,
) -> SparkReport:
    """Code ``inputs`` (JSON Lines, CSV or Parquet files or folders; any path Spark reads) on Spark
    ``master`` (default ``local[2]``) into ``output``: articles/, mentions/ and events/ as Parquet
    partitioned by date (``partition_by`` "day", "month" or "year"), rejects/ as JSON Lines.
    ``partitions`` is how many tasks the coding is split into (default 4 per core); ``coder`` a
    ``module:callable`` coder factory (default: the Coder); ``config`` more Spark settings.
    """
    if partition_by not in PARTITION_FORMATS:
        raise ValueError(f"partition_by must be one of {', '.join(PARTITION_FORMATS)}, not {partition_by!r}")
    from eventwatch.spark.session import start_session

    started = time.monotonic()
    session = start_session(master, config)
    starting = time.monotonic() - started
    try:
        tasks = partitions or 4 * session.sparkContext.defaultParallelism
        session.conf.set("spark.sql.shuffle.partitions", str(tasks))
        job = JobSettings(
            list(inputs), output.rstrip("/"), tasks, input_format, dedup or DedupConfig(), coder, partition_by
        )
        report = _run(session, job, log or (lambda message: None))
    finally:
        session.stop()
    report.seconds, report.starting_seconds = time.monotonic() - started, starting
    return report


def _run(session: Any, job: JobSettings, say: Callable[[str], None]) -> SparkReport:
    from pyspark import StorageLevel

    from eventwatch.spark.dedup import summarise_events

    files = HadoopFiles(session, job.output)
    manifest = _start_manifest(files, job.inputs, job.dedup)
    report = SparkReport(job.output)
    checked, coded, unreadable = _code(session, job, manifest.ingested_time, report, say)
    articles = _articles(coded)
    _write_by_date(articles, f"{job.output}/articles", job.partition_by)
    say(f"{report.articles} articles coded; clustering {report.mentions} mentions into events")
    clustered = _clustered(session, coded, articles, job.dedup).persist(StorageLevel.DISK_ONLY)
    _write_by_date(clustered.select(*MENTION_COLUMNS), f"{job.output}/mentions", job.partition_by)
    _write_by_date(summarise_events(clustered, articles, job.tasks), f"{job.output}/events", job.partition_by)
    report.events = session.read.parquet(f"{job.output}/events").count()
    _write_rejects(session, job, checked, coded, unreadable, report)
    for frame in (clustered, coded, checked):
        frame.unpersist()
    manifest.state, manifest.counts = COMPLETE, report.counts()
    manifest.finished = _now().isoformat()
    files.write(MANIFEST, manifest.to_json())
    return report


def _code(
    session: Any, job: JobSettings, ingested_at: datetime, report: SparkReport, say: Callable[[str], None]
) -> tuple[Any, Any, list[InputProblem]]:
    """Read, check and code the inputs: (checked rows, coded rows, unreadable inputs), both frames kept
    on disk for the stages after; counts go into ``report``."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from eventwatch.spark import worker
    from eventwatch.spark.inputs import read_inputs

    raw, unreadable = read_inputs(session, job.inputs, job.input_format)
    checked = raw.mapInArrow(worker.check_batches, _schema(worker.CHECKED)).persist(StorageLevel.DISK_ONLY)
    severity = F.col("reject.severity")
    read = checked.agg(
        F.count_if(F.col("reject").isNull()).alias("good"),
        F.count_if(severity == "error").alias("errors"),
        F.count_if(severity == "warning").alias("warnings"),
    ).first()
    say(f"{read.good} articles read; coding them on {session.sparkContext.master} in {job.tasks} tasks")
    started = time.monotonic()
    coded = (
        first_articles(checked.where(F.col("reject").isNull()).drop("reject"))
        .repartition(job.tasks, "content_hash")
        .mapInArrow(worker.code_batches(ingested_at, job.coder), _schema(worker.CODED))
        .persist(StorageLevel.DISK_ONLY)
    )
    totals = coded.agg(
        F.count(F.lit(1)).alias("new"),
        F.count("article").alias("articles"),
        F.coalesce(F.sum(F.size("mentions")), F.lit(0)).alias("mentions"),
        F.coalesce(F.sum("article.n_sentences"), F.lit(0)).alias("sentences"),
    ).first()
    report.coding_seconds = time.monotonic() - started
    report.articles, report.mentions, report.sentences = totals.articles, totals.mentions, totals.sentences
    report.duplicates = read.good - totals.new
    report.rejects = read.errors + (totals.new - totals.articles) + len(unreadable)  # coder failures are errors
    report.warnings = read.warnings
    return checked, coded, unreadable


def _articles(coded: Any) -> Any:
    from pyspark.sql import functions as F

    return coded.where(F.col("article").isNotNull()).select("article.*")


def _clustered(session: Any, coded: Any, articles: Any, dedup: DedupConfig) -> Any:
    """The mentions, each with its event id and its event's first date."""
    from pyspark.sql import functions as F

    from eventwatch.spark.dedup import assign_events

    mentions = coded.select(F.explode("mentions").alias("m")).select("m.*")
    return assign_events(session, mentions, articles, dedup)


def _write_rejects(
    session: Any, job: JobSettings, checked: Any, coded: Any, unreadable: list[InputProblem], report: SparkReport
) -> None:
    from pyspark.sql import functions as F

    from eventwatch.spark import worker

    rejects = (
        checked.where(F.col("reject").isNotNull()).select("reject.*")
        .unionByName(coded.where(F.col("reject").isNotNull()).select("reject.*"))
        .unionByName(session.createDataFrame([worker.reject(p, None) for p in unreadable], _schema(worker.REJECT)))
    )  # fmt: skip
    # One file, in input order: sorted within its one partition (orderBy would first sample the rows to
    # range-partition them, a Spark job more for what is, on good input, no rows at all).
    rejects = rejects.repartition(1).sortWithinPartitions("input", "line")
    rejects.write.mode("overwrite").json(f"{job.output}/rejects")
    if report.rejects:
        report.shown_rejects = [
            f"{r.input}:{r.line}: {r.reason}" if r.line is not None else f"{r.input}: {r.reason}"
            for r in rejects.where(F.col("severity") == "error").limit(MAX_SHOWN_REJECTS).collect()
        ]


def first_articles(documents: Any) -> Any:
    """One article per content hash, then one per URL: the first in input order (input name, line), as
    ``ingest`` keeps the first it reads of an article it meets twice."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    order = ("input", "line")
    by_text = F.row_number().over(Window.partitionBy("content_hash").orderBy(*order))
    by_url = F.when(F.col("url").isNull(), 1).otherwise(F.row_number().over(Window.partitionBy("url").orderBy(*order)))
    first_text = documents.withColumn("_nth", by_text).where("_nth = 1")
    return first_text.withColumn("_nth", by_url).where("_nth = 1").drop("_nth")


def _write_by_date(frame: Any, path: str, partition_by: str) -> None:
    """Parquet in a folder per day, month or year of the rows' dates (``month=2024-05``), each folder one
    file: its rows go to one task. The rows keep their ``date``."""
    from pyspark.sql import functions as F

    folder = F.date_format("date", PARTITION_FORMATS[partition_by])
    keyed = frame.withColumn(partition_by, folder).repartition(partition_by)
    keyed.write.mode("overwrite").partitionBy(partition_by).parquet(path)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _start_manifest(files: HadoopFiles, inputs: list[str], dedup: DedupConfig) -> Manifest:
    """The manifest of this run, saved as "running". A rerun after a run that did not finish keeps its
    time of ingest, so it writes what that run would have written."""
    text = files.read(MANIFEST)
    previous = Manifest.from_json(text) if text else None
    now = _now().isoformat()
    resumed = previous is not None and previous.state != COMPLETE
    ingested_at = previous.ingested_at if resumed and previous else now
    manifest = Manifest(ingested_at=ingested_at, inputs=inputs, dedup=dedup.fingerprint, started=now)
    files.write(MANIFEST, manifest.to_json())
    return manifest


def _schema(arrow: Any) -> Any:
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema, from_arrow_type

    return from_arrow_schema(arrow) if isinstance(arrow, pa.Schema) else from_arrow_type(arrow)

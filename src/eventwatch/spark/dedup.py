"""Deduplication in Spark SQL, with the store's rule and event ids (``eventwatch.store.dedup``).

The rule, as both engines compute it (a port of the store's rule changes these steps, in one place per
engine: ``store/dedup.py`` for the store, ``event_days`` and ``event_id`` here):

1. A mention takes part when its modality is ``asserted``. Its *key* is, for each field of
   ``DedupConfig.key`` in order, ``coalesce(CAST(field AS string), '')``; its *day* is its date, else the
   date of its article's ``ingested_at``.
2. Per key, the distinct days in ascending order form a chain: the first day starts an event, and a
   later day starts a new one when it is more than ``window_days`` after the start of the event before
   it. A mention belongs to the event whose start is the last one on or before its day.
3. The event id is the first 16 hex digits of SHA-256 over the UTF-8 text
   ``fingerprint|key value 1|...|key value n|start`` (start as YYYY-MM-DD; ``DedupConfig.fingerprint``
   names the key fields and the window), i.e. ``store.dedup.event_id_for``.
4. An event's row (codes, counts, place) is ``store.dedup.summarise_event`` over its mentions, run on
   Spark's Python workers (``worker.summarise_batches``).

Step 2 is one ``aggregate`` over each key's sorted days, giving (day, start) pairs that mentions join on
exactly (key, day), so no key's mentions are ever compared with each other pairwise.
"""

from __future__ import annotations

from typing import Any

from eventwatch.store.dedup import DedupConfig

ASSERTED = "asserted"


def key_columns(config: DedupConfig) -> list[Any]:
    from pyspark.sql import functions as F

    return [F.coalesce(F.col(k).cast("string"), F.lit("")).alias(f"_key{i}") for i, k in enumerate(config.key)]


def event_days(keyed: Any, config: DedupConfig) -> Any:
    """(key..., _day, _start) for every distinct day of every key among ``keyed`` (asserted mentions
    with ``_key*`` and ``_day`` columns): step 2 of the rule."""
    from pyspark.sql import functions as F

    keys = [f"_key{i}" for i in range(len(config.key))]
    starts_new = f"acc.start IS NULL OR datediff(d, acc.start) > {config.window_days}"
    start = f"IF({starts_new}, d, acc.start)"
    chain = F.expr(
        "aggregate(array_sort(collect_set(_day)), "
        "named_struct('start', CAST(NULL AS DATE), 'pairs', CAST(array() AS ARRAY<STRUCT<day: DATE, start: DATE>>)), "
        f"(acc, d) -> named_struct('start', {start}, "
        f"'pairs', concat(acc.pairs, array(named_struct('day', d, 'start', {start}))))).pairs"
    )
    pairs = keyed.groupBy(*keys).agg(chain.alias("_pairs"))
    return pairs.select(*keys, F.inline("_pairs")).withColumnsRenamed({"day": "_day", "start": "_start"})


def event_id(config: DedupConfig, start: Any) -> Any:
    """Step 3: the id of the event of the ``_key*`` columns that starts on ``start``."""
    from pyspark.sql import functions as F

    parts = [F.lit(config.fingerprint), *(F.col(f"_key{i}") for i in range(len(config.key)))]
    text = F.concat_ws("|", *parts, F.date_format(start, "yyyy-MM-dd"))
    return F.substring(F.sha2(text, 256), 1, 16)


def assign_events(mentions: Any, config: DedupConfig) -> Any:
    """``mentions`` (with their article's ``ingested_at``) with ``event_id`` set: NULL for unreal ones."""
    from pyspark.sql import functions as F

    keyed = mentions.select(
        "*", *key_columns(config), F.coalesce(F.col("date"), F.to_date("ingested_at")).alias("_day")
    )
    asserted = F.col("modality") == ASSERTED
    days = event_days(keyed.where(asserted), config)
    joined = keyed.join(days, on=[*(f"_key{i}" for i in range(len(config.key))), "_day"], how="left")
    event = F.when(asserted, event_id(config, F.col("_start")))
    helpers = [c for c in joined.columns if c.startswith("_")]
    return joined.withColumn("event_id", event).drop(*helpers)


def summarise_events(clustered: Any, partitions: int) -> Any:
    """One row per event (the store's ``events`` columns) from mentions with their event ids: step 4."""
    from pyspark.sql import functions as F

    from eventwatch.spark import worker

    members = clustered.where(F.col("event_id").isNotNull()).select(*worker.SUMMARY_INPUT)
    ordered = members.repartition(partitions, "event_id").sortWithinPartitions("event_id", "mention_id")
    return ordered.mapInArrow(worker.summarise_batches, _spark_schema(worker.EVENTS))


def _spark_schema(schema: Any) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)

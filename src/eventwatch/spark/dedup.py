"""Deduplication in Spark SQL: the store's rule, run as the very same SQL text.

``store.dedup.cluster_sql`` is the rule's reference implementation (window functions, joins, ``substr``);
Spark SQL runs it unchanged, over the same input query the store uses (``store.writer.dedup_input``:
the asserted mentions joined with their articles, each with its key values, day number and dating),
with the ``mentions`` and ``articles`` of the job registered as views of those names. Only two words
of that input differ between engines, and are passed in: the text type (``STRING``) and how a date
becomes a day number (``datediff``). So a change of the rule is made once, in ``store/dedup.py``, and
both engines follow it.

The event id (``store.dedup.event_id``: SHA-256 of ``fingerprint|values|YYYY-MM-DD``, 16 hex digits)
is computed by Spark's ``sha2`` over the same text; the event rows are ``store.dedup.summarise_event``
itself, run on the Python workers (``worker.summarise_batches``).
"""

from __future__ import annotations

from typing import Any

from eventwatch.store.dedup import EPOCH, DedupConfig, cluster_sql
from eventwatch.store.writer import dedup_input

SPARK_DAY_NUMBER = "datediff({}, DATE '" + EPOCH.isoformat() + "')"


def spark_cluster_sql(config: DedupConfig) -> str:
    """The rule over the views ``mentions`` and ``articles``, in Spark SQL."""
    source = dedup_input(config, text_type="STRING", day_number=SPARK_DAY_NUMBER) + "WHERE m.modality = 'asserted'"
    return cluster_sql(config, source)


def event_id_column(config: DedupConfig) -> Any:
    """``store.dedup.event_id`` of each row of ``cluster_sql``'s result, as a Spark column."""
    from pyspark.sql import functions as F

    parts = [F.lit(config.fingerprint), *(F.col(f"k_{f}") for f in config.key), first_date().cast("string")]
    return F.substring(F.sha2(F.concat_ws("|", *parts), 256), 1, 16)


def first_date() -> Any:
    from pyspark.sql import functions as F

    return F.date_add(F.lit(EPOCH), F.col("first_day").cast("int"))


def assign_events(session: Any, mentions: Any, articles: Any, config: DedupConfig) -> Any:
    """``mentions`` (store columns) with ``event_id`` set by the store's rule - NULL for mentions that are
    not asserted - and ``first_date``, their event's date."""
    mentions.createOrReplaceTempView("mentions")
    articles.createOrReplaceTempView("articles")
    clusters = session.sql(spark_cluster_sql(config))
    ids = clusters.select("mention_id", event_id_column(config).alias("event_id"), first_date().alias("first_date"))
    return mentions.drop("event_id").join(ids, "mention_id", "left")


def summarise_events(clustered: Any, articles: Any, partitions: int) -> Any:
    """One row per event (the store's ``events`` columns) from the mentions with their event ids."""
    from pyspark.sql import functions as F

    from eventwatch.spark import worker

    about = articles.select(
        "article_id", F.col("source").alias("article_source"), F.col("url").alias("article_url"), "ingested_at"
    )
    members = clustered.where(F.col("event_id").isNotNull()).join(about, "article_id").select(*worker.SUMMARY_INPUT)
    ordered = members.repartition(partitions, "event_id").sortWithinPartitions("event_id", "mention_id")
    return ordered.mapInArrow(worker.summarise_batches, _spark_schema(worker.EVENTS))


def _spark_schema(schema: Any) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)

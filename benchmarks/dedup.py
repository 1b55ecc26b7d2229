"""Reports per event: how many mentions (and articles) each deduplicated event gathers, under the rule
before this round (exact actor codes, same day) and under the store's rule (actor depth, text dating),
on the same mentions of a real corpus.

    python benchmarks/dedup.py [--db wcep.duckdb] [--corpus ../shared/corpora/wcep_current_events.jsonl]
                               [--sample 20000] [--workers 2]

Codes the corpus into ``--db`` first when that store does not exist yet (``--sample N``: a fixed random
subset of N documents), then counts. Skips where ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from eventwatch.records import Document
from eventwatch.store import Store
from eventwatch.store.dedup import DedupConfig, cluster_sql
from eventwatch.store.writer import MENTION_DAY, dedup_input, key_sql

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "wcep_current_events.jsonl"
ASSERTED = "WHERE m.modality = 'asserted'"
MENTIONS = f"FROM mentions m JOIN articles a ON a.article_id = m.article_id {ASSERTED}"


def documents(path: Path, sample: int | None, seed: int = 8) -> list[Document]:
    with path.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    if sample and sample < len(records):
        records = random.Random(seed).sample(records, sample)
    return [Document(r["text"], date=r.get("date"), url=r.get("url"), source=r.get("source")) for r in records]


def counts(store: Store, rule: DedupConfig) -> dict[str, float]:
    keys = ", ".join(key_sql(k) for k in rule.key)
    event_key = ", ".join(f"k_{k}" for k in rule.key)

    def rule_events(dating: str | None = None) -> int:
        source = dedup_input(rule, dating) if dating else dedup_input(rule)
        clustered = cluster_sql(rule, source + ASSERTED)
        return one(store, f"SELECT count(*) FROM (SELECT DISTINCT {event_key}, first_day FROM ({clustered}) c) e")

    mentions = one(store, f"SELECT count(*) {MENTIONS}")
    return {
        "articles": one(store, "SELECT count(*) FROM articles"),
        "mentions": mentions,
        "before": one(store, f"SELECT count(*) FROM (SELECT DISTINCT {keys}, {MENTION_DAY} {MENTIONS}) e"),
        "before_articles": one(
            store,
            f"SELECT avg(n) FROM (SELECT count(DISTINCT m.article_id) AS n {MENTIONS} "
            f"GROUP BY {keys}, {MENTION_DAY}) e",
        ),
        "depth_only": rule_events("'other'"),  # the day shift switched off: every mention keeps its day
        "after": rule_events(),
        "stored": one(store, "SELECT count(*) FROM events"),
        "after_articles": one(store, "SELECT avg(num_articles) FROM events"),
    }


def one(store: Store, sql: str) -> float:
    return store.sql(sql, as_="records")[0].popitem()[1] or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="wcep.duckdb", help="store to count (coded from --corpus if absent)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sample", type=int, help="a fixed random subset of this many documents")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    store = Store(args.db)
    if not store.backend.exists():
        if not args.corpus.exists():
            sys.exit(f"skipped: {args.corpus} is absent (it lives in ../shared beside the project)")
        docs = documents(args.corpus, args.sample)
        started = time.perf_counter()
        report = store.ingest(docs, workers=args.workers, progress=sys.stderr.isatty())
        print(f"coded {len(docs):,} documents into {args.db} in {time.perf_counter() - started:.0f} s: {report}")
    c = counts(store, DedupConfig())
    m = c["mentions"]
    print(f"{args.db}: {c['articles']:,} articles, {m:,} asserted mentions")
    print(f"{'rule':<44} {'events':>8} {'mentions/event':>15} {'articles/event':>15}")
    rows = [
        ("before: exact actor codes, same day", c["before"], c["before_articles"]),
        ("actor depth, same day (no text dating)", c["depth_only"], None),
        ("after: actor depth + text dating (stored)", c["stored"], c["after_articles"]),
    ]
    for label, events, per_event in rows:
        articles = f"{per_event:>15.4f}" if per_event is not None else ""
        print(f"{label:<44} {events:>8,} {m / events:>15.4f} {articles}")
    if c["after"] != c["stored"]:
        print(f"note: the rule run afresh gives {c['after']:,} events, the store holds {c['stored']:,}")
    store.close()


if __name__ == "__main__":
    main()

"""Benchmark: `ingest` into DuckDB against the coder alone on the same documents.

Prints articles/second for both, the store's overhead (time of the ingest not spent coding, as a share
of coding time; aim: under 10%), and the database size per 1,000 events.

    python benchmarks/ingest.py [--articles 600] [--repeat 3] [--batch 200]

Documents are the bundled samples, varied (sentence order, report number, dates) so each has its own
content hash and the dedup sees both repeated and new events. Each measurement is repeated and the
fastest run is kept, as the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from eventwatch.coding import Coder
from eventwatch.records import Document, Event
from eventwatch.store import Store


def corpus(n: int) -> list[Document]:
    text = resources.files("eventwatch").joinpath("data/samples/articles.jsonl").read_text("utf-8")
    samples = [json.loads(line) for line in text.splitlines() if line.strip()]
    docs = []
    for i in range(n):
        sample = samples[i % len(samples)]
        sentences = [s.strip() + "." for s in sample["text"].split(". ") if s.strip()]
        turn = (i // len(samples)) % len(sentences)
        body = " ".join(sentences[turn:] + sentences[:turn]).replace("..", ".")
        day = date.fromisoformat(sample["date"]) + timedelta(days=(i // len(samples)) % 30)
        docs.append(Document(f"(Report {i}) {body}", date=day.isoformat(), source=f"Wire {i % 7}",
                             url=f"https://bench.test/{i}", title=sample["title"]))  # fmt: skip
    return docs


class TimedCoder:
    """The coder, timing only its own work, so an ingest run splits into coding and storing."""

    def __init__(self, coder: Coder) -> None:
        self.coder = coder
        self.seconds = 0.0

    def pipe_documents(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        results = self.coder.pipe_documents(documents)
        while True:
            started = time.perf_counter()
            item = next(results, None)
            self.seconds += time.perf_counter() - started
            if item is None:
                return
            yield item


def copy(docs: list[Document]) -> list[Document]:
    return [Document(d.text, date=d.date, url=d.url, title=d.title, source=d.source) for d in docs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=200, help="articles per transaction")
    args = parser.parse_args()
    docs = corpus(args.articles)
    coder = Coder(include_unreal=True)
    # Warm-up, so one-time costs (lazy imports: DuckDB pulls in pandas on first use) are not timed.
    with tempfile.TemporaryDirectory() as tmp:
        Store(Path(tmp) / "warm.duckdb").ingest(copy(docs[:20]), coder=coder)

    coder_alone = float("inf")
    best: tuple[float, float] = (float("inf"), 0.0)  # (ingest seconds, of which coding)
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeat):
            started = time.perf_counter()
            n_mentions = sum(len(events) for _, events in coder.pipe_documents(copy(docs)))
            coder_alone = min(coder_alone, time.perf_counter() - started)

            path = Path(tmp) / f"bench{run}.duckdb"
            store, timed = Store(path), TimedCoder(coder)
            started = time.perf_counter()
            report = store.ingest(copy(docs), coder=timed, batch_size=args.batch)
            elapsed = time.perf_counter() - started
            print(f"  run {run + 1}: coder alone {coder_alone:.2f}s; ingest {elapsed:.2f}s "
                  f"(coding {timed.seconds:.2f}s, storing {elapsed - timed.seconds:.2f}s)")  # fmt: skip
            best = min(best, (elapsed, timed.seconds))
        counts = store.sql(
            "SELECT (SELECT count(*) FROM events) e, (SELECT count(*) FROM mentions) m, "
            "(SELECT count(*) FROM articles) a",
            as_="records",
        )[0]
        size = path.stat().st_size
        started = time.perf_counter()
        again = store.ingest(copy(docs), coder=coder)
        rerun = time.perf_counter() - started

    ingest_time, coding = best
    storing = ingest_time - coding
    print(f"documents: {len(docs)} ({report.sentences} sentences), {n_mentions} event mentions coded, "
          f"batch {args.batch}")  # fmt: skip
    print(f"coder alone:        {len(docs) / coder_alone:7.1f} articles/s ({coder_alone:.2f}s)")
    print(f"ingest into DuckDB: {len(docs) / ingest_time:7.1f} articles/s ({ingest_time:.2f}s: "
          f"coding {coding:.2f}s, storing {storing:.2f}s)")  # fmt: skip
    print(f"store overhead:     {storing / coding:7.1%} of coding time "
          f"(ingest time / coder-alone time = {ingest_time / coder_alone:.3f})")  # fmt: skip
    print(f"stored: {counts['a']} articles, {counts['m']} mentions, {counts['e']} events")
    per_event, per_mention = size / counts["e"] * 1000 / 1e6, size / counts["m"] * 1000 / 1e6
    print(f"database size:      {size / 1e6:.2f} MB = {per_event:.2f} MB per 1,000 events, "
          f"{per_mention:.2f} MB per 1,000 mentions (includes the article texts)")  # fmt: skip
    print(f"re-ingest of the same documents: {again.skipped} skipped, {again.articles} added, {rerun:.2f}s")


if __name__ == "__main__":
    main()

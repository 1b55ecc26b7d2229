"""Hand audit of the coder on real news: sample events, print them for judging, summarise the judgments.

    python benchmarks/audit.py sample --docs 50 --events 120 --tsv benchmarks/audits/NAME.tsv
    python benchmarks/audit.py summary benchmarks/audits/NAME.tsv
    python benchmarks/audit.py corpus                 # both-codes and self-dyad shares over every document
    python benchmarks/audit.py again benchmarks/audits/NAME.tsv   # the same documents and trigger
                                                                    # offsets, as the coder codes them now

``sample`` codes a random sample of documents from a corpus (JSON Lines ``{id, date, text}``; default
``../shared/corpora/guardian_2019_sample.jsonl``) with a fixed seed, samples events among theirs with
the same seed, and prints each with its id, document date, sentence, trigger, source and target (text,
code and the knowledge that resolved them), CAMEO code and name, modality, date and the trail of why.
With ``--tsv`` it also writes the judging sheet: one row per event, the judgment columns empty (rows
already judged in an existing sheet are kept). The same corpus, seed and sizes give the same documents;
an event id is ``<doc id>@<trigger offset>`` (``#2`` for a second event on the same trigger), so a later
coder's events on the same triggers can be matched to earlier judgments.

How to judge: ``benchmarks/audits/README.md``. ``summary`` prints the share fully right, the share
wrong per part (event, source, target, real, date), the tally of error classes and the share of events
with both actor codes.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = PROJECT.parent / "shared/corpora/guardian_2019_sample.jsonl"
PARTS = ("event", "source", "target", "real", "date")
# The error classes of issue 7, plus two for what they do not cover.
CLASSES = {
    "unresolved": "1 a person, body or sector noun the text makes resolvable stays without a code",
    "non-actor": "2 a day, abstract noun, place-as-victim or job title taken as a party or event",
    "self-dyad": "3 source and target the same actor (X -> X)",
    "reversed": "4 victim or arrestee as source, passive read backwards",
    "structure": "5 headline run into the lead, dateline coded as text",
    "pronoun": "6 a pronoun linked to the wrong antecedent",
    "violence": "7 violence, tests or disasters coded as the wrong kind of event",
    "modality": "8 negated, hypothetical, future or historical act reported as real (or the reverse)",
    "event-code": "the CAMEO code is wrong for another reason (wrong sense of the verb, no event at all)",
    "wrong-actor": "a party resolved to the wrong actor (wrong country, sector or person)",
    "date": "the date is wrong",
}
TSV_COLUMNS = [
    "event_id", "doc_id", "doc_date", "sentence_index", "trigger", "cameo", "cameo_name",
    "source_text", "source_code", "target_text", "target_code", "modality", "date",
    "right", "wrong", "correct", "classes", "note", "sentence",
]  # fmt: skip
JUDGED = ("right", "wrong", "correct", "classes", "note")


def read_corpus(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def sample_documents(corpus: list[dict], n: int, seed: int) -> list[dict]:
    """``n`` documents drawn with ``seed``, in corpus order (the same every time for the same corpus)."""
    chosen = sorted(random.Random(seed).sample(range(len(corpus)), min(n, len(corpus))))
    return [corpus[i] for i in chosen]


def code_documents(documents: list[dict], coder=None) -> list[tuple[dict, list]]:
    if coder is None:
        from eventwatch import Coder

        coder = Coder()
    return [
        (record, events)
        for record, (_, events) in zip(documents, coder.pipe_documents(documents), strict=True)
    ]


def event_ids(doc_id: str, events: list) -> list[str]:
    """``doc@trigger_start``, with ``#k`` for the k-th event on the same trigger (by actor offsets)."""
    seen: Counter = Counter()
    order = sorted(
        range(len(events)),
        key=lambda i: (
            events[i].trigger.start,
            events[i].source.start,
            events[i].target.start if events[i].target else -1,
            events[i].cameo,
        ),
    )
    by_index: dict[int, str] = {}
    for i in order:
        key = f"{doc_id}@{events[i].trigger.start}"
        seen[key] += 1
        by_index[i] = key if seen[key] == 1 else f"{key}#{seen[key]}"
    return [by_index[i] for i in range(len(events))]


def identified(coded: list[tuple[dict, list]]) -> list[tuple[str, dict, object]]:
    """Every event of the coded documents with its id and its document record, in document order."""
    found = []
    for record, events in coded:
        for event_id, event in zip(event_ids(record["id"], events), events, strict=True):
            found.append((event_id, record, event))
    return found


def actor_line(actor) -> str:
    if actor is None:
        return "- (no target)"
    how = actor.entry or "not in the knowledge base"
    return f"{actor.text!r} {actor.code or 'NULL'}  [{how}]"


def why_lines(event) -> list[str]:
    """The trail of an event: its structured steps when the coder keeps them, else its rule."""
    trail = getattr(event, "trail", None)
    if trail:
        return [f"{step.pass_name}: {step.rule}" + (f" — {step.detail}" if step.detail else "") for step in trail]
    return [f"rule: {event.rule}"]


def show(number: int, total: int, event_id: str, record: dict, event, out=sys.stdout) -> None:
    w = out.write
    w(f"\n[{number}/{total}] {event_id}   document date {record.get('date')}\n")
    w(f"  sentence : {' '.join(event.sentence.split())}\n")
    w(f"  trigger  : {event.trigger.text!r} (lemma {event.trigger.lemma})\n")
    w(f"  event    : {event.cameo} {event.cameo_name}  [{event.plover or '-'}]   modality {event.modality}\n")
    w(f"  source   : {actor_line(event.source)}\n")
    w(f"  target   : {actor_line(event.target)}\n")
    place = f"   place {event.location.name} ({event.location.country})" if event.location else ""
    w(f"  date     : {event.date} ({event.date_precision}){place}\n")
    for line in why_lines(event):
        w(f"  why      : {line}\n")


def sheet_row(event_id: str, record: dict, event) -> dict[str, str]:
    target = event.target
    return {
        "event_id": event_id,
        "doc_id": record["id"],
        "doc_date": record.get("date") or "",
        "sentence_index": str(event.sentence_index),
        "trigger": event.trigger.text,
        "cameo": event.cameo,
        "cameo_name": event.cameo_name,
        "source_text": event.source.text,
        "source_code": event.source.code or "",
        "target_text": target.text if target else "",
        "target_code": (target.code or "") if target else "",
        "modality": event.modality,
        "date": event.date or "",
        **dict.fromkeys(JUDGED, ""),
        "sentence": " ".join(event.sentence.split()),
    }


def read_sheet(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def write_sheet(path: Path, rows: Iterable[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=TSV_COLUMNS, delimiter="\t", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: " ".join(str(row.get(k, "")).split()) for k in TSV_COLUMNS})


def merged(new_rows: list[dict[str, str]], old_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """New sheet rows with the judgments already made on the same event id (same codes, modality and date)."""
    old = {r["event_id"]: r for r in old_rows}
    out = []
    for row in new_rows:
        before = old.get(row["event_id"])
        same = before is not None and all(
            before.get(k, "") == row[k] for k in ("cameo", "source_code", "target_code", "modality", "date")
        )
        out.append({**row, **{k: before.get(k, "") for k in JUDGED}} if same else row)
    return out


def cmd_sample(args: argparse.Namespace) -> None:
    documents = sample_documents(read_corpus(args.corpus), args.docs, args.seed)
    events = identified(code_documents(documents))
    # sorted by id before sampling, so the sample does not depend on the order the coder yields them in
    events.sort(key=lambda item: item[0])
    picked = random.Random(args.seed).sample(events, min(args.events, len(events)))
    picked.sort(key=lambda item: (documents.index(item[1]), item[2].trigger.start, item[0]))
    print(
        f"corpus {args.corpus.name}: {len(documents)} documents (seed {args.seed}), {len(events)} events, "
        f"{len(picked)} sampled"
    )
    for n, (event_id, record, event) in enumerate(picked, start=1):
        show(n, len(picked), event_id, record, event)
    if args.tsv:
        rows = [sheet_row(*item) for item in picked]
        if args.tsv.exists():
            rows = merged(rows, read_sheet(args.tsv))
        write_sheet(args.tsv, rows)
        print(f"\njudging sheet: {args.tsv} ({sum(1 for r in rows if r['right'])} of {len(rows)} already judged)")


def cmd_again(args: argparse.Namespace) -> None:
    """The events of an earlier sheet's documents, as the coder codes them now, matched by trigger."""
    earlier = read_sheet(args.sheet)
    wanted = {r["doc_id"] for r in earlier}
    documents = [r for r in read_corpus(args.corpus) if r["id"] in wanted]
    now = {event_id: (record, event) for event_id, record, event in identified(code_documents(documents))}
    for n, row in enumerate(earlier, start=1):
        found = now.get(row["event_id"])
        if found is None:
            print(f"\n[{n}/{len(earlier)}] {row['event_id']}: no longer coded (was {row['cameo']} "
                  f"{row['source_code'] or 'NULL'} -> {row['target_code'] or 'NULL'}; judged {row['right'] or '?'})")
            continue
        show(n, len(earlier), row["event_id"], *found)
        print(f"  earlier  : {row['cameo']} {row['source_code'] or 'NULL'} -> {row['target_code'] or 'NULL'}"
              f"  judged {row['right'] or '?'} {row['wrong']} {row['correct']}")


def share(count: int, total: int) -> str:
    return f"{count}/{total} = {count / total:.1%}" if total else "0/0"


def cmd_summary(args: argparse.Namespace) -> None:
    rows = read_sheet(args.sheet)
    judged = [r for r in rows if r["right"].strip().lower() in ("y", "n")]
    print(f"{args.sheet}: {len(rows)} events, {len(judged)} judged")
    if not judged:
        return
    right = sum(r["right"].strip().lower() == "y" for r in judged)
    print(f"fully right                 {share(right, len(judged))}")
    for part in PARTS:
        wrong = sum(part in _items(r["wrong"]) for r in judged)
        print(f"wrong {part:<21} {share(wrong, len(judged))}   (right {1 - wrong / len(judged):.1%})")
    both = sum(bool(r["source_code"]) and bool(r["target_code"]) for r in judged)
    print(f"both actor codes            {share(both, len(judged))}")
    self_dyads = sum(bool(r["source_code"]) and r["source_code"] == r["target_code"] for r in judged)
    print(f"self-dyads                  {share(self_dyads, len(judged))}")
    tally = Counter(c for r in judged for c in _items(r["classes"]))
    if tally:
        print("error classes (events may have several):")
        for name, count in tally.most_common():
            print(f"  {name:<12} {count:>3}  {CLASSES.get(name, '(not a listed class)')}")


def _items(cell: str) -> list[str]:
    return [part.strip().lower() for part in cell.replace(";", ",").split(",") if part.strip()]


def cmd_corpus(args: argparse.Namespace) -> None:
    documents = read_corpus(args.corpus)
    coded = code_documents(documents)
    events = [e for _, evs in coded for e in evs]
    n = len(events)
    both = sum(bool(e.source.code) and bool(e.target and e.target.code) for e in events)
    no_source = sum(not e.source.code for e in events)
    no_target = sum(not (e.target and e.target.code) for e in events)
    self_dyads = sum(bool(e.source.code) and e.target is not None and e.source.code == e.target.code for e in events)
    per_doc = n / max(1, len(documents))
    print(f"corpus {args.corpus.name}: {len(documents)} documents, {n} events ({per_doc:.1f} per document)")
    print(f"both actor codes   {share(both, n)}")
    print(f"self-dyads         {share(self_dyads, n)}   (same source and target code)")
    same_country = sum(
        bool(e.source.country) and e.target is not None and e.source.country == e.target.country for e in events
    )
    print(f"same country       {share(same_country, n)}   (includes dyads of two sectors of one country)")
    print(f"no source code     {share(no_source, n)}")
    print(f"no target code     {share(no_target, n)}")
    dyads = Counter((e.source.code, e.target.code) for e in events if e.source.code and e.target and e.target.code)
    print("top dyads: " + ", ".join(f"{s}->{t} {c}" for (s, t), c in dyads.most_common(10)))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample", help="code a sample, print its events, write the judging sheet")
    sample.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    sample.add_argument("--docs", type=int, default=50)
    sample.add_argument("--events", type=int, default=120)
    sample.add_argument("--seed", type=int, default=2019)
    sample.add_argument("--tsv", type=Path, help="write (or update) the judging sheet here")
    again = sub.add_parser("again", help="the events of an earlier sheet, as the coder codes them now")
    again.add_argument("sheet", type=Path)
    again.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    summary = sub.add_parser("summary", help="figures of a judged sheet")
    summary.add_argument("sheet", type=Path)
    corpus = sub.add_parser("corpus", help="both-codes and self-dyad shares over a whole corpus")
    corpus.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    if getattr(args, "corpus", None) is not None and not args.corpus.exists():
        sys.exit(f"{args.corpus} is absent: the corpora live in ../shared beside the project")
    {"sample": cmd_sample, "again": cmd_again, "summary": cmd_summary, "corpus": cmd_corpus}[args.command](args)


if __name__ == "__main__":
    main()

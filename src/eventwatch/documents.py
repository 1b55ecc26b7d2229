"""Reading documents from files: plain text, JSON Lines, CSV and stdin.

Readers yield ``Document`` records, or ``InputProblem`` records for input that cannot be read, so that
one bad file or line never stops the rest of a batch. Problems name the input and, where there is one,
the line.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwatch.records import Document

MAX_TEXT_BYTES = 20 * 1024 * 1024  # a single article larger than this is almost surely not an article
RECORD_KEYS = ("id", "text", "date", "url", "title", "source")
ENCODINGS = ("utf-8-sig", "utf-16", "cp1252")


@dataclass(slots=True)
class InputProblem:
    """Why an input (and which line of it) could not be read.

    ``fatal`` problems make the run's exit code 1; a warning (a record whose text is an empty string:
    an article with nothing to code) is reported but does not fail the batch.
    """

    source: str
    message: str
    line: int | None = None
    fatal: bool = True

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


Item = Document | InputProblem


def document_from_record(record: Any, source: str, line: int | None = None) -> Item:
    """A Document from a dict with the record keys, or a problem saying what is wrong with it."""
    if isinstance(record, str):
        record = {"text": record}
    if not isinstance(record, dict):
        return InputProblem(source, f"expected a JSON object, got {type(record).__name__}", line)
    text = record.get("text")
    if not isinstance(text, str):
        return InputProblem(source, "record has no text", line)
    if not text.strip():
        return InputProblem(source, "record's text is empty; nothing to code", line, fatal=False)
    date = record.get("date")
    if date is not None:
        date = normalise_date(str(date))
        if date is None:
            return InputProblem(source, f"bad date {record.get('date')!r} (expected YYYY-MM-DD)", line)
    doc_id = record.get("id")
    return Document(
        text=text,
        id=str(doc_id) if doc_id not in (None, "") else "",
        date=date,
        url=_str_or_none(record.get("url")),
        title=_str_or_none(record.get("title")),
        source=_str_or_none(record.get("source")),
    )


def normalise_date(value: str) -> str | None:
    """An ISO date (YYYY-MM-DD) from ISO dates, datetimes and compact YYYYMMDD; None if unreadable."""
    from datetime import date, datetime

    value = value.strip()
    if not value:
        return None
    if len(value) == 8 and value.isdigit():
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def _str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def decode_bytes(data: bytes, source: str) -> str | InputProblem:
    """Text from bytes, refusing binary data and trying the common encodings of news text."""
    if not data.strip():
        return InputProblem(source, "input is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return InputProblem(source, "input looks binary, not text")
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    return InputProblem(source, "cannot decode text (tried " + ", ".join(ENCODINGS) + ")")


def read_bytes(path: Path) -> bytes | InputProblem:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            limit = MAX_TEXT_BYTES // 2**20
            return InputProblem(str(path), f"file is {size / 1e6:.0f} MB; the limit is {limit} MiB")
        return path.read_bytes()
    except FileNotFoundError:
        return InputProblem(str(path), "no such file")
    except IsADirectoryError:
        return InputProblem(str(path), "is a folder, not a file")
    except OSError as exc:
        return InputProblem(str(path), f"cannot read: {exc.strerror or exc}")


def read_text_document(path: Path, date: str | None = None) -> Item:
    """One article per .txt file; its id is the file stem."""
    data = read_bytes(path)
    if isinstance(data, InputProblem):
        return data
    text = decode_bytes(data, str(path))
    if isinstance(text, InputProblem):
        return text
    return Document(text=text, id=path.stem, date=date)


def iter_jsonl(lines: Iterable[str], source: str) -> Iterator[Item]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputProblem(source, f"not valid JSON ({exc.msg})", number)
            continue
        yield document_from_record(record, source, number)


def iter_csv(text: str, source: str) -> Iterator[Item]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        message = "CSV needs a header row with a 'text' column (id,text,date,url,title,source)"
        yield InputProblem(source, message, 1)
        return
    for row in reader:
        record = {k: v for k, v in row.items() if k in RECORD_KEYS}
        yield document_from_record(record, source, reader.line_num)


MIN_ARTICLE_CHARS = 40  # less than a sentence of main text means the page had no article


def document_from_html(html: str | bytes, source: str, url: str | None = None) -> Item:
    """The main text and metadata (title, date, site name) of a web page, via trafilatura.

    A page whose main text is missing or shorter than a sentence (an index page, a paywall, a login
    form) is a problem, not an empty article.
    """
    import trafilatura

    try:
        found = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_tables=False)
    except Exception as exc:  # a malformed page must not stop the batch
        return InputProblem(source, f"cannot parse HTML ({type(exc).__name__}: {exc})")
    text = (getattr(found, "text", None) or "").strip()
    title = getattr(found, "title", None)
    if title and text.startswith(title):
        # trafilatura keeps the headline as the first line; without a full stop it would run into
        # the first sentence of the article when parsed.
        text = text[len(title) :].lstrip()
    if len(text) < MIN_ARTICLE_CHARS:
        return InputProblem(source, "no article text found in the HTML page")
    return Document(
        text=text,
        date=normalise_date(found.date) if getattr(found, "date", None) else None,
        url=url or getattr(found, "url", None),
        title=title,
        source=getattr(found, "sitename", None) or getattr(found, "hostname", None),
    )


def read_html_document(path: Path, date: str | None = None) -> Item:
    """One article per saved web page; its id is the file stem, its date the given one or the page's."""
    data = read_bytes(path)
    if isinstance(data, InputProblem):
        return data
    if not data.strip():
        return InputProblem(str(path), "input is empty")
    item = document_from_html(data, str(path))
    if isinstance(item, Document):
        item.id = path.stem
        item.date = date or item.date
    return item


def read_path(path: Path, date: str | None = None) -> Iterator[Item]:
    """Documents from one local file, chosen by its suffix (.jsonl/.json, .csv, .html, anything else as
    text)."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        yield read_html_document(path, date)
        return
    if suffix in (".jsonl", ".ndjson", ".csv"):
        data = read_bytes(path)
        if isinstance(data, InputProblem):
            yield data
            return
        text = decode_bytes(data, str(path))
        if isinstance(text, InputProblem):
            yield text
            return
        items = iter_csv(text, str(path)) if suffix == ".csv" else iter_jsonl(text.splitlines(), str(path))
        for item in items:
            if isinstance(item, Document) and date and not item.date:
                item.date = date
            yield item
        return
    yield read_text_document(path, date)


def read_inputs(inputs: Iterable[str], date: str | None = None) -> Iterator[Item]:
    """Documents from CLI inputs: file paths, or ``-`` for standard input (JSON Lines or plain text)."""
    for name in inputs:
        if name == "-":
            yield from read_stdin(date)
        else:
            yield from read_path(Path(name), date)


def read_stdin(date: str | None = None) -> Iterator[Item]:
    data = sys.stdin.buffer.read()
    text = decode_bytes(data, "<stdin>")
    if isinstance(text, InputProblem):
        yield text
        return
    if text.lstrip().startswith("{"):
        for item in iter_jsonl(text.splitlines(), "<stdin>"):
            if isinstance(item, Document) and date and not item.date:
                item.date = date
            yield item
    else:
        yield Document(text=text, id="stdin", date=date)

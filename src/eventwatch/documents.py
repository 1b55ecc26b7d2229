"""Reading documents from files: plain text, JSON Lines, CSV, saved web pages and stdin.

Readers yield ``Document`` records, or ``InputProblem`` records for input that cannot be read, so that
one bad file or line never stops the rest of a batch. Problems name the input and, where there is one,
the line. The rules, each for a class of hostile input:

- every record, from any reader (and from Spark or the API), passes ``document_from_record``;
- JSON Lines and CSV are streamed line by line, split on ``\\n`` only (U+2028, U+0085 and a bare CR
  are characters inside a record), each line decoded on its own (``eventwatch.decoding``); a record
  (line or row) is capped, not the file;
- a JSON line is parsed with bounded nesting; a CSV row is parsed strictly, and a malformed row is
  reported with its lines while the rows after it are still read;
- a reader that fails anyway loses its own input, not the batch (``eventwatch.isolation``).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from eventwatch.compression import DAMAGED, CompressionBomb, compression, inner_suffix, open_input
from eventwatch.decoding import (
    BINARY_SNIFF_BYTES,
    LEGACY_ENCODING,
    Decoded,
    binary_kind,
    byte_order_mark,
    clean_text,
    decode,
)
from eventwatch.records import Document

MAX_TEXT_BYTES = 20 * 1024 * 1024  # one article (a file, a JSON line, a CSV row) larger than this is not one
MAX_JSON_DEPTH = 32  # a record is an object of strings; deeper nesting is not a record
RECORD_KEYS = ("id", "text", "date", "url", "title", "source")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".csv")
MIN_ARTICLE_CHARS = 40  # less than a sentence of main text means the page had no article
MAX_REPLACED_SHARE = 0.05  # a document with more bytes than this replaced is not text in a known encoding
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_NESTING = re.compile(r"[\[\]{}]")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CSV_ERRORS = {
    "unexpected end of data": "a quote opened here is never closed",
    "new-line character seen in unquoted field": "a bare carriage return (\\r) inside an unquoted field",
    "',' expected after '\"'": 'a quote inside a quoted field is not doubled (write "" for a quote)',
    "field larger than field limit": f"a field is over the {MAX_TEXT_BYTES // 2**20} MiB limit",
}


@dataclass(slots=True)
class InputProblem:
    """Why an input (and which line of it) could not be read.

    ``fatal`` problems make the run's exit code 1; a warning (a record whose text is an empty string:
    an article with nothing to code; bytes that had to be replaced) is reported but does not fail the
    batch.
    """

    source: str
    message: str
    line: int | None = None
    fatal: bool = True

    def __str__(self) -> str:
        """One printable line, whatever the file name or the message hold."""
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return _printable(f"{where}: {' '.join(self.message.split())}")


Item = Document | InputProblem
WarningHandler = Callable[[InputProblem], None]


def _printable(text: str) -> str:
    text = _UNPRINTABLE.sub(lambda found: repr(found.group())[1:-1], text)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates as \udcff


# -- one record -------------------------------------------------------------------------------------


def document_from_record(
    record: Any, source: str, line: int | None = None, *, on_warning: WarningHandler | None = None
) -> Item:
    """A Document from a dict with the record keys (or a bare string of text), or a problem saying what
    is wrong with it. The same rules for every reader, the Spark job and the API.

    The text and the metadata are cleaned (``decoding.clean_text``); a text holding a lone surrogate (not valid
    Unicode) is refused. Non-fatal notes go to ``on_warning``. ``source`` and ``line`` name the input in problems
    and become the document's ``origin``.
    """
    if isinstance(record, str):
        record = {"text": record}
    if not isinstance(record, dict):
        return InputProblem(source, f"expected a JSON object, got {type(record).__name__}", line)
    text = record.get("text")
    if not isinstance(text, str):
        detail = "" if text is None else f" (got {type(text).__name__})"
        return InputProblem(source, f"record has no text{detail}", line)
    text, surrogates = clean_text(text)
    if not text.strip():
        return InputProblem(source, "record's text is empty; nothing to code", line, fatal=False)
    if surrogates:
        # Not valid Unicode: the writer of the file has a bug worth knowing about, so the record is refused
        # (an error and exit 1) rather than silently repaired.
        message = f"{surrogates} lone surrogate(s) (half a character, not valid Unicode) in the text; record not read"
        return InputProblem(source, message, line)
    date = record.get("date")
    if date is not None:
        date = normalise_date(str(date))
        if date is None:
            return InputProblem(source, f"bad date {str(record.get('date'))[:40]!r} (expected YYYY-MM-DD)", line)
    return Document(
        text=text,
        id=_field(record.get("id")) or "",
        date=date,
        url=_field(record.get("url")),
        title=_field(record.get("title")),
        source=_field(record.get("source")),
        origin=source if line is None else f"{source}:{line}",
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


def _field(value: Any) -> str | None:
    return None if value in (None, "") else clean_text(str(value))[0]


def load_json(text: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads``, refusing text nested deeper than ``max_depth`` before parsing it: the parser
    recurses once per level, so 200,000 brackets would end in a RecursionError. Raw control characters
    inside strings (a tab, a NUL from a careless exporter) are accepted; records clean them."""
    if text.count("[") + text.count("{") > max_depth:
        depth = deepest = 0
        for bracket in _JSON_NESTING.findall(_JSON_STRING.sub("", text)):
            depth += 1 if bracket in "[{" else -1
            deepest = max(deepest, depth)
        if deepest > max_depth:
            raise ValueError(f"JSON nested deeper than {max_depth} levels")
    return json.loads(text, strict=False)


def document_from_json(
    text: str, source: str, line: int | None = None, *, on_warning: WarningHandler | None = None
) -> Item:
    """A Document from one JSON record (a line of JSON Lines), or the problem with it: not JSON, nested
    too deep, over ``MAX_TEXT_BYTES``, or a record ``document_from_record`` refuses."""
    if len(text) > MAX_TEXT_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        return InputProblem(source, f"record is over the {MAX_TEXT_BYTES // 2**20} MiB limit; skipped", line)
    try:
        record = load_json(text)
    except json.JSONDecodeError as exc:
        return InputProblem(source, f"not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})", line)
    except (ValueError, RecursionError) as exc:  # too deep, a number over Python's digit limit
        return InputProblem(source, f"not a readable JSON record ({exc})", line)
    return document_from_record(record, source, line, on_warning=on_warning)


# -- bytes to documents ------------------------------------------------------------------------------


def document_from_bytes(data: bytes, source: str, **fields: Any) -> Iterator[Item]:
    """The document of a whole input (a .txt file, a page served as text/plain, stdin): refuses empty
    and binary input, decodes, warns about replaced bytes. ``fields`` are record keys (id, date, url)."""
    if not data.strip():
        yield InputProblem(source, "input is empty")
        return
    binary = _binary_problem(data, source)
    if binary:
        yield binary
        return
    decoded = decode(data)
    if decoded.replaced > MAX_REPLACED_SHARE * len(data):
        bad = f"{decoded.replaced} of {len(data)} bytes"
        yield InputProblem(source, f"cannot decode text: {bad} are not valid UTF-8 or {LEGACY_ENCODING}")
        return
    if decoded.replaced:
        line = data.count(b"\n", 0, decoded.first_replaced_at) + 1
        yield _replaced_warning(decoded, source, f" (the first on line {line})" if b"\n" in data else "")
    warnings: list[InputProblem] = []
    item = document_from_record({**fields, "text": decoded.text}, source, on_warning=warnings.append)
    yield from warnings
    yield item


def _binary_problem(head: bytes, source: str) -> InputProblem | None:
    kind = binary_kind(head[:BINARY_SNIFF_BYTES])
    return InputProblem(source, f"input looks like {kind}, not text") if kind else None


def _replaced_warning(decoded: Decoded, source: str, where: str = "", line: int | None = None) -> InputProblem:
    message = f"{decoded.replaced} byte(s) not valid {decoded.encoding} replaced with U+FFFD{where}"
    return InputProblem(source, message, line, fatal=False)


def text_lines(stream: BinaryIO, source: str) -> Iterator[tuple[int, str] | InputProblem]:
    """The numbered lines of a buffered byte stream, split on ``\\n`` only and ending as in the input,
    each decoded on its own; problems for binary input and for lines over ``MAX_TEXT_BYTES`` (skipped
    without being held in memory), warnings for replaced bytes."""
    head = stream.peek(BINARY_SNIFF_BYTES)[:BINARY_SNIFF_BYTES]  # type: ignore[attr-defined]
    binary = _binary_problem(head, source)
    if binary:
        yield binary
        return
    bom = byte_order_mark(head)
    if (bom and bom != "utf-8-sig") or (b"\r" in head and b"\n" not in head):
        yield from _whole_text_lines(stream, source)  # UTF-16/32, or old Mac line ends (CR only)
        return
    number = 0
    while raw := stream.readline(MAX_TEXT_BYTES + 1):
        number += 1
        if len(raw) > MAX_TEXT_BYTES:
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(2**20)
            yield InputProblem(source, f"line is over the {MAX_TEXT_BYTES // 2**20} MiB limit; skipped", number)
            continue
        decoded = decode(raw[3:] if number == 1 and bom else raw, bom=False)
        if decoded.replaced:
            yield _replaced_warning(decoded, source, line=number)
        yield number, decoded.text


def _whole_text_lines(stream: BinaryIO, source: str) -> Iterator[tuple[int, str] | InputProblem]:
    data = stream.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        yield InputProblem(source, f"a UTF-16/32 or CR-only file over {MAX_TEXT_BYTES // 2**20} MiB is not read; "
                           "convert it to UTF-8")  # fmt: skip
        return
    decoded = decode(data)
    if decoded.replaced:
        yield _replaced_warning(decoded, source)
    text = decoded.text if "\n" in decoded.text else decoded.text.replace("\r", "\n")
    lines = text.split("\n")
    # Line ends are kept, as in a file: the csv module needs them to keep a quoted field's line breaks.
    yield from enumerate([line + "\n" for line in lines[:-1]] + [lines[-1]] * bool(lines[-1]), start=1)


# -- readers -----------------------------------------------------------------------------------------


def iter_jsonl(stream: BinaryIO, source: str) -> Iterator[Item]:
    """One document per JSON line; each bad line is a problem naming it, and the next line is read."""
    records = 0
    for entry in text_lines(stream, source):
        if isinstance(entry, InputProblem):
            records += entry.fatal  # a refused file has said why
            yield entry
            continue
        number, line = entry
        if not line.strip():
            continue
        records += 1
        warnings: list[InputProblem] = []
        item = document_from_json(line, source, number, on_warning=warnings.append)
        yield from warnings
        yield item
    if not records:
        yield InputProblem(source, "input is empty")


def iter_csv(stream: BinaryIO, source: str) -> Iterator[Item]:
    """One document per CSV row under a header with a ``text`` column (id,text,date,url,title,source).

    Rows are parsed strictly, so a stray quote cannot silently swallow the rows after it: a malformed
    row is a problem naming its lines, and parsing starts again on the line after it.
    """
    # An article may be longer than the csv module's 128 KiB field limit; raising the (process-wide)
    # limit to the record cap only ever allows more.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_TEXT_BYTES))
    pending: list[InputProblem] = []
    last = 0  # the physical line most recently handed to the csv module

    def lines() -> Iterator[str]:
        nonlocal last
        for entry in text_lines(stream, source):
            if isinstance(entry, InputProblem):
                pending.append(entry)
            else:
                last, line = entry
                yield line

    reader = csv.reader(lines(), strict=True)
    header: list[str] | None = None
    rows = 0  # rows under the header, read or refused
    while True:
        first = last + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row, problem = None, _csv_problem(exc, source, first, last)
        else:
            problem = None
        yield from pending
        pending.clear()
        if header is None:
            header = [name.strip() for name in row or ()]
            if problem is None and "text" in header:
                continue
            yield InputProblem(source, "CSV needs a header row with a 'text' column (id,text,date,url,title,source)", 1)
            return
        rows += problem is not None or bool(row)
        if problem is not None:
            yield problem
        elif row and len(row) > len(header):
            message = f"row has {len(row)} fields but the header has {len(header)} (an unquoted comma in the text?)"
            yield InputProblem(source, message, first)
        elif row:
            record = {key: value for key, value in zip(header, row, strict=False) if key in RECORD_KEYS}
            warnings: list[InputProblem] = []
            item = document_from_record(record, source, first, on_warning=warnings.append)
            yield from warnings
            yield item
    yield from pending
    if any(p.line is None for p in pending):
        return  # the file was refused as a whole and has said why
    if header is None:
        yield InputProblem(source, "input is empty")
    elif not rows:
        yield InputProblem(source, "input is empty: a header row and no records under it", 1)


def _csv_problem(exc: csv.Error, source: str, first: int, last: int) -> InputProblem:
    text = str(exc)
    reason = next((why for start, why in _CSV_ERRORS.items() if text.startswith(start)), text)
    lines = f"line {first}" if last <= first else f"lines {first}-{last}"
    return InputProblem(source, f"{reason}; {lines} not read", first)


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
    record = {
        "text": text,
        "date": normalise_date(found.date) if getattr(found, "date", None) else None,
        "url": url or getattr(found, "url", None),
        "title": title,
        "source": getattr(found, "sitename", None) or getattr(found, "hostname", None),
    }
    return document_from_record(record, source)


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


def read_text_document(path: Path, date: str | None = None) -> Iterator[Item]:
    """One article per .txt file; its id is the file stem."""
    data = read_bytes(path)
    if isinstance(data, InputProblem):
        yield data
    else:
        yield from document_from_bytes(data, str(path), id=path.stem, date=date)


def read_html_document(path: Path, date: str | None = None) -> Iterator[Item]:
    """One article per saved web page; its id is the file stem, its date the given one or the page's."""
    data = read_bytes(path)
    if isinstance(data, InputProblem):
        yield data
        return
    if not data.strip():
        yield InputProblem(str(path), "input is empty")
        return
    item = document_from_html(data, str(path))
    if isinstance(item, Document):
        item.id = path.stem
        item.date = date or item.date
    yield item


def read_records(path: Path) -> Iterator[Item]:
    """The records of a .jsonl/.ndjson or .csv file - or of one compressed (``news.jsonl.gz``, .bz2,
    .xz: inflated as it is read, see ``eventwatch.compression``) - streamed."""
    reader = iter_csv if inner_suffix(path) == ".csv" else iter_jsonl
    try:
        stream = open_input(path)
    except OSError as exc:
        yield InputProblem(str(path), f"cannot read: {exc.strerror or exc}")
        return
    try:
        with stream:
            if not stream.peek(1):  # type: ignore[attr-defined]
                yield InputProblem(str(path), "input is empty")
                return
            yield from reader(stream, str(path))
    except CompressionBomb as exc:
        yield InputProblem(str(path), str(exc))
    except DAMAGED as exc:
        if not compression(path):
            raise  # a plain file's read error: reported by the batch's guard
        message = f"cannot decompress ({type(exc).__name__}: {exc}); the rest of the file is not read"
        yield InputProblem(str(path), message)


def read_path(path: Path, date: str | None = None) -> Iterator[Item]:
    """Documents from one local file, chosen by its suffix (.jsonl/.ndjson, .csv - also compressed, as
    .jsonl.gz -, .html, anything else as text). ``date`` is given to documents that have none."""
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        yield from read_html_document(path, date)
    elif suffix in RECORD_SUFFIXES or (compression(path) and inner_suffix(path) in RECORD_SUFFIXES):
        yield from with_default_date(read_records(path), date)
    else:
        yield from read_text_document(path, date)


def read_inputs(inputs: Iterable[str], date: str | None = None) -> Iterator[Item]:
    """Documents from CLI inputs: file paths, or ``-`` for standard input (JSON Lines or plain text).
    An input whose reader fails is one problem; the inputs after it are still read."""
    from eventwatch.isolation import guarded

    for name in inputs:
        yield from guarded(name, read_stdin(date) if name == "-" else read_path(Path(name), date))


def read_stdin(date: str | None = None, stream: BinaryIO | None = None) -> Iterator[Item]:
    """JSON Lines when the input starts with ``{``, else one plain-text document with the id ``stdin``."""
    stream = stream or sys.stdin.buffer
    head = stream.peek(BINARY_SNIFF_BYTES)  # type: ignore[attr-defined]
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
        yield from with_default_date(iter_jsonl(stream, "<stdin>"), date)
        return
    data = stream.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        yield InputProblem("<stdin>", f"input is over the {MAX_TEXT_BYTES // 2**20} MiB limit for one document")
        return
    yield from document_from_bytes(data, "<stdin>", id="stdin", date=date)


def with_default_date(items: Iterable[Item], date: str | None) -> Iterator[Item]:
    for item in items:
        if isinstance(item, Document) and date and not item.date:
            item.date = date
        yield item

"""Bytes to text for news: telling text from binary data, choosing the encoding, and cleaning the text.

Decisions are made per document (a .txt file, one JSON line, one page), so one stray byte spoils
neither the rest of its article nor the other articles of a file:

- a UTF-32/UTF-16/UTF-8 byte-order mark is obeyed;
- otherwise the text is UTF-8, and a byte that is not valid UTF-8 is replaced by U+FFFD on its own;
- unless the document has more invalid bytes than valid UTF-8 multi-byte characters: then it was
  written in a legacy single-byte encoding, read as Windows-1252 (a superset of Latin-1 for text).

Nothing here raises on any input: the worst a document can get is replacement characters, counted so
that readers can say how many.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

LEGACY_ENCODING = "cp1252"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: FF FE 00 00
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)  # fmt: skip
_SIGNATURES = (
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"), (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"SQLite format 3\x00", "an SQLite database"), (b"PAR1", "a Parquet file"),
)  # fmt: skip
# C0 control bytes that never occur in text files (tab, newlines, form feed and escape do).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x1B), *range(0x1C, 0x20)])
BINARY_SNIFF_BYTES = 8192
BINARY_CONTROL_SHARE = 0.03  # random binary data has about 10% such bytes; text has next to none
_REPLACEMENT = "\ufffd"
_UTF8_REPLACEMENT = _REPLACEMENT.encode("utf-8")
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")  # keeps \t \n \v \f \r


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    replaced: int = 0  # byte sequences that were not valid in ``encoding``, now U+FFFD
    first_replaced_at: int | None = None  # byte offset of the first of them


def byte_order_mark(data: bytes) -> str | None:
    """The encoding a leading byte-order mark announces, if there is one."""
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def binary_kind(head: bytes) -> str | None:
    """What the first bytes of an input say it is when it is not text ("a PDF document"), else None.

    A few control bytes (a NUL in a JSON line) do not make a file binary; only a share of them that no
    text has, or a known file signature.
    """
    if byte_order_mark(head):
        return None
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    sample = head[:BINARY_SNIFF_BYTES]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls >= 2 and controls > BINARY_CONTROL_SHARE * len(sample):
        return "binary data (or UTF-16 without a byte-order mark)"
    return None


def decode(data: bytes, *, bom: bool = True) -> Decoded:
    """The text of one document's bytes (see the module docstring for how the encoding is chosen).
    ``bom=False`` for a line inside a file, where leading bytes that look like a mark are not one."""
    announced = byte_order_mark(data) if bom else None
    if announced:
        return _decode_replacing(data, announced)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    utf8 = _decode_replacing(data, "utf-8")
    non_ascii = len(utf8.text) - len(utf8.text.encode("ascii", "ignore"))
    valid_multibyte = non_ascii - utf8.text.count(_REPLACEMENT)
    if valid_multibyte >= utf8.replaced:
        return utf8
    return _decode_replacing(data, LEGACY_ENCODING)


def _decode_replacing(data: bytes, encoding: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        first = exc.start
    text = data.decode(encoding, errors="replace")
    already = data.count(_UTF8_REPLACEMENT) if encoding.startswith("utf-8") else 0
    return Decoded(text, encoding, text.count(_REPLACEMENT) - already, first)


def clean_text(text: str) -> tuple[str, int]:
    """``text`` safe for every later stage, and how many lone surrogates it had.

    A lone surrogate (``"\\ud800"`` in JSON: half of a character cut in two) cannot be written as UTF-8,
    so it becomes U+FFFD; control characters other than whitespace become spaces. Both keep every other
    character where it was, so offsets into the text stay valid.
    """
    text, surrogates = _SURROGATES.subn(_REPLACEMENT, text)
    if _CONTROL_CHARS.search(text):
        text = _CONTROL_CHARS.sub(" ", text)
    return text, surrogates

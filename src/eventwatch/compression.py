"""Compressed input files (``news.jsonl.gz``, ``.bz2``, ``.xz``), inflated as they are read, never more
than the reader asks for at a time.

A news archive compresses three- to tenfold; a "compression bomb" - a few kilobytes that inflate to
gigabytes - a thousandfold. So a file is read through ``Inflating``, which counts what it hands out
against the compressed bytes consumed and stops the file with ``CompressionBomb`` once it has handed
out more than ``grace`` bytes *and* more than ``max_ratio`` times what it read. Memory stays bounded by
the reader's own chunk (``readline(limit)``, ``read(n)``); the records read before the stop are kept.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from pathlib import Path
from typing import BinaryIO

OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
MAX_RATIO = 100  # decompressed bytes per compressed byte beyond which a file is not text
GRACE_BYTES = 16 * 2**20  # ...judged only past this much output: a small file may inflate more
# What a damaged or truncated compressed file raises while being read.
DAMAGED = (gzip.BadGzipFile, EOFError, zlib.error, lzma.LZMAError, OSError)


class CompressionBomb(Exception):
    """A compressed file inflating far more than text does."""


def compression(path: Path) -> str | None:
    """The compression a file name says (``.gz``), or None."""
    suffix = path.suffix.lower()
    return suffix if suffix in OPENERS else None


def inner_suffix(path: Path) -> str:
    """The suffix of what a file holds once inflated: ``news.jsonl.gz`` -> ``.jsonl``."""
    return Path(path.stem).suffix.lower() if compression(path) else path.suffix.lower()


class Inflating(io.RawIOBase):
    """The inflated bytes of a compressed ``file``, each read at most the size asked for."""

    def __init__(self, file: BinaryIO, suffix: str, max_ratio: int = MAX_RATIO, grace: int = GRACE_BYTES) -> None:
        self._file = file
        self._inner = OPENERS[suffix](file, "rb")
        self._max_ratio = max_ratio
        self._grace = grace
        self.inflated = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self.inflated += len(data)
        consumed = max(1, self._file.tell())
        if self.inflated > self._grace and self.inflated > self._max_ratio * consumed:
            raise CompressionBomb(
                f"inflates more than {self._max_ratio}-fold ({consumed:,} bytes to over {self.inflated:,}): "
                "a compression bomb, not text; the rest of the file is not read"
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._inner.close()
            self._file.close()
        finally:
            super().close()


def open_input(path: Path) -> BinaryIO:
    """``path`` for reading, inflated when its name says it is compressed (buffered, so it can be
    peeked at)."""
    file = path.open("rb")
    suffix = compression(path)
    if suffix is None:
        return file
    return io.BufferedReader(Inflating(file, suffix))  # type: ignore[return-value]

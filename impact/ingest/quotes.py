"""Quotes that never close, found and neutralised in one streaming pass with a bounded memory.

A quote that never closes makes a CSV reader take every following line for one value, up to the next quote in the
file or its end. Each line that opens such a value is replaced by a one-field marker line (MARKER), which the reader
then rejects on its own, so every line after it is read again as the line it is.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from pathlib import Path

from . import textfile

MARKER = b"\x01"  # a line of one field no export holds: the reader rejects it for its column count


class _Scan:
    """The state of the pass: the lines of a quoted value still open, and the lines replaced so far."""

    def __init__(self, out, quote: bytes, delimiter: str, columns: int, max_record: int):
        self.out, self.quote, self.max_record = out, quote, max_record
        self.delimiter, self.columns = delimiter, columns
        self.open: list[bytes] = []  # the lines of a record whose quoted value has not closed yet
        self.size = 0
        self.line = 0  # physical number of the last line taken
        self.first = 0  # physical number of the first open line
        self.broken: list[int] = []

    def take(self, lines: deque) -> None:
        """Feed whole lines (each with its line feed); lines given back by a repair are taken again first."""
        write = self.out.write
        while lines:
            line = lines.popleft()
            self.line += 1
            odd = line.count(self.quote) % 2 == 1
            if not self.open:
                if odd:
                    self.open, self.size, self.first = [line], len(line), self.line
                else:
                    write(line)
                continue
            self.open.append(line)
            self.size += len(line)
            if self.size > self.max_record:  # longer than the reader's longest line: it cannot close well
                self._break(lines)
            elif odd:  # the value closes on this line: a record spanning lines, whole or broken
                record = b"".join(self.open)
                if self._whole(record):
                    write(record)
                    self.open, self.size = [], 0
                else:
                    self._break(lines)

    def finish(self) -> None:
        """At the end of the file a value still open never closed."""
        while self.open:
            rest: deque = deque()
            self._break(rest)
            self.take(rest)

    def _break(self, lines: deque) -> None:
        """The first open line holds a quote that never closes: write its marker, give back the lines after it."""
        first = self.open[0]
        # The marker keeps the line's own end (CR LF or LF): the file's line ends stay consistent for the reader.
        self.out.write(MARKER + first[len(first.rstrip(b"\r\n")) :])
        self.broken.append(self.first)
        lines.extendleft(reversed(self.open[1:]))
        self.line = self.first
        self.open, self.size = [], 0

    def _whole(self, record: bytes) -> bool:
        """Whether lines joined by a quoted value read as one record of the header's width (a note with a line
        break in it), not as a stray quote that another line's quote happened to close."""
        text = record.decode("utf-8", errors="replace")
        try:
            rows = list(
                csv.reader(
                    io.StringIO(text, newline=""), delimiter=self.delimiter, quotechar=self.quote.decode(), strict=True
                )
            )
        except csv.Error:
            return False
        return len(rows) == 1 and len(rows[0]) == self.columns


def repair_unclosed_quotes(
    src: Path, *, delimiter: str, quote: str, columns: int, max_record: int, chunk_size: int = 8 << 20
) -> tuple[Path | None, list[int]]:
    """A copy of `src` (LF or CR LF line ends) whose lines that open a quoted value that never closes are each
    replaced by MARKER, and their physical line numbers; (None, []) when there is none.

    One pass; memory is one chunk plus the lines of one open value, never more than `max_record` bytes of them (a
    value longer than the reader's longest line cannot close well). The quote doubled inside a value ("") changes
    no line's parity, so a line's count of quotes tells whether it leaves a value open."""
    if not quote:
        return None, []
    with open(src, "rb") as fh, textfile.temp_copy() as out:
        scan = _Scan(out, quote.encode(), delimiter, columns, max_record)
        carry = b""
        while data := fh.read(chunk_size):
            block = carry + data
            cut = block.rfind(b"\n") + 1
            block, carry = block[:cut], block[cut:]
            if not block:
                continue
            if not scan.open and (
                scan.quote not in block or not any(line.count(scan.quote) % 2 for line in block.split(b"\n"))
            ):
                # A chunk whose every line closes its quotes is copied whole: nearly all of any file. Counting the
                # quotes of each line this way takes ~25 ms per chunk; a regular expression took ten times that.
                out.write(block)
                scan.line += block.count(b"\n")
                continue
            # Split at line feeds only: a carriage return is part of its CR LF line end, or of a value.
            scan.take(deque(line + b"\n" for line in block[:-1].split(b"\n")))
        if carry:
            scan.take(deque([carry]))
        scan.finish()
    path = Path(out.name)
    if not scan.broken:
        path.unlink()
        return None, []
    return path, scan.broken

"""Quotes that never close, found and neutralised in one streaming pass with a bounded memory.

A quote that opens a value and never closes makes a CSV reader take every following line for one value, up to the
next quote in the file or its end. Each line that opens such a value is replaced by a one-field marker line (MARKER),
which the reader then rejects on its own, so every line after it is read again as the line it is.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from . import textfile

MARKER = b"\x01"  # a line of one field no export holds: the reader rejects it for its column count


class _Scan:
    """The state of the pass: the lines of a quoted value still open, and the lines replaced so far."""

    def __init__(self, out, quote: bytes, delimiter: bytes, columns: int, max_record: int, force: set[int]):
        self.out, self.quote, self.delimiter = out, quote, delimiter
        self.columns, self.max_record, self.force = columns, max_record, force
        self.open: list[bytes] = []  # the lines of a record whose quoted value has not closed yet
        self.size = 0
        self.line = 0  # physical number of the last line taken
        self.pos = 0  # byte offset of the next line
        self.first = (0, 0)  # line number and byte offset of the first open line
        self.broken: list[int] = []

    def take(self, lines: deque) -> None:
        """Feed whole lines (each with its line end); lines given back by a repair are taken again first."""
        while lines:
            line = lines.popleft()
            self.line += 1
            start, self.pos = self.pos, self.pos + len(line)
            if not self.open:
                # A quote inside an unquoted value (55" TV) is text, as the reader takes it: an odd count of quotes
                # only makes the line a candidate.
                # The reader's offset is the line's first byte, or its second (seen with LF line ends).
                forced = any(start <= p < self.pos for p in self.force)
                if forced or (line.count(self.quote) % 2 and self._ends_inside(line, False)):
                    self.open, self.size, self.first = [line], len(line), (self.line, start)
                    if forced:  # the reader found this record running on: no need to look for its end
                        self._break(lines)
                else:
                    self.out.write(line)
                continue
            self.open.append(line)
            self.size += len(line)
            if self.size > self.max_record:  # longer than the reader's longest line: it cannot close well
                self._break(lines)
            elif not self._ends_inside(line, True):  # the value closed: a record spanning lines, whole or broken
                record = b"".join(self.open)
                if self._whole(record):
                    self.out.write(record)
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
        self.broken.append(self.first[0])
        lines.extendleft(reversed(self.open[1:]))
        self.line, self.pos = self.first[0], self.first[1] + len(first)
        self.open, self.size = [], 0

    def _ends_inside(self, line: bytes, inside: bool) -> bool:
        """Whether the line ends inside a quoted value, given whether it starts inside one. A quote opens a value
        only at the start of a field; in a value a doubled quote is a quote, a single one closes it."""
        q, d = self.quote, self.delimiter
        end = len(line.rstrip(b"\r\n"))
        i = 0
        while i < end:
            if inside:
                j = line.find(q, i, end)
                if j < 0:
                    return True
                if line.startswith(q, j + 1):
                    i = j + 2
                    continue
                inside, i = False, j + 1
            elif line.startswith(q, i):
                inside, i = True, i + 1
                continue
            k = line.find(d, i, end)  # the rest of the field is text: the next field starts after the delimiter
            if k < 0:
                return False
            i = k + 1
        return inside

    def _whole(self, record: bytes) -> bool:
        """Whether lines joined by a quoted value read as one record of the header's width (a note with a line
        break in it), not as a stray quote that another line's quote happened to close."""
        text = record.decode("utf-8", errors="replace")
        quote, delimiter = self.quote.decode(), self.delimiter.decode()
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote, strict=True))
        except csv.Error:
            return False
        return len(rows) == 1 and len(rows[0]) == self.columns


def repair_unclosed_quotes(
    src: Path,
    *,
    delimiter: str,
    quote: str,
    columns: int,
    max_record: int,
    runaway: Iterable[int] = (),
    chunk_size: int = 8 << 20,
) -> tuple[Path | None, list[int]]:
    """A copy of `src` (LF or CR LF line ends) whose lines that open a quoted value that never closes are each
    replaced by MARKER, and their physical line numbers; (None, []) when there is none.

    runaway: byte offsets (within their lines) where the reader saw a record run on over several lines; those lines
    are replaced whatever the pass finds. One pass; memory is one chunk plus the lines of one open value, never more than
    `max_record` bytes of them (a value longer than the reader's longest line cannot close well)."""
    if not quote:
        return None, []
    force = set(runaway)
    q = quote.encode()
    with open(src, "rb") as fh, textfile.temp_copy() as out:
        scan = _Scan(out, q, delimiter.encode(), columns, max_record, force)
        carry = b""
        while data := fh.read(chunk_size):
            block = carry + data
            cut = block.rfind(b"\n") + 1
            block, carry = block[:cut], block[cut:]
            if not block:
                continue
            if (
                not scan.open
                and not any(scan.pos <= p < scan.pos + len(block) for p in force)
                and (q not in block or not any(line.count(q) % 2 for line in block.split(b"\n")))
            ):
                # A chunk in which no line can open a value is copied whole: nearly all of any file. Counting the
                # quotes of each line this way takes ~25 ms per chunk; a regular expression took ten times that.
                out.write(block)
                scan.line += block.count(b"\n")
                scan.pos += len(block)
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

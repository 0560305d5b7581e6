"""Turn an uploaded file into something DuckDB's CSV reader can take: encoding, delimiter, header position.

Only the first bytes are read in Python; the body is left to DuckDB unless it has to be transcoded.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DiskFullError, UnreadableFileError

HEAD_BYTES = 1 << 20
MAX_HEADER_LINE = 1 << 20  # a "header" longer than this is not a header
MAX_COLUMNS = 2000
# Magic numbers of files people upload by mistake instead of a CSV export.
BINARY_SIGNATURES = {
    b"PK\x03\x04": "a zip archive or an Excel .xlsx workbook",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive (unpack it first)",
    b"SQLite format": "a SQLite database",
}


@dataclass
class PreparedFile:
    path: Path  # what DuckDB reads
    encoding: str  # encoding of the original file, for the report
    delimiter: str
    header: list[str]
    header_line: int  # 1-based physical line of the header in `path`
    blank_before_header: int  # lines before the header with no value (empty, spaces or bare delimiters)
    empty_before_header: int = 0  # of those, the lines with nothing at all
    quote: str = '"'  # the format's quote character; '' where the export never quotes (Amazon's flat files)
    temp_paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reading changed, in sentences for the report

    def cleanup(self) -> None:
        for p in self.temp_paths:
            p.unlink(missing_ok=True)


def disk_full(directory: Path | str) -> DiskFullError:
    """The one-line message for a write that ran out of space in `directory`."""
    try:
        free = shutil.disk_usage(directory).free / (1 << 20)
    except OSError:
        free = 0.0
    return DiskFullError(
        f"the disk is full ({free:,.0f} MB free in {directory}): free some space, or set TMPDIR to a larger disk, "
        "and import again"
    )


@contextlib.contextmanager
def temp_copy() -> Iterator:
    """A new temporary file to write a copy into; on any failure it is removed, and a full disk says so."""
    out = tempfile.NamedTemporaryFile(prefix="impact-", suffix=".csv", delete=False)
    path = Path(out.name)
    try:
        with out:
            yield out
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise disk_full(path.parent) from None
        raise


def _sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4000]
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a byte-order mark: ASCII characters leave a zero byte beside them.
        return "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut in half by the sample boundary
            return "cp1252"
    return "utf-8"


def transcode_to_utf8(src: Path, encoding: str) -> Path:
    """Stream-decode a file into a temporary UTF-8 copy with LF line ends; undecodable bytes become U+FFFD."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    carry = b""
    with open(src, "rb") as fh, temp_copy() as out:
        while chunk := fh.read(8 << 20):
            data = carry + decoder.decode(chunk).encode("utf-8")
            carry = b"\r" if data.endswith(b"\r") else b""
            out.write(_unify(data[: len(data) - len(carry)]))
        out.write(_unify(carry + decoder.decode(b"", final=True).encode("utf-8")))
    return Path(out.name)


# Windows-1252 as Windows itself reads it: the five bytes the code page leaves undefined map to the C1 controls.
_TABLE = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))
MIXED_CHUNK = 8 << 20


@dataclass
class MixedDecode:
    """Where a file that is mostly UTF-8 had lines that were not, read as Windows-1252 instead."""

    path: Path  # the UTF-8 copy, LF line ends
    cp1252_ranges: list[tuple[int, int]]  # 1-based physical lines, first and last of each run
    utf8_seen: bool  # some non-ASCII text decoded as UTF-8: the file mixes the two, it is not wholly Windows-1252

    @property
    def cp1252_lines(self) -> int:
        return sum(b - a + 1 for a, b in self.cp1252_ranges)


def _decode_lines(chunk: bytes, first: int, ranges: list[list[int]]) -> tuple[str, bool]:
    """A chunk of whole lines decoded line by line; runs of Windows-1252 lines are added to `ranges`."""
    out, utf8 = [], False
    for i, line in enumerate(chunk.split(b"\n")):
        try:
            out.append(line.decode("utf-8"))
            utf8 = utf8 or not line.isascii()
        except UnicodeDecodeError:
            out.append(line.decode("latin-1").translate(_TABLE))
            n = first + i
            if ranges and ranges[-1][1] == n - 1:
                ranges[-1][1] = n
            else:
                ranges.append([n, n])
    return "\n".join(out), utf8


def transcode_mixed(src: Path, chunk_size: int = MIXED_CHUNK) -> MixedDecode:
    """One streaming pass: every line that is valid UTF-8 stays UTF-8, every other line is read as Windows-1252.

    A chunk that decodes whole as UTF-8 (nearly all of a UTF-8 file) is copied without a per-line loop. Memory is
    one chunk plus its longest line."""
    ranges: list[list[int]] = []
    utf8 = False
    line = 1  # physical number of the first line of the next chunk
    carry = b""
    with open(src, "rb") as fh, temp_copy() as out:
        while True:
            data = fh.read(chunk_size)
            block = carry + data
            if data:
                cut = block.rfind(b"\n") + 1
                if not cut:  # one line longer than a chunk: read on until it ends
                    carry = block
                    continue
                block, carry = block[:cut], block[cut:]
            if not block:
                break
            try:
                text = block.decode("utf-8")
                utf8 = utf8 or not block.isascii()
            except UnicodeDecodeError:
                text, seen = _decode_lines(block, line, ranges)
                utf8 = utf8 or seen
            line += block.count(b"\n")
            out.write(_unify(text.encode("utf-8")))
            if not data:
                break
    return MixedDecode(Path(out.name), [(a, b) for a, b in ranges], utf8)


def read_mixed(prepared: PreparedFile, name: str) -> None:
    """Point `prepared` at a copy decoded line by line (see transcode_mixed) and say in its notes which lines were
    read as Windows-1252, when the file mixes it with UTF-8."""
    mixed = transcode_mixed(prepared.path)
    prepared.temp_paths.append(mixed.path)
    prepared.path = mixed.path
    if not mixed.cp1252_ranges:
        return
    if not mixed.utf8_seen:
        prepared.encoding = "cp1252"
        return
    prepared.encoding = "utf-8 and cp1252"
    were = "was" if mixed.cp1252_lines == 1 else "were"
    prepared.notes.append(
        f"{line_ranges(mixed.cp1252_ranges)} {were} not UTF-8 and {were} read as Windows-1252 "
        f"({mixed.cp1252_lines:,} of the file's lines); check their text (é, £, €) if it looks wrong"
    )


def line_ranges(ranges: list[tuple[int, int]], shown: int = 3) -> str:
    """'line 7', 'lines 3,002–6,001', 'lines 5, 9–12 and 2 more runs' for a note."""
    parts = [f"{a:,}" if a == b else f"{a:,}–{b:,}" for a, b in ranges[:shown]]
    single = len(ranges) == 1 and ranges[0][0] == ranges[0][1]
    text = ("line " if single else "lines ") + ", ".join(parts)
    if len(ranges) > shown:
        more = len(ranges) - shown
        text += f" and {more:,} more run" + ("s" if more > 1 else "")
    return text


def _consistent_head(head: bytes, whole: bool) -> bool:
    """Whether the first bytes end their lines all in LF or all in CR LF (see LineEnds.consistent)."""
    if not whole and head.endswith(b"\r"):
        head = head[:-1]  # its LF may be the next byte, beyond the head
    cr = head.count(b"\r")
    return cr == 0 or cr == head.count(b"\r\n") == head.count(b"\n")


# Only CR LF, CR and LF end a line in a CSV file; str.splitlines also splits on form feeds, U+2028 and others.
_LINE_BREAK = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their ends, as _LINE_BREAK splits them, one at a time: prepare() stops at the header,
    where splitting the whole 1 MB head took ~30 ms per file (and a CLI run prepares each file twice)."""
    start = 0
    for match in _LINE_BREAK.finditer(text):
        if match.start() > start:
            yield text[start : match.start()]
            start = match.start()
    if start < len(text):
        yield text[start:]


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in ("\t", ",", ";", "|")}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        return ","
    return best


def _parse_header(line: str, delimiter: str) -> list[str]:
    row = next(csv.reader(io.StringIO(line), delimiter=delimiter, quotechar='"'), [])
    return [c.strip().strip("\ufeff") for c in row]


def prepare(path: Path | str, display_name: str | None = None, *, header_only: bool = False) -> PreparedFile:
    """Find encoding, delimiter and header of an export; raise UnreadableFileError if it is not a text table.

    header_only: only the header is wanted (which format is this?): no transcoded or normalised copy is made."""
    path = Path(path)
    name = display_name or path.name
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise UnreadableFileError(f"{name}: cannot be opened ({exc.strerror or exc})") from None
    if not head.strip(b"\r\n\t \x00\xef\xbb\xbf\xff\xfe"):
        raise UnreadableFileError(f"{name}: the file is empty")
    for magic, what in BINARY_SIGNATURES.items():
        if head.startswith(magic):
            raise UnreadableFileError(
                f"{name}: this is {what}, not a CSV or tab-separated export; export the orders report as CSV"
            )

    encoding = _sniff_encoding(head)
    if encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        text_head = head.decode(encoding if encoding != "utf-16" else "utf-16", errors="replace")
    else:
        text_head = head.decode(encoding, errors="replace")
    if encoding.startswith("utf-8") and text_head.count("\x00") > 0:
        raise UnreadableFileError(f"{name}: this looks like a binary file, not a CSV or tab-separated export")

    blank = empty = 0
    header_text = None
    for line in _lines(text_head.lstrip("\ufeff")):
        if line.strip(" \t\r\n,;") == "":
            blank += 1
            empty += line.strip("\r\n") == ""
            continue
        header_text = line
        break
    if header_text is None:
        raise UnreadableFileError(f"{name}: the file has no header line")
    if len(header_text) >= MAX_HEADER_LINE - 1 or (not header_text.endswith(("\n", "\r")) and len(head) == HEAD_BYTES):
        raise UnreadableFileError(f"{name}: the first line is longer than 1 MB, so it cannot be a header")
    delimiter = _sniff_delimiter(header_text)
    header = _parse_header(header_text, delimiter)
    if len(header) > MAX_COLUMNS:
        raise UnreadableFileError(
            f"{name}: the header has {len(header):,} columns; no order export has more than {MAX_COLUMNS:,}"
        )
    if not any(header):
        raise UnreadableFileError(f"{name}: the header line is empty")
    if any(ord(ch) < 32 and ch not in "\t" for ch in "".join(header)):
        raise UnreadableFileError(f"{name}: this looks like a binary file, not a CSV or tab-separated export")

    prepared = PreparedFile(
        path=path,
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        header_line=blank + 1,
        blank_before_header=blank,
        empty_before_header=empty,
    )
    if header_only:
        return prepared
    if encoding == "cp1252":
        # Line by line: UTF-8 text further on (a file appended to by another tool) is not garbled.
        read_mixed(prepared, name)
    elif encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        prepared.path = transcode_to_utf8(path, encoding)
        prepared.temp_paths.append(prepared.path)
    elif not _consistent_head(head, len(head) < HEAD_BYTES):
        # Line ends that disagree (a blank LF line before CR LF rows, halves saved by two tools) make DuckDB's reader
        # take the whole file for one line; one copy with LF everywhere. Files whose mix starts beyond the head are
        # caught by the line count after the parse.
        prepared.path = normalise_line_ends(path)
        prepared.temp_paths.append(prepared.path)
    return prepared


@dataclass(frozen=True)
class LineEnds:
    """The line terminators of a file, counted byte by byte with no regard to the parse."""

    lf: int  # line feeds, alone or after a carriage return
    cr: int  # carriage returns, alone or before a line feed
    crlf: int  # CR LF pairs
    ends_with_newline: bool

    @property
    def consistent(self) -> bool:
        """All LF or all CR LF: the only layouts DuckDB's reader splits reliably (a lone CR or a mix is not)."""
        return self.cr == 0 or self.cr == self.crlf == self.lf

    @property
    def physical(self) -> int:
        """Physical lines of a consistent file: one per terminator, plus an unterminated last line."""
        return self.lf + (0 if self.ends_with_newline else 1)


def count_line_ends(path: Path, chunk_size: int = 256 << 10) -> LineEnds:
    """Line feeds, carriage returns and CR LF pairs in the file (a single fast pass, no decoding)."""
    # numpy counts at ~3 GB/s where bytes.count manages ~1 GB/s; the count runs beside DuckDB's parse on a 2-core
    # machine, so every CPU second it saves is parse time. Imported here, in the counting thread, not at CLI start.
    # Chunks of 256 KB keep the comparison's array in the core's cache: 0.11 CPU s for the 534 MB benchmark report
    # against 0.14 with 4 MB chunks.
    import numpy as np

    lf = cr = crlf = 0
    last = ord("\n")
    # One reused buffer: a fresh bytes object per chunk costs page faults on every chunk.
    buf = bytearray(chunk_size)
    view = np.frombuffer(buf, dtype=np.uint8)
    with open(path, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            chunk = view[:n]
            lf += int(np.count_nonzero(chunk == 10))
            if last == 13 and chunk[0] == 10:  # a pair split by the chunk boundary
                crlf += 1
            # Most files have no CR at all: memchr finds that out far faster than a second comparison of the chunk.
            if buf.find(b"\r", 0, n) >= 0:
                is_cr = chunk == 13
                cr += int(np.count_nonzero(is_cr))
                # Only the bytes after each CR are looked at: CRs are a few in a hundred bytes at most.
                after = np.flatnonzero(is_cr[:-1]) + 1
                crlf += int(np.count_nonzero(chunk[after] == 10))
            last = buf[n - 1]
    return LineEnds(lf, cr, crlf, last == ord("\n"))


def _unify(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def normalise_line_ends(src: Path, chunk_size: int = 8 << 20) -> Path:
    """A temporary copy whose every line ends in LF: a CR LF, a lone CR and a lone LF each end one line."""
    carry = b""
    with open(src, "rb") as fh, temp_copy() as out:
        while chunk := fh.read(chunk_size):
            data = carry + chunk
            # A CR at the end of a chunk may be the first half of a CR LF: decide with the next chunk.
            carry = b"\r" if data.endswith(b"\r") else b""
            out.write(_unify(data[: len(data) - len(carry)]))
        out.write(_unify(carry))
    return Path(out.name)


def count_blank_lines(path: Path, chunk_size: int = 16 << 20) -> int:
    """Empty lines anywhere in a file with consistent line ends (quoted or not: a fast count, no parse)."""
    patterns = (b"\n\n", b"\n\r\n")
    total = 0
    tail = b"\n"  # the file start behaves like the end of a previous line
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            if b"\n\n\n" in chunk or b"\n\r\n\r\n" in chunk or len(chunk) < 3:
                total += _count_blank_numpy(chunk, tail)
            else:
                # no two blank lines in a row inside the chunk, so non-overlapping counts are exact
                total += sum(chunk.count(p) for p in patterns)
                # and those straddling the chunk boundary
                total += sum(
                    tail.endswith(p[:k]) and chunk.startswith(p[k:]) for p in patterns for k in range(1, len(p))
                )
            tail = (tail + chunk)[-2:]
    return total


def _count_blank_numpy(chunk: bytes, tail: bytes) -> int:
    # A blank line is a line start immediately followed by LF or CR LF; `tail` is what preceded the chunk.
    import numpy as np  # only files with runs of blank lines need it; keeps the CLI start fast

    arr = np.frombuffer(tail + chunk, dtype=np.uint8)
    n = len(tail)
    is_lf = arr == 10
    starts = np.zeros(arr.size, dtype=bool)
    starts[1:] = is_lf[:-1]
    crlf = np.zeros(arr.size, dtype=bool)
    crlf[:-1] = (arr[:-1] == 13) & is_lf[1:]
    blank = starts & (is_lf | crlf)
    # count blank lines whose terminating LF lies in the chunk: an LF blank at i ends at i, a CRLF one at i + 1
    ends = np.zeros(arr.size, dtype=bool)
    ends[blank & is_lf] = True
    ends[np.flatnonzero(blank & crlf) + 1] = True
    return int(np.count_nonzero(ends[n:]))


@dataclass
class RecordScan:
    records: int  # non-empty records after the header
    blank_lines: list[int]  # physical numbers of the empty lines after the header (outside quoted values)


def scan_records(path: Path, header_line: int, delimiter: str, quote: str = '"') -> RecordScan:
    """Count the records after the header with Python's own CSV reader, independently of DuckDB's parse.

    Quoted values may span lines; a record counts once wherever it spans. Slower than the byte counts (~80 MB/s),
    so it runs only when those cannot prove the accounting (values spanning lines, or a parse that lost lines).
    """
    csv.field_size_limit(1 << 30)
    records = 0
    blanks: list[int] = []
    with open(path, "rb") as raw:
        for _ in range(header_line):
            raw.readline()
        with io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="") as text:
            quoting = {"quotechar": quote, "doublequote": True} if quote else {"quoting": csv.QUOTE_NONE}
            reader = csv.reader(text, delimiter=delimiter, strict=False, **quoting)
            for row in reader:
                if row:
                    records += 1
                else:
                    blanks.append(header_line + reader.line_num)
    return RecordScan(records, blanks)

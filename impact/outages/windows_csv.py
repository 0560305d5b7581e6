"""Outage windows typed in or uploaded as CSV: start,end,channels,title[,impact,degraded_pct].

Every problem is reported with its line number and reason, all at once, so a seller fixes the file in one pass.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .. import present
from ..errors import WindowError
from ..store import CHANNELS
from ..windows import Window, parse_utc

REQUIRED_COLUMNS = ("start", "end", "channels", "title")
OPTIONAL_COLUMNS = ("impact", "degraded_pct")
MAX_WINDOWS = 10_000
MAX_ERRORS_SHOWN = 20
IMPACTS = ("full", "degraded")
_ALL = {"", "all", "*", "any"}
_SPLIT = re.compile(r"[;,|/\s]+")


def parse_channels(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """'amazon; shopify' -> ('amazon', 'shopify'); empty or 'all' -> () which means every channel."""
    if value is None:
        return ()
    items = _SPLIT.split(value) if isinstance(value, str) else [str(v) for v in value]
    channels: list[str] = []
    for item in items:
        name = item.strip().lower()
        if name in _ALL:
            continue
        if name not in CHANNELS:
            raise WindowError(f"unknown channel '{item.strip()}' (use {', '.join(CHANNELS)}, or all)")
        if name not in channels:
            channels.append(name)
    return tuple(channels)


def _time(value: str | datetime, what: str) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return parse_utc(value.isoformat())
        return value
    text = (value or "").strip()
    if not text:
        raise WindowError(f"{what} is empty")
    try:
        return parse_utc(text)
    except WindowError as exc:
        raise WindowError(f"{what}: {exc}") from None


def make_window(
    start: str | datetime,
    end: str | datetime,
    channels: str | list[str] | tuple[str, ...] | None = None,
    title: str = "",
    impact: str | None = "full",
    degraded_pct: float | str | None = None,
    *,
    source: str = "manual",
) -> Window:
    """A checked Window from user input (text or datetimes; naive datetimes are taken as UTC).

    A degraded window needs the share of demand lost (0-100, exclusive of 0); a percentage alone implies degraded,
    and 100 % is a full outage.
    """
    start_at = _time(start, "start")
    end_at = _time(end, "end")
    chans = parse_channels(channels)
    kind = (impact or "").strip().lower()
    pct: float | None = None
    if degraded_pct not in (None, ""):
        text = str(degraded_pct).strip().rstrip("%").strip()
        # Digits and one decimal point only: float() would take 1_0, 1e1 or nan.
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?|\.[0-9]+", text):
            raise WindowError(f"degraded_pct '{degraded_pct}' is not a number between 0 and 100")
        pct = float(text)
        if not 0 < pct <= 100:
            raise WindowError(f"degraded_pct {pct:g} must be above 0 and at most 100")
    if kind in ("", "outage", "down"):
        kind = "full" if pct is None or pct == 100 else "degraded"
    elif kind in ("partial", "degradation"):
        kind = "degraded"
    if kind not in IMPACTS:
        raise WindowError(f"impact '{impact}' must be full or degraded")
    if kind == "degraded" and pct is None:
        raise WindowError("a degraded window needs degraded_pct, the share of sales lost (e.g. 40)")
    if kind == "full":
        if pct is not None and pct != 100:
            raise WindowError(f"impact is full but degraded_pct is {pct:g}: use impact=degraded or drop the percentage")
        pct = None
    if end_at <= start_at:
        raise WindowError(f"end {end_at:%Y-%m-%d %H:%M} UTC is not after start {start_at:%Y-%m-%d %H:%M} UTC")
    return Window(
        start=start_at,
        end=end_at,
        channels=chans,
        title=(title or "").strip() or f"Outage {start_at:%Y-%m-%d %H:%M}",
        source=source,
        impact=kind,
        degraded_pct=pct,
    )


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class WindowsCsv:
    name: str = "the windows file"
    windows: list[Window] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def message(self) -> str:
        name = self.name
        shown = "; ".join(str(e) for e in self.errors[:MAX_ERRORS_SHOWN])
        more = len(self.errors) - MAX_ERRORS_SHOWN
        tail = f"; and {more} more" if more > 0 else ""
        lines = "line has a problem" if len(self.errors) == 1 else "lines have problems"
        return f"{name}: {len(self.errors)} {lines}: {shown}{tail}"


def _is_path(source) -> bool:
    if isinstance(source, Path):
        return True
    if not isinstance(source, str) or "\n" in source or len(source) > 4096:
        return False
    try:
        return Path(source).is_file()
    except OSError:
        return False


def _read_text(source: str | bytes | Path) -> tuple[str, str]:
    """A path, raw bytes or text -> (text, name for messages)."""
    if _is_path(source):
        path = Path(source)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise WindowError(f"cannot read {path.name}: {exc.strerror or exc}") from None
        name = path.name
    elif isinstance(source, bytes):
        raw, name = source, "the windows file"
    else:
        return str(source), "the windows file"
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise WindowError(f"{name} is not a text CSV file")
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return raw.decode(encoding), name
        except UnicodeDecodeError:
            continue
    try:
        return raw.decode("cp1252"), name
    except UnicodeDecodeError:
        raise WindowError(f"{name} is not UTF-8 text") from None


def parse_windows_csv(source: str | bytes | Path, *, source_name: str = "upload") -> WindowsCsv:
    """Parse a windows CSV (a path, its bytes, or its text) into windows plus per-line errors; never raises for
    bad rows, only for a file that is not a usable CSV at all (no header, missing columns)."""
    text, name = _read_text(source)
    # The delimiter is the one that makes the header known column names: channels may hold ';' themselves.
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max(",;\t", key=lambda d: sum(c.strip().lower() in REQUIRED_COLUMNS for c in first.split(d)))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    result = WindowsCsv(name=name)
    header: list[str] | None = None
    header_line = 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header_line = reader.line_num
            header = [cell.strip().lower().replace(" ", "_") for cell in row]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
            if missing or unknown:
                problems = []
                if missing:
                    problems.append(f"missing {present.plural_word(len(missing), 'column')} {', '.join(missing)}")
                if unknown:
                    # Named, not dumped: a file that is no windows CSV at all can have a header of any length.
                    shown = ", ".join(c if len(c) <= 30 else c[:29] + "…" for c in unknown[:5])
                    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
                    problems.append(f"unknown {present.plural_word(len(unknown), 'column')} {shown}{more}")
                raise WindowError(
                    f"{name}, line {header_line}: {' and '.join(problems)}; the header must be "
                    f"{','.join(REQUIRED_COLUMNS)}[,{','.join(OPTIONAL_COLUMNS)}]"
                )
            continue
        line = reader.line_num
        if len(row) != len(header):
            result.errors.append(LineError(line, f"{len(row)} values for {len(header)} columns"))
            continue
        values = dict(zip(header, (cell.strip() for cell in row), strict=True))
        if len(result.windows) >= MAX_WINDOWS:
            result.errors.append(LineError(line, f"more than {MAX_WINDOWS} windows; the rest were not read"))
            break
        try:
            result.windows.append(
                make_window(
                    values["start"],
                    values["end"],
                    values["channels"],
                    values["title"],
                    values.get("impact") or "",
                    values.get("degraded_pct") or None,
                    source=source_name,
                )
            )
        except WindowError as exc:
            result.errors.append(LineError(line, str(exc)))
    if header is None:
        raise WindowError(f"{name} is empty: expected a header {','.join(REQUIRED_COLUMNS)} and one window per line")
    if not result.windows and not result.errors:
        raise WindowError(f"{name} has a header but no windows")
    return result


def load_windows_csv(source: str | bytes | Path, *, source_name: str = "upload") -> list[Window]:
    """Like parse_windows_csv, but any bad line is an error listing every bad line."""
    parsed = parse_windows_csv(source, source_name=source_name)
    if parsed.errors:
        raise WindowError(parsed.message())
    return parsed.windows

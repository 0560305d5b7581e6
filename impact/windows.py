"""Outage windows: the time span and channels an outage hit, whatever source they came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .errors import WindowError

# An offset written after a time: +02:00, -0530, +05.
_OFFSET = re.compile(r"[T ]?\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*([+-])(\d{2}):?(\d{2})?$")


OFFSETS = "offsets run from -12:00 to +14:00 in quarter hours"


def impossible_offset(text: str) -> bool:
    """Whether a time's text ends in an offset no clock shows (+99:99, +23:59, +14:15; see OFFSETS)."""
    found = _OFFSET.search(text.strip())
    if not found:
        return False
    sign, hours, minutes = found.group(1), int(found.group(2)), int(found.group(3) or 0)
    total = (hours * 60 + minutes) * (-1 if sign == "-" else 1)
    return not (minutes < 60 and minutes % 15 == 0 and -12 * 60 <= total <= 14 * 60)


def parse_utc(text: str) -> datetime:
    """ISO 8601 with Z or an offset -> naive datetime in UTC. A bare time is refused: it would be ambiguous, and an
    offset no clock shows is refused as such."""
    raw = text.strip()
    if impossible_offset(raw):
        raise WindowError(f"'{text}' has an impossible UTC offset: {OFFSETS}; correct the offset")
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise WindowError(f"'{text}' is not an ISO 8601 time such as 2025-10-20T06:48Z") from None
    if value.tzinfo is None:
        raise WindowError(f"'{text}' has no time zone: add Z for UTC or an offset such as +02:00")
    return value.astimezone(UTC).replace(tzinfo=None)


def iso_utc(value: datetime | None) -> str | None:
    """Naive-UTC or aware datetime -> 'YYYY-MM-DDTHH:MM:SSZ'."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Window:
    start: datetime  # naive UTC
    end: datetime | None  # naive UTC; None while an incident is still open
    channels: tuple[str, ...] = ()  # affected channels ('shopify:TikTok Shop' for one marketplace); empty means all
    title: str = ""
    source: str = "manual"
    impact: str = "full"  # 'full' or 'degraded'
    degraded_pct: float | None = None  # share of demand lost when degraded, 0-100
    score: float | None = None
    precision: str = ""  # e.g. 'approximate end', shown to the user
    url: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        if self.end is not None and self.end <= self.start:
            raise WindowError(f"the window ends ({iso_utc(self.end)}) before it starts ({iso_utc(self.start)})")

    @property
    def hours(self) -> float:
        end = self.end or datetime.now(UTC).replace(tzinfo=None)
        return (end - self.start).total_seconds() / 3600

    @property
    def base_channels(self) -> tuple[str, ...]:
        """The channels, a marketplace scope ('shopify:TikTok Shop') counted as its whole channel."""
        return tuple(dict.fromkeys(split_scope(c)[0] for c in self.channels))

    def to_json(self) -> dict:
        return {
            "start": iso_utc(self.start),
            "end": iso_utc(self.end),
            "title": self.title,
            "source": self.source,
            "channels": list(self.channels),
            "impact": self.impact,
            "score": self.score,
        }


def split_scope(name: str) -> tuple[str, str | None]:
    """'shopify:TikTok Shop' -> ('shopify', 'TikTok Shop'); 'amazon' -> ('amazon', None)."""
    channel, sep, marketplace = name.partition(":")
    return channel.strip().lower(), (marketplace.strip() if sep else None)


def scope_name(name: str) -> str:
    """A channel or marketplace scope as windows keep it: the channel in lower case, the marketplace as written."""
    channel, marketplace = split_scope(name)
    return channel if marketplace is None else f"{channel}:{marketplace}"


def window_from_strings(start: str, end: str, channels: str | list[str] | None = None, **kw) -> Window:
    if isinstance(channels, str):
        channels = [scope_name(c) for c in channels.split(",") if c.strip()]
    return Window(start=parse_utc(start), end=parse_utc(end), channels=tuple(channels or ()), **kw)


def covers(first: datetime | None, last: datetime | None, window: Window) -> bool:
    """Whether the orders can speak to the window at all: it overlaps the span of their purchase times. A window that
    only partly overlaps (a one-day export checked against that day's outage, a window running past the export) is
    still analysed, and the estimator says what its history allows."""
    end = window.end or window.start
    return first is not None and last is not None and window.start <= last and end >= first

"""Times written inside status-feed text: Statuspage's timed updates and the spans AWS states in its notices.

A Statuspage history entry (RSS or Atom) lists its incident's updates, newest first, each as
`<small>Feb <var data-var='date'> 8</var>, <var data-var='time'>08:29</var> UTC</small><br><strong>Investigating
</strong> - text`: the stamps carry no year and are written in the page's zone. An AWS Health Dashboard notice says
"Between 8:59 AM and 9:32 AM PST and between 9:40 AM and 10:16 AM PST we observed...": the impact, in the notice's
own words, which the notice's publication time only follows. Both are read here into naive UTC times.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

MONTHS = {m: i for i, m in enumerate(("jan feb mar apr may jun jul aug sep oct nov dec").split(), start=1)}
# Minutes east of UTC of the zone abbreviations status pages print.
ZONES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 60,
    "CET": 60,
    "CEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "IST": 330,
    "SGT": 480,
    "HKT": 480,
    "JST": 540,
    "KST": 540,
    "AEST": 600,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
    "HST": -600,
    "AKST": -540,
    "AKDT": -480,
    "PST": -480,
    "PDT": -420,
    "MST": -420,
    "MDT": -360,
    "CST": -360,
    "CDT": -300,
    "EST": -300,
    "EDT": -240,
    "AST": -240,
    "ADT": -180,
}
# A stamp this far after the entry's own latest date belongs to the year before (no stamp carries a year).
_YEAR_SLACK = timedelta(days=2)
# The entry's published time is its newest update: when the two differ by whole hours the printed zone is wrong.
_OFFSET_SLACK = timedelta(minutes=5)

_UPDATE = re.compile(r"<small>(.*?)</small>\s*(?:<br\s*/?>)?\s*<strong>(.*?)</strong>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_STAMP = re.compile(
    r"^([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?\s*[,\-]?\s*(\d{1,2}):(\d{2})\s*([AaPp]\.?[Mm]\.?)?"
    r"\s*([A-Za-z]{1,5})?\s*$"
)


@dataclass(frozen=True)
class Update:
    """One timed update of a Statuspage incident, in naive UTC."""

    status: str  # lower case, as the page wrote it: investigating, identified, update, monitoring, resolved...
    at: datetime


def _clock(hour: int, minute: int, meridiem: str | None) -> time | None:
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _stamp(text: str, anchor: datetime | None) -> tuple[datetime, str] | None:
    """'Feb  8, 08:29 UTC' -> (the wall time with its year, 'UTC'); None when it is not such a stamp."""
    match = _STAMP.match(" ".join(text.split()))
    if not match:
        return None
    month = MONTHS.get(match.group(1).lower())
    clock = _clock(int(match.group(4)), int(match.group(5)), match.group(6))
    if month is None or clock is None:
        return None
    year = int(match.group(3)) if match.group(3) else (anchor or datetime(2000, 1, 1)).year
    try:
        day = date(year, month, int(match.group(2)))
        if not match.group(3) and anchor is not None and datetime.combine(day, clock) > anchor + _YEAR_SLACK:
            day = day.replace(year=year - 1)
    except ValueError:  # 29 February of a year without it
        return None
    return datetime.combine(day, clock), (match.group(7) or "UTC").upper()


def _offset(zone: str, newest: datetime, published: datetime | None) -> timedelta:
    """What to add to a stamp's wall time for UTC: the printed zone's offset, or the one the entry's published time
    (its newest update) implies when the zone is unknown or the two differ by exactly an hour (pages that print
    their winter abbreviation all year)."""
    printed = ZONES.get(zone)
    if published is not None:
        delta = published - newest
        implied = timedelta(minutes=15 * round(delta / timedelta(minutes=15)))
        if abs(delta - implied) <= _OFFSET_SLACK and timedelta(hours=-12) <= implied <= timedelta(hours=14):
            if printed is None or abs(implied + timedelta(minutes=printed)) == timedelta(hours=1):
                return implied
    return -timedelta(minutes=printed or 0)


def statuspage_updates(body: str, *, published: datetime | None, latest: datetime | None) -> list[Update]:
    """The timed updates of a Statuspage history entry, oldest first; [] when its body holds none.

    published: the entry's published time in UTC (its newest update); latest: the latest date the entry carries,
    which places stamps without a year.
    """
    text = html.unescape(body or "")
    found: list[tuple[datetime, str, str]] = []
    for small, strong in _UPDATE.findall(text):
        stamp = _stamp(_TAG.sub(" ", small), latest)
        status = " ".join(_TAG.sub(" ", strong).split()).lower()
        if stamp and status:
            found.append((stamp[0], stamp[1], status))
    if not found:
        return []
    offset = _offset(found[0][1], found[0][0], published)
    # The body is newest first; reversed, updates stamped in the same minute keep the page's order.
    return [Update(status, local + offset) for local, _zone, status in reversed(found)]


_SPAN = re.compile(
    r"\bbetween\s+(?:(?P<d1>[A-Za-z]{3,9}\.?\s+\d{1,2}),?\s+(?:at\s+)?)?(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*"
    r"(?P<p1>[AaPp]\.?[Mm]\.?)\s*(?P<z1>[A-Z]{3,4})?(?:\s+on\s+(?P<o1>[A-Za-z]{3,9}\.?\s+\d{1,2}))?,?\s+and\s+"
    r"(?:(?P<d2>[A-Za-z]{3,9}\.?\s+\d{1,2}),?\s+(?:at\s+)?)?(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?\s*"
    r"(?P<p2>[AaPp]\.?[Mm]\.?)\s*(?P<z2>[A-Z]{3,4})?(?:\s+on\s+(?P<o2>[A-Za-z]{3,9}\.?\s+\d{1,2}))?",
    re.IGNORECASE,
)


def _month_day(text: str | None, year: int) -> date | None:
    if not text:
        return None
    parts = text.replace(".", "").split()
    month = MONTHS.get(parts[0][:3].lower())
    try:
        return date(year, month, int(parts[1])) if month else None
    except ValueError:
        return None


def _local_span(match: re.Match, published_local: datetime) -> tuple[datetime, datetime] | None:
    start_clock = _clock(int(match["h1"]), int(match["m1"] or 0), match["p1"])
    end_clock = _clock(int(match["h2"]), int(match["m2"] or 0), match["p2"])
    if start_clock is None or end_clock is None:
        return None
    year = published_local.year
    start_day = _month_day(match["d1"] or match["o1"], year)
    start = datetime.combine(start_day or published_local.date(), start_clock)
    if start > published_local + timedelta(minutes=5):  # a notice follows the impact it describes
        if start_day is not None:
            return None  # a date later than the notice itself: not a span this notice reports
        start -= timedelta(days=1)
    end_day = _month_day(match["d2"] or match["o2"], start.year)
    end = datetime.combine(end_day or start.date(), end_clock)
    if end <= start and end_day is None:
        end += timedelta(days=1)
    return (start, end) if end > start else None


def stated_spans(text: str, *, published: datetime, zone: str) -> list[tuple[datetime, datetime]]:
    """'Between 8:59 AM and 9:32 AM PST and between 9:40 AM and 10:16 AM PST...' -> the spans in naive UTC.

    published: the notice's time in UTC; zone: the abbreviation of its pubDate, used where the text names none.
    """
    spans = []
    for match in _SPAN.finditer(html.unescape(text or "")):
        name = (match["z1"] or match["z2"] or zone or "UTC").upper()
        minutes = ZONES.get(name)
        if minutes is None:
            continue
        offset = timedelta(minutes=minutes)
        local = _local_span(match, published + offset)
        if local:
            spans.append((local[0] - offset, local[1] - offset))
    return spans

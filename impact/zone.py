"""The seller's time zone, read from their own files: a fact about the data, stated with where it came from.

The zone decides the analysis (the local day, the hour of day and the day of week each order is compared on), so
a seller who is never asked still gets their own clock. In order of trust:

1. the UTC offsets the files carry (Shopify writes the shop's offset on every order): the zones whose offset
   equals the file's on every day of the data, clock changes included (America/New_York or an equivalent);
2. local times without an offset plus the buyers' country (eBay, WooCommerce with a country, Etsy);
3. the browser's zone (the app), or the computer's (the CLI on the seller's own machine), unless it is UTC;
4. for files in UTC only (Amazon), the daily trough of orders: the seller's and buyers' night, about 4 am local;
5. a browser on UTC (a server's or a container's more often than a seller's).

    guess = resolve_zone(con, given=None)          # after impact.ingest.ingest_files
    guess.zone, guess.source, guess.sentence       # 'America/New_York', 'offsets', 'America/New_York, from ...'

It reads the small per-file, per-hour table `import_zone` the import writes, never the order lines themselves
(except one GROUP BY for the buyers' country of files in local time).
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InputError

SOURCES = ("given", "offsets", "country", "browser", "computer", "trough", "default")
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"})
# Zones sellers are most often in, first (within a country, the most populous first): among zones with the same
# offsets on every day of the data (or of the same country), the one named is the first of these.
PREFERRED = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Vancouver",
    "America/Halifax",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "America/Bogota",
    "America/Argentina/Buenos_Aires",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Warsaw",
    "Europe/Stockholm",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Sydney",
    "Australia/Brisbane",
    "Australia/Adelaide",
    "Australia/Perth",
    "Pacific/Auckland",
)
# Formats whose offsets are the shop's own clock even when they are +00:00; other files whose offsets are all zero
# are taken as written in UTC (Amazon's reports), which says nothing about where the seller is.
LOCAL_OFFSET_FORMATS = frozenset({"shopify_orders"})
# A shop's usual day, orders per local hour in percent: the night's trough at 3 to 5 am, a midday plateau and the
# evening peak at 8 to 9 pm (the mean of the demo seller's day and bench.synth's week-averaged day, which both follow
# US and European online shops). A file in UTC is lined up with it to tell the seller's offset.
TYPICAL_DAY = (
    2.24,
    1.35,
    0.88,
    0.69,
    0.66,
    0.82,
    1.25,
    1.95,
    2.81,
    3.72,
    4.70,
    5.60,
    6.15,
    5.99,
    5.37,
    4.84,
    4.82,
    5.48,
    6.67,
    7.92,
    8.49,
    7.79,
    5.93,
    3.86,
)
MIN_TROUGH_LINES = 200  # fewer orders than this in UTC-only files: their hours say nothing about the night
MISMATCH_TOLERANCE = 0.01  # share of a file's lines whose offset may disagree with the zone (hand-edited rows)


@dataclass(frozen=True)
class ZoneGuess:
    """The zone an analysis runs in and why: `sentence` is what the dashboard and the CLI say."""

    zone: str
    source: str  # one of SOURCES
    confidence: str  # 'high', 'medium' or 'low'
    sentence: str
    files: tuple[str, ...] = ()  # the files the evidence came from
    notes: tuple[str, ...] = ()  # evidence that disagrees, said rather than silently dropped
    inferred: str | None = None  # with a given zone: what the files say, when it differs

    def to_json(self) -> dict:
        return {
            "zone": self.zone,
            "source": self.source,
            "confidence": self.confidence,
            "sentence": self.sentence,
            "files": list(self.files),
            "notes": list(self.notes),
            **({"inferred": self.inferred} if self.inferred else {}),
        }


@dataclass
class _File:
    name: str
    format: str
    runs: list[tuple[datetime, datetime, int, int]] = field(default_factory=list)  # (first, last hour, offset, n)
    naive: int = 0  # lines whose times carried no offset
    by_hour: list[float] = field(default_factory=lambda: [0.0] * 24)  # lines with an offset, by UTC hour of day

    @property
    def with_offset(self) -> int:
        return sum(r[3] for r in self.runs)

    def kind(self) -> str:
        """'offsets' (zone evidence), 'utc' (times in UTC only), 'local' (times without an offset) or 'none'."""
        if self.with_offset <= self.naive:
            return "local" if self.naive else "none"
        # A stray row with another offset does not make a report written in UTC the shop's clock.
        # Amazon writes UTC (its Japanese marketplace +09:00): most rows at +00:00 is such a report.
        zero = sum(r[3] for r in self.runs if r[2] == 0) >= (0.5 if self.format.startswith("amazon") else 0.9) * (
            self.with_offset
        )
        return "utc" if zero and self.format not in LOCAL_OFFSET_FORMATS else "offsets"


def _known(tz: str | None) -> str | None:
    """A zone a device reported, when the zone database knows it; None otherwise (a device's word is not an error)."""
    try:
        return check(tz) if tz else None
    except InputError:
        return None


def computer_zone() -> str | None:
    """This computer's zone by its IANA name (the TZ variable, else /etc/localtime's link into the zone database),
    for the CLI as the browser's is for the app; None when it cannot be named."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if not tz:
        try:
            target = os.readlink("/etc/localtime")
        except OSError:
            return None
        tz = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
    return _known(tz)


def check(tz: str) -> str:
    """The zone name, or an InputError naming the form expected."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone '{tz}': use an IANA name such as Europe/Berlin or America/New_York"
        ) from None
    return tz


def resolve_zone(
    con,
    given: str | None = None,
    *,
    given_by: str = "--tz",
    browser: str | None = None,
    computer: str | None = None,
    fallback: str = "UTC",
) -> ZoneGuess:
    """The zone to analyse in: `given` when the seller (or operator) named one, else what the files say."""
    inferred = infer_zone(con, browser=browser, computer=computer, fallback=fallback)
    if not given:
        return inferred
    check(given)
    differs = inferred.zone if inferred.source != "default" and _differs(inferred.zone, given, con) else None
    notes = (f"your files say {inferred.sentence}",) if differs else ()
    return ZoneGuess(given, "given", "high", f"{given}, as given with {given_by}", inferred=differs, notes=notes)


def infer_zone(con, *, browser: str | None = None, computer: str | None = None, fallback: str = "UTC") -> ZoneGuess:
    """The seller's zone from the imported files (see the module's docstring), else the browser's (the app) or the
    computer's (the CLI: computer_zone()), else `fallback` with a sentence saying the files do not tell."""
    files = _evidence(con)
    by_kind: dict[str, list[_File]] = defaultdict(list)
    for f in files.values():
        by_kind[f.kind()].append(f)
    if by_kind["offsets"]:
        return _from_offsets(by_kind["offsets"], _countries(con, files, by_kind["offsets"]))
    if by_kind["local"]:
        guess = _from_country(con, files, by_kind["local"])
        if guess is not None:
            return guess
    browser, computer = _known(browser), _known(computer)
    # A device on UTC is a server's or a container's far more often than a seller's (London, Lisbon and Reykjavik
    # report their own names), so the hours of the day in UTC-only files outrank it.
    if browser and browser not in UTC_NAMES:
        return ZoneGuess(browser, "browser", "medium", f"{browser}, your browser's time zone")
    if computer and computer not in UTC_NAMES:
        return ZoneGuess(computer, "computer", "medium", f"{computer}, this computer's time zone")
    if by_kind["utc"]:
        guess = _from_trough(by_kind["utc"])
        if guess is not None:
            return guess
    if browser:
        return ZoneGuess(browser, "browser", "medium", f"{browser}, your browser's time zone")
    return ZoneGuess(
        fallback,
        "default",
        "low",
        f"{fallback}: your files do not say where you are; choose your time zone",
    )


# ---------------------------------------------------------------------------------------------------------------
# Evidence


def _evidence(con) -> dict[int, _File]:
    """Each file's stretches of hours with one offset, its lines without an offset and its lines by UTC hour."""
    files: dict[int, _File] = {}
    for fid, name, fmt, naive in con.execute(
        """SELECT f.file_id, f.name, f.format, coalesce(sum(z.n) FILTER (z.utc_offset_min IS NULL), 0)::BIGINT
           FROM import_files f JOIN import_zone z USING (file_id) GROUP BY ALL ORDER BY 1"""
    ).fetchall():
        files[fid] = _File(name or f"file {fid}", fmt or "", naive=int(naive))
    # Runs of equal offsets (gaps and islands): a year of hourly rows becomes a few stretches.
    for fid, first, last, offset, n in con.execute(
        """WITH h AS (SELECT file_id, hour, utc_offset_min AS off, sum(n) AS n FROM import_zone
                      WHERE utc_offset_min IS NOT NULL AND hour IS NOT NULL GROUP BY ALL),
           b AS (SELECT *, (off IS DISTINCT FROM lag(off) OVER w)::INTEGER AS brk FROM h
                 WINDOW w AS (PARTITION BY file_id ORDER BY hour, off)),
           r AS (SELECT *, sum(brk) OVER (PARTITION BY file_id ORDER BY hour, off ROWS UNBOUNDED PRECEDING) AS run
                 FROM b)
           SELECT file_id, min(hour), max(hour), any_value(off), sum(n)::BIGINT FROM r
           GROUP BY file_id, run ORDER BY file_id, min(hour)"""
    ).fetchall():
        if fid in files:
            files[fid].runs.append((first, last, int(offset), int(n)))
    for fid, h, n in con.execute(
        """SELECT file_id, hour(hour), sum(n)::DOUBLE FROM import_zone
           WHERE utc_offset_min IS NOT NULL AND hour IS NOT NULL GROUP BY ALL"""
    ).fetchall():
        if fid in files:
            files[fid].by_hour[h] += n
    return files


def _countries(con, files: dict[int, _File], chosen: list[_File]) -> Counter:
    """The buyers' countries (ISO codes) of the chosen files' orders, by lines."""
    ids = [fid for fid, f in files.items() if f in chosen]
    out: Counter = Counter()
    for country, n in con.execute(
        "SELECT ship_country, count(*) FROM lines WHERE file_id IN (SELECT unnest($ids)) "
        "AND ship_country IS NOT NULL GROUP BY 1",
        {"ids": ids},
    ).fetchall():
        code = _country_code(country)
        if code:
            out[code] += int(n)
    return out


# ---------------------------------------------------------------------------------------------------------------
# 1. Offsets


def _offset_min(zone: str, hour: datetime) -> int:
    """The zone's UTC offset in minutes at a naive UTC instant."""
    return int(hour.replace(tzinfo=UTC).astimezone(_zone(zone)).utcoffset() // timedelta(minutes=1))


def _mismatch(zone: str, runs: list[tuple]) -> float:
    """Lines whose offset the zone does not have at their hour, checked at each stretch's ends and once a week
    (a zone that changes its clock and back within a week is not among the IANA zones sellers are in)."""
    wrong = 0.0
    for first, last, offset, n in runs:
        points = [first, last]
        t = first + timedelta(days=7)
        while t < last:
            points.append(t)
            t += timedelta(days=7)
        bad = sum(_offset_min(zone, p) != offset for p in points)
        wrong += n * bad / len(points)
    return wrong


def _matching_zones(f: _File) -> tuple[list[str], float]:
    """The zones that fit a file's offsets best (an equal fit: equivalent on every day of the data) and the share of
    its lines they do not fit."""
    runs = f.runs
    total = sum(r[3] for r in runs)
    # A cheap first cut: the zone must have the commonest offset at that stretch's start; then the zones that have
    # every stretch's offset at both its ends are checked day by day (when there are none, every zone left is).
    main = max(runs, key=lambda r: r[3])
    candidates = [z for z in _zones() if _offset_min(z, main[0]) == main[2]]
    ends = [z for z in candidates if all(_offset_min(z, a) == o and _offset_min(z, b) == o for a, b, o, _ in runs)]
    scored = [(_mismatch(z, runs), z) for z in ends or candidates]
    if not scored:
        return [], 1.0
    best = min(s for s, _ in scored)
    return [z for s, z in scored if s <= best + 1e-9], best / total if total else 1.0


def _from_offsets(chosen: list[_File], countries: Counter) -> ZoneGuess:
    fits = {f.name: _matching_zones(f) for f in chosen}
    order = sorted(chosen, key=lambda f: -f.with_offset)
    common = set(fits[order[0].name][0])
    for f in order[1:]:
        common &= set(fits[f.name][0])
    names = tuple(f.name for f in order)
    worst = max(share for _, share in fits.values())
    notes: list[str] = []
    if common:
        zone = _representative(common, countries)
        files = names
    else:
        # Files that disagree: the one with the most orders decides, and the others are named.
        zone = _representative(fits[order[0].name][0] or ["UTC"], countries)
        files = names[:1]
        for f in order[1:]:
            other = _representative(fits[f.name][0] or ["UTC"], countries)
            notes.append(
                f"the offsets in {f.name} say {other}, those in {order[0].name} (more orders) {zone}; {zone} is used"
            )
    if worst > MISMATCH_TOLERANCE:
        notes.append(f"{worst:.0%} of the times in {' and '.join(names)} carry offsets {zone} does not have")
    confidence = "high" if not notes else "medium"
    return ZoneGuess(zone, "offsets", confidence, f"{zone}, from the offsets in {_and(files)}", files, tuple(notes))


# ---------------------------------------------------------------------------------------------------------------
# 2. Local times and a country


def _from_country(con, files: dict[int, _File], chosen: list[_File]) -> ZoneGuess | None:
    countries = _countries(con, files, chosen)
    if not countries:
        return None
    code, n = countries.most_common(1)[0]
    zones = _country_zones().get(code, [])
    if not zones or n < 0.5 * sum(countries.values()):
        return None
    zone = _representative(zones, Counter({code: 1}))
    names = tuple(f.name for f in chosen)
    country = _country_names().get(code, code)
    sentence = f"{zone}, from the local times in {_and(names)} and its buyers' country ({country})"
    # Zones of the country that keep other clocks than the one named (Busingen keeps Berlin's: not another zone).
    several = any(_differs(zone, other, con) for other in zones if other != zone)
    if several:
        sentence += f"; {country} has several time zones: choose yours if it is not {zone}"
    return ZoneGuess(zone, "country", "low" if several else "medium", sentence, names)


# ---------------------------------------------------------------------------------------------------------------
# 4. The daily trough of UTC-only files


def trough_offset(counts: list[float]) -> float | None:
    """The UTC offset in hours (east positive, in quarter hours) that lines 24 hourly counts (UTC hours of day) up
    with a shop's usual day (TYPICAL_DAY: the night's trough at 3 to 5 am, the evening peak at 8 to 9 pm), or None
    when the counts are too few to tell. The whole day is matched, not its lowest hour alone: a night is flat, its
    middle a poor marker, and the evening peak is sharp."""
    total = sum(counts)
    if total < MIN_TROUGH_LINES:
        return None
    seen = [c / total for c in counts]

    def typical(local_hour: float) -> float:
        h = local_hour % 24
        low = int(h)
        frac = h - low
        return TYPICAL_DAY[low] * (1 - frac) + TYPICAL_DAY[(low + 1) % 24] * frac

    def fit(offset: float) -> float:
        # A correlation: between two whole hours the interpolated day is flatter, which must not count against it.
        expected = [typical(h + offset) for h in range(24)]
        mean_e, mean_s = sum(expected) / 24, sum(seen) / 24
        spread = sum((e - mean_e) ** 2 for e in expected) ** 0.5
        return sum((e - mean_e) * (o - mean_s) for e, o in zip(expected, seen, strict=True)) / spread

    offsets = [q / 4 for q in range(-48, 56)]  # UTC-12:00 to UTC+13:45
    return max(offsets, key=fit)


def _from_trough(chosen: list[_File]) -> ZoneGuess | None:
    counts = [sum(f.by_hour[h] for f in chosen) for h in range(24)]
    offset = trough_offset(counts)
    if offset is None:
        return None
    # The zone whose offset over the data's days is nearest; a zone that changes its clocks is judged by its mean.
    first = min(r[0] for f in chosen for r in f.runs)
    last = max(r[1] for f in chosen for r in f.runs)
    step = max((last - first) / 60, timedelta(hours=1))
    sample = [first + step * k for k in range(int((last - first) / step) + 1)]

    def distance(z: str) -> float:
        return abs(sum(_offset_min(z, d) for d in sample) / len(sample) / 60 - offset)

    # Zones within about half an hour of the estimate are as likely as each other: the commonly used one is named.
    rank = {z: i for i, z in enumerate(PREFERRED)}
    zone = min(PREFERRED, key=lambda z: (round(distance(z)), rank[z]))
    names = tuple(f.name for f in chosen)
    sentence = (
        f"{zone}, from the hours of the day your orders come in {_and(names)} (their quiet night and evening peak "
        f"fit a shop at about UTC{_signed_hours(offset)}); choose your time zone to be sure"
    )
    return ZoneGuess(zone, "trough", "low", sentence, names)


# ---------------------------------------------------------------------------------------------------------------
# Zones, countries and words


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _tab(name: str) -> list[list[str]]:
    """A tab file of the IANA database (zone.tab, iso3166.tab) from the tzdata package or the system's."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        path = Path("/usr/share/zoneinfo") / name
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _country_zones() -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for row in _tab("zone.tab"):
        if len(row) >= 3:
            out[row[0]].append(row[2])
    return dict(out)


@cache
def _country_names() -> dict[str, str]:
    return {row[0]: row[1] for row in _tab("iso3166.tab") if len(row) >= 2}


@cache
def _zones() -> tuple[str, ...]:
    """Every zone of a country (zone.tab) that this machine's zone database has, and UTC; no aliases."""
    names = {z for zones in _country_zones().values() for z in zones} | set(PREFERRED) | {"UTC"}
    out = []
    for z in sorted(names):
        try:
            _zone(z)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        out.append(z)
    return tuple(out)


def _country_code(value: str) -> str | None:
    text = str(value).strip()
    if len(text) == 2 and text.upper() in _country_names():
        return text.upper()
    by_name = {name.lower(): code for code, name in _country_names().items()}
    # Names exports write that iso3166.tab spells otherwise ("Britain (UK)", "Korea (South)").
    aliases = {
        "united states of america": "US",
        "usa": "US",
        "united kingdom": "GB",
        "uk": "GB",
        "great britain": "GB",
        "england": "GB",
        "scotland": "GB",
        "wales": "GB",
        "northern ireland": "GB",
        "south korea": "KR",
        "korea, south": "KR",
        "czechia": "CZ",
        "russian federation": "RU",
        "viet nam": "VN",
    }
    return by_name.get(text.lower()) or aliases.get(text.lower())


def _representative(zones, countries: Counter) -> str:
    """One name for equivalent zones: one in the buyers' commonest country if any, a commonly used one first."""
    zones = set(zones)
    rank = {z: i for i, z in enumerate(PREFERRED)}
    for code, _ in countries.most_common(3):
        mine = [z for z in _country_zones().get(code, []) if z in zones]
        if mine:
            return min(mine, key=lambda z: (rank.get(z, len(rank)), _country_zones()[code].index(z)))
    return min(zones, key=lambda z: (rank.get(z, len(rank)), z != "UTC", z))


def _differs(a: str, b: str, con) -> bool:
    """Whether two zones give different offsets on some day of the data."""
    if a == b:
        return False
    first, last = con.execute("SELECT min(hour), max(hour) FROM import_zone").fetchone()
    if first is None:
        return True
    t = first
    while t <= last:
        if _offset_min(a, t) != _offset_min(b, t):
            return True
        t += timedelta(hours=6)  # a clock change is at most a day's difference in where it falls
    return _offset_min(a, last) != _offset_min(b, last)


def _signed_hours(hours: float) -> str:
    whole = round(hours * 2) / 2
    sign = "+" if whole >= 0 else "\u2212"
    h, m = int(abs(whole)), int(round((abs(whole) % 1) * 60))
    return f"{sign}{h:02d}:{m:02d}"


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def hours_apart(a: str, b: str, at: datetime) -> float:
    """How many hours two zones' clocks differ at a UTC instant (naive), for tests and sentences."""
    return abs(_offset_min(a, at) - _offset_min(b, at)) / 60


__all__ = ["SOURCES", "ZoneGuess", "check", "hours_apart", "infer_zone", "resolve_zone", "trough_offset"]

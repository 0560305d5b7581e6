"""Status feeds -> outage windows: Atlassian Statuspage v2, RSS/Atom (incl. AWS-style update feeds), Google Cloud.

Every window carries, in `extra`: severity (the feed's own word: none/minor/major/critical/maintenance or
low/medium/high), components (names the incident touched), open (still unresolved) and id where the feed has one.
Window.impact is 'full' only for the top severity; everything else is 'degraded' with no percentage, because a
status page does not say how much of the seller's demand was lost.
"""

from __future__ import annotations

import calendar
import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import feedparser

from ..errors import FeedError, WindowError
from ..settings import Settings
from ..windows import Window, parse_utc
from . import stamps
from .fetch import fetch

KINDS = ("auto", "statuspage", "rss", "gcp")
SEVERITIES = ("none", "maintenance", "minor", "major", "critical")
# Google Cloud's scale maps onto Statuspage's so one --impact filter works on both.
SEVERITY_ALIASES = {"low": "minor", "medium": "major", "high": "critical"}
_RANK = {"none": 0, "maintenance": 0, "minor": 1, "major": 2, "critical": 3}

# An update feed (AWS) has no incident ids: updates of one service further apart than this start a new incident.
INCIDENT_GAP = timedelta(hours=6)
# After a resolution message, an update this close still belongs to the same incident (AWS often adds a summary).
AFTER_RESOLVED_GAP = timedelta(hours=1)
# An unresolved incident whose last update is older than this is not shown as still open.
STALE_OPEN = timedelta(hours=24)

# Hosts whose outages are, by themselves, outages of one selling channel; everything else affects "all".
_HOST_CHANNELS = {"shopifystatus.com": ("shopify",)}
_HOST_PROVIDERS = {
    "status.aws.amazon.com": "aws",
    "health.aws.amazon.com": "aws",
    "status.cloud.google.com": "gcp",
    "cloudflarestatus.com": "cloudflare",
    "status.fastly.com": "fastly",
    "shopifystatus.com": "shopify",
}


@dataclass
class FeedResult:
    url: str  # the address actually read (after turning a page base address into its API address)
    kind: str  # statuspage, rss or gcp
    windows: list[Window]
    skipped: list[str] = field(default_factory=list)  # incidents that could not become a window, with the reason


def normalise_severity(value: str | None) -> str:
    word = (value or "").strip().lower()
    return SEVERITY_ALIASES.get(word, word)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _lookup_host(table: dict, host: str):
    for suffix, value in table.items():
        if host == suffix or host.endswith("." + suffix):
            return value
    return None


def _naive_utc(value) -> datetime | None:
    """A feed timestamp (ISO text with Z or an offset) -> naive UTC; None when missing or unreadable."""
    if not value or not isinstance(value, str):
        return None
    try:
        return parse_utc(value)
    except WindowError:
        return None


def _impact_for(severity: str) -> str:
    return "full" if normalise_severity(severity) == "critical" else "degraded"


def _make_window(skipped: list[str], label: str, **kw) -> Window | None:
    try:
        return Window(**kw)
    except WindowError as exc:
        skipped.append(f"{label}: {exc}")
        return None


# --------------------------------------------------------------------------- Statuspage


def statuspage_api_url(url: str) -> str:
    """A Statuspage base address (https://www.githubstatus.com) -> its incidents API; a .json address is kept."""
    parts = urlsplit(url.strip())
    if parts.path.lower().endswith(".json"):
        return url.strip()
    return urlunsplit((parts.scheme, parts.netloc, "/api/v2/incidents.json", "", ""))


def _resolved_update(incident: dict) -> datetime | None:
    """The time of an incident's first 'resolved' or 'completed' update, for pages that leave resolved_at empty."""
    times = [
        _naive_utc(update.get("display_at")) or _naive_utc(update.get("created_at"))
        for update in incident.get("incident_updates") or []
        if isinstance(update, dict) and str(update.get("status") or "").lower() in ("resolved", "completed")
    ]
    return min((t for t in times if t is not None), default=None)


def parse_statuspage(data, *, url: str = "", channels: tuple[str, ...] = ()) -> tuple[list[Window], list[str]]:
    """Statuspage v2 incidents.json (or summary.json / unresolved.json) -> windows from start to resolution."""
    if not isinstance(data, dict) or not isinstance(data.get("incidents"), list):
        raise FeedError(f"{url or 'the feed'} returned JSON, but not a Statuspage incident list (no 'incidents' list)")
    host = _host(url)
    page = data.get("page") if isinstance(data.get("page"), dict) else {}
    source = f"statuspage:{host or page.get('name', '')}"
    channels = tuple(channels) or _lookup_host(_HOST_CHANNELS, host) or ()
    provider = _lookup_host(_HOST_PROVIDERS, host)
    windows: list[Window] = []
    skipped: list[str] = []
    for index, incident in enumerate(data["incidents"], start=1):
        if not isinstance(incident, dict):
            skipped.append(f"incident {index}: not an object")
            continue
        name = str(incident.get("name") or f"incident {incident.get('id', index)}")
        start = _naive_utc(incident.get("started_at")) or _naive_utc(incident.get("created_at"))
        if start is None:
            skipped.append(f"{name}: no readable start time (started_at / created_at)")
            continue
        status = str(incident.get("status") or "").lower()
        end = _naive_utc(incident.get("resolved_at")) or _resolved_update(incident)
        precision = ""
        is_open = end is None and status not in ("resolved", "postmortem", "completed")
        if end is None and not is_open:
            end = _naive_utc(incident.get("updated_at"))
            precision = "approximate end: the incident is resolved but has no resolved time; last update used"
            if end is None:
                skipped.append(f"{name}: resolved, but with no resolved or updated time")
                continue
        components: list[str] = []
        for comp in incident.get("components") or []:
            if isinstance(comp, dict) and comp.get("name") and comp["name"] not in components:
                components.append(str(comp["name"]))
        for update in incident.get("incident_updates") or []:
            for comp in (update or {}).get("affected_components") or []:
                if isinstance(comp, dict) and comp.get("name") and comp["name"] not in components:
                    components.append(str(comp["name"]))
        severity = normalise_severity(str(incident.get("impact") or "none"))
        extra = {
            "id": incident.get("id"),
            "status": status,
            "severity": severity,
            "components": components,
            "open": is_open,
        }
        if provider:
            extra["providers"] = [provider]
        window = _make_window(
            skipped,
            name,
            start=start,
            end=end,
            channels=channels,
            title=name,
            source=source,
            impact=_impact_for(severity),
            precision=precision,
            url=str(incident.get("shortlink") or ""),
            extra=extra,
        )
        if window:
            windows.append(window)
    return windows, skipped


# --------------------------------------------------------------------------- Google Cloud


def parse_gcp(data, *, url: str = "", channels: tuple[str, ...] = ()) -> tuple[list[Window], list[str]]:
    """Google Cloud incidents.json -> windows from begin to end (no end: still open)."""
    if not isinstance(data, list) or (data and not any(isinstance(i, dict) and "begin" in i for i in data)):
        raise FeedError(f"{url or 'the feed'} returned JSON, but not a Google Cloud incident list (items with 'begin')")
    windows: list[Window] = []
    skipped: list[str] = []
    base = "https://status.cloud.google.com/"
    for index, incident in enumerate(data, start=1):
        if not isinstance(incident, dict):
            skipped.append(f"incident {index}: not an object")
            continue
        title = str(incident.get("external_desc") or f"incident {incident.get('number', index)}").strip()
        start = _naive_utc(incident.get("begin")) or _naive_utc(incident.get("created"))
        if start is None:
            skipped.append(f"{title}: no readable begin time")
            continue
        end = _naive_utc(incident.get("end"))
        components: list[str] = []
        if incident.get("service_name"):
            components.append(str(incident["service_name"]))
        for product in incident.get("affected_products") or []:
            if isinstance(product, dict) and product.get("title") and product["title"] not in components:
                components.append(str(product["title"]))
        locations = []
        for key in ("currently_affected_locations", "previously_affected_locations"):
            for loc in incident.get(key) or []:
                if isinstance(loc, dict) and loc.get("id") and loc["id"] not in locations:
                    locations.append(str(loc["id"]))
        severity = str(incident.get("severity") or "none").strip().lower()
        uri = str(incident.get("uri") or "")
        window = _make_window(
            skipped,
            title,
            start=start,
            end=end,
            channels=tuple(channels),
            title=title,
            source="gcp",
            impact=_impact_for(severity),
            url=base + uri.lstrip("/") if uri and not uri.startswith("http") else uri,
            extra={
                "id": incident.get("id"),
                "severity": severity,
                "components": components,
                "locations": locations,
                "open": end is None,
                "providers": ["gcp"],
            },
        )
        if window:
            windows.append(window)
    return windows, skipped


# --------------------------------------------------------------------------- RSS / Atom

# AWS item guids look like https://status.aws.amazon.com/#ec2-us-east-1_1638894360: service-region, then epoch.
_AWS_GUID = re.compile(r"#([a-z0-9][a-z0-9.-]*?)_\d{6,}$", re.IGNORECASE)
# AWS title prefixes, most severe first; the resolution prefix ends an incident.
_AWS_PREFIXES = (
    ("service disruption", "critical"),
    ("service degradation", "major"),
    ("performance issues", "major"),
    ("informational message", "minor"),
    ("service is operating normally", "none"),
)
_STATUS_PREFIX = re.compile(
    r"^\s*(\[(resolved|update|investigating|identified|monitoring)\]|"
    r"(resolved|update|investigating|identified|monitoring|mitigated)\s*[:\-–])\s*",
    re.IGNORECASE,
)
_RESOLVED_TEXT = re.compile(
    r"\[resolved\]|\bresolved\b|operating normally|\bhas been (fixed|restored|mitigated)\b|\bcompleted\b", re.IGNORECASE
)
# Statuspage update statuses: these end an incident; these (re)open it; 'update' and 'postmortem' do neither.
_ENDING = ("resolved", "completed")
_REOPENING = ("investigating", "identified", "monitoring", "in progress", "verifying")
_MAINTENANCE = ("scheduled", "in progress", "verifying", "completed")
# The zone written at the end of an RSS pubDate ("Fri, 24 Dec 2021 10:41:17 PST").
_PUB_ZONE = re.compile(r"\b([A-Z]{2,5})\s*$")


@dataclass
class _Update:
    key: str
    first: datetime
    last: datetime
    title: str
    resolved: bool
    severity: str
    link: str
    entry_id: str
    spans: list[tuple[datetime, datetime]] = field(default_factory=list)  # impact the notice's text states


@dataclass
class _Feed:
    """What every entry of one feed shares."""

    host: str
    service_name: str
    channels: tuple[str, ...]
    provider: str | None
    now: datetime

    @property
    def source(self) -> str:
        return f"rss:{self.host}" if self.host else "rss"


def _struct_to_utc(value) -> datetime | None:
    # feedparser normalises every date it understands (incl. PST/PDT and offsets) to a UTC struct_time.
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC).replace(tzinfo=None)


def _clean_title(title: str) -> tuple[str, str]:
    """AWS / generic status prefixes off a title -> (clean title, severity implied by the prefix or '')."""
    text = html.unescape(title or "").strip()
    severity = ""
    lowered = text.lower()
    for prefix, level in _AWS_PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :].lstrip(" :-–")
            severity = level
            break
    previous = None
    while previous != text:
        previous = text
        text = _STATUS_PREFIX.sub("", text, count=1)
    return text.strip(), severity


def _is_resolved(title: str, summary: str, *, aws_style: bool) -> bool:
    """Whether an update (or an entry without timed updates) says the incident is over."""
    lowered = (title or "").lower()
    if aws_style:  # AWS says it in the title; its descriptions mention 'resolved' in other senses
        return lowered.startswith("service is operating normally") or "[resolved]" in lowered
    return bool(_RESOLVED_TEXT.search(title or "")) or bool(_RESOLVED_TEXT.search(summary or ""))


def _feed_service_name(feed_title: str) -> str:
    """'Amazon Elastic Compute Cloud (N. Virginia) Service Status' -> 'Amazon Elastic Compute Cloud (N. Virginia)'."""
    name, previous = (feed_title or "").strip(), None
    while name != previous:
        previous = name
        name = re.sub(r"\s*(-\s*incident history|incident history|service status|status)\s*$", "", name, flags=re.I)
    return name


def _entry_body(entry) -> str:
    """An entry's HTML: Atom's content (Statuspage puts the updates there), else the summary or description."""
    for content in entry.get("content") or []:
        value = content.get("value") if isinstance(content, dict) else None
        if value:
            return str(value)
    return str(entry.get("summary", ""))


def _read_feed(body: bytes | str, name: str):
    parsed = feedparser.parse(body)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        raise FeedError(f"{name or 'the feed'} is not a readable RSS or Atom feed")
    return parsed


def _entry_window(feed: _Feed, entry, updates: list[stamps.Update], skipped: list[str]) -> Window | None:
    """A Statuspage history entry -> its incident's window: from its first update (the first one after a
    maintenance was announced) to the first resolution after its last reopening update."""
    title = html.unescape(str(entry.get("title", ""))).strip() or "status incident"
    statuses = [u.status for u in updates]
    begun = [u for u in updates if u.status != "scheduled"] or updates
    start = begun[0].at
    end = None
    for update in updates:
        if update.status in _REOPENING and update.at >= start:
            end = None
        elif update.status in _ENDING and end is None and update.at >= start:
            end = update.at
    precision, is_open = "", False
    if end is None:
        last = updates[-1].at
        if feed.now - last <= STALE_OPEN:
            is_open = True
        else:
            end = last
            precision = "approximate end: the incident has no resolved update; its last update used"
    if end is not None and end <= start:
        end = start + timedelta(hours=1)
        precision = "approximate end: the incident has one timed update; 1 h assumed"
    severity = "maintenance" if any(s in _MAINTENANCE for s in statuses) else ""
    extra = {
        "id": str(entry.get("id", "")) or None,
        "status": statuses[-1],
        "severity": severity,
        "components": [feed.service_name] if feed.service_name else [],
        "open": is_open,
        "updates": len(updates),
    }
    if feed.provider:
        extra["providers"] = [feed.provider]
    return _make_window(
        skipped,
        title,
        start=start,
        end=end,
        channels=feed.channels,
        title=title,
        source=feed.source,
        impact="degraded",
        precision=precision,
        url=str(entry.get("link", "")),
        extra=extra,
    )


def _notice(entry, published: datetime | None, updated: datetime | None) -> _Update:
    """One item of an update feed (AWS) or an entry without timed updates, with any span its text states."""
    title = str(entry.get("title", ""))
    entry_id = str(entry.get("id", ""))
    summary = _entry_body(entry)
    first = published or updated
    clean, severity = _clean_title(title)
    aws = _AWS_GUID.search(entry_id)
    zone = _PUB_ZONE.search(str(dict.get(entry, "published", "") or ""))
    return _Update(
        # Without a service key, updates of one incident share a title once status prefixes are removed.
        key=aws.group(1).lower() if aws else (entry_id if entry_id and not clean else clean.lower()),
        first=first,
        last=max(d for d in (published, updated) if d is not None),
        title=clean or title,
        resolved=_is_resolved(title, summary, aws_style=bool(aws) or bool(severity)),
        severity=severity,
        link=str(entry.get("link", "")),
        entry_id=entry_id,
        spans=stamps.stated_spans(summary, published=first, zone=zone.group(1) if zone else "UTC"),
    )


def _joins(group: list[_Update], update: _Update) -> bool:
    """Whether a notice continues an incident of the same service: within INCIDENT_GAP of its last notice, and after
    a resolution only as a relapse soon after it or as a later resolved summary of the same incident (its stated
    span starting before the resolution, or with no span and the same title)."""
    gap = update.first - max(u.last for u in group)
    if gap > INCIDENT_GAP:
        return False
    if not group[-1].resolved or gap <= AFTER_RESOLVED_GAP:
        return True
    if not update.resolved:
        return False
    if update.spans:
        return min(s for s, _e in update.spans) <= group[-1].last
    return update.title.lower() == group[-1].title.lower()


def _group_updates(updates: list[_Update]) -> list[list[_Update]]:
    groups: list[list[_Update]] = []
    open_group: dict[str, list[_Update]] = {}
    for update in sorted(updates, key=lambda u: (u.first, u.last)):
        group = open_group.get(update.key)
        if group is None or not _joins(group, update):
            group = []
            groups.append(group)
            open_group[update.key] = group
        group.append(update)
    return groups


def _group_span(feed: _Feed, group: list[_Update]) -> tuple[datetime, datetime | None, str]:
    """(start, end or None while open, precision): the span the notices state, else first notice to resolution."""
    stated = [span for u in group for span in u.spans]
    if stated:
        return min(s for s, _e in stated), max(e for _s, e in stated), ""
    start = min(u.first for u in group)
    last = max(u.last for u in group)
    # The incident ends at the first resolution after its last non-resolved update: a summary posted later
    # does not extend it, and a relapse after a resolution reopens it.
    resolved_at = None
    for u in group:
        if not u.resolved:
            resolved_at = None
        elif resolved_at is None:
            resolved_at = u.last
    if resolved_at is not None:
        if resolved_at <= start:
            return (
                start,
                start + timedelta(hours=1),
                "approximate end: the feed gives one time for the whole incident; 1 h assumed",
            )
        return start, resolved_at, ""
    if feed.now - last <= STALE_OPEN:
        return start, None, ""
    end = last if last > start else start + timedelta(hours=1)
    return start, end, "approximate end: the feed has no resolution message; last update used"


def _group_window(feed: _Feed, group: list[_Update], skipped: list[str]) -> Window | None:
    start, end, precision = _group_span(feed, group)
    severity = max((u.severity for u in group if u.severity), key=lambda s: _RANK.get(s, 0), default="")
    title = next((u.title for u in group if u.title), "status incident")
    aws = bool(_AWS_GUID.search(group[0].entry_id))
    if feed.service_name and aws:
        title = f"{title} ({feed.service_name})"
    components = sorted({u.key for u in group if _AWS_GUID.search(u.entry_id)})
    if feed.service_name:
        components.append(feed.service_name)
    extra = {
        "id": group[0].entry_id or None,
        "severity": severity,
        "components": components,
        "open": end is None,
        "updates": len(group),
    }
    provider = feed.provider or ("aws" if aws else None)
    if provider:
        extra["providers"] = [provider]
    return _make_window(
        skipped,
        title,
        start=start,
        end=end,
        channels=feed.channels,
        title=title,
        source=feed.source,
        impact=_impact_for(severity) if severity else "degraded",
        precision=precision,
        url=next((u.link for u in group if u.link), ""),
        extra=extra,
    )


def parse_rss(
    body: bytes | str,
    *,
    url: str = "",
    channels: tuple[str, ...] = (),
    now: datetime | None = None,
) -> tuple[list[Window], list[str]]:
    """RSS or Atom -> windows. A Statuspage entry is one incident, timed by the updates in its body; items that are
    status notices (AWS) are grouped into incidents by service and time, timed by the spans their text states."""
    parsed = _read_feed(body, url)
    host = _host(url)
    feed = _Feed(
        host=host,
        service_name=_feed_service_name(str(parsed.feed.get("title", ""))),
        channels=tuple(channels) or _lookup_host(_HOST_CHANNELS, host) or (),
        provider=_lookup_host(_HOST_PROVIDERS, host),
        now=now or datetime.now(UTC).replace(tzinfo=None),
    )
    skipped: list[str] = []
    windows: list[Window] = []
    notices: list[_Update] = []
    for index, entry in enumerate(parsed.entries, start=1):
        # dict.get, not entry.get: feedparser answers a missing 'updated' with 'published' and a warning.
        published = _struct_to_utc(dict.get(entry, "published_parsed"))
        updated = _struct_to_utc(dict.get(entry, "updated_parsed"))
        if published is None and updated is None:
            skipped.append(f"item {index} ({entry.get('title', '') or 'untitled'}): no readable date")
            continue
        latest = max(d for d in (published, updated) if d is not None)
        timed = stamps.statuspage_updates(_entry_body(entry), published=published or updated, latest=latest)
        if timed:
            windows.append(_entry_window(feed, entry, timed, skipped))
        else:
            notices.append(_notice(entry, published, updated))
    windows.extend(_group_window(feed, group, skipped) for group in _group_updates(notices))
    return [w for w in windows if w is not None], skipped


# --------------------------------------------------------------------------- loading and filtering


def parse_impacts(text: str | list[str] | None) -> list[str] | None:
    """'major,critical' -> ['major', 'critical'] (GCP low/medium/high accepted); unknown words are an error."""
    if not text:
        return None
    words = text.split(",") if isinstance(text, str) else list(text)
    result = []
    for word in words:
        value = normalise_severity(word)
        if not value:
            continue
        if value not in SEVERITIES:
            allowed = ", ".join(SEVERITIES + tuple(SEVERITY_ALIASES))
            raise FeedError(f"unknown impact '{word.strip()}': use {allowed}")
        result.append(value)
    return result or None


def filter_windows(windows: list[Window], *, impacts=None, components=None) -> list[Window]:
    """Keep windows whose severity is one of `impacts` and that touch a component whose name contains one of
    `components` (case-insensitive); None means no filter."""
    wanted = parse_impacts(impacts)
    names = [c.strip().lower() for c in (components or []) if c and c.strip()]
    kept = []
    for window in windows:
        if wanted is not None and normalise_severity(window.extra.get("severity")) not in wanted:
            continue
        if names:
            touched = [str(c).lower() for c in window.extra.get("components") or []]
            if not any(n in t for n in names for t in touched):
                continue
        kept.append(window)
    return kept


def _decode_json(text: str, name: str):
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise FeedError(f"{name} did not return valid JSON") from None


def _sniff(text: str) -> str:
    """'json', 'xml' or 'html' from the body (content types of status sites are too often wrong to trust)."""
    head = text[:2048].lstrip().lstrip("\ufeff").lstrip()
    if head[:1] in ("{", "["):
        return "json"
    lowered = head.lower()
    if lowered.startswith("<!doctype html") or lowered.startswith("<html"):
        return "html"
    if head.startswith("<"):
        return "xml"
    return "other"


def _body_text(body: bytes) -> str:
    """A saved feed's bytes as text: a byte-order mark wins (the AWS health JSON is UTF-16), else UTF-8."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", errors="replace")
    return body.decode("utf-8", errors="replace").lstrip("\ufeff")


def looks_like_feed(body: bytes) -> bool:
    """Whether a file's first bytes are JSON or XML (a saved status feed) rather than a CSV of windows."""
    return _sniff(_body_text(body[:4096])) in ("json", "xml")


def feed_address(url: str, kind: str) -> str:
    """Where to read a feed of `kind` given what the user typed (a page base address or the feed itself).

    An address typed without a scheme (www.githubstatus.com) is taken as https.
    """
    url = url.strip()
    if url and "://" not in url and not url.lower().startswith(("file:", "data:", "javascript:")):
        url = "https://" + url
    parts = urlsplit(url)
    bare = parts.path in ("", "/") and not parts.query
    if kind == "statuspage" or (kind == "auto" and bare and _host(url) != "status.cloud.google.com"):
        return statuspage_api_url(url)
    if kind in ("gcp", "auto") and bare and _host(url) == "status.cloud.google.com":
        return urlunsplit((parts.scheme, parts.netloc, "/incidents.json", "", ""))
    return url


def parse_feed(
    body: bytes,
    *,
    name: str,
    url: str = "",
    text: str | None = None,
    kind: str = "auto",
    channels: tuple[str, ...] = (),
    now: datetime | None = None,
) -> tuple[str, list[Window], list[str]]:
    """A feed's body (fetched or saved) -> (kind, windows, skipped). name is how errors call it: an address or a
    file name, never its content."""
    text = _body_text(body) if text is None else text
    shape = _sniff(text)
    if kind == "auto":
        if shape == "json":
            kind = "gcp" if isinstance(_decode_json(text, name), list) else "statuspage"
        elif shape == "xml":
            kind = "rss"
        elif shape == "html":
            raise FeedError(
                f"{name} is a web page, not a feed: give a Statuspage site's base address, "
                "its /api/v2/incidents.json, an RSS/Atom feed or a Google Cloud incidents.json"
            )
        else:
            raise FeedError(f"{name} holds neither JSON nor an RSS/Atom feed")
    if kind in ("statuspage", "gcp"):
        if shape != "json":
            what = "a Statuspage site" if kind == "statuspage" else "Google Cloud's incidents.json"
            raise FeedError(f"{name} did not return JSON; is it {what}?")
        parse = parse_statuspage if kind == "statuspage" else parse_gcp
        windows, skipped = parse(_decode_json(text, name), url=url, channels=channels)
        return kind, windows, skipped
    if shape == "json":
        raise FeedError(f"{name} returned JSON, not an RSS or Atom feed; try --kind auto")
    windows, skipped = parse_rss(body, url=url, channels=channels, now=now)
    return kind, windows, skipped


def _finish(address: str, kind: str, windows, skipped, impacts, components) -> FeedResult:
    windows = filter_windows(windows, impacts=impacts, components=components)
    windows.sort(key=lambda w: w.start, reverse=True)
    return FeedResult(url=address, kind=kind, windows=windows, skipped=skipped)


def load_feed(
    url: str,
    *,
    kind: str = "auto",
    impacts=None,
    components=None,
    channels: tuple[str, ...] | list[str] = (),
    settings: Settings | None = None,
    now: datetime | None = None,
) -> FeedResult:
    """Fetch a status feed and turn its incidents into windows, filtered by impact and component name."""
    if kind not in KINDS:
        raise FeedError(f"unknown feed kind '{kind}': use one of {', '.join(KINDS)}")
    impacts = parse_impacts(impacts)
    address = feed_address(url, kind)
    result = fetch(address, settings=settings)
    kind, windows, skipped = parse_feed(
        result.body,
        name=result.final_url,
        url=result.final_url,
        text=result.text(),
        kind=kind,
        channels=tuple(channels),
        now=now,
    )
    return _finish(address, kind, windows, skipped, impacts, components)


MAX_FEED_FILE = 50 << 20  # a saved feed larger than this is not a status feed


def read_feed_file(
    source: Path | bytes,
    *,
    name: str = "",
    kind: str = "auto",
    impacts=None,
    components=None,
    channels: tuple[str, ...] | list[str] = (),
    now: datetime | None = None,
) -> FeedResult:
    """A saved Statuspage or Google Cloud JSON, or an RSS/Atom feed (a path or an upload's bytes) -> windows, as
    load_feed gives for the same feed fetched. Errors name the file, never quote its content."""
    if kind not in KINDS:
        raise FeedError(f"unknown feed kind '{kind}': use one of {', '.join(KINDS)}")
    impacts = parse_impacts(impacts)
    if isinstance(source, bytes):
        body, name = source, name or "the feed file"
    else:
        path = Path(source)
        name = name or path.name
        try:
            if path.stat().st_size > MAX_FEED_FILE:
                raise FeedError(f"{name} is larger than {MAX_FEED_FILE >> 20} MB: it is not a saved status feed")
            body = path.read_bytes()
        except OSError as exc:
            raise FeedError(f"cannot read {name}: {exc.strerror or exc}") from None
    # A saved feed keeps the address it came from in its own links: it tells Shopify's page from others.
    kind, windows, skipped = parse_feed(
        body, name=name, url=_saved_address(body), kind=kind, channels=tuple(channels), now=now
    )
    return _finish(name, kind, windows, skipped, impacts, components)


_SELF_LINK = re.compile(rb"""(?:href=["']|<link>|"url":\s*")(https?://[^"'<\s]+)""")


def _saved_address(body: bytes) -> str:
    """The status page address a saved feed names first (Atom's link, RSS's channel link, Statuspage's page url)."""
    match = _SELF_LINK.search(body[:8192])
    return match.group(1).decode("ascii", errors="replace") if match else ""

"""RSS and Atom status feeds -> outage windows: Statuspage history feeds (one entry per incident, timed by the updates
in its body) and AWS-style notice feeds (several notices per event, timed by the span their text states)."""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import feedparser

from ..errors import FeedError
from ..windows import OFFSETS, Window, impossible_offset
from . import stamps
from .feed_common import (
    AFTER_RESOLVED_GAP,
    HOST_CHANNELS,
    HOST_PROVIDERS,
    INCIDENT_GAP,
    RANK,
    STALE_OPEN,
    feed_window,
    host_of,
    impact_for,
    lookup_host,
)

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
        precision = "approximate end: the incident's updates give one time; 1 h assumed"
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
    return feed_window(
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
    severity = max((u.severity for u in group if u.severity), key=lambda s: RANK.get(s, 0), default="")
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
    return feed_window(
        skipped,
        title,
        start=start,
        end=end,
        channels=feed.channels,
        title=title,
        source=feed.source,
        impact=impact_for(severity) if severity else "degraded",
        precision=precision,
        url=next((u.link for u in group if u.link), ""),
        extra=extra,
    )


def _entry_time(entry, key: str) -> datetime | None:
    """An entry's published or updated time in UTC; None when missing, or when its offset is one no clock shows
    (feedparser shifts "+2359" or "+9999" by that much without a word)."""
    if impossible_offset(str(dict.get(entry, key) or "")):
        return None
    return _struct_to_utc(dict.get(entry, f"{key}_parsed"))


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
    host = host_of(url)
    feed = _Feed(
        host=host,
        service_name=_feed_service_name(str(parsed.feed.get("title", ""))),
        channels=tuple(channels) or lookup_host(HOST_CHANNELS, host) or (),
        provider=lookup_host(HOST_PROVIDERS, host),
        now=now or datetime.now(UTC).replace(tzinfo=None),
    )
    skipped: list[str] = []
    windows: list[Window] = []
    notices: list[_Update] = []
    for index, entry in enumerate(parsed.entries, start=1):
        # dict.get, not entry.get: feedparser answers a missing 'updated' with 'published' and a warning.
        published, updated = _entry_time(entry, "published"), _entry_time(entry, "updated")
        if published is None and updated is None:
            stated = [t for k in ("published", "updated") if impossible_offset(t := str(dict.get(entry, k) or ""))]
            why = (
                f"its date {stated[0][:40]} has an impossible UTC offset ({OFFSETS})" if stated else "no readable date"
            )
            skipped.append(f"item {index} ({entry.get('title', '') or 'untitled'}): {why}")
            continue
        # The entry's published time is its newest update, so it places the year of stamps; Atom's updated can be
        # an edit made long after (a year later would date every stamp a year late).
        anchor = published or updated
        timed = stamps.statuspage_updates(_entry_body(entry), published=anchor, latest=anchor)
        if timed:
            windows.append(_entry_window(feed, entry, timed, skipped))
        else:
            notices.append(_notice(entry, published, updated))
    windows.extend(_group_window(feed, group, skipped) for group in _group_updates(notices))
    return [w for w in windows if w is not None], skipped

"""Status feeds -> outage windows: Atlassian Statuspage v2, RSS/Atom (incl. AWS-style update feeds), Google Cloud.

Every window carries, in `extra`: severity (the feed's own word: none/minor/major/critical/maintenance or
low/medium/high), components (names the incident touched), open (still unresolved) and id where the feed has one.
Window.impact is 'full' only for the top severity; everything else is 'degraded' with no percentage, because a
status page does not say how much of the seller's demand was lost.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..errors import FeedError
from ..settings import Settings
from ..windows import OFFSETS, Window, impossible_offset
from .feed_common import (
    HOST_CHANNELS,
    HOST_PROVIDERS,
    SEVERITIES,
    SEVERITY_ALIASES,
    feed_window,
    host_of,
    impact_for,
    lookup_host,
    naive_utc,
    normalise_severity,
)
from .fetch import fetch
from .rss import parse_rss

KINDS = ("auto", "statuspage", "rss", "gcp")


@dataclass
class FeedResult:
    url: str  # the address actually read (after turning a page base address into its API address)
    kind: str  # statuspage, rss or gcp
    windows: list[Window]
    skipped: list[str] = field(default_factory=list)  # incidents that could not become a window, with the reason


# --------------------------------------------------------------------------- Statuspage


def statuspage_api_url(url: str) -> str:
    """A Statuspage base address (https://www.githubstatus.com) -> its incidents API; a .json address is kept."""
    parts = urlsplit(url.strip())
    if parts.path.lower().endswith(".json"):
        return url.strip()
    return urlunsplit((parts.scheme, parts.netloc, "/api/v2/incidents.json", "", ""))


def _unreadable(incident: dict, keys: tuple[str, ...], what: str) -> str:
    """Why an incident has no time to start from: an offset no clock shows, named, or none readable."""
    for key in keys:
        text = incident.get(key)
        if isinstance(text, str) and impossible_offset(text):
            return f"its {key} {text[:40]} has an impossible UTC offset ({OFFSETS})"
    return f"no readable {what} ({' / '.join(keys)})"


def _update_times(incident: dict, statuses: tuple[str, ...] | None = None) -> list[datetime]:
    """The shown times (display_at, else created_at) of an incident's updates, of the given statuses or all."""
    times = [
        naive_utc(update.get("display_at")) or naive_utc(update.get("created_at"))
        for update in incident.get("incident_updates") or []
        if isinstance(update, dict) and (statuses is None or str(update.get("status") or "").lower() in statuses)
    ]
    return [t for t in times if t is not None]


def _first_update(incident: dict) -> datetime | None:
    """Without started_at, an incident starts at its creation or at an earlier first update (a page may date an
    update back to when the trouble began)."""
    return min([*_update_times(incident), *filter(None, [naive_utc(incident.get("created_at"))])], default=None)


def _resolved_update(incident: dict) -> datetime | None:
    """The time of an incident's first 'resolved' or 'completed' update, for pages that leave resolved_at empty."""
    return min(_update_times(incident, ("resolved", "completed")), default=None)


def parse_statuspage(data, *, url: str = "", channels: tuple[str, ...] = ()) -> tuple[list[Window], list[str]]:
    """Statuspage v2 incidents.json (or summary.json / unresolved.json) -> windows from start to resolution."""
    if not isinstance(data, dict) or not isinstance(data.get("incidents"), list):
        raise FeedError(f"{url or 'the feed'} returned JSON, but not a Statuspage incident list (no 'incidents' list)")
    host = host_of(url)
    page = data.get("page") if isinstance(data.get("page"), dict) else {}
    source = f"statuspage:{host or page.get('name', '')}"
    channels = tuple(channels) or lookup_host(HOST_CHANNELS, host) or ()
    provider = lookup_host(HOST_PROVIDERS, host)
    windows: list[Window] = []
    skipped: list[str] = []
    for index, incident in enumerate(data["incidents"], start=1):
        if not isinstance(incident, dict):
            skipped.append(f"incident {index}: not an object")
            continue
        name = str(incident.get("name") or f"incident {incident.get('id', index)}")
        start = naive_utc(incident.get("started_at")) or _first_update(incident)
        if start is None:
            skipped.append(f"{name}: {_unreadable(incident, ('started_at', 'created_at'), 'start time')}")
            continue
        status = str(incident.get("status") or "").lower()
        end = naive_utc(incident.get("resolved_at")) or _resolved_update(incident)
        precision = ""
        is_open = end is None and status not in ("resolved", "postmortem", "completed")
        if end is None and not is_open:
            end = naive_utc(incident.get("updated_at"))
            precision = "approximate end: the incident is resolved but has no resolved time; last update used"
            if end is None:
                skipped.append(f"{name}: resolved, but with no resolved or updated time")
                continue
        if end == start:  # a backfilled incident: one time for all of it
            end = start + timedelta(hours=1)
            precision = "approximate end: the incident gives one time for all of it; 1 h assumed"
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
        window = feed_window(
            skipped,
            name,
            start=start,
            end=end,
            channels=channels,
            title=name,
            source=source,
            impact=impact_for(severity),
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
        start = naive_utc(incident.get("begin")) or naive_utc(incident.get("created"))
        if start is None:
            skipped.append(f"{title}: {_unreadable(incident, ('begin', 'created'), 'begin time')}")
            continue
        end = naive_utc(incident.get("end"))
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
        window = feed_window(
            skipped,
            title,
            start=start,
            end=end,
            channels=tuple(channels),
            title=title,
            source="gcp",
            impact=impact_for(severity),
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
        raise FeedError(f"{name} is not valid JSON (cut short?): save or fetch it again") from None


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
    if re.search(r"\s", url):
        # Prose typed into the address field ("my shopify went down on tuesday"): DNS would only say no such host.
        raise FeedError(
            f"'{url}' is not a status page address; give one like https://www.shopifystatus.com or "
            "https://www.githubstatus.com"
        )
    if url and "://" not in url and not url.lower().startswith(("file:", "data:", "javascript:")):
        url = "https://" + url
    parts = urlsplit(url)
    bare = parts.path in ("", "/") and not parts.query
    if kind == "statuspage" or (kind == "auto" and bare and host_of(url) != "status.cloud.google.com"):
        return statuspage_api_url(url)
    if kind in ("gcp", "auto") and bare and host_of(url) == "status.cloud.google.com":
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

"""What the status-feed readers share: severities, the hosts that name a channel or provider, and how a window is
made from a feed's incident (impact/outages/feeds.py reads JSON feeds and loads, rss.py reads RSS and Atom)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from ..errors import WindowError
from ..windows import Window, parse_utc

SEVERITIES = ("none", "maintenance", "minor", "major", "critical")
# Google Cloud's scale maps onto Statuspage's so one --impact filter works on both.
SEVERITY_ALIASES = {"low": "minor", "medium": "major", "high": "critical"}
RANK = {"none": 0, "maintenance": 0, "minor": 1, "major": 2, "critical": 3}

# An update feed (AWS) has no incident ids: updates of one service further apart than this start a new incident.
INCIDENT_GAP = timedelta(hours=6)
# After a resolution message, an update this close still belongs to the same incident (AWS often adds a summary).
AFTER_RESOLVED_GAP = timedelta(hours=1)
# An unresolved incident whose last update is older than this is not shown as still open.
STALE_OPEN = timedelta(hours=24)

# Hosts whose outages are, by themselves, outages of one selling channel; everything else affects "all".
HOST_CHANNELS = {"shopifystatus.com": ("shopify",)}
HOST_PROVIDERS = {
    "status.aws.amazon.com": "aws",
    "health.aws.amazon.com": "aws",
    "status.cloud.google.com": "gcp",
    "cloudflarestatus.com": "cloudflare",
    "status.fastly.com": "fastly",
    "shopifystatus.com": "shopify",
}


def normalise_severity(value: str | None) -> str:
    word = (value or "").strip().lower()
    return SEVERITY_ALIASES.get(word, word)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def lookup_host(table: dict, host: str):
    for suffix, value in table.items():
        if host == suffix or host.endswith("." + suffix):
            return value
    return None


def naive_utc(value) -> datetime | None:
    """A feed timestamp (ISO text with Z or an offset) -> naive UTC; None when missing or unreadable."""
    if not value or not isinstance(value, str):
        return None
    try:
        return parse_utc(value)
    except WindowError:
        return None


def impact_for(severity: str) -> str:
    return "full" if normalise_severity(severity) == "critical" else "degraded"


def feed_window(skipped: list[str], label: str, **kw) -> Window | None:
    try:
        return Window(**kw)
    except WindowError as exc:
        skipped.append(f"{label}: {exc}")
        return None

"""Outage windows from the built-in catalog, an uploaded windows CSV, or a status feed; matching against the catalog."""

from __future__ import annotations

from ..windows import Window
from .catalog import CATALOG_PATH, catalog_entry, load_catalog, parse_catalog, providers
from .feeds import (
    KINDS,
    FeedResult,
    filter_windows,
    load_feed,
    looks_like_feed,
    parse_gcp,
    parse_impacts,
    parse_rss,
    parse_statuspage,
    read_feed_file,
)
from .fetch import FetchResult, blocked_reason, clear_cache
from .match import channels_overlap, describe_match, match_catalog, overlap_hours
from .windows_csv import LineError, WindowsCsv, load_windows_csv, make_window, parse_channels, parse_windows_csv

# Keys beyond Window.to_json() that a window may carry in `extra` and that the JSON output passes on.
_EXTRA_KEYS = ("id", "severity", "components", "providers", "affected", "locations", "status")


def window_json(window: Window) -> dict:
    """Window.to_json() plus what the user needs to judge it: precision, url, open, degraded_pct, and the feed's
    severity/components or the catalog's id/providers when present."""
    data = window.to_json()
    data["open"] = window.end is None
    data["precision"] = window.precision
    data["url"] = window.url
    if window.degraded_pct is not None:
        data["degraded_pct"] = window.degraded_pct
    for key in _EXTRA_KEYS:
        value = window.extra.get(key)
        if value not in (None, "", []):
            data[key] = list(value) if isinstance(value, tuple) else value
    return data


__all__ = [
    "CATALOG_PATH",
    "KINDS",
    "FeedResult",
    "FetchResult",
    "LineError",
    "WindowsCsv",
    "blocked_reason",
    "catalog_entry",
    "channels_overlap",
    "clear_cache",
    "describe_match",
    "filter_windows",
    "load_catalog",
    "load_feed",
    "load_windows_csv",
    "looks_like_feed",
    "make_window",
    "match_catalog",
    "overlap_hours",
    "parse_catalog",
    "parse_channels",
    "parse_gcp",
    "parse_impacts",
    "parse_rss",
    "parse_statuspage",
    "parse_windows_csv",
    "providers",
    "read_feed_file",
    "window_json",
]

"""Which known outages a window (typed in, uploaded, or detected in the seller's orders) coincides with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..windows import Window
from .catalog import load_catalog

CHANNEL_LABELS = {
    "amazon": "Amazon",
    "shopify": "Shopify",
    "ebay": "eBay",
    "etsy": "Etsy",
    "woocommerce": "WooCommerce",
    "walmart": "Walmart",
    "other": "other-channel",
}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _end(window: Window, now: datetime | None) -> datetime:
    return window.end or now or _now()


def overlap_hours(a: Window, b: Window, *, slack: timedelta = timedelta(0), now: datetime | None = None) -> float:
    """Hours the two windows share, after widening `b` by `slack` on each side; 0 when they do not meet."""
    start = max(a.start, b.start - slack)
    end = min(_end(a, now), _end(b, now) + slack)
    return max(0.0, (end - start).total_seconds() / 3600)


def channels_overlap(a: Window, b: Window) -> bool:
    """Empty channels means every channel, so it overlaps anything."""
    return not a.channels or not b.channels or bool(set(a.channels) & set(b.channels))


def match_catalog(
    window: Window,
    catalog: list[Window] | None = None,
    *,
    slack: timedelta = timedelta(0),
    now: datetime | None = None,
) -> list[Window]:
    """Catalog entries that overlap `window` in time and in channel, largest overlap first.

    `slack` widens each entry on both sides: order data detected by the hour, or an entry whose times are approximate,
    can miss by a little without being a different event.
    """
    entries = load_catalog() if catalog is None else catalog
    scored = []
    for entry in entries:
        if not channels_overlap(window, entry):
            continue
        hours = overlap_hours(window, entry, slack=slack, now=now)
        if hours > 0:
            scored.append((hours, entry))
    scored.sort(key=lambda pair: (-pair[0], pair[1].start))
    return [entry for _hours, entry in scored]


def _span(window: Window, now: datetime | None) -> str:
    start = window.start
    end = window.end
    if end is None:
        return f"since {start:%Y-%m-%d %H:%M} UTC"
    if end.date() == start.date():
        return f"on {start:%Y-%m-%d} {start:%H:%M}–{end:%H:%M} UTC"
    if end == datetime.combine(end.date(), datetime.min.time()) and (end - start) <= timedelta(days=1):
        return f"on {start:%Y-%m-%d} {start:%H:%M}–24:00 UTC"
    return f"from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"


def _who(window: Window) -> str:
    if not window.channels:
        return "your orders"
    labels = [CHANNEL_LABELS.get(c, c) for c in window.channels]
    joined = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return f"your {joined} orders"


def describe_match(
    window: Window,
    matches: list[Window],
    *,
    drop_pct: float | None = None,
    now: datetime | None = None,
) -> str:
    """One sentence for the seller, e.g. 'your Amazon orders dropped 91% on 2025-10-20 07:00–13:00 UTC — matches
    the AWS us-east-1 outage'. Approximate catalog times are said to be approximate."""
    what = f"dropped {drop_pct:.0f}%" if drop_pct is not None else "were hit"
    sentence = f"{_who(window)} {what} {_span(window, now)}"
    if not matches:
        return sentence + " — no known outage in the catalog matches"
    names = []
    for entry in matches:
        name = f"the {entry.title}"
        if entry.start.date() != window.start.date():
            name += f" of {entry.start:%Y-%m-%d}"
        names.append(name)
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    notes = [f"{e.title}: {e.precision}" for e in matches if e.precision]
    tail = f" (times {'; '.join(notes)})" if notes else ""
    return f"{sentence} — matches {joined}{tail}"

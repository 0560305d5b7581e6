"""Windows to offer when the chosen one lies outside the seller's orders: the outages found in the data first, then
the catalog's known outages inside the data's range.

    if not covers(report.first, report.last, window):  # impact.windows.covers
        for s in suggest_windows(con, report.first, report.last, tz="Europe/Berlin"):
            s.label, s.window

A loss can only be estimated for a window the orders reach across; for any other window the product shows these
choices and no figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import InputError
from ..present import format_channels, local_window, percent
from ..windows import Window, iso_utc
from .catalog import load_catalog
from .detect import detect
from .match import overlap_hours


@dataclass(frozen=True)
class Suggestion:
    window: Window
    source: str  # 'detected' (found in the seller's orders) or 'catalog' (a known outage inside their range)
    label: str  # one line, for a button or a CLI hint


def outside_message(
    con, first: datetime | None, last: datetime | None, window: Window, *, tz: str = "UTC", currency: str | None = None
) -> str:
    """One sentence for a window the orders cannot speak to, naming the outages the seller can analyse instead."""
    span = local_window(first, last, tz, zone=True) if first is not None else "no orders"
    text = (
        f"the window {local_window(window.start, window.end, tz, zone=True)} is outside the order history "
        f"({span}), so no loss can be estimated for it"
    )
    found = suggest_windows(con, first, last, tz=tz, currency=currency, limit=3)
    if found:
        text += "; in your orders' range: " + "; ".join(
            f"{s.label} (--window {iso_utc(s.window.start)} {iso_utc(s.window.end)})" for s in found
        )
    return text


def suggest_windows(
    con,
    first: datetime | None,
    last: datetime | None,
    *,
    tz: str = "UTC",
    currency: str | None = None,
    channels: tuple[str, ...] = (),
    limit: int = 6,
) -> list[Suggestion]:
    """Detected outages (strongest first), then catalog outages starting inside [first, last] that no detection
    already covers; at most `limit`."""
    if first is None or last is None:
        return []
    out: list[Suggestion] = []
    try:
        found = detect(con, currency=currency, tz=tz, channels=channels).detections
    except InputError:
        found = []  # too little history to scan: the catalog can still be offered
    for d in sorted(found, key=lambda d: (-(d.window.score or 0), d.window.start)):
        names = format_channels(d.window.channels, empty="all channels'")
        out.append(
            Suggestion(
                d.window,
                "detected",
                f"Found in your orders: {names} orders down "
                f"{percent(d.drop_pct / 100)}, {local_window(d.window.start, d.window.end, tz, zone=True)}",
            )
        )
    for w in load_catalog():
        if not (first <= w.start <= last) or any(overlap_hours(w, s.window) > 0 for s in out):
            continue
        out.append(Suggestion(w, "catalog", f"Known outage: {w.title}, {local_window(w.start, w.end, tz, zone=True)}"))
    return out[:limit]

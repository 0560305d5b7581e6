"""Windows to offer when the chosen one lies outside the seller's orders: the outages found in the data first, then
the catalog's known outages inside the data's range.

    if not covers(report.first, report.last, window):
        for s in suggest_windows(con, report.first, report.last, tz="Europe/Berlin"):
            s.label, s.window

A loss can only be estimated for a window the orders reach across; for any other window the product shows these
choices and no figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import InputError
from ..present import channel_list, local_window, percent
from ..windows import Window
from .catalog import load_catalog
from .detect import detect
from .match import overlap_hours


@dataclass(frozen=True)
class Suggestion:
    window: Window
    source: str  # 'detected' (found in the seller's orders) or 'catalog' (a known outage inside their range)
    label: str  # one line, for a button or a CLI hint


def covers(first: datetime | None, last: datetime | None, window: Window) -> bool:
    """Whether the orders reach across the window: some before its start and some at or after its end."""
    return first is not None and last is not None and first < window.start and last >= window.end


def suggest_windows(con, first: datetime | None, last: datetime | None, *, tz: str = "UTC",
                    currency: str | None = None, channels: tuple[str, ...] = (), limit: int = 6) -> list[Suggestion]:
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
        names = channel_list(d.window.channels, empty="all channels'")
        out.append(Suggestion(d.window, "detected", f"Found in your orders: {names} orders down "
                              f"{percent(d.drop_pct / 100)}, {local_window(d.window.start, d.window.end, tz, zone=True)}"))
    for w in load_catalog():
        if not (first <= w.start <= last) or any(overlap_hours(w, s.window) > 0 for s in out):
            continue
        out.append(Suggestion(w, "catalog", f"Known outage: {w.title}, {local_window(w.start, w.end, tz, zone=True)}"))
    return out[:limit]

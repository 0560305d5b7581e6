"""Outage windows found in the seller's own orders: spans where a channel sold far fewer orders than expected.

    hist = load_history(con)                      # impact.revenue
    result = detect_history(hist)                 # or detect(con)
    [d.message for d in result.detections]        # 'your Amazon orders dropped 91% on 2025-10-20 07:00–13:00 UTC —
                                                  #  matches the AWS us-east-1 outage (...)'

Method (docs/detect.md has the measured recall, false positives and speed):

1. Scan, one vectorised pass per channel, on order counts (an outage removes orders; revenue only adds the noise of
   basket values). The estimator's own baseline (impact.revenue: recent level x weekday factor x hour shape from the
   clean weeks before each day; holidays, promotions and other anomalous days left out) gives the expected orders of
   every bin of the history at once. Each day is scaled by the rest of that day, as the estimator's same-day feature
   does: for every run judged, the day's other bins, leaving out the run itself and the bins already flagged, shrunk
   towards the other channels' ratio that day (or the last week's for a one-channel seller) in proportion to how
   much the channel's days scatter. Runs of 1-12 hours (1-3 days for date-only exports) are scored by the negative
   binomial deviance with the noise fitted on the history, and a run counts when it lies more than z_flag robust
   units below expectation. Flag, rescale without the flagged bins, flag again until nothing changes; then once more
   with the flagged days left out of the baseline, so one outage does not lower the expectation for the next.
2. Flagged bins at most one bin apart are merged; the window is the span inside (plus two bins of room) that a drop
   explains best (maximum likelihood ratio, each bin paying EDGE_PENALTY so quiet hours at the edges stay out). It
   needs min_hours and min_expected_orders: a seller with a few orders a day cannot show an outage in one hour.
3. Confirm each candidate with the full estimator on that window (impact.revenue.estimate_event, every other
   candidate kept out of its baseline and placebos, so outages do not hide each other): the window's order shortfall
   must lie z_confirm robust spreads beyond the estimator's placebos (the same clock hours on other days, and on the
   same weekday) and its probability of an effect must reach min_p. Score = p_effect x share of orders lost.
4. Catalog outages inside the history where the scan found nothing are tested one by one on their own window: one
   test named in advance, so a smaller shortfall is evidence (Z_GUIDED, Z_CONFIRM_GUIDED, MIN_P_GUIDED).
5. Match confirmed windows to the outage catalog and say it in one sentence.

Steps 1, 2 and 4 are in detect_scan, 3 and 5 in detect_confirm, the returned types in detect_result; every public
name of those is importable from here.
"""

from __future__ import annotations

import time
from datetime import timedelta

from ..errors import InputError
from ..revenue import History, load_history
from ..settings import Settings
from ..windows import Window
from .detect_confirm import (
    FULL_DROP_PCT,
    MIN_P_EFFECT,
    MIN_P_GUIDED,
    MIN_SAME_WEEKDAY,
    Z_CONFIRM,
    Z_CONFIRM_GUIDED,
    confirm,
    placebo_z,
)
from .detect_result import Candidate, Detection, DetectResult
from .detect_scan import (
    CATALOG_SLACK,
    EDGE_PENALTY,
    EDGE_ROOM,
    ITERATIONS,
    MAX_WINDOW_HOURS,
    MIN_EXPECTED_ORDERS,
    MIN_SILENT_ORDERS,
    SCALES_DAILY,
    SCALES_HOURLY,
    SCAN_HISTORY_DAYS,
    Z_FLAG,
    Z_GUIDED,
    deviance_z,
    scan_history,
)

__all__ = [
    "CATALOG_SLACK",
    "EDGE_PENALTY",
    "EDGE_ROOM",
    "FULL_DROP_PCT",
    "ITERATIONS",
    "MAX_WINDOW_HOURS",
    "MIN_EXPECTED_ORDERS",
    "MIN_P_EFFECT",
    "MIN_P_GUIDED",
    "MIN_SAME_WEEKDAY",
    "MIN_SILENT_ORDERS",
    "SCALES_DAILY",
    "SCALES_HOURLY",
    "SCAN_HISTORY_DAYS",
    "Z_CONFIRM",
    "Z_CONFIRM_GUIDED",
    "Z_FLAG",
    "Z_GUIDED",
    "Candidate",
    "DetectResult",
    "Detection",
    "detect",
    "detect_history",
    "deviance_z",
    "placebo_z",
    "scan_history",
]


def detect_history(
    hist: History,
    *,
    channels: tuple[str, ...] = (),
    min_hours: float = 2,
    min_p: float = MIN_P_EFFECT,
    min_expected_orders: float = MIN_EXPECTED_ORDERS,
    z_flag: float = Z_FLAG,
    z_confirm: float = Z_CONFIRM,
    confidence: float = Settings.confidence,
    recovery_hours: float = Settings.recovery_hours,
    catalog: list[Window] | None = None,
) -> DetectResult:
    """Outage windows in a History: scan, confirm each candidate with estimate_event, match to the catalog
    (`catalog` None = the built-in one, [] = no matching)."""
    if not 0 <= min_p < 1:
        raise InputError("the minimum probability of an effect must be between 0 and 0.99, e.g. 0.9")
    if not 1 <= min_hours <= MAX_WINDOW_HOURS:
        raise InputError(f"the minimum window length must be between 1 and {MAX_WINDOW_HOURS} hours")
    unknown = [c for c in channels if c not in hist.channels]
    if unknown:
        raise InputError(f"no orders on {', '.join(unknown)}; channels in the data: {', '.join(hist.channels)}")
    t0 = time.perf_counter()
    cands, notes = scan_history(
        hist,
        channels=channels,
        min_hours=min_hours,
        min_expected_orders=min_expected_orders,
        z_flag=z_flag,
        catalog=catalog,
    )
    t1 = time.perf_counter()
    spans = [c.span(hist) for c in cands]
    detections: list[Detection] = []
    rejected: list[dict] = []
    for i, cand in enumerate(cands):
        # Every other candidate stays out of this one's baseline and placebos, with its recovery period.
        others = [(s, e + timedelta(hours=recovery_hours)) for j, (s, e) in enumerate(spans) if j != i]
        guided = cand.found_by == "catalog"
        out = confirm(
            hist,
            cand,
            spans[i],
            others,
            min_p=max(min_p, MIN_P_GUIDED) if guided else min_p,
            z_confirm=min(z_confirm, Z_CONFIRM_GUIDED) if guided else z_confirm,
            confidence=confidence,
            recovery_hours=recovery_hours,
            catalog=catalog,
        )
        (detections if isinstance(out, Detection) else rejected).append(out)
    daily = [c for c in (channels or tuple(hist.channels)) if hist.channels[c].slots == 1]
    if daily:
        notes.append(
            f"{', '.join(daily)} {'has' if len(daily) == 1 else 'have'} dates without times, so outages "
            "there are detected by whole days, not hours"
        )
    return DetectResult(
        detections,
        len(cands),
        rejected,
        hist.currency,
        notes + list(hist.notes),
        {"scan": t1 - t0, "confirm": time.perf_counter() - t1},
    )


def detect(con, *, currency: str | None = None, tz: str = "UTC", channels: tuple[str, ...] = (), **kw) -> DetectResult:
    """Outage windows in table `lines` of a session database; keywords as detect_history."""
    hist = load_history(con, currency=currency, tz=tz)
    return detect_history(hist, channels=tuple(c.strip().lower() for c in channels if c.strip()), **kw)

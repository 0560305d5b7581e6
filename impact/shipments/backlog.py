"""The shipping backlog: unshipped orders hour by hour against their usual level, when it cleared, and the
aftermath horizon that decides which orders count as caught in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb
import numpy as np

from .orders import HOUR_US, Prepared

# Orders due up to this long after the window may still be caught in the backlog; past it the link is too weak.
HORIZON_MIN_HOURS = 24.0
HORIZON_CAP_HOURS = 168.0
# Orders bought just after the horizon are kept out of the baseline too: a slow tail of the backlog would inflate it.
AFTERMATH_PAD_HOURS = 24.0
# Hours at the start of the data whose open-order count misses orders bought before the data began.
WARMUP_HOURS = 72
# The backlog counts as cleared once it has stayed inside its usual noise band for this many hours.
CLEAR_RUN_HOURS = 3

_DAY_US = 86_400_000_000
_UNIX_EPOCH = datetime(1970, 1, 1)


def _ceil_hour(col: str) -> str:
    return f"(date_trunc('hour', {col}) + CASE WHEN {col} > date_trunc('hour', {col}) THEN INTERVAL 1 HOUR ELSE INTERVAL 0 HOUR END)"


@dataclass
class Backlog:
    cleared: datetime | None
    extra_handling_hours: float | None
    peak_orders: float | None
    band: float | None


def measure_backlog(con: duckdb.DuckDBPyConnection, prep: Prepared) -> Backlog:
    """Hourly count of unshipped orders against its usual level at the same hour of the week.

    open(h) = orders bought by h and not shipped by h. The usual level is the median of open(h) at the same hour of
    the week over history outside the window and the following week (hour of day when fewer than 3 such weeks).
    The backlog is open - usual; it has cleared at the first hour after the window end from which it stays within the
    90th percentile of its usual excess for CLEAR_RUN_HOURS hours. Summing the backlog hour by hour from the window
    start to that moment gives the extra order-hours spent waiting for shipment (Little's law).
    """
    empty = Backlog(None, None, None, None)
    if prep.data_end is None:
        return empty
    series = con.execute(
        f"""WITH arr AS (SELECT {_ceil_hour("purchased_at")} AS h, count(*) AS n FROM "{prep.table}" GROUP BY 1),
        dep AS (SELECT {_ceil_hour("shipped_at")} AS h, count(*) AS n FROM "{prep.table}"
                WHERE shipped_at IS NOT NULL GROUP BY 1),
        grid AS (SELECT range AS h FROM range(
                    (SELECT date_trunc('hour', min(purchased_at)) FROM "{prep.table}"),
                    date_trunc('hour', $g1::TIMESTAMP) + INTERVAL 1 HOUR, INTERVAL 1 HOUR))
        SELECT epoch_us(grid.h) AS h,
               (sum(coalesce(arr.n, 0) - coalesce(dep.n, 0)) OVER (ORDER BY grid.h))::DOUBLE AS open
        FROM grid LEFT JOIN arr USING (h) LEFT JOIN dep USING (h) ORDER BY grid.h""",
        {"g1": prep.data_end},
    ).fetchnumpy()
    h = np.asarray(series["h"], dtype=np.int64)  # hour starts, microseconds since the Unix epoch (UTC)
    if len(h) == 0:
        return empty
    open_ = np.asarray(series["open"], dtype=float)
    start, end = _epoch_us(prep.start), _epoch_us(prep.end)
    after = end + int(HORIZON_CAP_HOURS * HOUR_US)
    base = ((h < start) | (h > after)) & (h >= h[0] + WARMUP_HOURS * HOUR_US)
    if base.sum() < 48:
        return empty
    hod = (h // HOUR_US) % 24
    how = ((h // _DAY_US + 3) % 7) * 24 + hod  # 1970-01-01 was a Thursday: +3 makes Monday 0
    b_open = open_[base]
    med_how, n_how = _group_median(how[base], b_open, 7 * 24)
    med_hod, _ = _group_median(hod[base], b_open, 24)
    usual = np.where(n_how >= 3, med_how, np.nan)[how]
    usual = np.where(np.isnan(usual), med_hod[hod], usual)
    usual = np.where(np.isnan(usual), float(np.median(b_open)), usual)
    excess = open_ - usual
    band = max(1.0, float(np.quantile(excess[base], 0.9)))
    after_end = np.flatnonzero(h >= end)
    within = excess <= band
    cleared_idx = None
    if len(within) >= CLEAR_RUN_HOURS:
        runs = np.lib.stride_tricks.sliding_window_view(within, CLEAR_RUN_HOURS).all(axis=1)
        candidates = after_end[after_end < len(runs)]
        hits = candidates[runs[candidates]]
        cleared_idx = int(hits[0]) if len(hits) else None
    in_window = h >= start
    stop = cleared_idx if cleared_idx is not None else len(excess)
    span = in_window.copy()
    span[stop:] = False
    extra = max(0.0, float(excess[span].sum())) if span.any() else 0.0
    peak = max(0.0, float(excess[span].max())) if span.any() else 0.0
    cleared = _UNIX_EPOCH + timedelta(microseconds=int(h[cleared_idx])) if cleared_idx is not None else None
    return Backlog(cleared, extra, peak, band)


def _epoch_us(value: datetime) -> int:
    """A naive-UTC (or aware) datetime -> microseconds since the Unix epoch, as DuckDB's epoch_us gives them."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return (value - _UNIX_EPOCH) // timedelta(microseconds=1)


def _group_median(keys: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Median of values per integer key in [0, size) (NaN for a key with no value) and the count per key.

    The middle pair is averaged as (a + b) / 2, the same arithmetic as numpy's and pandas' medians.
    """
    counts = np.bincount(keys, minlength=size)
    med = np.full(size, np.nan)
    if len(values):
        v = values[np.lexsort((values, keys))]
        first = np.cumsum(counts) - counts
        has = counts > 0
        lo = first[has] + (counts[has] - 1) // 2
        hi = first[has] + counts[has] // 2
        med[has] = (v[lo] + v[hi]) / 2
    return med, counts


def due_horizon(prep: Prepared, backlog: Backlog, horizon_hours: float | None) -> float:
    if horizon_hours is not None:
        return float(horizon_hours)
    if backlog.cleared is None:
        return HORIZON_CAP_HOURS
    hours = (backlog.cleared - prep.end).total_seconds() / 3600 + AFTERMATH_PAD_HOURS
    return min(HORIZON_CAP_HOURS, max(HORIZON_MIN_HOURS, hours))


def purchase_cutoff(prep: Prepared, horizon: float) -> datetime:
    """Purchase cut-off of the due set, rounded up to the hour so that it never splits an hour of the baseline."""
    cut = prep.end + timedelta(hours=horizon)
    floor = cut.replace(minute=0, second=0, microsecond=0)
    return floor if floor == cut else floor + timedelta(hours=1)


def horizon_reason(backlog: Backlog, horizon_hours: float | None, horizon: float) -> str:
    if horizon_hours is not None:
        return "as requested"
    if backlog.cleared is None:
        return "the 7-day cap, as the backlog was not seen to clear"
    if horizon <= HORIZON_MIN_HOURS:
        return "the 24 h minimum"
    if horizon >= HORIZON_CAP_HOURS:
        return "the 7-day cap"
    return "until the backlog cleared, plus 24 h"

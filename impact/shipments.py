"""Late shipments an outage caused, and the order list a seller needs to appeal them.

Marketplaces hold late shipments against a seller (Amazon's Late Shipment Rate) but have forgiven them after
platform outages when the seller listed the affected orders. This module answers, for one outage window:

* due: orders whose ship-by promise is at or after the window start and that were bought before the backlog cleared
  (plus a margin), i.e. the orders waiting to ship or arriving while shipping was disrupted (see ``definition``);
* late: how many of those shipped after the promise, or were still unshipped at the end of the data;
* late_expected: how many would have been late anyway, from the same seller's late rate outside the window;
* excess_late: late - late_expected, with an interval that is calibrated on placebo windows in the history;
* backlog_cleared / extra_handling_hours: when the pile of unshipped orders got back to its usual size, and the
  order-hours of extra waiting it cost.

Orders are the lines of the canonical ``lines`` table grouped by channel + order_id. All heavy lifting is DuckDB SQL;
Python only touches per-hour and per-stratum aggregates. pandas is imported only where a DataFrame is returned (the
evidence list): the summary path, which every `analyze` run takes, stays free of its import cost.
"""

from __future__ import annotations

import math
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import NormalDist
from typing import TYPE_CHECKING, NamedTuple

import duckdb
import numpy as np

from .errors import InputError
from .windows import Window, iso_utc

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_SLA_HOURS = 48.0
MAX_SLA_HOURS = 24.0 * 60
# Orders due up to this long after the window may still be caught in the backlog; past it the link is too weak.
HORIZON_MIN_HOURS = 24.0
HORIZON_CAP_HOURS = 168.0
# Orders bought just after the horizon are kept out of the baseline too: a slow tail of the backlog would inflate it.
AFTERMATH_PAD_HOURS = 24.0
# Baseline history on each side of the window; older behaviour says little about this week's warehouse.
HISTORY_DAYS = 91
# Pseudo-count pulling a sparse stratum's late rate towards its parent stratum (see _LEVELS).
SHRINK = 20.0
# e-folding time of the weight of a baseline order, by its distance in time from the window start.
RECENCY_DAYS = 28.0
MIN_PLACEBOS = 5
# Below this many orders outside the window a "normal" late rate is a guess: expected late is then left unknown.
MIN_BASELINE_ORDERS = 20
# Hours at the start of the data whose open-order count misses orders bought before the data began.
WARMUP_HOURS = 72
# The backlog counts as cleared once it has stayed inside its usual noise band for this many hours.
CLEAR_RUN_HOURS = 3
# Fulfilment channels run by the marketplace (FBA, WFS): they never count against the seller's late shipment rate.
MARKETPLACE_FULFILLED_SQL = (
    "(regexp_matches(lower(coalesce(fulfilment, '')), 'fba|afn|wfs|fulfilled by amazon|walmart fulfil')"
    " OR lower(coalesce(fulfilment, '')) IN ('amazon', 'amazon.com'))"
)

_EPOCH_MONDAY_US = 345_600_000_000  # 1970-01-05T00:00Z, a Monday, in microseconds since the Unix epoch
_WEEK_US = 7 * 86_400_000_000
_WORKWEEK_US = 5 * 86_400_000_000
_HOUR_US = 3_600_000_000
_DAY_US = 86_400_000_000
_UNIX_EPOCH = datetime(1970, 1, 1)

_ORDER_COLUMNS = ["order_id", "channel", "purchased_utc", "promise_utc", "shipped_utc", "hours_late"]


def _promise_sql(business_days: bool) -> str:
    """SQL for the SLA promise of an order from purchased_at, in UTC; $sla_us is the SLA in microseconds.

    Business days: the SLA clock only runs Monday to Friday (UTC). Time is mapped to a count of working
    microseconds since a Monday, the SLA is added there and the sum is mapped back; a promise that lands exactly at
    the end of a Friday becomes the following Monday 00:00, i.e. the weekend is never counted against the seller.
    """
    if not business_days:
        return "make_timestamp(epoch_us(purchased_at) + $sla_us)"
    since = f"(epoch_us(purchased_at) - {_EPOCH_MONDAY_US})"
    worked = f"(({since} // {_WEEK_US}) * {_WORKWEEK_US} + least({since} % {_WEEK_US}, {_WORKWEEK_US}))"
    target = f"({worked} + $sla_us)"
    return f"make_timestamp({_EPOCH_MONDAY_US} + ({target} // {_WORKWEEK_US}) * {_WEEK_US} + {target} % {_WORKWEEK_US})"


def _ceil_hour(col: str) -> str:
    return f"(date_trunc('hour', {col}) + CASE WHEN {col} > date_trunc('hour', {col}) THEN INTERVAL 1 HOUR ELSE INTERVAL 0 HOUR END)"


def _round(value: float | None, digits: int = 2) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return round(float(value), digits)


def _validate(sla_hours: float, confidence: float, horizon_hours: float | None) -> None:
    try:
        sla = float(sla_hours)
    except (TypeError, ValueError):
        raise InputError(f"the shipping SLA must be a number of hours, not '{sla_hours}'") from None
    if not (0 < sla <= MAX_SLA_HOURS):
        raise InputError(f"the shipping SLA must be between 0 and {MAX_SLA_HOURS:g} hours, not {sla:g}")
    try:
        conf = float(confidence)
    except (TypeError, ValueError):
        raise InputError(f"the confidence level must be a number between 0 and 1, not '{confidence}'") from None
    if not (0 < conf < 1):
        raise InputError(f"the confidence level must be between 0 and 1, not {confidence}")
    try:
        horizon = None if horizon_hours is None else float(horizon_hours)
    except (TypeError, ValueError):
        raise InputError(f"the aftermath horizon must be a number of hours, not '{horizon_hours}'") from None
    if horizon is not None and not (0 <= horizon <= 24 * 31):
        raise InputError(f"the aftermath horizon must be between 0 and {24 * 31} hours, not {horizon_hours}")


@dataclass
class _Prepared:
    """The per-order table of one analysis plus what was learnt while building it."""

    table: str
    channels: list[str]
    start: datetime
    end: datetime
    data_end: datetime | None  # earliest per-channel end of data: the open-order series stops there
    notes: list[str] = field(default_factory=list)
    no_ship_times: list[str] = field(default_factory=list)
    marketplace_fulfilled: int = 0


@contextmanager
def _orders(con: duckdb.DuckDBPyConnection, window: Window, sla_hours: float, business_days: bool):
    """Build a temporary per-order table for the window's channels; dropped when the block ends."""
    table = f"_ship_orders_{uuid.uuid4().hex[:12]}"
    notes: list[str] = []
    wanted = [c.lower() for c in window.channels]
    # An export holds a handful of distinct fulfilment values: the regexp runs once per (channel, value), not per line.
    # The same pass finds each channel's end of data (last purchase or shipment, whatever the line's status).
    groups = con.execute(
        f"""WITH g AS (SELECT channel, fulfilment, count(*) AS n, count(shipped_at) AS n_shipped,
                              max(greatest(purchased_at, coalesce(shipped_at, purchased_at))) AS last
                       FROM lines WHERE channel IS NOT NULL GROUP BY ALL)
            SELECT channel, fulfilment, n, n_shipped, last, {MARKETPLACE_FULFILLED_SQL} AS mf FROM g"""
    ).fetchall()
    seller: dict[str, int] = {}
    shipped: dict[str, int] = {}
    marketplace: dict[str, int] = {}
    marketplace_values: set[str] = set()
    channel_end: dict[str, datetime | None] = {}
    for channel, value, n, n_shipped, last, mf in groups:
        prev = channel_end.get(channel)
        channel_end[channel] = last if prev is None else prev if last is None else max(prev, last)
        seller[channel] = seller.get(channel, 0) + (0 if mf else n)
        shipped[channel] = shipped.get(channel, 0) + (0 if mf else n_shipped)
        marketplace[channel] = marketplace.get(channel, 0) + (n if mf else 0)
        if mf:  # never NULL: MARKETPLACE_FULFILLED_SQL reads a NULL fulfilment as '', which is seller-fulfilled
            marketplace_values.add(value)
    scope = [c for c in (wanted or sorted(seller)) if c in seller]
    missing = [c for c in wanted if c not in seller]
    if missing:
        notes.append("no orders from " + ", ".join(missing) + " in the data")
    all_fba = [c for c in scope if seller[c] == 0]
    if all_fba:
        notes.append(
            "every " + ", ".join(all_fba) + " order is fulfilled by the marketplace (FBA/WFS):"
            " its late shipments never count against the seller"
        )
    # Ship times must come from the seller-fulfilled lines themselves: FBA ship dates say nothing about them.
    no_times = [c for c in scope if seller[c] > 0 and shipped[c] == 0]
    if no_times:
        notes.append(
            "no ship times for seller-fulfilled orders in the "
            + ", ".join(no_times)
            + " export(s): late shipments cannot be measured there (export a report with ship dates)"
        )
    scope = [c for c in scope if shipped[c] > 0]
    fba = sum(marketplace.get(c, 0) for c in scope)
    if fba:
        notes.append(f"{fba} marketplace-fulfilled line(s) (FBA/WFS) left out: they never count against the seller")
    end = window.end
    ends = {c: channel_end[c] for c in scope}
    data_end = min((v for v in ends.values() if v is not None), default=None)
    if end is None:
        end = max((v for v in ends.values() if v is not None), default=window.start + timedelta(hours=1))
        end = max(end, window.start + timedelta(hours=1))
        notes.append(f"the outage is still open: the window is taken to end at the end of the data ({iso_utc(end)})")
    lo = window.start - timedelta(days=HISTORY_DAYS + 14)
    hi = end + timedelta(days=HISTORY_DAYS)
    con.execute(
        f"""CREATE TEMP TABLE "{table}" AS
        WITH l AS (
            SELECT channel, order_id, purchased_at, promised_at,
                   CASE WHEN shipped_at < purchased_at THEN purchased_at ELSE shipped_at END AS shipped_at
            FROM lines
            WHERE list_contains($ch, channel) AND order_id IS NOT NULL AND purchased_at IS NOT NULL
              AND purchased_at BETWEEN $lo AND $hi
              AND coalesce(status, '') <> 'cancelled'
              AND NOT (status = 'refunded' AND shipped_at IS NULL)
              AND NOT list_contains($mf::VARCHAR[], coalesce(fulfilment, ''))
        ), o AS (
            SELECT channel, order_id, min(purchased_at) AS purchased_at,
                   CASE WHEN count(shipped_at) = count(*) THEN max(shipped_at) END AS shipped_at,
                   max(promised_at) AS file_promise
            FROM l GROUP BY channel, order_id
        ), e AS (
            SELECT unnest($e_ch::VARCHAR[]) AS channel, unnest($e_end::TIMESTAMP[]) AS data_end
        ), p AS (
            SELECT o.*, e.data_end, file_promise IS NOT NULL AS promise_from_file,
                   coalesce(file_promise, {_promise_sql(business_days)}) AS promise
            FROM o JOIN e USING (channel)
        )
        SELECT *, promise < data_end AS due_known,
               promise < data_end AND (shipped_at IS NULL OR shipped_at > promise) AS late,
               CASE WHEN promise < data_end AND (shipped_at IS NULL OR shipped_at > promise)
                    THEN (epoch_us(coalesce(shipped_at, data_end)) - epoch_us(promise)) / {_HOUR_US}.0 END AS hours_late,
               isodow(purchased_at) AS dow, hour(purchased_at) AS hr, hour(purchased_at) // 6 AS blk,
               least(greatest((epoch_us(promise) - epoch_us(purchased_at)) // 86400000000, 0), 7)::INTEGER AS lead
        FROM p""",
        {
            "ch": scope or [""],
            "lo": lo,
            "hi": hi,
            "sla_us": int(round(float(sla_hours) * _HOUR_US)),
            "mf": sorted(marketplace_values),
            "e_ch": list(ends),
            "e_end": list(ends.values()),
        },
    )
    try:
        yield _Prepared(table, scope, window.start, end, data_end, notes, no_times, fba)
    finally:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
        con.execute(f'DROP TABLE IF EXISTS "{table}_rates"')


@dataclass
class _Backlog:
    cleared: datetime | None
    extra_handling_hours: float | None
    peak_orders: float | None
    band: float | None


def _backlog(con: duckdb.DuckDBPyConnection, prep: _Prepared) -> _Backlog:
    """Hourly count of unshipped orders against its usual level at the same hour of the week.

    open(h) = orders bought by h and not shipped by h. The usual level is the median of open(h) at the same hour of
    the week over history outside the window and the following week (hour of day when fewer than 3 such weeks).
    The backlog is open - usual; it has cleared at the first hour after the window end from which it stays within the
    90th percentile of its usual excess for CLEAR_RUN_HOURS hours. Summing the backlog hour by hour from the window
    start to that moment gives the extra order-hours spent waiting for shipment (Little's law).
    """
    empty = _Backlog(None, None, None, None)
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
    after = end + int(HORIZON_CAP_HOURS * _HOUR_US)
    base = ((h < start) | (h > after)) & (h >= h[0] + WARMUP_HOURS * _HOUR_US)
    if base.sum() < 48:
        return empty
    hod = (h // _HOUR_US) % 24
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
    return _Backlog(cleared, extra, peak, band)


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


def _horizon(prep: _Prepared, backlog: _Backlog, horizon_hours: float | None) -> float:
    if horizon_hours is not None:
        return float(horizon_hours)
    if backlog.cleared is None:
        return HORIZON_CAP_HOURS
    hours = (backlog.cleared - prep.end).total_seconds() / 3600 + AFTERMATH_PAD_HOURS
    return min(HORIZON_CAP_HOURS, max(HORIZON_MIN_HOURS, hours))


def _until(prep: _Prepared, horizon: float) -> datetime:
    """Purchase cut-off of the due set, rounded up to the hour so that it never splits an hour of the baseline."""
    cut = prep.end + timedelta(hours=horizon)
    floor = cut.replace(minute=0, second=0, microsecond=0)
    return floor if floor == cut else floor + timedelta(hours=1)


def _horizon_reason(backlog: _Backlog, horizon_hours: float | None, horizon: float) -> str:
    if horizon_hours is not None:
        return "as requested"
    if backlog.cleared is None:
        return "the 7-day cap, as the backlog was not seen to clear"
    if horizon <= HORIZON_MIN_HOURS:
        return "the 24 h minimum"
    if horizon >= HORIZON_CAP_HOURS:
        return "the 7-day cap"
    return "until the backlog cleared, plus 24 h"


def _definition(
    sla_hours: float, business_days: bool, start: datetime, until: datetime, horizon: float, reason: str
) -> str:
    sla = f"{sla_hours:g} {'business (Mon-Fri UTC) ' if business_days else ''}hours after purchase"
    return (
        f"Due: non-cancelled, seller-fulfilled orders (lines grouped by channel + order id) whose ship-by promise is "
        f"at or after the window start {iso_utc(start)} and before the end of the data, and that were bought by "
        f"{iso_utc(until)} (window end + {horizon:g} h: {reason}): the orders "
        f"waiting to ship, or arriving, while shipping was disrupted. Promise: the ship-by date in the file where "
        f"there is one, otherwise {sla}. Late: shipped (last line) after the promise, or still unshipped at the end "
        f"of the data. Expected late: the seller's own late rate for orders of the same channel, purchase weekday "
        f"and hour and days of lead time to the promise, from the orders outside that set."
    )


# Strata of the baseline late rate, coarse to fine. Lateness is driven by when an order reaches the warehouse
# relative to its working hours and cut-offs (purchase weekday and hour) and by how long the promise gives it
# (whole days of lead time); each finer level is shrunk towards the level above it.
_LEVELS = (
    ("channel",),
    ("channel", "dow"),
    ("channel", "dow", "blk"),
    ("channel", "dow", "hr"),
    ("channel", "dow", "hr", "lead"),
)
_CELL = "channel, dow, hr, lead"


def _due_ctes(table: str) -> str:
    """CTEs t (orders with a known outcome) and base (those outside the excluded set); $s and $ex as in _rates_cte."""
    return f't AS (SELECT * FROM "{table}" WHERE due_known),\n    ' + (
        "base AS (SELECT * FROM t WHERE NOT (promise >= $s AND purchased_at <= $ex))"
    )


def _rates_cte(table: str) -> str:
    """CTEs giving each stratum (channel, purchase weekday, purchase hour, lead days) its shrunken baseline late rate.

    Expects $s (window start) and $ex (purchase cut-off of the excluded set) as parameters: the baseline is every
    order with a known outcome outside {promise >= $s and bought by $ex}. n_eff is the cell's own count plus the
    pseudo-count, used for the variance of the rate.
    """
    a = SHRINK
    parts = [
        _due_ctes(table),
        # Recent weeks say more about the warehouse during the outage than weeks long ago (staffing, season).
        f"wb AS (SELECT *, exp(-abs(epoch(purchased_at) - epoch($s::TIMESTAMP)) / {RECENCY_DAYS * 86400.0}) AS w FROM base)",
        "p_all AS (SELECT coalesce(sum(w * late::INT) / nullif(sum(w), 0), 0) AS p FROM wb)",
        "strata AS (SELECT DISTINCT channel, dow, blk, hr, lead FROM t)",
    ]
    prev_p = "(SELECT p FROM p_all)"
    prev = "strata"
    for i, keys in enumerate(_LEVELS):
        cols = ", ".join(keys)
        parts.append(f"L{i} AS (SELECT {cols}, sum(w) AS n, sum(w * late::INT) AS k FROM wb GROUP BY ALL)")
        parts.append(
            f"r{i} AS (SELECT {prev}.*, (coalesce(L{i}.k, 0) + {a} * {prev_p}) / (coalesce(L{i}.n, 0) + {a}) AS p{i},"
            f" coalesce(L{i}.n, 0) AS n{i} FROM {prev} LEFT JOIN L{i} USING ({cols}))"
        )
        prev_p, prev = f"p{i}", f"r{i}"
    last = len(_LEVELS) - 1
    parts.append("craw AS (SELECT channel, count(*) AS n_raw FROM base GROUP BY ALL)")
    # pv keeps the estimation variance of a rate estimated as 0 (or 1) from few orders away from zero.
    parts.append(
        f"rates AS (SELECT {_CELL}, coalesce(craw.n_raw, 0) AS n_c, p0 AS p_c, p{last} AS p, n{last} + {a} AS n_eff,"
        f" least(greatest(p{last}, 1.0 / (n{last} + {a})), 1 - 1.0 / (n{last} + {a})) AS pv"
        f" FROM r{last} LEFT JOIN craw USING (channel))"
    )
    return ",\n    ".join(parts) + "\n"


def _placebo_offsets(prep: _Prepared, first_promise: datetime | None, until: datetime, ex_end: datetime) -> list[int]:
    """Whole-day shifts (in hours) of the due set that stay inside the data and clear of the window's own set."""
    if first_promise is None or prep.data_end is None:
        return []
    lo = first_promise + timedelta(hours=WARMUP_HOURS)
    hi = prep.data_end - timedelta(hours=WARMUP_HOURS)
    out = []
    for k in range(-HISTORY_DAYS, HISTORY_DAYS + 1):
        s, u = prep.start + timedelta(days=k), until + timedelta(days=k)
        if k == 0 or s < lo or u > hi:
            continue
        if u >= prep.start and s <= ex_end:  # bought during the window's own disrupted span
            continue
        out.append(k * 24)
    return out


def _analyse(con, window: Window, sla_hours, business_days, confidence, horizon_hours, evidence: bool):
    _validate(sla_hours, confidence, horizon_hours)
    with _orders(con, window, sla_hours, business_days) as prep:
        result, until = _analyse_prepared(con, prep, float(sla_hours), business_days, float(confidence), horizon_hours)
        orders = _evidence(con, prep, until) if evidence else None
    return result, orders


def _evidence(con, prep: _Prepared, until: datetime) -> pd.DataFrame:
    if not prep.channels:
        return _empty_orders()
    df = con.execute(
        f"""SELECT order_id, channel, date_trunc('second', purchased_at) AS purchased_utc,
                   date_trunc('second', promise) AS promise_utc, date_trunc('second', shipped_at) AS shipped_utc,
                   round(hours_late, 2) AS hours_late
            FROM "{prep.table}"
            WHERE late AND due_known AND promise >= $s AND purchased_at <= $u
            ORDER BY promise, channel, order_id""",
        {"s": prep.start, "u": until},
    ).df()
    return df[_ORDER_COLUMNS]


class _PerChannel(NamedTuple):
    """One row of the per-channel due-set query in _analyse_prepared."""

    channel: str
    m: int
    late: int
    e: float
    v1: float
    unshipped: int
    hours_late: float
    p_c: float
    n_c: int
    from_file: float


def _analyse_prepared(con, prep: _Prepared, sla_hours, business_days, confidence, horizon_hours):
    """(result dict, purchase cut-off of the due set)."""
    notes = list(prep.notes)
    backlog = _backlog(con, prep)
    horizon = _horizon(prep, backlog, horizon_hours)
    until = _until(prep, horizon)
    ex_end = until + timedelta(hours=AFTERMATH_PAD_HOURS)
    result: dict = {
        "due": 0,
        "late": 0,
        "late_expected": 0.0,
        "excess_late": 0.0,
        "excess_late_low": 0.0,
        "excess_late_high": 0.0,
        "backlog_cleared": iso_utc(backlog.cleared),
        "extra_handling_hours": _round(backlog.extra_handling_hours, 1),
        "peak_backlog_orders": _round(backlog.peak_orders, 1),
        "unshipped_late": 0,
        "hours_late_total": 0.0,
        "due_from": iso_utc(prep.start),
        "bought_until": iso_utc(until),
        "horizon_hours": _round(horizon, 1),
        "sla_hours": sla_hours,
        "business_days": bool(business_days),
        "confidence": confidence,
        "channels": prep.channels,
        "by_channel": {},
        "placebos": 0,
        "overdispersion": None,
        "available": bool(prep.channels),
        "definition": _definition(
            sla_hours, business_days, prep.start, until, horizon, _horizon_reason(backlog, horizon_hours, horizon)
        ),
        "notes": notes,
    }
    if not prep.channels:
        notes.append("no seller-fulfilled order in the data has a ship time: late shipments cannot be measured")
        return result, until
    pending = con.execute(
        f"""SELECT count(*) FROM "{prep.table}" WHERE NOT due_known AND promise >= $s AND purchased_at <= $u""",
        {"s": prep.start, "u": until},
    ).fetchone()[0]
    result["not_yet_due"] = int(pending)
    if pending:
        notes.append(
            f"{pending} order(s) bought in the period were not yet due at the end of their channel's data:"
            " whether they ship on time is not known yet, so they are not counted"
        )
    if backlog.cleared is None and backlog.band is not None:
        notes.append("the unshipped-order backlog had not cleared by the end of the data")
    elif backlog.band is None:
        notes.append("too little history to tell the usual number of unshipped orders: backlog not measured")
    params = {"s": prep.start, "u": until, "ex": ex_end}
    # Three queries below read the strata rates: computing them once instead of per query saves ~25% of the
    # analysis time on large histories. _orders drops the table with the order table.
    con.execute(
        f'CREATE TEMP TABLE "{prep.table}_rates" AS WITH {_rates_cte(prep.table)} SELECT * FROM rates',
        {"s": prep.start, "ex": ex_end},
    )
    rates = f'{_due_ctes(prep.table)},\n    rates AS (SELECT * FROM "{prep.table}_rates")\n'
    per = con.execute(
        f"""WITH {rates}
        SELECT t.channel, count(*) AS m, sum(late::INT) AS late, sum(p) AS e, sum(p * (1 - p)) AS v1,
               sum(CASE WHEN late AND shipped_at IS NULL THEN 1 ELSE 0 END) AS unshipped,
               coalesce(sum(hours_late), 0) AS hours_late, any_value(p_c) AS p_c, any_value(n_c) AS n_c,
               avg(promise_from_file::INT) AS from_file
        FROM t JOIN rates USING ({_CELL})
        WHERE promise >= $s AND purchased_at <= $u GROUP BY t.channel ORDER BY t.channel""",
        params,
    ).fetchall()
    # Estimation variance of the expected count: strata are estimated separately, so squares add per stratum.
    v2 = dict(
        con.execute(
            f"""WITH {rates}, d AS (
                SELECT {_CELL}, count(*) AS m FROM t WHERE promise >= $s AND purchased_at <= $u GROUP BY ALL)
            SELECT d.channel, sum(m * m * pv * (1 - pv) / n_eff) FROM d JOIN rates USING ({_CELL})
            GROUP BY d.channel""",
            params,
        ).fetchall()
    )
    first_promise = con.execute(f'SELECT min(promise) FROM "{prep.table}"').fetchone()[0]
    offsets = _placebo_offsets(prep, first_promise, until, ex_end)
    phi, n_placebo = 1.0, 0
    if offsets:
        # Placebo sets: the same shape shifted by whole days, restricted to baseline orders. The spread of their
        # late-minus-expected, against the binomial variance, measures how lumpy lateness is for this seller (a
        # warehouse that misses a whole day's cut-off makes a batch late at once).
        plac = con.execute(
            f"""WITH {rates}, off AS (SELECT unnest($offs::INTEGER[]) AS o),
            x AS (SELECT off.o, b.channel, b.dow, b.hr, b.lead, b.late FROM off JOIN base b
                  ON b.promise >= $s + to_hours(off.o) AND b.purchased_at <= $u + to_hours(off.o)),
            g AS (SELECT o, {_CELL}, count(*) AS m, sum(late::INT) AS k FROM x GROUP BY ALL)
            SELECT o, sum(k) - sum(m * p) AS resid, sum(m * p * (1 - p)) + sum(m * m * pv * (1 - pv) / n_eff) AS v
            FROM g JOIN rates USING ({_CELL}) GROUP BY o""",
            {**params, "offs": offsets},
        ).fetchall()
        z2 = {o: r * r / v for o, r, v in plac if v and v > 0}
        n_placebo = len(z2)
        if n_placebo >= MIN_PLACEBOS:
            phi = max(1.0, float(np.mean(list(z2.values()))))
            # Lateness often clusters on particular weekdays (the Monday after a weekend): shifts by whole weeks
            # compare like with like, so when there are enough of them they may only widen the interval.
            weekly = [v for o, v in z2.items() if o % 168 == 0]
            if len(weekly) >= MIN_PLACEBOS:
                phi = max(phi, float(np.mean(weekly)))
    n_base = con.execute(
        f"""SELECT count(*) FROM "{prep.table}" WHERE due_known AND NOT (promise >= $s AND purchased_at <= $ex)""",
        {"s": prep.start, "ex": ex_end},
    ).fetchone()[0]
    result["baseline_orders"] = int(n_base)
    known = n_base >= MIN_BASELINE_ORDERS
    if not known:
        # Without enough orders outside the window there is no normal late rate to compare with: say so, guess nothing.
        notes.append(
            f"only {n_base} order(s) outside the window and its aftermath (at least {MIN_BASELINE_ORDERS} needed):"
            " the late count cannot be compared with a normal late rate, so expected and excess late are unknown"
        )
    elif n_placebo < MIN_PLACEBOS:
        notes.append("too few placebo windows in the history: the interval assumes binomial variation only")
    result["placebos"] = n_placebo
    result["overdispersion"] = _round(phi, 3)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)

    def _estimate(late: float, e: float, v: float) -> dict:
        if not known:
            return dict.fromkeys(
                ("late_expected", "excess_late", "excess_late_low", "excess_late_high", "excess_late_raw")
            )
        raw = late - e
        sd = math.sqrt(max(phi * v, 0.0))
        return {
            "late_expected": _round(e),
            # Physically 0 <= excess <= late: an outage cannot un-late an order, nor cause more lates than exist.
            "excess_late": _round(min(max(raw, 0.0), late)),
            "excess_late_low": _round(min(max(raw - z * sd, 0.0), late)),
            "excess_late_high": _round(min(max(raw + z * sd, 0.0), late)),
            "excess_late_raw": _round(raw),
        }

    tot = {"m": 0, "late": 0, "e": 0.0, "v": 0.0, "unshipped": 0, "hours": 0.0}
    for row in map(_PerChannel._make, per):  # one row per channel
        v = float(row.v1) + float(v2.get(row.channel, 0.0))
        result["by_channel"][row.channel] = {
            "due": int(row.m),
            "late": int(row.late),
            **_estimate(float(row.late), float(row.e), v),
            "baseline_late_rate": _round(row.p_c, 4),
            "baseline_orders": int(row.n_c),
            "promise_from_file_share": _round(row.from_file, 3),
            "unshipped_late": int(row.unshipped),
        }
        if not known:
            pass
        elif row.n_c == 0:
            notes.append(
                f"no {row.channel} orders outside the window: its expected late count uses the other "
                "channels' late rate"
            )
        elif row.n_c < 30:
            notes.append(
                f"only {int(row.n_c)} {row.channel} orders outside the window: its expected late count is rough"
            )
        tot["m"] += int(row.m)
        tot["late"] += int(row.late)
        tot["e"] += float(row.e)
        tot["v"] += v
        tot["unshipped"] += int(row.unshipped)
        tot["hours"] += float(row.hours_late)
    result.update(
        {
            "due": tot["m"],
            "late": tot["late"],
            **_estimate(float(tot["late"]), tot["e"], tot["v"]),
            "unshipped_late": tot["unshipped"],
            "hours_late_total": _round(tot["hours"], 1),
        }
    )
    if tot["m"] == 0:
        notes.append("no order was due to ship in the window or its aftermath")
    return result, until


def shipment_impact(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    *,
    sla_hours: float = DEFAULT_SLA_HOURS,
    business_days: bool = False,
    confidence: float = 0.9,
    horizon_hours: float | None = None,
) -> dict:
    """Late shipments the outage in `window` caused, with an interval, the backlog and the definition used.

    window.channels limits the analysis to those channels (empty: every channel with ship times). The due set is the
    orders whose promise is at or after the window start and that were bought by window end + horizon_hours; by
    default the horizon runs until the backlog cleared plus 24 h, between 24 h and 7 days.
    """
    return _analyse(con, window, sla_hours, business_days, confidence, horizon_hours, evidence=False)[0]


def affected_orders(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    *,
    sla_hours: float = DEFAULT_SLA_HOURS,
    business_days: bool = False,
    horizon_hours: float | None = None,
) -> pd.DataFrame:
    """The evidence list: every order of shipment_impact's due set that shipped late or is still unshipped.

    Columns: order_id, channel, purchased_utc, promise_utc, shipped_utc (empty while unshipped), hours_late (to the
    shipment, or to the end of the data for unshipped orders), sorted by promise.
    """
    return _analyse(con, window, sla_hours, business_days, 0.9, horizon_hours, evidence=True)[1]


def shipment_report(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    *,
    sla_hours: float = DEFAULT_SLA_HOURS,
    business_days: bool = False,
    confidence: float = 0.9,
    horizon_hours: float | None = None,
) -> tuple[dict, pd.DataFrame]:
    """shipment_impact and affected_orders from one pass: the summary and the evidence rows of the same order set."""
    return _analyse(con, window, sla_hours, business_days, confidence, horizon_hours, evidence=True)


def _empty_orders() -> pd.DataFrame:
    import pandas as pd  # only callers that want the evidence frame pay for importing pandas

    return pd.DataFrame(
        {
            "order_id": pd.Series(dtype="str"),
            "channel": pd.Series(dtype="str"),
            "purchased_utc": pd.Series(dtype="datetime64[us]"),
            "promise_utc": pd.Series(dtype="datetime64[us]"),
            "shipped_utc": pd.Series(dtype="datetime64[us]"),
            "hours_late": pd.Series(dtype="float64"),
        }
    )

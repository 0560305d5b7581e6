"""Order history on a grid of local days x hourly (or daily) bins: the DuckDB aggregation the estimator reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from ..errors import InputError, MixedCurrencyError

METRICS = ("revenue", "orders", "units")
REV, ORD, UNI = 0, 1, 2


@dataclass
class ChannelSeries:
    """One channel's history on the common day grid."""

    name: str
    slots: int  # 24 for hourly data, 1 for date-only exports
    values: np.ndarray  # (3, n_days, slots): revenue, orders, units per bin
    q: np.ndarray  # (3,) E[x^2]/E[x] per order: variance of a bin's total is about q x its mean (compound Poisson)
    unit: np.ndarray  # (3,) mean per order: order value, 1, units per order
    first_day: int  # first and last day with an order
    last_day: int
    marketplaces: list[str] = field(default_factory=list)

    @property
    def hours_per_bin(self) -> int:
        return 24 // self.slots


@dataclass
class History:
    """All channels on one grid of local days; day 0 starts at `day0` (naive UTC)."""

    day0: datetime
    n_days: int
    utc_offset: timedelta
    channels: dict[str, ChannelSeries]
    currency: str = ""
    first_order: datetime | None = None
    last_order: datetime | None = None
    tz: str = "UTC"
    notes: list[str] = field(default_factory=list)  # caveats about the data itself, for the report

    @property
    def dow0(self) -> int:
        return (self.day0 + self.utc_offset).weekday()

    def day_start(self, day: int) -> datetime:
        return self.day0 + timedelta(days=day)


def _local_offset(tz: str, at: datetime) -> timedelta:
    """The zone's UTC offset at one instant. One fixed offset keeps every day 24 hours long; across a DST change the
    history on the other side is one hour off, which the shape estimate tolerates."""
    try:
        zone = ZoneInfo(tz)
    except Exception:  # noqa: BLE001 - ZoneInfo raises several kinds for bad names
        raise InputError(f"unknown time zone '{tz}': use an IANA name such as Europe/Berlin") from None
    return zone.utcoffset(at) or timedelta(0)


def _pick_currency(found: list[tuple[str, int]], currency: str | None) -> str:
    """The single currency to analyse, from (currency, lines) most lines first; refuses to add up several."""
    if not found:
        raise InputError("no orders to analyse: the files contain no order lines that are not cancelled")
    if currency:
        code = currency.strip().upper()
        if code not in {c for c, _ in found}:
            raise InputError(f"no orders in {code}; the data has {', '.join(c or '(none)' for c, _ in found)}")
        return code
    if len(found) > 1:
        listed = ", ".join(f"{c or '(none)'} ({n:,} lines)" for c, n in found)
        raise MixedCurrencyError(
            f"the orders are in several currencies: {listed}; choose one with --currency {found[0][0]}"
        )
    return found[0][0]


def load_history(con, *, currency: str | None = None, tz: str = "UTC", at: datetime | None = None) -> History:
    """Aggregate table `lines` into a History (cancelled lines excluded, one currency).

    tz defines the local day used for daily shocks and weekday seasonality; its offset at `at` (the first window)
    is used throughout.
    """
    # One grouped scan gives the currencies, each channel's share of date-only lines, line count and span, and
    # the revenue per marketplace (three scans of every line before).
    groups = con.execute(
        """SELECT currency, channel, marketplace, count(*),
                  count(*) FILTER (purchased_at IS NOT NULL),
                  count(*) FILTER (purchased_at IS NOT NULL AND time_precision = 'day'),
                  min(purchased_at), max(purchased_at),
                  sum(coalesce(revenue, 0)) FILTER (purchased_at IS NOT NULL)::DOUBLE
           FROM lines WHERE status IS DISTINCT FROM 'cancelled' GROUP BY ALL"""
    ).fetchall()
    found: dict[str, int] = {}
    for g in groups:
        found[g[0] or ""] = found.get(g[0] or "", 0) + int(g[3])
    cur = _pick_currency(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])), currency)
    # this currency's groups with a purchase time (NULL currency never equals the chosen one, as in `where`)
    mine = [g for g in groups if g[0] is not None and g[0] == cur and g[4]]
    where = "status IS DISTINCT FROM 'cancelled' AND currency IS NOT DISTINCT FROM $cur AND purchased_at IS NOT NULL"
    if not mine:
        raise InputError("no orders with a purchase time to analyse")
    first = min(g[6] for g in mine)
    last = max(g[7] for g in mine)
    counts: dict[str, list[int]] = {}  # channel -> [lines, date-only lines]
    for _, ch, _, _, n, n_day, _, _, _ in mine:
        acc = counts.setdefault(ch, [0, 0])
        acc[0] += n
        acc[1] += n_day
    per_channel = [(ch, n_day / n, n) for ch, (n, n_day) in sorted(counts.items())]
    markets = sorted(((g[1], g[2], g[8]) for g in mine), key=lambda m: (-(m[2] or 0), m[0], m[1] or ""))
    offset = _local_offset(tz, at or first)
    local_first = first + offset
    day0 = datetime(local_first.year, local_first.month, local_first.day) - offset
    n_days = int(((last + offset) - (day0 + offset)).total_seconds() // 86400) + 1
    params = {"cur": cur, "day0": day0}
    daily = {ch for ch, share, _ in per_channel if share >= 0.5}
    notes = []
    for ch, share, _ in per_channel:
        if 0.01 <= share < 0.5:
            notes.append(
                f"{share:.0%} of {ch} lines have a date but no time; they are counted at the start of "
                "their day, so hourly figures around midnight are rough"
            )
        elif 0.5 <= share < 0.99:
            notes.append(
                f"{1 - share:.0%} of {ch} lines have a time but most have only a date; {ch} is analysed by whole days"
            )
    # Date-only lines sit at local midnight of the zone they were imported with; rounding to the nearest midnight
    # keeps them on their day even if this analysis uses another zone. Orders are counted by distinct 64-bit hash
    # of the id (a collision among one hour's orders has odds ~1e-13; hashing first makes the count ~25% faster).
    rows = con.execute(
        f"""WITH l AS (
                SELECT channel, order_id, revenue, quantity,
                       (epoch(purchased_at) - epoch($day0::TIMESTAMP)) / 3600.0 AS h, time_precision = 'day' AS dated
                FROM lines WHERE {where})
            SELECT channel, CAST(floor(CASE WHEN dated THEN floor((h + 12) / 24) * 24 ELSE h END) AS BIGINT) AS hb,
                   sum(coalesce(revenue, 0))::DOUBLE AS rev, count(DISTINCT hash(order_id)) AS n,
                   sum(coalesce(quantity, 1)) AS qty
            FROM l GROUP BY ALL""",
        params,
    ).fetchnumpy()
    channels: dict[str, ChannelSeries] = {}
    ch_col = rows["channel"]
    for name, _, n_lines in per_channel:
        sel = ch_col == name
        hb = rows["hb"][sel].astype(np.int64)
        hb = np.clip(hb, 0, n_days * 24 - 1)
        slots = 1 if name in daily else 24
        vals = np.zeros((3, n_days * slots))
        idx = hb // (24 // slots)
        for m, col in enumerate(("rev", "n", "qty")):
            np.add.at(vals[m], idx, rows[col][sel].astype(float))
        sums = vals.sum(axis=1)
        n = max(sums[ORD], 1.0)
        # Basket-size spread (E[x^2]/E[x] per order) from a hash sample of whole orders: grouping millions of
        # orders by id costs more than everything else in an analysis, and ~50,000 orders pin it down.
        mod = max(1, int(n_lines) // 75_000)
        sr2, sr, su2, su = con.execute(
            f"""SELECT sum(r * r)::DOUBLE, sum(r)::DOUBLE, sum(u * u), sum(u) FROM (
                    SELECT sum(coalesce(revenue, 0)) AS r, sum(coalesce(quantity, 1)) AS u FROM lines
                    WHERE {where} AND channel = $ch AND hash(order_id) % $mod::UBIGINT = 0 GROUP BY order_id)""",
            {"cur": cur, "ch": name, "mod": mod},
        ).fetchall()[0]
        unit = np.array([sums[REV] / n, 1.0, sums[UNI] / n])
        q = np.array([sr2 / sr if sr else unit[REV], 1.0, su2 / su if su else unit[UNI]])
        q = np.maximum(q, np.abs(unit))  # E[x^2]/E[x] >= E[x]; also covers an empty sample
        days_with = np.nonzero(vals[ORD].reshape(n_days, slots).sum(axis=1))[0]
        channels[name] = ChannelSeries(
            name,
            slots,
            vals.reshape(3, n_days, slots),
            q,
            unit,
            int(days_with[0]) if len(days_with) else 0,
            int(days_with[-1]) if len(days_with) else -1,
            [mk for ch, mk, _ in markets if ch == name],
        )
    return History(day0, n_days, offset, channels, cur, first, last, tz, notes)


def history_from_orders(
    day0: datetime,
    n_days: int,
    names: list[str],
    channel: np.ndarray,
    hours: np.ndarray,
    revenue: np.ndarray,
    units: np.ndarray,
    *,
    daily: frozenset[str] = frozenset(),
    currency: str = "",
) -> History:
    """A History from order-level arrays (benchmarks, tests): channel index into `names`, hours since day0 (UTC
    midnight), order revenue and units. Same aggregation as load_history, without DuckDB."""
    channels: dict[str, ChannelSeries] = {}
    hb = np.clip(np.floor(hours).astype(np.int64), 0, n_days * 24 - 1)
    for i, name in enumerate(names):
        sel = channel == i
        slots = 1 if name in daily else 24
        idx = hb[sel] // (24 // slots)
        vals = np.zeros((3, n_days * slots))
        vals[REV] = np.bincount(idx, weights=revenue[sel], minlength=n_days * slots)
        vals[ORD] = np.bincount(idx, minlength=n_days * slots)
        vals[UNI] = np.bincount(idx, weights=units[sel], minlength=n_days * slots)
        n = max(int(sel.sum()), 1)
        rs, us = float(revenue[sel].sum()), float(units[sel].sum())
        q = np.array(
            [
                float((revenue[sel] ** 2).sum()) / rs if rs > 0 else 1.0,
                1.0,
                float((units[sel] ** 2).sum()) / us if us > 0 else 1.0,
            ]
        )
        unit = np.array([rs / n, 1.0, us / n])
        days_with = np.unique(hb[sel] // 24)
        channels[name] = ChannelSeries(
            name,
            slots,
            vals.reshape(3, n_days, slots),
            q,
            unit,
            int(days_with[0]) if len(days_with) else 0,
            int(days_with[-1]) if len(days_with) else -1,
            [name],
        )
    first = day0 + timedelta(hours=float(hours.min())) if len(hours) else None
    last = day0 + timedelta(hours=float(hours.max())) if len(hours) else None
    return History(day0, n_days, timedelta(0), channels, currency, first, last)

"""Counterfactual sales for an outage window: what the affected channels would have sold, with a calibrated interval.

Method (docs/revenue.md has the measured accuracy):

1. Orders are aggregated per channel into a grid of local days x 24 hourly bins (one daily bin for date-only
   exports), for three metrics: revenue, orders, units.
2. A baseline E0 per bin = recent daily level x day-of-week factor x share of the day in that hour, estimated from
   the weeks before the day in question. Days with other outages, holidays and promotions (robust z-score of the day
   total against the same weekday of neighbouring weeks) are left out of it.
3. The baseline is corrected for the day the outage fell on with a small ridge regression on ratio features that
   the outage cannot contaminate: the channel's own hours of the same days outside the outage and recovery period,
   the unaffected channels on the same days (demand shocks are shared), and the last week. The regression is fitted
   on placebo copies of the window: the same clock hours shifted by whole days, before and after, where nothing
   happened.
4. The leave-one-out errors of those placebos are the calibration set: a conformal interval of the studentised
   errors gives the interval for lost revenue, and the placebo rank of the observed loss gives p_effect. Sparse
   sellers get wide intervals because their placebos scatter widely, not because a formula says so.

Everything is numpy on arrays of (placebos x bins); no loop runs over orders.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from .errors import InputError, MixedCurrencyError, WindowError
from .windows import iso_utc

METRICS = ("revenue", "orders", "units")
REV, ORD, UNI = 0, 1, 2

LOOKBACK_DAYS = 84  # day-of-week factors and the hour shapes
LEVEL_DAYS = 28  # the recent level and the pooled hour shape
MIN_HISTORY_DAYS = 7  # below this there is no baseline at all
THIN_HISTORY_DAYS = 28
MAX_SHIFT_DAYS = 182
MAX_PLACEBOS = 120
MIN_PLACEBOS_CONFORMAL = 19  # a finite two-sided 90% conformal interval needs n >= 19
ANOMALY_Z = 3.5
CONTEXT_HOURS = 6  # hours before the window shown in the hourly series
RIDGE_PSEUDO = 2.0  # each regression coefficient is pulled to 0 by this many placebo-equivalents
RATIO_GUARD = True  # sparse sellers: the interval is also at least as wide as placebo actual/predicted ratios give
ORDER_SLOPES = True  # revenue and units reuse the slopes fitted on order counts
SHOCK_VAR = 0.01  # relative variance of a window total beyond Poisson, for weighting placebos
HUBER_K = 2.5  # placebos beyond this many noise SDs are down-weighted in the fit (not in the calibration)
SHAPE_PRIORS = (400.0, 1200.0, 5000.0)  # orders' worth: hour smoothing, weekday/weekend, single weekday


# --------------------------------------------------------------------------------------------------------------------
# Data


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
                  sum(coalesce(revenue, 0)) FILTER (purchased_at IS NOT NULL)
           FROM lines WHERE status IS DISTINCT FROM 'cancelled' GROUP BY ALL""").fetchall()
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
            notes.append(f"{share:.0%} of {ch} lines have a date but no time; they are counted at the start of "
                         "their day, so hourly figures around midnight are rough")
        elif 0.5 <= share < 0.99:
            notes.append(f"{1 - share:.0%} of {ch} lines have a time but most have only a date; {ch} is analysed "
                         "by whole days")
    # Date-only lines sit at local midnight of the zone they were imported with; rounding to the nearest midnight
    # keeps them on their day even if this analysis uses another zone. Orders are counted by distinct 64-bit hash
    # of the id (a collision among one hour's orders has odds ~1e-13; hashing first makes the count ~25% faster).
    rows = con.execute(
        f"""WITH l AS (
                SELECT channel, order_id, revenue, quantity,
                       (epoch(purchased_at) - epoch($day0::TIMESTAMP)) / 3600.0 AS h, time_precision = 'day' AS dated
                FROM lines WHERE {where})
            SELECT channel, CAST(floor(CASE WHEN dated THEN floor((h + 12) / 24) * 24 ELSE h END) AS BIGINT) AS hb,
                   sum(coalesce(revenue, 0)) AS rev, count(DISTINCT hash(order_id)) AS n,
                   sum(coalesce(quantity, 1)) AS qty
            FROM l GROUP BY ALL""", params).fetchnumpy()
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
            f"""SELECT sum(r * r), sum(r), sum(u * u), sum(u) FROM (
                    SELECT sum(coalesce(revenue, 0)) AS r, sum(coalesce(quantity, 1)) AS u FROM lines
                    WHERE {where} AND channel = $ch AND hash(order_id) % $mod::UBIGINT = 0 GROUP BY order_id)""",
            {"cur": cur, "ch": name, "mod": mod}).fetchall()[0]
        unit = np.array([sums[REV] / n, 1.0, sums[UNI] / n])
        q = np.array([sr2 / sr if sr else unit[REV], 1.0, su2 / su if su else unit[UNI]])
        q = np.maximum(q, np.abs(unit))  # E[x^2]/E[x] >= E[x]; also covers an empty sample
        days_with = np.nonzero(vals[ORD].reshape(n_days, slots).sum(axis=1))[0]
        channels[name] = ChannelSeries(
            name, slots, vals.reshape(3, n_days, slots), q, unit,
            int(days_with[0]) if len(days_with) else 0, int(days_with[-1]) if len(days_with) else -1,
            [mk for ch, mk, _ in markets if ch == name],
        )
    return History(day0, n_days, offset, channels, cur, first, last, tz, notes)


def history_from_orders(day0: datetime, n_days: int, names: list[str], channel: np.ndarray, hours: np.ndarray,
                        revenue: np.ndarray, units: np.ndarray, *, daily: frozenset[str] = frozenset(),
                        currency: str = "") -> History:
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
        q = np.array([float((revenue[sel] ** 2).sum()) / rs if rs > 0 else 1.0, 1.0,
                      float((units[sel] ** 2).sum()) / us if us > 0 else 1.0])
        unit = np.array([rs / n, 1.0, us / n])
        days_with = np.unique(hb[sel] // 24)
        channels[name] = ChannelSeries(name, slots, vals.reshape(3, n_days, slots), q, unit,
                                       int(days_with[0]) if len(days_with) else 0,
                                       int(days_with[-1]) if len(days_with) else -1, [name])
    first = day0 + timedelta(hours=float(hours.min())) if len(hours) else None
    last = day0 + timedelta(hours=float(hours.max())) if len(hours) else None
    return History(day0, n_days, timedelta(0), channels, currency, first, last)


# --------------------------------------------------------------------------------------------------------------------
# Baseline


def anomalous_days(series: ChannelSeries, excluded: np.ndarray) -> np.ndarray:
    """Days whose revenue is far from the same weekday of the neighbouring four weeks (robust z > 3.5).

    Catches holidays, promotions, data gaps and other outages so they stay out of the baseline. `excluded` days
    (known windows) are neither judged nor used as references.
    """
    tot = series.values[REV].sum(axis=1)
    n = len(tot)
    offs = np.array([-28, -21, -14, -7, 7, 14, 21, 28])
    idx = np.arange(n)[:, None] + offs[None, :]
    present = np.zeros(n, bool)
    present[max(series.first_day, 0): series.last_day + 1] = True
    ok = (idx >= 0) & (idx < n)
    ci = np.clip(idx, 0, n - 1)
    ok &= present[ci] & ~excluded[ci]
    ref = np.where(ok, tot[ci], np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(ref, axis=1)
        kappa = 3 * series.unit[REV]
        lr = np.log((tot + kappa) / (med + kappa))
        judged = present & ~excluded & np.isfinite(lr)
        centre = np.nanmedian(lr[judged]) if judged.any() else 0.0
        mad = 1.4826 * np.nanmedian(np.abs(lr[judged] - centre)) if judged.any() else 0.0
    z = (lr - centre) / max(mad, 0.03)
    flagged = ~np.isfinite(z) | (np.abs(z) > ANOMALY_Z)
    return flagged & present


@dataclass
class BaselineParams:
    """Baseline parameters per metric at each anchor day: arrays lead with (3 metrics, K anchors)."""

    level: np.ndarray  # (3, K) expected day total on an average weekday
    dowf: np.ndarray  # (3, K, 7)
    share: np.ndarray  # (3, K, 7, slots) share of the day in each bin, per weekday
    week_ratio: np.ndarray  # (3, K) last 7 clean days: actual / baseline
    clean_days: np.ndarray  # (K,) clean days in the lookback


def baseline_params(series: ChannelSeries, clean: np.ndarray, anchors: np.ndarray, dow0: int) -> BaselineParams:
    """Baseline parameters from the LOOKBACK_DAYS before each anchor day (clean days only)."""
    vals = series.values  # (3, D, S)
    n_days, slots = vals.shape[1], vals.shape[2]
    tot = vals.sum(axis=2)  # (3, D)
    back = anchors[:, None] - np.arange(1, LOOKBACK_DAYS + 1)[None, :]  # (K, L), most recent first
    bi = np.clip(back, 0, n_days - 1)
    ok = (back >= 0) & clean[bi]
    okf = ok.astype(float)
    T = tot[:, bi] * okf  # (3, K, L)
    g = (dow0 + bi) % 7
    onehot = (g[..., None] == np.arange(7)).astype(float) * okf[..., None]  # (K, L, 7)
    cnt_g = onehot.sum(axis=1)  # (K, 7)
    n_ok = okf.sum(axis=1)
    mean_t = T.sum(axis=2) / np.maximum(n_ok, 1)  # (3, K)
    sum_g = np.einsum("mkl,klg->mkg", T, onehot)
    raw = np.where(cnt_g > 0, sum_g / np.maximum(cnt_g, 1), mean_t[..., None]) / np.maximum(mean_t[..., None], 1e-9)
    # Empirical-Bayes shrinkage of weekday factors: a weekday seen on few noisy days stays near 1.
    rel_var = series.q[:, None] / np.maximum(mean_t, 1e-9) + 0.02  # (3, K) variance of one day's ratio
    tau2 = 0.02
    wgt = tau2 / (tau2 + rel_var[..., None] / np.maximum(cnt_g, 1e-9))
    dowf = 1 + (raw - 1) * np.where(cnt_g > 0, wgt, 0.0)
    dowf = dowf / np.maximum(dowf.mean(axis=2, keepdims=True), 1e-9)
    # Level: mean weekday-adjusted total over the last LEVEL_DAYS clean days (all the lookback if none).
    recent = okf.copy()
    recent[:, LEVEL_DAYS:] = 0
    recent = np.where(recent.sum(axis=1, keepdims=True) > 0, recent, okf)
    dg = np.take_along_axis(dowf, np.broadcast_to(g, (3,) + g.shape), axis=2)  # (3, K, L)
    adj = T / np.maximum(dg, 1e-9)
    level = (adj * recent).sum(axis=2) / np.maximum(recent.sum(axis=1), 1)
    # Last-week ratio: the recent drift against the 4-week level.
    wk = okf.copy()
    wk[:, 7:] = 0
    wk_exp = (level[..., None] * dg * wk).sum(axis=2)
    kappa = 2 * series.unit[:, None]
    week_ratio = ((T * wk).sum(axis=2) + kappa) / (wk_exp + kappa)
    if slots == 1:
        share = np.ones((3, len(anchors), 7, 1))
    else:
        # Hour shape, pooled then refined: all days -> weekdays or weekend -> the weekday itself. Each level
        # leans on the one above in proportion to how few orders it has (constants in orders' worth: a per-hour
        # share from N orders has relative variance ~24/N; real differences between levels are ~15% and ~7%).
        V = vals[:, bi, :] * okf[None, :, :, None]  # (3, K, L, S)
        n_day = tot[ORD][bi] * okf  # (K, L) orders per lookback day
        tot_all = T.sum(axis=2)
        s_all = V.sum(axis=2) / np.maximum(tot_all, 1e-9)[..., None]  # (3, K, S)
        n_all = n_day.sum(axis=1)[None, :, None]
        smooth = 0.25 * np.roll(s_all, 1, axis=2) + 0.5 * s_all + 0.25 * np.roll(s_all, -1, axis=2)
        s_all = (n_all * s_all + SHAPE_PRIORS[0] * smooth) / (n_all + SHAPE_PRIORS[0])
        weekend = (g >= 5).astype(float) * okf  # (K, L)
        grp = np.stack([okf - weekend, weekend], axis=2)  # (K, L, 2)
        sum_grp = np.einsum("mkl,klr->mkr", T, grp)
        s_grp = np.swapaxes(np.swapaxes(V, 2, 3) @ grp[None], 2, 3) / np.maximum(sum_grp, 1e-9)[..., None]
        n_grp = np.einsum("kl,klr->kr", n_day, grp)[None, :, :, None]
        w_grp = np.where(sum_grp[..., None] > 0, n_grp / (n_grp + SHAPE_PRIORS[1]), 0.0)
        s_grp = w_grp * s_grp + (1 - w_grp) * s_all[:, :, None, :]  # (3, K, 2, S)
        s_grp_g = s_grp[:, :, [0, 0, 0, 0, 0, 1, 1], :]  # (3, K, 7, S)
        s_g = np.swapaxes(np.swapaxes(V, 2, 3) @ onehot[None], 2, 3) / np.maximum(sum_g, 1e-9)[..., None]
        n_g = np.einsum("kl,klg->kg", n_day, onehot)[None, :, :, None]
        w_g = np.where(sum_g[..., None] > 0, n_g / (n_g + SHAPE_PRIORS[2]), 0.0)
        share = w_g * s_g + (1 - w_g) * s_grp_g
        share = share / np.maximum(share.sum(axis=3, keepdims=True), 1e-12)
    return BaselineParams(level, dowf, share, week_ratio, n_ok)


def baseline_at(p: BaselineParams, dow0: int, days: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """Baseline per (metric, anchor, bin) for bins at absolute `days` (K, J) and `slot` (J,)."""
    k = np.arange(days.shape[0])[:, None]
    g = (dow0 + days) % 7
    return p.level[:, :, None] * p.dowf[:, k, g] * p.share[:, k, g, slot[None, :]]


# --------------------------------------------------------------------------------------------------------------------
# One event


@dataclass
class _Bins:
    """A set of bins of one channel grid: flat index and weight (overlap share)."""

    day: np.ndarray
    slot: np.ndarray
    w: np.ndarray

    @classmethod
    def empty(cls) -> _Bins:
        z = np.zeros(0, np.int64)
        return cls(z, z, np.zeros(0))

    def __len__(self) -> int:
        return len(self.day)


def _overlap(hist: History, slots: int, a: datetime, b: datetime) -> _Bins:
    """Bins overlapping [a, b) with their overlap share; daily bins count whole."""
    if b <= a:
        return _Bins.empty()
    width = 24 // slots
    ta = (a - hist.day0).total_seconds() / 3600
    tb = (b - hist.day0).total_seconds() / 3600
    first = math.floor(ta / width)
    last = math.ceil(tb / width) - 1
    idx = np.arange(max(first, 0), min(last, hist.n_days * slots - 1) + 1)
    starts = idx * width
    w = (np.minimum(tb, starts + width) - np.maximum(ta, starts)) / width
    keep = w > 1e-9
    idx, w = idx[keep], w[keep]
    if slots == 1:
        w = np.ones_like(w)
    return _Bins(idx // slots, idx % slots, w)


def _span_mask(hist: History, slots: int, spans: list[tuple[datetime, datetime]]) -> np.ndarray:
    """(n_days, slots) bool: bins touching any span."""
    mask = np.zeros((hist.n_days, slots), bool)
    for a, b in spans:
        bins = _overlap(hist, slots, a, b)
        mask[bins.day, bins.slot] = True
    return mask


@dataclass
class Region:
    """Actual and counterfactual of one metric for one channel over a region (window or recovery)."""

    expected: float
    actual: float
    bins_expected: np.ndarray  # per bin, whole-bin values
    bins_actual: np.ndarray
    placebo_pred: np.ndarray  # (K,) leave-one-out prediction for each placebo
    placebo_actual: np.ndarray  # (K,)
    bin_placebo_pred: np.ndarray  # (K, J) in-sample per-bin predictions, for hourly bands
    bin_placebo_actual: np.ndarray
    multiplier: float


@dataclass
class ChannelFit:
    channel: str
    affected: bool
    slots: int
    q: np.ndarray
    unit: np.ndarray
    window: list[Region]  # per metric
    recovery: list[Region]
    window_bins: _Bins
    recovery_bins: _Bins
    context_bins: _Bins
    context_expected: np.ndarray  # (3, J)
    context_actual: np.ndarray
    features: list[str]
    n_placebos: int
    lookback_days: int
    day_expected: np.ndarray  # (3,) expected totals of the whole days the window touches


def _ratio(num: np.ndarray, den: np.ndarray, kappa: np.ndarray) -> np.ndarray:
    """Shrunk ratio (num + kappa) / (den + kappa): a few orders of prior keep sparse ratios near 1."""
    return (num + kappa) / (den + kappa)


def _gather(series: ChannelSeries, days: np.ndarray, slot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values (3, K, J) at absolute days (K, J) and slots (J,), and an in-range mask."""
    n = series.values.shape[1]
    ok = (days >= 0) & (days < n)
    v = series.values[:, np.clip(days, 0, n - 1), slot[None, :]]
    return v * ok, ok


def _ridge_loo(X: np.ndarray, z: np.ndarray, w: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weighted ridge (each coefficient pulled to 0 by ~2 pseudo-observations) with Huber weights, so that a
    promotion or an unnoticed outage among the placebos does not drag the fit: coefficients, fitted values,
    leave-one-out fitted values, and per placebo the change of the coefficients when it is left out."""
    n, p = X.shape
    wt = w.copy()
    for it in range(4):
        Xw = X * wt[:, None]
        info = (Xw * X).sum(axis=0)
        lam = RIDGE_PSEUDO * info / max(n, 1) + 1e-9
        Ainv = np.linalg.pinv(Xw.T @ X + np.diag(lam))
        beta = Ainv @ (Xw.T @ z)
        fit = X @ beta
        if it == 3:
            break
        # Residuals in units of their expected noise; the scale never drops below that noise, so that the long
        # right tail of a sparse seller's Poisson counts is not mistaken for outliers (that would bias it low).
        r = (z - fit) * np.sqrt(w)
        scale = max(1.4826 * float(np.median(np.abs(r - np.median(r)))), 1.0)
        u = np.abs(r) / (HUBER_K * scale)
        wt = w * np.where(u <= 1, 1.0, 1.0 / np.maximum(u, 1e-12))
    h = np.einsum("ij,jk,ik->i", X, Ainv, Xw)
    e = z - fit
    loo = z - e / np.maximum(1 - h, 0.05)
    # beta without placebo k (Sherman-Morrison): beta - delta[k]
    delta = (Ainv @ (Xw * (e / np.maximum(1 - h, 0.05))[:, None]).T).T
    return beta, fit, loo, delta


class _Event:
    """Geometry of one outage on one history: spans, masks, anchor day, placebo shifts."""

    def __init__(self, hist: History, start: datetime, end: datetime, affected: tuple[str, ...],
                 recovery_hours: float, others: list[tuple[datetime, datetime]]):
        self.hist = hist
        self.start, self.end = start, end
        self.rec_end = end + timedelta(hours=recovery_hours)
        self.affected = affected
        self.others = others
        self.anchor = int((start - hist.day0).total_seconds() // 86400)
        last = self.rec_end - timedelta(microseconds=1)
        self.last_day = int((last - hist.day0).total_seconds() // 86400)
        self.event_days = np.arange(self.anchor, self.last_day + 1)
        # Whole days touched by any known window: kept out of baselines.
        self.dirty_days = np.zeros(hist.n_days, bool)
        for a, b in others + [(start, self.rec_end)]:
            d0 = int((a - hist.day0).total_seconds() // 86400)
            d1 = int(((b - timedelta(microseconds=1)) - hist.day0).total_seconds() // 86400)
            self.dirty_days[max(d0, 0): max(min(d1, hist.n_days - 1) + 1, 0)] = True
        self.anomalous = {name: anomalous_days(s, self.dirty_days) for name, s in hist.channels.items()}
        self._masks: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def masks(self, slots: int) -> tuple[np.ndarray, np.ndarray]:
        """(other windows' bins, all windows' bins incl. this one's recovery) for a grid."""
        if slots not in self._masks:
            other = _span_mask(self.hist, slots, self.others)
            allm = other | _span_mask(self.hist, slots, [(self.start, self.rec_end)])
            self._masks[slots] = (other, allm)
        return self._masks[slots]

    def clean_days(self, name: str) -> np.ndarray:
        s = self.hist.channels[name]
        present = np.zeros(self.hist.n_days, bool)
        present[s.first_day + 1: s.last_day] = True  # first and last days may be cut by the export
        return present & ~self.dirty_days & ~self.anomalous[name]

    def valid_shifts(self, names: list[str]) -> np.ndarray:
        """Day shifts k (placebo = this window k days earlier; negative = later) valid for every named channel."""
        ks = np.concatenate([np.arange(1, MAX_SHIFT_DAYS + 1), -np.arange(1, MAX_SHIFT_DAYS + 1)])
        ks = ks[np.argsort(np.abs(ks), kind="stable")]
        good = np.ones(len(ks), bool)
        for name in names:
            s = self.hist.channels[name]
            clean = self.clean_days(name)
            _, allm = self.masks(s.slots)
            span = _overlap(self.hist, s.slots, self.start, self.rec_end)
            for j in range(len(self.event_days)):
                d = self.event_days[j] - ks
                inr = (d >= 0) & (d < self.hist.n_days)
                good &= inr
                dc = np.clip(d, 0, self.hist.n_days - 1)
                good &= clean[dc]
            bd = span.day[None, :] - ks[:, None]
            bdc = np.clip(bd, 0, self.hist.n_days - 1)
            good &= ~allm[bdc, span.slot[None, :]].any(axis=1)
            # enough clean history before the placebo's own anchor day
            anc = np.clip(self.anchor - ks, 0, self.hist.n_days)
            cum = np.concatenate([[0], np.cumsum(clean)])
            good &= (cum[anc] - cum[np.clip(anc - LOOKBACK_DAYS, 0, None)]) >= MIN_HISTORY_DAYS
        return ks[good][:MAX_PLACEBOS]


def _fit_channel(ev: _Event, name: str, affected: bool, controls: list[str], ks: np.ndarray,
                 params: dict[str, BaselineParams]) -> ChannelFit:
    """Counterfactual for one channel over the window and recovery, with placebo errors at shifts ks."""
    hist = ev.hist
    s = hist.channels[name]
    dow0 = hist.dow0
    K = np.concatenate([[0], ks])  # row 0 is the real event
    anchors = ev.anchor - K
    if name not in params:
        params[name] = baseline_params(s, ev.clean_days(name), anchors, dow0)
    p = params[name]
    other, allm = ev.masks(s.slots)
    W = _overlap(hist, s.slots, ev.start, ev.end)
    R = _overlap(hist, s.slots, ev.end, ev.rec_end) if affected else _Bins.empty()
    if s.slots == 1 and len(R):  # a daily bin already counted in the window is not recovery
        keep = ~np.isin(R.day, W.day)
        R = _Bins(R.day[keep], R.slot[keep], R.w[keep])
    excl = _span_mask(hist, s.slots, [(ev.start, ev.rec_end if affected else ev.end)])

    def shifted(days: np.ndarray) -> np.ndarray:
        return days[None, :] - K[:, None]

    def ref_ratio(ser: ChannelSeries, pr: BaselineParams, day: np.ndarray, slot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(3, K) sums of actual and baseline over reference bins, skipping bins inside any known window."""
        if len(day) == 0:
            z = np.zeros((3, len(K)))
            return z, z
        dd = shifted(day)
        _, am = ev.masks(ser.slots)
        okb = ~am[np.clip(dd, 0, hist.n_days - 1), slot[None, :]]
        okb[0] = True  # the real event's reference bins were chosen outside its own span already
        v, inr = _gather(ser, dd, slot)
        e = baseline_at(pr, dow0, dd, slot)
        m = (okb & inr)[None]
        return (v * m).sum(axis=2), (e * m).sum(axis=2)

    def features(days: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """Ratio features from the days a region touches: daily shocks are day-specific, so other days dilute."""
        feats: list[np.ndarray] = [np.ones((3, len(K)))]
        names = ["intercept"]
        own_days = np.repeat(days, s.slots)
        own_slots = np.tile(np.arange(s.slots), len(days))
        keep = ~excl[own_days, own_slots] & ~other[own_days, own_slots]
        own = ctl = None
        if keep.any():
            a, b = ref_ratio(s, p, own_days[keep], own_slots[keep])
            own = _ratio(a, b, 2 * s.unit[:, None]) - 1
        if controls:
            num = np.zeros((3, len(K)))
            den = np.zeros((3, len(K)))
            kap = np.zeros((3, 1))
            for c in controls:
                cs = hist.channels[c]
                if c not in params:
                    params[c] = baseline_params(cs, ev.clean_days(c), anchors, dow0)
                # Spill-over lands on the controls during the window, so those hours are left out (a daily bin
                # cannot be split and is used whole).
                cexcl = _span_mask(hist, cs.slots, [(ev.start, ev.end)]) if cs.slots > 1 else np.zeros(
                    (hist.n_days, 1), bool)
                cother, _ = ev.masks(cs.slots)
                cd = np.repeat(days, cs.slots)
                csl = np.tile(np.arange(cs.slots), len(days))
                ck = ~cexcl[cd, csl] & ~cother[cd, csl]
                a, b = ref_ratio(cs, params[c], cd[ck], csl[ck])
                num += a
                den += b
                kap += 2 * cs.unit[:, None]
            ctl = _ratio(num, den, kap) - 1
        if own is not None:
            feats.append(own)
            names.append("same_day")
        if ctl is not None:
            feats.append(ctl)
            names.append("controls")
        feats.append(p.week_ratio - 1)
        names.append("last_week")
        return np.stack(feats, axis=2), names  # (3, K, F)

    def region(bins: _Bins, record: bool = False) -> tuple[list[Region], np.ndarray, np.ndarray]:
        out = []
        if len(bins) == 0:
            empty = np.zeros(0)
            for _ in METRICS:
                out.append(Region(0.0, 0.0, empty, empty, np.zeros(len(ks)), np.zeros(len(ks)),
                                  np.zeros((len(ks), 0)), np.zeros((len(ks), 0)), 1.0))
            return out, np.ones((3, len(K))), np.zeros((3, len(K), 0))
        X_all, used = features(np.unique(bins.day))
        if record:
            names[:] = used
        dd = shifted(bins.day)
        v, _ = _gather(s, dd, bins.slot)  # (3, K, J)
        e = baseline_at(p, dow0, dd, bins.slot)
        act = (v * bins.w).sum(axis=2)
        base = np.maximum((e * bins.w).sum(axis=2), 1e-9)
        mults = np.ones((3, len(K)))
        X = X_all[ORD]  # order counts carry the day's shock with less noise than revenue
        keepf = [0] + [f for f in range(1, X.shape[1]) if np.std(X[1:, f]) > 1e-9]
        X = X[:, keepf]
        wts_all = 1.0 / (s.q[:, None] / base + SHOCK_VAR)
        z_all = act / base - 1
        enough = len(ks) >= 3
        if enough:
            beta_o, fit_o, loo_o, delta_o = _ridge_loo(X[1:], z_all[ORD, 1:], wts_all[ORD, 1:])
        for m in range(3):
            if not enough:
                beta, fit, loo = np.zeros(X.shape[1]), np.zeros(len(ks)), np.zeros(len(ks))
            elif m == ORD or not ORDER_SLOPES:
                if m == ORD:
                    beta, fit, loo = beta_o, fit_o, loo_o
                else:
                    beta, fit, loo, _ = _ridge_loo(X[1:], z_all[m, 1:], wts_all[m, 1:])
            else:
                # Revenue and units share the order-count slopes (their own targets are noisier by the spread of
                # basket values) and get their own intercept; leave-one-out includes the slopes' dependence.
                slopes = beta_o[1:]
                off = X[1:, 1:] @ slopes
                c, fit_c, loo_c, _ = _ridge_loo(X[1:, :1], z_all[m, 1:] - off, wts_all[m, 1:])
                off_loo = np.einsum("kj,kj->k", X[1:, 1:], slopes[None, :] - delta_o[:, 1:])
                beta = np.concatenate([c, slopes])
                fit, loo = fit_c + off, loo_c + off_loo
            m0 = float(np.clip(1 + X[0] @ beta, 0.0, 10.0))
            mults[m, 0] = m0
            mults[m, 1:] = np.clip(1 + fit, 0, 10)
            pred_loo = base[m, 1:] * np.clip(1 + loo, 0, 10)
            out.append(Region(
                expected=float(base[m, 0] * m0), actual=float(act[m, 0]),
                bins_expected=e[m, 0] * m0, bins_actual=v[m, 0],
                placebo_pred=pred_loo, placebo_actual=act[m, 1:],
                bin_placebo_pred=e[m, 1:] * mults[m, 1:, None], bin_placebo_actual=v[m, 1:],
                multiplier=m0,
            ))
        return out, mults, e

    names: list[str] = []
    win, wmult, _ = region(W, record=True)
    rec, _, _ = region(R)
    # Context before the window, scaled like the window: for charts only.
    ctx = _overlap(hist, s.slots, ev.start - timedelta(hours=CONTEXT_HOURS if s.slots > 1 else 0), ev.start)
    if s.slots == 1:
        ctx = _Bins.empty()
    ctx_e = baseline_at(p, dow0, ctx.day[None, :], ctx.slot)[:, 0, :] * wmult[:, 0:1] if len(ctx) else np.zeros((3, 0))
    ctx_a = s.values[:, ctx.day, ctx.slot] if len(ctx) else np.zeros((3, 0))
    wd = np.unique(W.day)
    day_exp = (p.level[:, 0:1] * p.dowf[:, 0, (dow0 + wd) % 7]).sum(axis=1) * wmult[:, 0]
    return ChannelFit(name, affected, s.slots, s.q, s.unit, win, rec, W, R, ctx, ctx_e, ctx_a, names, len(ks),
                      int(p.clean_days[0]), day_exp)


# --------------------------------------------------------------------------------------------------------------------
# Calibration


@dataclass
class Interval:
    low: float
    high: float
    p_effect: float | None
    method: str  # 'placebo' (conformal) or 'approximate'


def _scale(pred: np.ndarray, q: float, c: float, floor: float) -> np.ndarray:
    return np.sqrt(np.maximum(q * np.maximum(pred, 0) + c * pred**2, floor**2))


def overdispersion(pred: np.ndarray, err: np.ndarray, q: float) -> float:
    """Extra-Poisson relative variance c in Var = q x mean + c x mean^2, by moments on placebo errors."""
    p2 = pred**2
    den = float((p2 * p2).sum())
    if den <= 0:
        return 0.0
    return max(0.0, float(((err**2 - q * np.maximum(pred, 0)) * p2).sum()) / den)


def _conformal(scores: np.ndarray, alpha: float) -> tuple[float, float] | None:
    n = len(scores)
    lo_k = math.floor((n + 1) * alpha / 2)
    hi_k = math.ceil((n + 1) * (1 - alpha / 2))
    if lo_k < 1 or hi_k > n:
        return None
    srt = np.sort(scores)
    return float(srt[lo_k - 1]), float(srt[hi_k - 1])


def calibrate(pred: float, actual: float, placebo_pred: np.ndarray, placebo_actual: np.ndarray, q: float,
              floor: float, confidence: float) -> Interval:
    """Interval for lost = counterfactual - actual, and p_effect, from placebo errors.

    Placebo error = actual - prediction where nothing happened; studentised by sqrt(q x pred + c x pred^2) so that
    placebos on busier and quieter days pool. A conformal interval needs 19 placebos for 90%; with fewer, a normal
    interval on the robust spread of what there is (or on the Poisson scale alone) is given and marked approximate.
    """
    alpha = 1 - confidence
    lost = pred - actual
    n = len(placebo_pred)
    if n == 0:
        sc = float(_scale(np.array([pred]), q, 0.04, floor)[0])
        zq = _normal_quantile(1 - alpha / 2) * 2.0  # no placebo at all: deliberately wide
        return Interval(lost - zq * sc, lost + zq * sc, None, "approximate")
    err = placebo_actual - placebo_pred
    c = overdispersion(placebo_pred, err, q)
    sc_k = _scale(placebo_pred, q, c, floor)
    scores = err / sc_k
    sc0 = float(_scale(np.array([pred]), q, c, floor)[0])
    bounds = _conformal(scores, alpha) if n >= MIN_PLACEBOS_CONFORMAL else None
    # p_effect: how many placebos show a loss at least as large as the observed one (one-sided, conformal rank).
    obs = lost / sc0
    p_value = (1 + int((-scores >= obs).sum())) / (n + 1)
    if bounds is None:
        spread = max(1.4826 * float(np.median(np.abs(scores - np.median(scores)))), float(np.std(scores)), 1.0)
        t = _normal_quantile(1 - alpha / 2) * (1 + 2.5 / max(n, 1))  # small-sample widening
        return Interval(lost - t * spread * sc0, lost + t * spread * sc0, 1 - p_value, "approximate")
    lo, hi = bounds
    # counterfactual in [pred + lo*sc, pred + hi*sc]  =>  lost in [lost + lo*sc, lost + hi*sc]
    cf_lo, cf_hi = pred + lo * sc0, pred + hi * sc0
    if RATIO_GUARD:
        # Sparse sellers: counts are discrete and often zero, which the studentised scores smooth over (a window
        # with no orders at all can look impossible). Placebo actual/predicted ratios keep that mass; the interval
        # is the wider of the two.
        ratios = _conformal(placebo_actual / np.maximum(placebo_pred, 1e-9), alpha)
        if ratios is not None:
            cf_lo, cf_hi = min(cf_lo, pred * ratios[0]), max(cf_hi, pred * ratios[1])
    # Placebo errors of a sparse seller are skewed (most windows empty, a few with an order), so the conformal band
    # can miss the expected value itself; the estimate is always reported inside its own interval.
    return Interval(min(cf_lo - actual, lost), max(cf_hi - actual, lost), 1 - p_value, "placebo")


def _normal_quantile(p: float) -> float:
    """Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9)."""
    a = [-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00]
    b = [-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01]
    c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
         4.374664141464968e00, 2.938163982698783e00]
    d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00]
    if p < 0.02425:
        qq = math.sqrt(-2 * math.log(p))
        return (((((c[0] * qq + c[1]) * qq + c[2]) * qq + c[3]) * qq + c[4]) * qq + c[5]) / (
            (((d[0] * qq + d[1]) * qq + d[2]) * qq + d[3]) * qq + 1)
    if p > 1 - 0.02425:
        return -_normal_quantile(1 - p)
    qq = p - 0.5
    r = qq * qq
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * qq / (
        ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)


def hourly_bands(fit: ChannelFit, confidence: float) -> tuple[float, float, float]:
    """(c, lower, upper) studentised per-bin quantiles for the revenue counterfactual, pooled over placebo bins."""
    preds, errs = [], []
    for reg in (fit.window[REV], fit.recovery[REV]):
        if reg.bin_placebo_pred.size:
            preds.append(reg.bin_placebo_pred.ravel())
            errs.append((reg.bin_placebo_actual - reg.bin_placebo_pred).ravel())
    q, floor = float(fit.q[REV]), float(fit.unit[REV]) * 0.5
    alpha = 1 - confidence
    if not preds:
        z = _normal_quantile(1 - alpha / 2) * 2
        return 0.04, -z, z
    pred, err = np.concatenate(preds), np.concatenate(errs)
    c = overdispersion(pred, err, q)
    sc = _scale(pred, q, c, floor)
    lo, hi = np.quantile(err / sc, [alpha / 2, 1 - alpha / 2])
    return c, float(lo), float(hi)


# --------------------------------------------------------------------------------------------------------------------
# Public estimate


@dataclass
class EventEstimate:
    """Everything the estimator knows about one window; impact.analysis turns it into the report."""

    start: datetime
    end: datetime
    recovery_end: datetime
    affected: tuple[str, ...]
    controls: tuple[str, ...]
    fits: dict[str, ChannelFit]  # affected and unaffected channels
    lost: Interval  # revenue, all affected channels
    expected: np.ndarray  # (3,) totals over affected channels
    actual: np.ndarray
    recovery_expected: np.ndarray
    recovery_actual: np.ndarray
    recaptured: Interval
    n_placebos: int
    warnings: list[str]
    resolution: str  # 'hour' or 'day'
    day0: datetime  # the history's day 0, to turn bins back into times
    placebo_shifts: np.ndarray  # days each placebo copy of the window was moved (positive = earlier)

    def hourly(self, confidence: float) -> list[dict]:
        """Per affected channel and bin, from CONTEXT_HOURS before the window to the end of the recovery period:
        actual, expected, low/high of the counterfactual, cumulative loss since the window started."""
        rows = []
        for name in self.affected:
            f = self.fits[name]
            c, zlo, zhi = hourly_bands(f, confidence)
            q, floor = float(f.q[REV]), float(f.unit[REV]) * 0.5
            parts = [("before", f.context_bins, f.context_expected[REV], f.context_actual[REV]),
                     ("outage", f.window_bins, f.window[REV].bins_expected, f.window[REV].bins_actual),
                     ("recovery", f.recovery_bins, f.recovery[REV].bins_expected, f.recovery[REV].bins_actual)]
            seen: dict[tuple[int, int], dict] = {}
            cum = 0.0
            for phase, bins, exp, act in parts:
                for j in range(len(bins)):
                    key = (int(bins.day[j]), int(bins.slot[j]))
                    e, a = float(exp[j]), float(act[j])
                    sc = float(_scale(np.array([e]), q, c, floor)[0])
                    if key in seen:  # the bin holding the window's end is both outage and recovery: keep one row
                        continue
                    if phase != "before":
                        cum += e - a
                    hour = _bin_start(self, f, key)
                    row = {"hour": iso_utc(hour), "channel": name, "actual": round(a, 2), "expected": round(e, 2),
                           "low": round(max(0.0, e + zlo * sc), 2), "high": round(max(0.0, e + zhi * sc), 2),
                           "phase": phase, "cumulative": round(cum, 2) if phase != "before" else 0.0}
                    seen[key] = row
                    rows.append(row)
        rows.sort(key=lambda r: (r["hour"], r["channel"]))
        return rows


def _bin_start(est: EventEstimate, f: ChannelFit, key: tuple[int, int]) -> datetime:
    return est.day0 + timedelta(days=key[0], hours=key[1] * (24 // f.slots))


def check_window(hist: History, start: datetime, end: datetime, affected: tuple[str, ...]) -> list[str]:
    """WindowError when the window cannot be analysed; warnings when it can but thinly."""
    warns: list[str] = []
    if end <= start:
        raise WindowError(f"the window ends ({iso_utc(end)}) before it starts ({iso_utc(start)})")
    span = f"{iso_utc(hist.first_order)} to {iso_utc(hist.last_order)}"
    if start >= hist.last_order or end <= hist.first_order:
        raise WindowError(f"the window {iso_utc(start)} to {iso_utc(end)} is outside the order history ({span})")
    unknown = [c for c in affected if c not in hist.channels]
    if unknown:
        have = ", ".join(hist.channels) or "none"
        raise WindowError(f"no orders on {', '.join(unknown)} in {hist.currency or 'the data'}; channels: {have}")
    for c in affected:
        s = hist.channels[c]
        first = hist.day_start(s.first_day)
        days_before = (start - first).total_seconds() / 86400
        if days_before < MIN_HISTORY_DAYS:
            raise WindowError(
                f"only {max(days_before, 0):.1f} days of {c} orders before the window (from {iso_utc(first)}); "
                f"at least {MIN_HISTORY_DAYS} are needed to estimate what sales would have been"
            )
        if days_before < THIN_HISTORY_DAYS:
            since = iso_utc(start - timedelta(days=LOOKBACK_DAYS))[:10]
            warns.append(f"only {days_before:.0f} days of {c} history before the window (4 weeks or more are "
                         f"needed for a full baseline, 12 for the weekly pattern: export orders from {since} on); the "
                         "interval leans on days after the window and is wider")
    if end > hist.last_order:
        warns.append(f"the order history ends at {iso_utc(hist.last_order)}, before the window ends; if the export "
                     "stops early the loss is overstated")
    return warns


def estimate_event(hist: History, start: datetime, end: datetime, affected: tuple[str, ...] = (), *,
                   recovery_hours: float = 24, confidence: float = 0.9,
                   other_windows: list[tuple[datetime, datetime]] | None = None,
                   controls: tuple[str, ...] | None = None) -> EventEstimate:
    """Counterfactual, loss interval, recapture and spill-over estimates for one window.

    affected: channels hit (empty = all). other_windows: further known outages as (start, end incl. recovery),
    kept out of the baseline and the placebos. controls: unaffected channels to use as controls (default: all).
    """
    if not 0.5 <= confidence < 1:
        raise InputError("the confidence level must be between 0.5 and 0.99, e.g. 0.9")
    affected = tuple(affected) or tuple(hist.channels)
    warns = check_window(hist, start, end, affected)
    unaffected = tuple(c for c in hist.channels if c not in affected)
    if controls is None:
        controls = unaffected
    rec_end = end + timedelta(hours=recovery_hours)
    if recovery_hours and rec_end > hist.last_order + timedelta(hours=1):
        have = max((hist.last_order - end).total_seconds() / 3600, 0)
        warns.append(f"the data ends {have:.0f} h after the window, so recapture covers {have:.0f} of the "
                     f"{recovery_hours:g} recovery hours")
        rec_end = max(end, min(rec_end, hist.day_start(hist.n_days)))
    ev = _Event(hist, start, end, affected, (rec_end - end).total_seconds() / 3600,
                list(other_windows or []))
    daily = [c for c in affected if hist.channels[c].slots == 1]
    if daily:
        warns.append(f"{', '.join(daily)} has dates without times, so the loss is measured over whole days "
                     f"({iso_utc(hist.day_start(ev.anchor))[:10]}"
                     f"{' to ' + iso_utc(hist.day_start(int((end - hist.day0).total_seconds() // 86400)))[:10] if end - start > timedelta(days=1) else ''}"  # noqa: E501
                     "), not the hours of the window")
    ks = ev.valid_shifts(list(affected))
    params: dict[str, BaselineParams] = {}
    fits: dict[str, ChannelFit] = {}
    for c in affected:
        fits[c] = _fit_channel(ev, c, True, list(controls), ks, params)
    for c in unaffected:
        uks = ev.valid_shifts([c])
        fits[c] = _fit_channel(ev, c, False, [o for o in unaffected if o != c], uks, {})
    if len(ks) < MIN_PLACEBOS_CONFORMAL:
        warns.append(f"only {len(ks)} comparable days without known outages around the window; the interval is "
                     "approximate and wider")
    thin = [c for c in affected if fits[c].lookback_days < THIN_HISTORY_DAYS]
    if thin and not any("days of" in w for w in warns):
        warns.append(f"the weeks before the window have few usable days for {', '.join(thin)}; the baseline leans on "
                     "fewer days")
    # Totals over affected channels; the placebo sums keep the channels' shared shocks in the calibration.
    expected = np.array([sum(fits[c].window[m].expected for c in affected) for m in range(3)])
    actual = np.array([sum(fits[c].window[m].actual for c in affected) for m in range(3)])
    r_exp = np.array([sum(fits[c].recovery[m].expected for c in affected) for m in range(3)])
    r_act = np.array([sum(fits[c].recovery[m].actual for c in affected) for m in range(3)])
    q = _pooled_q(fits, affected)
    floor = 0.5 * min(float(fits[c].unit[REV]) for c in affected)
    pp = sum(fits[c].window[REV].placebo_pred for c in affected)
    pa = sum(fits[c].window[REV].placebo_actual for c in affected)
    lost = calibrate(float(expected[REV]), float(actual[REV]), np.asarray(pp), np.asarray(pa), q, floor, confidence)
    rp = sum(fits[c].recovery[REV].placebo_pred for c in affected)
    ra = sum(fits[c].recovery[REV].placebo_actual for c in affected)
    gain = calibrate(float(r_exp[REV]), float(r_act[REV]), np.asarray(rp), np.asarray(ra), q, floor, confidence)
    # recaptured = actual - expected = -(expected - actual)
    recaptured = Interval(-gain.high, -gain.low, gain.p_effect, gain.method)
    est = EventEstimate(start, end, rec_end, affected, tuple(controls), fits, lost, expected, actual, r_exp, r_act,
                        recaptured, len(ks), warns, "day" if daily else "hour", hist.day0, ks)
    return est


def _pooled_q(fits: dict[str, ChannelFit], names: tuple[str, ...]) -> float:
    """Variance factor of the summed revenue: revenue-weighted mean of the channels' q."""
    w = np.array([max(fits[c].window[REV].expected, 1e-9) for c in names])
    qs = np.array([float(fits[c].q[REV]) for c in names])
    return float((w * qs).sum() / w.sum())


# --------------------------------------------------------------------------------------------------------------------
# Hourly counterfactual for other features (outage detection)


def hourly_counterfactual(con, channel: str, start: datetime, end: datetime, *, confidence: float = 0.9,
                          currency: str | None = None, tz: str = "UTC",
                          exclude: list[tuple[datetime, datetime]] | None = None,
                          hist: History | None = None) -> list[dict]:
    """Per hour of `channel` in [start, end): {"hour", "actual", "expected", "low", "high"} for revenue.

    The expectation for these hours never uses their own sales: it is the same estimator as an outage window on
    [start, end), so an hour with `actual < low` is unusually low given the rest of that day, the other channels and
    the previous weeks. Meant for ranges up to a few days; `exclude` lists known outages to keep out of the
    baseline. Pass `hist` (from load_history) to reuse one aggregation across many calls.
    """
    hist = hist or load_history(con, currency=currency, tz=tz, at=start)
    if channel not in hist.channels:
        raise WindowError(f"no orders on {channel}; channels: {', '.join(hist.channels)}")
    est = estimate_event(hist, start, end, (channel,), recovery_hours=0, confidence=confidence,
                         other_windows=exclude)
    return [{k: r[k] for k in ("hour", "actual", "expected", "low", "high")}
            for r in est.hourly(confidence) if r["phase"] == "outage"]

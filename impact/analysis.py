"""The analysis entry point: order history + outage windows -> what each outage cost, in the report's shape.

    con = session_db(); ingest_files(con, paths)
    result = analyze(con, [window_from_strings("2025-10-20T06:48Z", "2025-10-20T13:15Z", "amazon")])
    result.to_json()

impact.revenue does the estimation; this module adds exact window actuals, recapture, spill-over, the breakdown by
channel and marketplace, the top SKUs lost and the warnings, and checks currency and windows first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from .costs.profit import ProfitInputs, total_profit, window_profit
from .errors import InputError, WindowError
from .revenue import (
    ORD,
    REV,
    UNI,
    EventEstimate,
    History,
    Interval,
    combined_half_width,
    estimate_event,
    load_history,
)
from .settings import Settings, load_settings
from .shipments import shipment_impact
from .windows import Window, iso_utc

NOT_CANCELLED = "status IS DISTINCT FROM 'cancelled' AND currency IS NOT DISTINCT FROM $cur"
# DuckDB adds a parallel aggregate's partial DOUBLE sums in the order its threads finish; summed as DECIMAL the money
# is exact and every run on the same files prints the same digits.
EXACT_REVENUE = "sum(CAST(revenue AS DECIMAL(38, 8)))"
SHARE_DAYS = 28  # marketplace and SKU mix: the four weeks before the window
RECOVERY_MODES = ("fixed", "until-normal")


@dataclass
class WindowResult:
    window: Window
    estimate: EventEstimate
    confidence: float
    recovery_hours: float
    revenue: dict
    orders: dict
    units: dict
    spillover: dict[str, float]
    by_channel: list[dict]
    top_skus: list[dict]
    share_of_day: float | None
    warnings: list[str]
    shipments: dict | None = None
    profit: dict | None = None  # only with cost inputs (impact.costs); absent from the JSON otherwise
    recovery_mode: str = "fixed"

    @property
    def recovery_used_hours(self) -> float:
        """Hours of the recovery period actually measured (shorter than recovery_hours when the data ends first or
        sales were back to normal earlier)."""
        return max((self.estimate.recovery_end - self.window.end).total_seconds() / 3600, 0.0)

    def to_json(self) -> dict:
        est = self.estimate
        out = {
            "start": iso_utc(self.window.start),
            "end": iso_utc(self.window.end),
            "channels": list(est.affected),
            "title": self.window.title,
            "revenue": self.revenue,
            "orders": self.orders,
            "units": self.units,
            "spillover": self.spillover,
            "hourly": est.hourly(self.confidence),
            "top_skus": self.top_skus,
            "by_channel": self.by_channel,
            "share_of_day": self.share_of_day,
            "controls": list(est.controls),
            "resolution": est.resolution,
            "recovery_end": iso_utc(est.recovery_end),
            "placebos": est.n_placebos,
            "interval_method": est.lost.method,
            "warnings": self.warnings,
            "shipments": self.shipments,
        }
        if self.window.extra.get("channels_reason"):  # why these channels (impact.service.default_channels)
            out["channels_reason"] = self.window.extra["channels_reason"]
        if self.profit is not None:
            out["profit"] = self.profit
        return out


@dataclass
class Analysis:
    windows: list[WindowResult]
    currency: str
    confidence: float
    recovery_hours: float
    warnings: list[str] = field(default_factory=list)
    fx: list[dict] | None = None  # the exchange rates used, when amounts were converted to a home currency
    recovery_mode: str = "fixed"

    @property
    def total(self) -> dict:
        """Sums over windows. The interval combines the windows' half-widths in quadrature: windows on different
        days have nearly independent errors."""
        revs = [w.revenue for w in self.windows]
        lost = sum(r["lost"] for r in revs)
        net = sum(r["net_lost"] for r in revs)
        out = {
            "lost": _r(lost),
            "lost_low": _r(lost - combined_half_width(revs, "lost", "lost_low")),
            "lost_high": _r(lost + combined_half_width(revs, "lost_high", "lost")),
            "net_lost": _r(net),
            "net_lost_low": _r(net - combined_half_width(revs, "net_lost", "net_lost_low")),
            "net_lost_high": _r(net + combined_half_width(revs, "net_lost_high", "net_lost")),
            "recaptured": _r(sum(w.revenue["recaptured"] for w in self.windows)),
            "expected": _r(sum(w.revenue["expected"] for w in self.windows)),
            "actual": _r(sum(w.revenue["actual"] for w in self.windows)),
        }
        if self.windows and all(w.profit is not None for w in self.windows):
            out["profit"] = total_profit([w.profit for w in self.windows])
        return out

    def to_json(self) -> dict:
        out = {
            "currency": self.currency,
            "confidence": self.confidence,
            "recovery_hours": self.recovery_hours,
            "windows": [w.to_json() for w in self.windows],
            "total": self.total,
            "warnings": self.warnings,
        }
        if self.fx:
            out["fx"] = self.fx
        if self.recovery_mode != "fixed":
            out["recovery_mode"] = self.recovery_mode
        return out


def _r(x: float | None, nd: int = 2) -> float | None:
    return None if x is None else round(float(x), nd)


def _span(hist: History, est: EventEstimate, channel: str, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The span whose actuals are measured for a channel: the window itself, or whole days for date-only data."""
    f = est.fits[channel]
    if f.slots > 1:
        return start, end
    days = f.window_bins.day
    return hist.day_start(int(days.min())), hist.day_start(int(days.max()) + 1)


def _actuals(con, cur: str, channel: str, start: datetime, end: datetime) -> np.ndarray:
    rev, orders, units = con.execute(
        f"""SELECT coalesce({EXACT_REVENUE}::DOUBLE, 0), count(DISTINCT order_id), coalesce(sum(coalesce(quantity, 1)), 0)
            FROM lines WHERE {NOT_CANCELLED} AND channel = $ch AND purchased_at >= $s AND purchased_at < $e""",
        {"cur": cur, "ch": channel, "s": start, "e": end},
    ).fetchone()
    return np.array([float(rev), float(orders), float(units)])


def _mix(con, cur: str, channel: str, column: str, before: datetime, start: datetime, end: datetime) -> list[tuple]:
    """(key, share of the channel's revenue in the SHARE_DAYS before the window, revenue in [start, end))."""
    key = f"coalesce(nullif(trim({column}), ''), '(none)')"
    return con.execute(
        f"""WITH base AS (SELECT {key} AS k, {EXACT_REVENUE} AS r FROM lines
                          WHERE {NOT_CANCELLED} AND channel = $ch AND purchased_at >= $b AND purchased_at < $s
                          GROUP BY 1),
                 win AS (SELECT {key} AS k, {EXACT_REVENUE} AS r FROM lines
                         WHERE {NOT_CANCELLED} AND channel = $ch AND purchased_at >= $s AND purchased_at < $e
                         GROUP BY 1)
            SELECT k, coalesce(base.r / nullif(sum(base.r) OVER (), 0), 0)::DOUBLE AS share, coalesce(win.r, 0)::DOUBLE
            FROM base FULL OUTER JOIN win USING (k) ORDER BY k""",
        {"cur": cur, "ch": channel, "b": before, "s": start, "e": end},
    ).fetchall()


def _window(
    con,
    hist: History,
    window: Window,
    others: list[tuple[datetime, datetime]],
    *,
    recovery_hours: float,
    confidence: float,
    top_n: int,
    profit: ProfitInputs | None = None,
    normal_hours: int = 0,
) -> WindowResult:
    if window.end is None:
        raise WindowError(f"the window starting {iso_utc(window.start)} has no end yet; give an end time")
    affected = tuple(c.lower() for c in window.channels) or tuple(hist.channels)
    est = estimate_event(
        hist,
        window.start,
        window.end,
        affected,
        recovery_hours=recovery_hours,
        confidence=confidence,
        other_windows=others,
        recovery_until_normal=normal_hours,
    )
    cur = hist.currency
    warns = list(est.warnings)
    exp = np.zeros(3)
    act = np.zeros(3)
    binned = np.zeros(3)
    r_act = np.zeros(3)
    r_binned = np.zeros(3)
    by_channel = []
    top: dict[str, float] = {}
    spans = {}
    actual_revenue: dict[str, float] = {}
    for c in est.fits:
        f = est.fits[c]
        s, e = _span(hist, est, c, window.start, window.end)
        spans[c] = (s, e)
        a = _actuals(con, cur, c, s, e)
        actual_revenue[c] = float(a[REV])
        ex = np.array([f.window[m].expected for m in range(3)])
        if f.affected:
            exp += ex
            act += a
            binned += np.array([f.window[m].actual for m in range(3)])
            if f.slots > 1 and len(f.recovery_bins):
                r_act += _actuals(con, cur, c, window.end, est.recovery_end)
            else:
                r_act += np.array([f.recovery[m].actual for m in range(3)])
            r_binned += np.array([f.recovery[m].actual for m in range(3)])
        before = window.start - timedelta(days=SHARE_DAYS)
        for mk, share, rev in _mix(con, cur, c, "marketplace", before, s, e):
            m_exp = ex[REV] * share
            by_channel.append(
                {
                    "channel": c,
                    "marketplace": mk,
                    "affected": f.affected,
                    "expected": _r(m_exp),
                    "actual": _r(rev),
                    "lost": _r(m_exp - rev),
                    "lost_pct": _r(100 * (m_exp - rev) / m_exp, 1) if m_exp > 0 else None,
                }
            )
        if f.affected:
            for sku, share, rev in _mix(con, cur, c, "sku", before, s, e):
                top[sku] = top.get(sku, 0.0) + ex[REV] * share - rev
    # Exact actuals replace the hour-binned ones; the interval moves with the point estimate.
    shift = binned[REV] - act[REV]
    lost = exp[REV] - act[REV]
    r_exp = est.recovery_expected
    rc = est.recaptured_point()
    # Exact actuals move the recapture (at the share it counts) when it reads the whole recovery period: the bins only
    # approximate the period's ends.
    raw_shift = r_act[REV] - r_binned[REV]
    rcp = est.recapture
    r_shift = raw_shift if rcp is None else (rcp.factor * raw_shift if rcp.whole else 0.0)
    recaptured = float(rc[REV]) + r_shift
    rec_iv = Interval(
        min(est.recaptured.low + raw_shift, recaptured),
        max(est.recaptured.high + raw_shift, recaptured),
        est.recaptured.p_effect,
        est.recaptured.method,
    )
    revenue = {
        "actual": _r(act[REV]),
        "expected": _r(exp[REV]),
        "lost": _r(lost),
        "lost_low": _r(est.lost.low + shift),
        "lost_high": _r(est.lost.high + shift),
        "recaptured": _r(recaptured),
        "net_lost": _r(lost - recaptured),
        # Exact actuals move the net estimate by both shifts; its interval moves with it.
        "net_lost_low": _r(est.net.low + shift - r_shift) if est.net is not None else None,
        "net_lost_high": _r(est.net.high + shift - r_shift) if est.net is not None else None,
        "p_effect": _r(est.lost.p_effect, 3) if est.lost.p_effect is not None else None,
        "lost_pct": _r(100 * lost / exp[REV], 1) if exp[REV] > 0 else None,
        "recaptured_low": _r(rec_iv.low),
        "recaptured_high": _r(rec_iv.high),
        "recapture_pct": _r(100 * recaptured / lost, 1) if lost > 0 else None,
        "recovery_expected": _r(r_exp[REV]),
        "recovery_actual": _r(r_act[REV]),
        # What the recapture estimate read: the first hours of the recovery period (where the lost orders that come
        # back do come back) and the share of their excess beyond normal variation.
        "recapture_hours": _r(est.recapture.hours, 1) if est.recapture is not None else None,
        "recapture_share_counted": _r(est.recapture.factor, 3) if est.recapture is not None else None,
    }
    orders = {
        "actual": int(round(act[ORD])),
        "expected": _r(exp[ORD]),
        "lost": _r(exp[ORD] - act[ORD]),
        "recaptured": _r(rc[ORD]),
    }
    units = {
        "actual": int(round(act[UNI])),
        "expected": _r(exp[UNI]),
        "lost": _r(exp[UNI] - act[UNI]),
        "recaptured": _r(rc[UNI]),
    }
    spill = {}
    for c, f in est.fits.items():
        if not f.affected:
            s, e = spans[c]
            spill[c] = _r(_actuals(con, cur, c, s, e)[REV] - f.window[REV].expected)
    day_exp = sum(float(est.fits[c].day_expected[REV]) for c in est.affected)
    share_of_day = _r(lost / day_exp, 4) if day_exp > 0 else None
    top_skus = [{"sku": k, "lost": _r(v)} for k, v in sorted(top.items(), key=lambda kv: -kv[1]) if v > 0][:top_n]
    profit_block = None
    if profit is not None:
        hit = [(c, float(f.window[REV].expected), actual_revenue[c]) for c, f in est.fits.items() if f.affected]
        profit_block = window_profit(
            con, channels=hit, currency=cur, start=window.start, end=window.end, revenue=revenue, inputs=profit
        )
    if est.lost.p_effect is not None and est.lost.p_effect < 0.8 and lost > 0:
        warns.append(
            f"the drop is within normal variation (probability of an effect {est.lost.p_effect:.0%}); "
            "the loss may be zero"
        )
    return WindowResult(
        window,
        est,
        confidence,
        recovery_hours,
        revenue,
        orders,
        units,
        spill,
        by_channel,
        top_skus,
        share_of_day,
        warns,
        profit=profit_block,
        recovery_mode="until-normal" if normal_hours else "fixed",
    )


def analyze(
    con,
    windows: list[Window],
    *,
    recovery_hours: float | None = None,
    confidence: float | None = None,
    currency: str | None = None,
    tz: str | None = None,
    settings: Settings | None = None,
    top_n: int = 10,
    hist: History | None = None,
    ship_sla_hours: float | None = None,
    business_days: bool = False,
    shipments: bool = True,
    profit: ProfitInputs | None = None,
    recovery_mode: str | None = None,
) -> Analysis:
    """Lost revenue, orders and units, interval, recapture, spill-over and breakdowns for each window.

    Raises MixedCurrencyError when the data has several currencies and `currency` is not given, WindowError for a
    window outside the data or with too little history before it. Pass `hist` (load_history) to reuse an
    aggregation across calls on the same data. Each window also gets its late shipments (impact.shipments) against
    the file's ship-by promises, or `ship_sla_hours` after purchase where the file has none; `shipments=False`
    skips that (its `shipments` stays None) for callers that measure shipping themselves. `profit` (cost inputs
    loaded into the connection by impact.costs) adds each window's profit block. `recovery_mode` 'until-normal' ends
    each recovery period when the affected channels' sales are back to normal (settings.recovery_normal_hours in a
    row), recovery_hours at most; 'fixed' (the default, or settings.recovery_mode) measures all recovery_hours.
    """
    settings = settings or load_settings()
    recovery_hours = settings.recovery_hours if recovery_hours is None else recovery_hours
    confidence = settings.confidence if confidence is None else confidence
    tz = tz or settings.default_tz
    if not windows:
        raise WindowError("give at least one outage window (start and end)")
    if recovery_hours < 0 or recovery_hours > 24 * 14:
        raise WindowError("the recovery period must be between 0 and 336 hours")
    recovery_mode = (recovery_mode or settings.recovery_mode or "fixed").strip().lower()
    if recovery_mode not in RECOVERY_MODES:
        raise InputError(f"the recovery mode must be one of {', '.join(RECOVERY_MODES)}, got '{recovery_mode}'")
    normal_hours = max(int(settings.recovery_normal_hours), 1) if recovery_mode == "until-normal" else 0
    hist = hist or load_history(con, currency=currency, tz=tz, at=windows[0].start)
    results = []
    for i, w in enumerate(windows):
        others = [
            (o.start, (o.end or o.start) + timedelta(hours=recovery_hours)) for j, o in enumerate(windows) if j != i
        ]
        result = _window(
            con,
            hist,
            w,
            others,
            recovery_hours=recovery_hours,
            confidence=confidence,
            top_n=top_n,
            profit=profit,
            normal_hours=normal_hours,
        )
        if shipments:
            result.shipments = shipment_impact(
                con,
                w,
                sla_hours=settings.ship_sla_hours if ship_sla_hours is None else ship_sla_hours,
                business_days=business_days,
                confidence=confidence,
            )
        results.append(result)
    return Analysis(results, hist.currency, confidence, recovery_hours, list(hist.notes), recovery_mode=recovery_mode)

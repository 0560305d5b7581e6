"""The analysis entry point: order history + outage windows -> what each outage cost, in the report's shape.

    con = session_db(); ingest_files(con, paths)
    result = analyze(con, [window_from_strings("2025-10-20T06:48Z", "2025-10-20T13:15Z", "amazon")])
    result.to_json()

impact.revenue does the estimation; this module adds exact window actuals, recapture, spill-over, the breakdown by
channel and marketplace, the top SKUs lost and the warnings, and checks currency and windows first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import NamedTuple

from .costs.profit import ProfitInputs, ProfitResult, total_profit, window_profit
from .errors import WindowError
from .linegroups import LineGroups, line_groups
from .options import Options, resolve_options
from .present import percent
from .revenue import (
    ORD,
    REV,
    UNI,
    EventEstimate,
    History,
    combined_half_width,
    estimate_event,
    load_history,
    resolve_scopes,
    series_params,
    series_sql,
)
from .shipments import ShipmentResult, shipment_impact
from .windows import Window, iso_utc, scope_name, split_scope

NOT_CANCELLED = "status IS DISTINCT FROM 'cancelled' AND currency IS NOT DISTINCT FROM $cur"
# DuckDB adds a parallel aggregate's partial DOUBLE sums in the order its threads finish; summed as DECIMAL the money
# is exact and every run on the same files prints the same digits.
EXACT_REVENUE = "sum(CAST(revenue AS DECIMAL(38, 8)))"
SHARE_DAYS = 28  # marketplace and SKU mix: the four weeks before the window


class Metrics(NamedTuple):
    """One figure for each of the three metrics the estimator reads: revenue, orders, units."""

    revenue: float
    orders: float
    units: float

    @classmethod
    def of(cls, values) -> Metrics:
        """From a (3,) array or any three numbers indexed REV, ORD, UNI (impact.revenue's layout)."""
        return cls(float(values[REV]), float(values[ORD]), float(values[UNI]))

    def plus(self, other: Metrics) -> Metrics:
        """The sum, metric by metric (a NamedTuple's + would concatenate)."""
        return Metrics(self.revenue + other.revenue, self.orders + other.orders, self.units + other.units)


ZERO = Metrics(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class RevenueResult:
    """A window's revenue: actual and expected, the loss with its interval, the recapture and the net loss. Fields
    in the JSON's key order; None where a figure cannot be given (no interval, nothing expected)."""

    actual: float
    expected: float
    lost: float
    lost_low: float
    lost_high: float
    recaptured: float
    net_lost: float
    net_lost_low: float | None
    net_lost_high: float | None
    p_effect: float | None
    lost_pct: float | None
    recaptured_low: float
    recaptured_high: float
    recapture_pct: float | None
    recovery_expected: float
    recovery_actual: float
    # What the recapture estimate read: the first hours of the recovery period (where the lost orders that come back
    # do come back) and the share of their excess beyond normal variation.
    recapture_hours: float | None
    recapture_share_counted: float | None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CountResult:
    """A window's orders or units: actual (a whole count), expected, lost and recaptured."""

    actual: int
    expected: float
    lost: float
    recaptured: float

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MarketplaceRow:
    """One marketplace of one channel in a window: expected and actual revenue and the loss (lost_pct None when
    nothing was expected). Fields in the JSON's key order."""

    channel: str
    marketplace: str
    affected: bool
    expected: float
    actual: float
    lost: float
    lost_pct: float | None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SkuLoss:
    """A product's revenue lost in a window (its share of the expected revenue less what it sold)."""

    sku: str
    lost: float

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TotalResult:
    """The windows' revenue summed, intervals combined in quadrature; the profit total only when every window has
    one. Fields in the JSON's key order."""

    lost: float
    lost_low: float
    lost_high: float
    net_lost: float
    net_lost_low: float
    net_lost_high: float
    recaptured: float
    expected: float
    actual: float
    profit: dict | None = None

    def to_json(self) -> dict:
        out = asdict(self)
        if self.profit is None:
            del out["profit"]
        return out


@dataclass
class WindowResult:
    window: Window
    estimate: EventEstimate
    confidence: float
    recovery_hours: float
    revenue: RevenueResult
    orders: CountResult
    units: CountResult
    spillover: dict[str, float]
    by_channel: list[MarketplaceRow]
    top_skus: list[SkuLoss]
    share_of_day: float | None
    warnings: list[str]
    shipments: ShipmentResult | None = None
    profit: ProfitResult | None = None  # only with cost inputs (impact.costs); absent from the JSON otherwise
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
            "revenue": self.revenue.to_json(),
            "orders": self.orders.to_json(),
            "units": self.units.to_json(),
            "spillover": self.spillover,
            "hourly": est.hourly(self.confidence),
            "top_skus": [r.to_json() for r in self.top_skus],
            "by_channel": [r.to_json() for r in self.by_channel],
            "share_of_day": self.share_of_day,
            "controls": list(est.controls),
            "resolution": est.resolution,
            "recovery_end": iso_utc(est.recovery_end),
            "placebos": est.n_placebos,
            "interval_method": est.lost.method,
            "warnings": self.warnings,
            "shipments": self.shipments.to_json() if self.shipments is not None else None,
        }
        if self.window.extra.get("channels_reason"):  # why these channels (impact.service.default_channels)
            out["channels_reason"] = self.window.extra["channels_reason"]
        if self.profit is not None:
            out["profit"] = self.profit.to_json()
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
    def total(self) -> TotalResult:
        """Sums over windows. The interval combines the windows' half-widths in quadrature: windows on different
        days have nearly independent errors."""
        revs = [w.revenue.to_json() for w in self.windows]
        lost = sum(r["lost"] for r in revs)
        net = sum(r["net_lost"] for r in revs)
        profit = None
        if self.windows and all(w.profit is not None for w in self.windows):
            profit = total_profit([w.profit for w in self.windows])
        return TotalResult(
            lost=_r(lost),
            lost_low=_r(lost - combined_half_width(revs, "lost", "lost_low")),
            lost_high=_r(lost + combined_half_width(revs, "lost_high", "lost")),
            net_lost=_r(net),
            net_lost_low=_r(net - combined_half_width(revs, "net_lost", "net_lost_low")),
            net_lost_high=_r(net + combined_half_width(revs, "net_lost_high", "net_lost")),
            recaptured=_r(sum(r["recaptured"] for r in revs)),
            expected=_r(sum(r["expected"] for r in revs)),
            actual=_r(sum(r["actual"] for r in revs)),
            profit=profit,
        )

    def to_json(self) -> dict:
        out = {
            "currency": self.currency,
            "confidence": self.confidence,
            "recovery_hours": self.recovery_hours,
            "windows": [w.to_json() for w in self.windows],
            "total": self.total.to_json(),
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


def _actuals(hist: History, con, channel: str, start: datetime, end: datetime) -> Metrics:
    rev, orders, units = con.execute(
        f"""SELECT coalesce({EXACT_REVENUE}::DOUBLE, 0), count(DISTINCT order_id), coalesce(sum(coalesce(quantity, 1)), 0)
            FROM lines WHERE {NOT_CANCELLED} AND {series_sql(hist.scoped)} = $ch
                         AND purchased_at >= $s AND purchased_at < $e""",
        {"cur": hist.currency, "ch": channel, "s": start, "e": end, **series_params(hist.scoped)},
    ).fetchone()
    return Metrics(float(rev), float(orders), float(units))


def _mix(hist: History, con, channel: str, column: str, before: datetime, start: datetime, end: datetime) -> list:
    """(key, share of the channel's revenue in the SHARE_DAYS before the window, revenue in [start, end))."""
    key = f"coalesce(nullif(trim({column}), ''), '(none)')"
    series = series_sql(hist.scoped)
    return con.execute(
        f"""WITH base AS (SELECT {key} AS k, {EXACT_REVENUE} AS r FROM lines
                          WHERE {NOT_CANCELLED} AND {series} = $ch AND purchased_at >= $b AND purchased_at < $s
                          GROUP BY 1),
                 win AS (SELECT {key} AS k, {EXACT_REVENUE} AS r FROM lines
                         WHERE {NOT_CANCELLED} AND {series} = $ch AND purchased_at >= $s AND purchased_at < $e
                         GROUP BY 1)
            SELECT k, coalesce(base.r / nullif(sum(base.r) OVER (), 0), 0)::DOUBLE AS share, coalesce(win.r, 0)::DOUBLE
            FROM base FULL OUTER JOIN win USING (k) ORDER BY k""",
        {"cur": hist.currency, "ch": channel, "b": before, "s": start, "e": end, **series_params(hist.scoped)},
    ).fetchall()


@dataclass
class _Tally:
    """The affected channels' figures summed over channels, and each channel's rows, as _measure reads them."""

    expected: Metrics = ZERO
    actual: Metrics = ZERO  # exact, from the lines
    binned: Metrics = ZERO  # as the estimator's hour bins hold them
    recovery_actual: Metrics = ZERO
    recovery_binned: Metrics = ZERO
    by_channel: list[MarketplaceRow] = field(default_factory=list)
    top: dict[str, float] = field(default_factory=dict)
    spans: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    actual_revenue: dict[str, float] = field(default_factory=dict)


def _estimate(hist: History, window: Window, others: list[tuple[datetime, datetime]], opts: Options) -> EventEstimate:
    """The estimator on the window's affected channels (all of them when the window names none)."""
    if window.end is None:
        raise WindowError(f"the window starting {iso_utc(window.start)} has no end yet; give an end time")
    affected = tuple(scope_name(c) for c in window.channels) or tuple(hist.channels)
    return estimate_event(
        hist,
        window.start,
        window.end,
        affected,
        recovery_hours=opts.recovery_hours,
        confidence=opts.confidence,
        other_windows=others,
        recovery_until_normal=opts.normal_hours,
    )


def _measure(con, hist: History, est: EventEstimate, window: Window) -> _Tally:
    """Exact actuals of every channel in the window (and the affected ones' recovery period), the breakdown by
    marketplace and the SKUs' losses."""
    t = _Tally()
    before = window.start - timedelta(days=SHARE_DAYS)
    for c, f in est.fits.items():
        s, e = t.spans[c] = _span(hist, est, c, window.start, window.end)
        a = _actuals(hist, con, c, s, e)
        t.actual_revenue[c] = a.revenue
        ex = Metrics.of([f.window[m].expected for m in range(3)])
        if f.affected:
            t.expected, t.actual = t.expected.plus(ex), t.actual.plus(a)
            t.binned = t.binned.plus(Metrics.of([f.window[m].actual for m in range(3)]))
            recovery = Metrics.of([f.recovery[m].actual for m in range(3)])
            if f.slots > 1 and len(f.recovery_bins):
                t.recovery_actual = t.recovery_actual.plus(_actuals(hist, con, c, window.end, est.recovery_end))
            else:
                t.recovery_actual = t.recovery_actual.plus(recovery)
            t.recovery_binned = t.recovery_binned.plus(recovery)
        for mk, share, rev in _mix(hist, con, c, "marketplace", before, s, e):
            m_exp = ex.revenue * share
            t.by_channel.append(
                MarketplaceRow(
                    channel=c,
                    marketplace=mk,
                    affected=f.affected,
                    expected=_r(m_exp),
                    actual=_r(rev),
                    lost=_r(m_exp - rev),
                    lost_pct=_r(100 * (m_exp - rev) / m_exp, 1) if m_exp > 0 else None,
                )
            )
        if f.affected:
            for sku, share, rev in _mix(hist, con, c, "sku", before, s, e):
                t.top[sku] = t.top.get(sku, 0.0) + ex.revenue * share - rev
    return t


def _revenue(est: EventEstimate, t: _Tally) -> RevenueResult:
    """The revenue block: the estimator's figures with the exact actuals in place of the hour-binned ones."""
    # Exact actuals replace the hour-binned ones; the interval moves with the point estimate.
    shift = t.binned.revenue - t.actual.revenue
    lost = t.expected.revenue - t.actual.revenue
    recaptured_point = Metrics.of(est.recaptured_point())
    # Exact actuals move the recapture (at the share it counts) when it reads the whole recovery period: the bins only
    # approximate the period's ends.
    raw_shift = t.recovery_actual.revenue - t.recovery_binned.revenue
    rcp = est.recapture
    r_shift = raw_shift if rcp is None else (rcp.factor * raw_shift if rcp.whole else 0.0)
    recaptured = recaptured_point.revenue + r_shift
    rec_low = min(est.recaptured.low + raw_shift, recaptured)
    rec_high = max(est.recaptured.high + raw_shift, recaptured)
    return RevenueResult(
        actual=_r(t.actual.revenue),
        expected=_r(t.expected.revenue),
        lost=_r(lost),
        lost_low=_r(est.lost.low + shift),
        lost_high=_r(est.lost.high + shift),
        recaptured=_r(recaptured),
        net_lost=_r(lost - recaptured),
        # Exact actuals move the net estimate by both shifts; its interval moves with it.
        net_lost_low=_r(est.net.low + shift - r_shift) if est.net is not None else None,
        net_lost_high=_r(est.net.high + shift - r_shift) if est.net is not None else None,
        p_effect=_r(est.lost.p_effect, 3) if est.lost.p_effect is not None else None,
        lost_pct=_r(100 * lost / t.expected.revenue, 1) if t.expected.revenue > 0 else None,
        recaptured_low=_r(rec_low),
        recaptured_high=_r(rec_high),
        recapture_pct=_r(100 * recaptured / lost, 1) if lost > 0 else None,
        recovery_expected=_r(float(est.recovery_expected[REV])),
        recovery_actual=_r(t.recovery_actual.revenue),
        recapture_hours=_r(rcp.hours, 1) if rcp is not None else None,
        recapture_share_counted=_r(rcp.factor, 3) if rcp is not None else None,
    )


def _counts(t: _Tally, recaptured: Metrics, metric: str) -> CountResult:
    """The orders or units block (`metric` 'orders' or 'units')."""
    actual, expected = getattr(t.actual, metric), getattr(t.expected, metric)
    return CountResult(
        actual=int(round(actual)),
        expected=_r(expected),
        lost=_r(expected - actual),
        recaptured=_r(getattr(recaptured, metric)),
    )


def _window(
    con,
    hist: History,
    window: Window,
    others: list[tuple[datetime, datetime]],
    opts: Options,
    *,
    top_n: int,
    profit: ProfitInputs | None = None,
) -> WindowResult:
    est = _estimate(hist, window, others, opts)
    cur = hist.currency
    t = _measure(con, hist, est, window)
    revenue = _revenue(est, t)
    recaptured = Metrics.of(est.recaptured_point())
    lost = t.expected.revenue - t.actual.revenue
    spill = {
        c: _r(_actuals(hist, con, c, *t.spans[c]).revenue - f.window[REV].expected)
        for c, f in est.fits.items()
        if not f.affected
    }
    day_exp = sum(float(est.fits[c].day_expected[REV]) for c in est.affected)
    top_skus = [SkuLoss(sku=k, lost=_r(v)) for k, v in sorted(t.top.items(), key=lambda kv: -kv[1]) if v > 0][:top_n]
    profit_block = None
    if profit is not None:
        # A marketplace scope is priced at its channel's fees and product costs (split_scope: 'shopify:X' -> shopify).
        hit = [
            (split_scope(c)[0], float(f.window[REV].expected), t.actual_revenue[c])
            for c, f in est.fits.items()
            if f.affected
        ]
        profit_block = window_profit(
            con,
            channels=hit,
            currency=cur,
            start=window.start,
            end=window.end,
            revenue=revenue,
            inputs=profit,
        )
    warns = list(est.warnings)
    if est.lost.p_effect is not None and est.lost.p_effect < 0.8 and lost > 0:
        warns.append(
            f"the drop is within normal variation (probability of an effect {percent(est.lost.p_effect)}); "
            "the loss may be zero"
        )
    return WindowResult(
        window=window,
        estimate=est,
        confidence=opts.confidence,
        recovery_hours=opts.recovery_hours,
        revenue=revenue,
        orders=_counts(t, recaptured, "orders"),
        units=_counts(t, recaptured, "units"),
        spillover=spill,
        by_channel=t.by_channel,
        top_skus=top_skus,
        share_of_day=_r(lost / day_exp, 4) if day_exp > 0 else None,
        warnings=warns,
        profit=profit_block,
        recovery_mode=opts.recovery_mode,
    )


def _scoped(con, windows: list[Window]) -> tuple[list[Window], tuple[str, ...]]:
    """The windows with each marketplace scope spelled as the data spells it, and those scopes."""
    names = resolve_scopes(con, [c for w in windows for c in w.channels])
    if not names:
        return windows, ()
    spelled = [replace(w, channels=tuple(dict.fromkeys(names.get(c, c) for c in w.channels))) for w in windows]
    return spelled, tuple(sorted(set(names.values())))


def analyze(
    con,
    windows: list[Window],
    options: Options | None = None,
    *,
    hist: History | None = None,
    shipments: bool = True,
    profit: ProfitInputs | None = None,
    top_n: int = 10,
    groups: LineGroups | None = None,
) -> Analysis:
    """Lost revenue, orders and units, interval, recapture, spill-over and breakdowns for each window.

    `options` (impact.options.resolve_options; the settings' defaults when None) carries the confidence, the
    recovery period and its mode, the currency (the home currency when amounts are converted), the zone and the
    shipping promise. Raises MixedCurrencyError when the data has several currencies and no currency is chosen,
    WindowError for a window outside the data or with too little history before it. Pass `hist` (load_history) to
    reuse an aggregation across calls on the same data. Each window also gets its late shipments
    (impact.shipments) against the file's ship-by promises, or options.sla_hours after purchase where the file has
    none; `shipments=False` skips that (its `shipments` stays None) for callers that measure shipping themselves.
    `profit` (cost inputs loaded into the connection by impact.costs) adds each window's profit block. `groups`:
    impact.linegroups' scan of `lines` as they are now, when the caller has one (it is made here otherwise).
    """
    opts = options or resolve_options()
    if not windows:
        raise WindowError("give at least one outage window (start and end)")
    windows, scoped = _scoped(con, windows)
    if hist is None or not set(scoped) <= set(hist.channels):
        # One grouped scan of the lines serves the history and each window's shipments (impact.linegroups).
        groups = groups or line_groups(con)
        hist = load_history(
            con, currency=opts.analysis_currency, tz=opts.tz, at=windows[0].start, scoped=scoped, groups=groups
        )
    results = []
    for i, w in enumerate(windows):
        after = timedelta(hours=opts.recovery_hours)
        others = [(o.start, (o.end or o.start) + after) for j, o in enumerate(windows) if j != i]
        result = _window(con, hist, w, others, opts, top_n=top_n, profit=profit)
        if shipments:
            result.shipments = shipment_impact(
                con,
                replace(w, channels=w.base_channels),
                sla_hours=opts.sla_hours,
                business_days=opts.business_days,
                confidence=opts.confidence,
                groups=groups,
            )
        results.append(result)
    return Analysis(
        results, hist.currency, opts.confidence, opts.recovery_hours, list(hist.notes), recovery_mode=opts.recovery_mode
    )

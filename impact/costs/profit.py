"""Profit of one outage window from the revenue counterfactual: what the orders that never came would have cost.

The estimator says how much revenue each affected channel lost in the window; the SKU mix of the four weeks before
says which products the orders that never came would have bought. Each SKU's cost rate (goods at the unit cost in
force on the window's day, plus the channel's fees on its lines, per-order fees spread over their lines by revenue)
prices that mix, so

    profit lost = revenue lost - revenue lost x goods cost rate of the mix - revenue lost x fee rate of the mix

that is, revenue lost minus the costs and fees of the orders expected and not received. The lost orders are priced
at the usual mix rather than as expected-minus-actual per SKU: the orders that did come are a random basket too, and
subtracting their exact costs would add their basket's luck to the estimate (bench.profit_accuracy measured it). The
interval is the revenue interval at the mix's margin: the cost rates come from weeks of orders and vary far less than
demand does.

SKUs without a cost take their channel's median cost rate (of the SKUs that have one) and are listed; `costed_share`
is the share of the mix whose products have a known cost.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from ..revenue.interval import combined_half_width

BASE_DAYS = 28  # the SKU mix and hour-of-day shape: the four weeks before the window, as the revenue breakdown
TOP_SKUS = 20


@dataclass(frozen=True)
class ProfitInputs:
    """What the profit layer needs besides the window: the seller's zone for order days and ad hours, and the home
    currency the orders were converted to (None: costs must be in the orders' own currency)."""

    tz: str
    home: str | None = None


def _r(x: float | None, nd: int = 2) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), nd)


def _cost_join(home: bool) -> str:
    """Unit cost in force on day `d` (a column of the outer query), in the orders' currency."""
    if not home:
        return "pc.unit_cost"
    return "pc.unit_cost * CASE WHEN pc.currency IS NULL OR pc.currency = $cur THEN 1 ELSE fx.to_home END"


def _line_sql(home: bool, cost_day: str) -> str:
    """Every non-cancelled line of channel $ch in [$from, $to): revenue, units, goods cost (NULL without a known
    cost) and fees. `cost_day` is the day whose unit cost applies: the order's own local day, or a fixed $day."""
    fx = "LEFT JOIN fx_daily fx ON fx.day = l.d AND fx.currency = pc.currency" if home else ""
    return f"""
    WITH r AS (
        SELECT channel,
               sum(pct) FILTER (WHERE applies_to = 'all') AS pct_all,
               sum(pct) FILTER (WHERE applies_to = 'all' AND component = 'referral') AS pct_referral,
               sum(per_unit) FILTER (WHERE applies_to = 'all') AS unit_all,
               sum(per_unit) FILTER (WHERE applies_to = 'fba') AS unit_fba,
               sum(fixed_per_order) FILTER (WHERE applies_to = 'all') AS fixed_all,
               bool_or(overridden) AS overridden
        FROM fee_rules WHERE channel = $ch GROUP BY channel),
    cat AS (SELECT lower(substr(applies_to, 10)) AS category, sum(pct) AS pct FROM fee_rules
            WHERE channel = $ch AND applies_to LIKE 'category:%' GROUP BY 1),
    l AS (
        SELECT order_id, coalesce(nullif(trim(sku), ''), '(none)') AS sku, CAST(revenue AS DECIMAL(38, 8)) AS rev,
               coalesce(quantity, 1) AS qty, lower(coalesce(fulfilment, '')) IN ('amazon', 'afn') AS fba,
               {cost_day} AS d
        FROM lines
        WHERE status IS DISTINCT FROM 'cancelled' AND currency IS NOT DISTINCT FROM $cur AND channel = $ch
          AND purchased_at >= $from AND purchased_at < $to),
    lc AS (
        SELECT l.*, {_cost_join(home)} AS unit_cost, pc.category
        FROM l LEFT JOIN product_costs pc
          ON pc.sku = l.sku AND (pc.valid_from IS NULL OR pc.valid_from <= l.d)
         AND (pc.valid_to IS NULL OR l.d <= pc.valid_to)
        {fx})
    SELECT lc.sku, lc.rev, lc.qty,
           lc.unit_cost * lc.qty AS cogs,
           lc.rev * (coalesce(r.pct_all, 0)
                     - CASE WHEN cat.pct IS NOT NULL OR (sf.referral_fee IS NOT NULL AND NOT coalesce(r.overridden, false))
                            THEN coalesce(r.pct_referral, 0) ELSE 0 END
                     + coalesce(cat.pct, 0))
           + lc.qty * (coalesce(r.unit_all, 0)
                       + CASE WHEN lc.fba THEN coalesce(r.unit_fba, 0) ELSE 0 END
                       + CASE WHEN coalesce(r.overridden, false) OR cat.pct IS NOT NULL THEN 0
                              ELSE coalesce(sf.referral_fee, 0) END
                       + CASE WHEN lc.fba AND NOT coalesce(r.overridden, false) THEN coalesce(sf.fulfilment_fee, 0)
                              ELSE 0 END)
           + coalesce(r.fixed_all, 0) * lc.rev / nullif(sum(lc.rev) OVER (PARTITION BY lc.order_id), 0) AS fees
    FROM lc LEFT JOIN r ON true
    LEFT JOIN cat ON cat.category = lower(trim(lc.category))
    LEFT JOIN (SELECT sku, any_value(referral_fee) AS referral_fee, any_value(fulfilment_fee) AS fulfilment_fee
               FROM sku_fees WHERE $ch = 'amazon' GROUP BY sku) sf ON sf.sku = lc.sku
    """


def _local_day(tz_param: str = "$tz") -> str:
    return f"CAST(timezone({tz_param}, purchased_at::TIMESTAMPTZ) AS DATE)"


@dataclass
class _Sku:
    rev: float = 0.0
    cogs: float = 0.0  # of the costed lines only
    costed_rev: float = 0.0
    fees: float = 0.0


def _used(sql: str, params: dict) -> dict:
    """The parameters the statement names: DuckDB refuses named parameters a statement does not use."""
    return {k: v for k, v in params.items() if f"${k}" in sql}


def _per_sku(con, sql: str, params: dict) -> dict[str, _Sku]:
    params = _used(sql, params)
    rows = con.execute(
        f"""SELECT sku, sum(rev)::DOUBLE, sum(cogs)::DOUBLE, sum(rev) FILTER (WHERE cogs IS NOT NULL)::DOUBLE,
                   sum(coalesce(fees, 0))::DOUBLE
            FROM ({sql}) GROUP BY sku ORDER BY sku""",
        params,
    ).fetchall()
    return {k: _Sku(rev or 0.0, cogs or 0.0, costed or 0.0, fees or 0.0) for k, rev, cogs, costed, fees in rows}


def _window_sku_revenue(con, channel: str, currency: str, start: datetime, end: datetime) -> dict[str, float]:
    """What each product of the channel sold in the window, summed exactly as impact.analysis sums it."""
    rows = con.execute(
        """SELECT coalesce(nullif(trim(sku), ''), '(none)'), sum(CAST(revenue AS DECIMAL(38, 8)))::DOUBLE FROM lines
           WHERE status IS DISTINCT FROM 'cancelled' AND currency IS NOT DISTINCT FROM $cur AND channel = $ch
             AND purchased_at >= $s AND purchased_at < $e
           GROUP BY 1""",
        {"cur": currency, "ch": channel, "s": start, "e": end},
    ).fetchall()
    return {k: float(v or 0.0) for k, v in rows}


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


@dataclass
class ChannelProfit:
    channel: str
    revenue_lost: float
    expected_revenue: float
    costs_saved: float
    fees_saved: float
    expected_costs: float
    lost_by_sku: dict[str, tuple[float, float, bool]]  # sku -> (its share of revenue lost, profit lost, costed)
    costed_share: float | None  # of the usual mix's revenue, the share whose products have a known cost
    ad_spend_window: float = 0.0
    ad_spend_wasted: float = 0.0

    @property
    def profit_lost(self) -> float:
        return self.revenue_lost - self.costs_saved - self.fees_saved

    @property
    def margin(self) -> float | None:
        if self.expected_revenue <= 0:
            return None
        return 1 - self.expected_costs / self.expected_revenue


def channel_profit(
    con,
    *,
    channel: str,
    currency: str,
    expected_revenue: float,
    actual_revenue: float,
    window_start: datetime,
    inputs: ProfitInputs,
    fallback_rate=None,
    window_end: datetime | None = None,
) -> ChannelProfit:
    """Profit lost on one affected channel: its lost revenue priced at the cost rates of its usual product mix.

    With `window_end`, a product's share of the revenue lost is the analysis' own (impact.analysis top_skus): its
    share of the usual mix of the expected revenue, minus what it sold in the window, so that the Products chart,
    the profit table and the report give one figure per product."""
    base_from = window_start - timedelta(days=BASE_DAYS)
    zone = ZoneInfo(inputs.tz)
    day = (window_start.replace(tzinfo=ZoneInfo("UTC"))).astimezone(zone).date()
    home = inputs.home is not None
    params = {"ch": channel, "cur": currency, "tz": inputs.tz, "from": base_from, "to": window_start, "day": day}
    base = _per_sku(con, _line_sql(home, "CAST($day AS DATE)"), params)

    rates = [b.cogs / b.costed_rev for b in base.values() if b.costed_rev > 0]
    median_rate = _median(rates)
    if median_rate is None and fallback_rate is not None:
        # Only a channel none of whose products has a cost needs the other channels' median.
        median_rate = fallback_rate()

    def cogs_rate(x: _Sku) -> float:
        """Goods cost per unit of revenue: the costed lines' own rate, the channel's median for the rest."""
        if x.rev <= 0:
            return 0.0
        return (x.cogs + (x.rev - x.costed_rev) * (median_rate or 0.0)) / x.rev

    lost = expected_revenue - actual_revenue
    base_total = sum(b.rev for b in base.values() if b.rev > 0)
    sold = _window_sku_revenue(con, channel, currency, window_start, window_end) if window_end else None
    cogs_mix = fee_mix = costed_mix = 0.0
    by_sku: dict[str, tuple[float, float, bool]] = {}
    for sku in sorted(base):
        b = base[sku]
        if b.rev <= 0 or base_total <= 0:
            continue
        share = b.rev / base_total
        rate = cogs_rate(b) + b.fees / b.rev
        costed = b.costed_rev >= b.rev
        cogs_mix += share * cogs_rate(b)
        fee_mix += share * b.fees / b.rev
        costed_mix += share if costed else 0.0
        sku_lost = lost * share if sold is None else expected_revenue * share - sold.get(sku, 0.0)
        by_sku[sku] = (sku_lost, sku_lost * (1 - rate), costed)
    if base_total <= 0:
        # No sales in the weeks before to take a mix from: the median goods cost rate, no fees known.
        cogs_mix = median_rate or 0.0
    return ChannelProfit(
        channel=channel,
        revenue_lost=lost,
        expected_revenue=expected_revenue,
        costs_saved=lost * cogs_mix,
        fees_saved=lost * fee_mix,
        expected_costs=expected_revenue * (cogs_mix + fee_mix),
        lost_by_sku=by_sku,
        costed_share=costed_mix if base_total > 0 else None,
    )


def _hour_shape(con, channel: str, currency: str, start: datetime, tz: str) -> list[float]:
    """Share of the channel's revenue in each local hour of the day over the weeks before the window: how a daily
    ad budget is spread over the day when the export has no hours (ad platforms pace spend with traffic)."""
    rows = con.execute(
        """SELECT hour(timezone($tz, purchased_at::TIMESTAMPTZ)) AS h, sum(revenue)::DOUBLE FROM lines
           WHERE status IS DISTINCT FROM 'cancelled' AND currency IS NOT DISTINCT FROM $cur AND channel = $ch
             AND purchased_at >= $b AND purchased_at < $s AND time_precision IS DISTINCT FROM 'day'
           GROUP BY 1""",
        {"tz": tz, "cur": currency, "ch": channel, "b": start - timedelta(days=BASE_DAYS), "s": start},
    ).fetchall()
    shape = [0.0] * 24
    for h, v in rows:
        shape[int(h)] = max(float(v or 0.0), 0.0)
    total = sum(shape)
    return [v / total for v in shape] if total > 0 else [1 / 24] * 24


def _overlap_hours(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> float:
    return max((min(a1, b1) - max(a0, b0)).total_seconds(), 0.0) / 3600


def ad_spend_in_window(
    con, *, channel: str, currency: str, start: datetime, end: datetime, inputs: ProfitInputs
) -> float:
    """Ad spend of the channel during the window: hourly rows by their overlap with it, daily rows spread over the
    seller's hour-of-day shape. Days and hours of ad exports are the account's local time (the seller's zone)."""
    zone = ZoneInfo(inputs.tz)
    utc = ZoneInfo("UTC")
    ls = start.replace(tzinfo=utc).astimezone(zone).replace(tzinfo=None)
    le = end.replace(tzinfo=utc).astimezone(zone).replace(tzinfo=None)
    conv = "CASE WHEN a.currency IS NULL OR a.currency = $cur THEN 1 ELSE fx.to_home END" if inputs.home else "1"
    fx = "LEFT JOIN fx_daily fx ON fx.day = a.day AND fx.currency = a.currency" if inputs.home else ""
    sql = f"""SELECT a.day, a.hour, sum(a.spend * {conv})::DOUBLE FROM ad_spend a {fx}
              WHERE a.channel = $ch AND a.day BETWEEN $d0 AND $d1 GROUP BY 1, 2 ORDER BY 1, 2"""
    rows = con.execute(sql, _used(sql, {"ch": channel, "cur": currency, "d0": ls.date(), "d1": le.date()})).fetchall()
    shape = None
    total = 0.0
    for day, hour, spend in rows:
        midnight = datetime(day.year, day.month, day.day)
        if hour is not None:
            h0 = midnight + timedelta(hours=int(hour))
            total += (spend or 0.0) * _overlap_hours(h0, h0 + timedelta(hours=1), ls, le)
            continue
        if shape is None:
            shape = _hour_shape(con, channel, currency, start, inputs.tz)
        frac = sum(
            shape[h] * _overlap_hours(midnight + timedelta(hours=h), midnight + timedelta(hours=h + 1), ls, le)
            for h in range(24)
        )
        total += (spend or 0.0) * frac
    return total


def _channel_parts(con, channels, currency: str, start: datetime, end: datetime, inputs: ProfitInputs) -> list:
    """Each affected channel's profit, with its ad spend in the window and the share of it the lost sales wasted."""
    parts = []
    for ch, expected, actual in channels:
        p = channel_profit(
            con,
            channel=ch,
            currency=currency,
            expected_revenue=expected,
            actual_revenue=actual,
            window_start=start,
            inputs=inputs,
            fallback_rate=lambda: _fallback_rate(con, currency, start),
            window_end=end,
        )
        p.ad_spend_window = ad_spend_in_window(con, channel=ch, currency=currency, start=start, end=end, inputs=inputs)
        lost_share = min(max(p.revenue_lost / expected, 0.0), 1.0) if expected > 0 else 0.0
        p.ad_spend_wasted = p.ad_spend_window * lost_share
        parts.append(p)
    return parts


@dataclass(frozen=True)
class ProfitSku:
    """One product's share of a window's revenue lost and the profit in it; fields in the JSON's key order."""

    sku: str
    channel: str
    lost: float | None
    profit_lost: float | None
    margin_pct: float | None
    costed: bool

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ProfitChannel:
    """One affected channel's revenue and profit lost, what the lost orders would have cost, and the ad spend they
    wasted; fields in the JSON's key order."""

    channel: str
    lost: float | None
    profit_lost: float | None
    costs_saved: float | None
    fees_saved: float | None
    margin_pct: float | None
    ad_spend_wasted: float | None
    costed_share: float | None

    def to_json(self) -> dict:
        return asdict(self)


def _sku_rows(parts: list) -> list[ProfitSku]:
    """Every product that lost revenue or profit, largest profit lost first."""
    skus = [
        ProfitSku(
            sku=k,
            channel=p.channel,
            lost=_r(v[0]),
            profit_lost=_r(v[1]),
            margin_pct=_r(100 * v[1] / v[0], 1) if v[0] > 0 else None,
            costed=v[2],
        )
        for p in parts
        for k, v in p.lost_by_sku.items()
        if v[0] > 0 or v[1] > 0
    ]
    skus.sort(key=lambda s: (-(s.profit_lost or 0), s.channel, s.sku))
    return skus


def _channel_row(p) -> ProfitChannel:
    return ProfitChannel(
        channel=p.channel,
        lost=_r(p.revenue_lost),
        profit_lost=_r(p.profit_lost),
        costs_saved=_r(p.costs_saved),
        fees_saved=_r(p.fees_saved),
        margin_pct=_r(100 * p.margin, 1) if p.margin is not None else None,
        ad_spend_wasted=_r(p.ad_spend_wasted),
        costed_share=_r(p.costed_share, 4),
    )


class RevenueFigures(Protocol):
    """The window's revenue figures the profit block follows (impact.analysis.RevenueResult has them); a protocol
    rather than an import, since impact.analysis imports this module."""

    # Read-only properties: a frozen dataclass's fields satisfy them, plain attributes would ask for setters.
    @property
    def lost(self) -> float: ...
    @property
    def lost_low(self) -> float: ...
    @property
    def lost_high(self) -> float: ...
    @property
    def net_lost(self) -> float: ...
    @property
    def net_lost_low(self) -> float | None: ...
    @property
    def net_lost_high(self) -> float | None: ...
    @property
    def recaptured(self) -> float: ...


@dataclass(frozen=True)
class ProfitResult:
    """The `profit` block of one window, in money of the analysis' currency rounded to the cent (shares to 4 places,
    margins to 0.1 %); None where a figure cannot be known (no expected revenue, no costed product)."""

    lost: float | None
    lost_low: float | None
    lost_high: float | None
    net_lost: float | None
    net_lost_low: float | None
    net_lost_high: float | None
    recaptured: float | None
    costs_saved: float | None
    fees_saved: float | None
    ad_spend_window: float | None
    ad_spend_wasted: float | None
    margin_pct: float | None
    costed_share: float | None
    revenue_lost: float | None
    by_channel: list[ProfitChannel]
    by_sku: list[ProfitSku]
    uncosted_skus: list[str]

    def to_json(self) -> dict:
        out = asdict(self)
        # The rows' own to_json, so that a row's JSON is written in one place; the keys keep their positions.
        out["by_channel"] = [r.to_json() for r in self.by_channel]
        out["by_sku"] = [r.to_json() for r in self.by_sku]
        return out


def window_profit(
    con,
    *,
    channels: list[tuple[str, float, float]],
    currency: str,
    start: datetime,
    end: datetime,
    revenue: RevenueFigures,
    inputs: ProfitInputs,
) -> ProfitResult:
    """The `profit` block of one window. `channels`: (affected channel, expected revenue, actual revenue); `revenue`
    is the window's revenue block, whose interval and recapture the profit figures follow at the margin rate."""
    parts = _channel_parts(con, channels, currency, start, end, inputs)
    lost = sum(p.profit_lost for p in parts)
    expected = sum(p.expected_revenue for p in parts)
    margin = 1 - sum(p.expected_costs for p in parts) / expected if expected > 0 else None
    m = margin if margin is not None else 0.0
    # The revenue interval's half-widths carry over at the margin rate; lost revenue is the exact-actuals figure, so
    # the interval is placed around the profit point estimate in the same way as the revenue one is around its own.
    recaptured = revenue.recaptured * m
    # From the figures as shown, so that lost - recaptured = net_lost holds to the cent in every consumer (claims).
    net = round(lost, 2) - round(recaptured, 2)
    # The net revenue interval is calibrated on placebos of window and recovery together; it carries over too.
    weights = [(p.costed_share, max(p.revenue_lost, 0.0)) for p in parts if p.costed_share is not None]
    weight = sum(w for _, w in weights)
    skus = _sku_rows(parts)
    uncosted = sorted({s.sku for s in skus if not s.costed and s.sku != "(none)" and (s.lost or 0) > 0})
    return ProfitResult(
        lost=_r(lost),
        lost_low=_r(lost - (revenue.lost - revenue.lost_low) * m),
        lost_high=_r(lost + (revenue.lost_high - revenue.lost) * m),
        net_lost=_r(net),
        net_lost_low=_r(net - (revenue.net_lost - revenue.net_lost_low) * m),
        net_lost_high=_r(net + (revenue.net_lost_high - revenue.net_lost) * m),
        recaptured=_r(recaptured),
        costs_saved=_r(sum(p.costs_saved for p in parts)),
        fees_saved=_r(sum(p.fees_saved for p in parts)),
        ad_spend_window=_r(sum(p.ad_spend_window for p in parts)),
        ad_spend_wasted=_r(sum(p.ad_spend_wasted for p in parts)),
        margin_pct=_r(100 * margin, 1) if margin is not None else None,
        costed_share=_r(sum(c * w for c, w in weights) / weight, 4) if weight > 0 else None,
        revenue_lost=_r(sum(p.revenue_lost for p in parts)),
        by_channel=[_channel_row(p) for p in parts],
        by_sku=skus[:TOP_SKUS],
        uncosted_skus=uncosted,
    )


def _fallback_rate(con, currency: str, start: datetime) -> float | None:
    """The median goods-cost rate over every channel's costed SKUs, for a channel none of whose SKUs has a cost."""
    row = con.execute(
        """WITH s AS (SELECT trim(l.sku) AS sku, sum(l.revenue)::DOUBLE AS rev,
                             sum(coalesce(l.quantity, 1) * pc.unit_cost)::DOUBLE AS cogs
                      FROM lines l JOIN product_costs pc ON pc.sku = trim(l.sku)
                       AND (pc.valid_from IS NULL OR pc.valid_from <= CAST($s AS DATE))
                       AND (pc.valid_to IS NULL OR CAST($s AS DATE) <= pc.valid_to)
                      WHERE l.status IS DISTINCT FROM 'cancelled' AND l.currency IS NOT DISTINCT FROM $cur
                        AND l.purchased_at >= $b AND l.purchased_at < $s
                        AND (pc.currency IS NULL OR pc.currency = $cur)
                      GROUP BY 1)
           SELECT median(cogs / rev) FROM s WHERE rev > 0""",
        {"cur": currency, "b": start - timedelta(days=BASE_DAYS), "s": start},
    ).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def total_profit(results: list[ProfitResult]) -> dict:
    """Sums over windows, intervals combined in quadrature as the revenue total's are."""
    windows = [r.to_json() for r in results]
    lost = sum(w["lost"] for w in windows)
    net = sum(w["net_lost"] for w in windows)
    return {
        "lost": _r(lost),
        "lost_low": _r(lost - combined_half_width(windows, "lost", "lost_low")),
        "lost_high": _r(lost + combined_half_width(windows, "lost_high", "lost")),
        "net_lost": _r(net),
        "net_lost_low": _r(net - combined_half_width(windows, "net_lost", "net_lost_low")),
        "net_lost_high": _r(net + combined_half_width(windows, "net_lost_high", "net_lost")),
        "ad_spend_wasted": _r(sum(w["ad_spend_wasted"] for w in windows)),
    }


def channel_rates(con, *, currency: str, inputs: ProfitInputs, days: int = 90) -> dict[str, dict]:
    """Each channel's measured product margin (before fees, over its costed lines) and fee rate, over the last
    `days` of orders: what the scenario model weighs a channel's sales by, in place of its assumed defaults."""
    last = con.execute("SELECT max(purchased_at) FROM lines").fetchone()[0]
    if last is None:
        return {}
    channels = [r[0] for r in con.execute("SELECT DISTINCT channel FROM lines ORDER BY 1").fetchall()]
    out = {}
    home = inputs.home is not None
    for ch in channels:
        params = {"ch": ch, "cur": currency, "tz": inputs.tz, "from": last - timedelta(days=days), "to": last}
        sku = _per_sku(con, _line_sql(home, _local_day()), params)
        rev = sum(x.rev for x in sku.values())
        costed = sum(x.costed_rev for x in sku.values())
        if rev <= 0:
            continue
        out[ch] = {
            "fee_rate": sum(x.fees for x in sku.values()) / rev,
            "margin": 1 - sum(x.cogs for x in sku.values()) / costed if costed > 0 else None,
            "costed_share": costed / rev,
        }
    return out

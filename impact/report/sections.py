"""The report's result sections: the outage window, the key figures, the charts, the loss by product and the
late orders."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..present import (
    MINUS,
    channel_name,
    format_channels,
    format_money,
    hours_between,
    local_time,
    number,
    percent,
    plural,
    sentence,
    sku_name,
    unmeasurable,
    value_range,
)
from ..settings import Settings
from .markup import cell, esc, figure_html, kpi_row, table
from .sentences import NO_LATE_RATE, NO_SHIP_TIMES, lost_pct_shown, recapture_status, share_of_day_text

EVIDENCE_ROWS = 200


def window_section(res: dict, tz: str) -> str:
    start, end = res["start"], res["end"]
    rows = [
        ["Start", local_time(start, "UTC", zone=True), local_time(start, tz, zone=True)],
        ["End", local_time(end, "UTC", zone=True), local_time(end, tz, zone=True)],
    ]
    facts = [
        ["Duration", plural(hours_between(start, end), "hour", digits=None)],
        ["Affected channels", format_channels(res.get("channels"))],
        ["Compared with (not affected)", format_channels(res.get("controls"), empty="none")],
        [
            "Recovery period checked",
            f"{plural(res.get('recovery_hours', 24), 'hour', digits=None)} after the end, "
            f"to {local_time(res.get('recovery_end'), 'UTC', zone=True)}",
        ],
        ["Time resolution", "hourly" if res.get("resolution") != "day" else "whole days (the export has dates only)"],
    ]
    facts_html = "".join(f'<tr><th scope="row">{cell(k)}</th><td>{cell(v)}</td></tr>' for k, v in facts)
    return (
        '<section id="window"><h2>The outage window</h2>'
        + table(["", "UTC", f"Seller's time zone ({tz})"], rows, "window")
        + f'<table class="facts"><tbody>{facts_html}</tbody></table>'
        + "</section>"
    )


def _money_formats(res: dict):
    """(money in the result's currency, a range written with it) for the key-figure rows."""
    cur = res.get("currency") or "USD"

    def m(v):
        return format_money(v, cur)

    def rng(low, high, fmt=m):
        return value_range(low, high, fmt)

    return m, rng


def _revenue_rows(res: dict) -> list[str]:
    """The loss, its probability, the recapture, the net loss and the orders lost."""
    rev, orders = res["revenue"], res["orders"]
    recovery = res.get("recovery_hours", Settings.recovery_hours)
    rec = rev.get("recaptured") or 0.0
    m, rng = _money_formats(res)
    pct = lost_pct_shown(res)
    return [
        kpi_row(
            "Revenue lost during the outage",
            "revenue.lost",
            rev["lost"],
            m(rev["lost"]),
            rng(rev.get("lost_low"), rev.get("lost_high")),
            f"Expected {m(rev['expected'])} from the seller's history, actual {m(rev['actual'])}"
            + ("." if pct is None else f": {number(abs(pct), 1)}% {'below' if pct >= 0 else 'above'} expected."),
        ),
        kpi_row(
            "Probability of an effect",
            "revenue.p_effect",
            rev.get("p_effect"),
            percent(rev.get("p_effect"), 1),
            "",
            f"Chance that the drop is more than normal day-to-day variation, from {res.get('placebos', 0)} "
            "ordinary days in the history (placebo windows).",
        ),
        kpi_row(
            f"Recapture in the {recovery:g} h after",
            "revenue.recaptured",
            rev.get("recaptured"),
            m(rev.get("recaptured")),
            rng(rev.get("recaptured_low"), rev.get("recaptured_high")),
            {
                "came_back": "Sales above normal after the outage: buyers who came back.",
                "stayed_low": "Sales stayed measurably below normal after the outage: the loss went on.",
                "none": "Within normal variation: no measurable recapture.",
            }[recapture_status(rev)],
        ),
        kpi_row(
            "Net loss after recapture",
            "revenue.net_lost",
            rev.get("net_lost"),
            m(rev.get("net_lost")),
            "",
            f"Revenue lost minus the recapture: {m(rev['lost'])} {MINUS} "
            + (f"({m(rec)})" if rec < 0 else m(rec))
            + (" (a shortfall after the outage adds to the loss)." if rec < 0 else "."),
        ),
        kpi_row(
            "Orders lost",
            "orders.lost",
            orders.get("lost"),
            number(orders.get("lost"), 1),
            "",
            f"{number(orders.get('expected'), 1)} expected, {number(orders.get('actual'))} received.",
        ),
    ]


def _day_and_spillover_rows(res: dict, tz: str) -> list[str]:
    """The loss as a share of the day, and each unaffected channel's spill-over."""
    m, _rng = _money_formats(res)
    rows = []
    share = share_of_day_text(res, tz)
    rows.append(
        kpi_row(
            "Share of the day's revenue",
            "share_of_day",
            res.get("share_of_day"),
            percent(res.get("share_of_day"), 1),
            "",
            f"The loss as a share {share[1]} (whole days in {tz})." if share else "No daily expectation.",
        )
    )
    for channel, extra in (res.get("spillover") or {}).items():
        if extra is not None:
            rows.append(
                kpi_row(
                    f"Spill-over to {channel_name(channel)}",
                    f"spillover.{channel}",
                    extra,
                    m(extra),
                    "",
                    "Sales above (+) or below (\u2212) expected on this unaffected channel during the outage.",
                )
            )
    return rows


def _shipment_rows(ship: dict, tz: str) -> list[str]:
    """Late shipments caused by the outage (or why they cannot be measured) and when the backlog cleared."""
    rows = []
    late = f"{number(ship.get('late', 0))} of {plural(ship.get('due', 0), 'order')} due to ship went out late"
    if ship.get("available") and ship.get("excess_late") is not None:
        rows.append(
            kpi_row(
                "Late shipments caused by the outage",
                "shipments.excess_late",
                ship.get("excess_late"),
                number(ship.get("excess_late"), 1),
                value_range(ship.get("excess_late_low"), ship.get("excess_late_high"), lambda v: number(v, 1)),
                f"{late}; {number(ship.get('late_expected'), 1)} would have been late at the usual rate.",
            )
        )
    else:
        reason = NO_LATE_RATE if ship.get("available") else NO_SHIP_TIMES
        rows.append(
            kpi_row(
                "Late shipments caused by the outage",
                "shipments.excess_late",
                None,
                "not measurable",
                "",
                sentence(unmeasurable("late shipments caused by the outage", reason))
                + (f" {sentence(late)}" if ship.get("available") else ""),
            )
        )
    if ship.get("available"):
        cleared = ship.get("backlog_cleared")
        rows.append(
            kpi_row(
                "Shipping backlog cleared",
                "shipments.backlog_cleared",
                cleared,
                local_time(cleared, tz, zone=True) if cleared else "not by the end of the data",
                "",
                (f"{local_time(cleared, 'UTC', zone=True)}. " if cleared else "")
                + f"Unshipped orders back to their usual number; {number(ship.get('extra_handling_hours'))} extra "
                f"order-hours of waiting, peak backlog {plural(ship.get('peak_backlog_orders'), 'order')}.",
            )
        )
    return rows


def kpi_section(res: dict, ship: dict, tz: str) -> str:
    """The key figures table: revenue, recapture, orders, the day's share, spill-over and shipping."""
    cur = res.get("currency") or "USD"
    conf = percent(res.get("confidence", Settings.confidence))
    rows = [*_revenue_rows(res), *_day_and_spillover_rows(res, tz), *_shipment_rows(ship, tz)]
    head = "<tr><th>Measure</th><th>Estimate</th><th>" + esc(f"{conf} range") + "</th><th>What it means</th></tr>"
    return (
        '<section id="kpis"><h2>Key figures</h2><table class="kpis"><thead>'
        + head
        + "</thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
        + f'<p class="note">Amounts in {esc(cur)}: merchandise value without tax or shipping; cancelled orders '
        "excluded.</p></section>"
    )


def charts_section(res: dict, tz: str) -> str:
    figs = [
        charts.timeline(res, tz=tz),
        charts.cumulative_loss(res, tz=tz),
        charts.channel_breakdown(res),
        charts.top_skus(res),
    ]
    parts = [f'<div class="chart">{figure_html(fig, i == 0, i)}</div>' for i, fig in enumerate(figs)]
    return (
        '<section id="charts"><h2>Charts</h2>'
        + '<p class="note">Interactive: hover for values. The shaded area is the outage; the band around the '
        "expected line is the range of a normal hour.</p>" + "".join(parts) + "</section>"
    )


def skus_section(res: dict, names: dict[str, str]) -> str:
    top = res.get("top_skus") or []
    if not top:
        return ""
    cur = res.get("currency") or "USD"
    rows = [[sku_name(r.get("sku")), names.get(r.get("sku"), ""), format_money(r.get("lost"), cur)] for r in top]
    return (
        '<section id="skus"><h2>Loss by product</h2>'
        + table(["SKU", "Product", "Revenue lost"], rows, "skus")
        + "<p class=\"note\">A product's share of the loss follows its share of the channel's sales in the four "
        "weeks before the outage, minus what it actually sold during it.</p></section>"
    )


def _pct(v) -> str:
    return "" if v is None else f"{number(v, 1)}%"


def _profit_channel_rows(p: dict, m) -> list[list[str]]:
    """One row per channel: revenue and profit lost, goods and fees not spent, ad spend wasted, margin."""
    pct = _pct
    return [
        [
            channel_name(r["channel"]),
            m(r["lost"]),
            m(r["profit_lost"]),
            m(r["costs_saved"]),
            m(r["fees_saved"]),
            m(r["ad_spend_wasted"]),
            pct(r["margin_pct"]),
        ]
        for r in p.get("by_channel") or []
    ]


def _profit_sku_rows(p: dict, m, names: dict[str, str]) -> list[list[str]]:
    """One row per product: its share of the revenue lost, profit lost, margin, and whether its cost was known."""
    pct = _pct
    return [
        [
            sku_name(r["sku"]),
            names.get(r["sku"], ""),
            channel_name(r["channel"]),
            m(r["lost"]),
            m(r["profit_lost"]),
            pct(r["margin_pct"]),
            "known" if r["costed"] else "channel median",
        ]
        for r in p.get("by_sku") or []
    ]


def profit_section(res: dict, names: dict[str, str]) -> str:
    """Profit lost, with what the lost orders would have cost, by channel and by product; only with costs."""
    p = res.get("profit")
    if not p:
        return ""
    cur = res.get("currency") or "USD"

    def m(v):
        return format_money(v, cur, 0)

    pct = _pct
    conf = res.get("confidence", Settings.confidence)
    figures = [
        ["Profit lost", m(p["lost"]), value_range(p["lost_low"], p["lost_high"], m, confidence=conf)],
        [
            "Profit lost net of recapture",
            m(p["net_lost"]),
            value_range(p.get("net_lost_low"), p.get("net_lost_high"), m, confidence=conf),
        ],
        ["Goods not used (cost of the lost orders)", m(p["costs_saved"]), ""],
        ["Fees not charged", m(p["fees_saved"]), ""],
        ["Ad spend wasted during the outage", m(p["ad_spend_wasted"]), ""],
        ["Margin of the expected sales", pct(p["margin_pct"]), ""],
        ["Lost revenue with a known product cost", percent(p["costed_share"]), ""],
    ]
    channels = _profit_channel_rows(p, m)
    skus = _profit_sku_rows(p, m, names)
    uncosted = p.get("uncosted_skus") or []
    note = (
        f'<p class="note">No product cost for {esc(", ".join(uncosted[:20]))}: counted at the channel\'s median '
        "margin.</p>"
        if uncosted
        else ""
    )
    return (
        '<section id="profit"><h2>Profit lost</h2>'
        + table(["Figure", "Amount", "Range"], figures, "profit")
        + table(
            [
                "Channel",
                "Revenue lost",
                "Profit lost",
                "Goods not used",
                "Fees not charged",
                "Ad spend wasted",
                "Margin",
            ],
            channels,
            "profit-channels",
        )
        + table(
            ["SKU", "Product", "Channel", "Its share of revenue lost", "Profit lost", "Margin", "Cost"],
            skus,
            "profit-skus",
        )
        + note
        + '<p class="note">Profit lost is the revenue lost minus what those orders would have cost, priced at the '
        "channel's usual product mix: each product takes its share of the four weeks before from the revenue lost, "
        "at its unit cost in force on the outage's day and the channel's fees. The range is the revenue range at "
        "that margin.</p>"
        "</section>"
    )


def evidence_section(ship: dict, rows: pd.DataFrame | None) -> str:
    if not ship.get("available"):
        return ""
    intro = '<section id="orders"><h2>Orders that shipped late</h2>'
    if rows is None:
        return intro + '<p class="note">The order list was not included in this report.</p></section>'
    if rows.empty:
        return intro + "<p>No order due to ship in the period shipped late.</p></section>"
    shown = rows.head(EVIDENCE_ROWS)

    def t(v):
        return local_time(v, "UTC", "%Y-%m-%d %H:%M", missing="")

    def late(r) -> str:
        # A ship confirmation with a date only is late by whole days, never by hours (see shipments.evidence).
        days = getattr(r, "days_late", None)
        if days is not None and not pd.isna(days):
            return f"{plural(int(days), 'day')} (date only)"
        return f"{number(r.hours_late, 1)} h"

    body = [
        [
            r.order_id,
            channel_name(r.channel),
            t(r.purchased_utc),
            t(r.promise_utc),
            t(r.shipped_utc) or "not shipped",
            late(r),
        ]
        for r in shown.itertuples(index=False)
    ]
    more = (
        f"The first {number(len(shown))} of {plural(len(rows), 'order')} are listed; the app's CSV download has all "
        "of them."
        if len(rows) > len(shown)
        else ("The order is listed." if len(rows) == 1 else f"All {plural(len(rows), 'order')} are listed.")
    )
    return (
        intro + f"<p>{plural(len(rows), 'order')} due to ship during the outage or its backlog shipped after "
        f"{'its' if len(rows) == 1 else 'their'} ship-by time or had not shipped by the end of the data. Times in UTC. "
        f"{esc(more)}</p>"
        + table(["Order", "Channel", "Bought (UTC)", "Ship by (UTC)", "Shipped (UTC)", "Late by"], body, "orders")
        + "</section>"
    )

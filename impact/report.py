"""A self-contained HTML report of one outage analysis: what a seller sends to an insurer or a marketplace.

    html = build_report(analyze(con, [window]).to_json(), ingest=report, shipments=shipment_report(con, window),
                        tz="America/New_York")

One file, no network: plotly.js is embedded once, every chart and table is inside, and a Content-Security-Policy
forbids the page from loading anything. Every string that comes from the seller's files (SKUs, product names,
marketplaces, warnings, notes) is HTML-escaped, and table cells that a spreadsheet would run as a formula when pasted
are neutralised as impact.csvsafe does for CSV downloads. Chart data is embedded as plotly JSON, which writes '<', '>'
and '/' as \\u escapes, so no text can close the script element it sits in.

summary_lines / recapture_status / share_of_day_text / late_shipments_text are also used by the dashboard, so the
app and the report say the same thing in the same words; numbers, money, names and times are written by
impact.present.

The "generated" stamp is the build time, or SOURCE_DATE_EPOCH (seconds since 1970-01-01 UTC) when that is set, so
the same inputs give the same bytes (reproducible builds, https://reproducible-builds.org/specs/source-date-epoch/).
"""

from __future__ import annotations

import html
import os
import re
from datetime import UTC, datetime

import pandas as pd

from . import __version__, charts
from .csvsafe import neutralise
from .errors import InputError
from .ingest.formats import DETECTORS
from .present import (
    DAY_FORMAT,
    MINUS,
    channel_list,
    channel_name,
    check_zone,
    hours_between,
    join_names,
    local_days,
    local_time,
    local_window,
    money,
    money_per_currency,
    number,
    parse_instant,
    percent,
    plural,
    plural_word,
    sentence,
    unmeasurable,
    value_range,
)

# money is re-exported: `python -m impact report` prints its one-line summary with it.
__all__ = ["build_report", "channel_revenue", "generated_instant", "late_shipments_text", "money", "recapture_status", "recapture_text",
           "share_of_day_text", "summary_lines"]  # fmt: skip

EVIDENCE_ROWS = 200
FORMAT_LABELS = {f.name: f.label for f in DETECTORS} | {"generic_csv": "CSV with a column mapping"}
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "connect-src 'none'; form-action 'none'; base-uri 'none'"
)


# ---------------------------------------------------------------------------------------------------------------
# Formatting shared with the dashboard


def recapture_status(revenue: dict) -> str:
    """How to read the recapture: 'came_back' (sales measurably above normal after the outage), 'stayed_low'
    (measurably below: the loss went on), or 'none' (within normal variation: no measurable recapture)."""
    rec = revenue.get("recaptured")
    low, high = revenue.get("recaptured_low"), revenue.get("recaptured_high")
    if rec is None:
        return "none"
    if low is None or high is None:
        return "came_back" if rec > 0 else "none"
    if low > 0:
        return "came_back"
    if high < 0:
        return "stayed_low"
    return "none"


def recapture_text(res: dict) -> tuple[str, str]:
    """(a short caption for the net-loss figure, the plain sentence for the summary), with **bold** markers."""
    rev, cur = res["revenue"], res.get("currency") or "USD"
    hours = res.get("recovery_hours", 24)

    def m(v):
        return money(v, cur, 0)

    rec, net, lost = rev.get("recaptured") or 0.0, rev.get("net_lost"), rev.get("lost")
    rng = value_range(rev.get("recaptured_low"), rev.get("recaptured_high"), m, confidence=res.get("confidence", 0.9))
    rng = f" ({rng})" if rng else ""
    status = recapture_status(rev)
    if status == "came_back":
        return (
            f"after {m(rec)} recaptured",
            f"In the {hours:g} hours after, sales ran **{m(rec)}** above normal{rng}: buyers who came back. "
            f"That leaves a net loss of **{m(net)}**.",
        )
    if status == "stayed_low":
        return (
            f"sales stayed {m(-rec)} below normal after",
            f"Sales stayed below normal in the {hours:g} hours after as well (**{m(-rec)}** below{rng}): no buyers "
            f"came back and the loss went on, for a net loss of **{m(net)}**.",
        )
    if rec < 0:
        detail = (
            f"Those hours ran {m(-rec)} below normal, which is within normal day-to-day variation{rng}; counting "
            f"that shortfall too, the net loss is **{m(net)}** (the outage hours alone: {m(lost)})."
        )
    elif rec > 0:
        detail = (
            f"Those hours ran {m(rec)} above normal, which is within normal day-to-day variation{rng}; net of it, "
            f"the loss is **{m(net)}**."
        )
    else:
        detail = f"The net loss is **{m(net)}**."
    return (
        "no measurable recapture",
        f"There is no measurable recapture in the {hours:g} hours after the outage: no clear sign that buyers "
        f"came back later. {detail}",
    )


def share_of_day_text(res: dict, tz: str) -> tuple[str, str] | None:
    """('37%', "of Mon 20 Oct's expected Amazon sales") from the window's share_of_day, or None without one."""
    share = res.get("share_of_day")
    if share is None:
        return None
    days = local_days(res.get("start"), res.get("end"), tz)
    names = channel_list(res.get("channels"))
    if len(days) <= 1:
        when = f"{days[0]:{DAY_FORMAT}}'s" if days else "the day's"
        return percent(share), f"of {when} expected {names} sales"
    return percent(share), f"of the expected {names} sales of {days[0]:{DAY_FORMAT}} to {days[-1]:{DAY_FORMAT}}"


# Why a late-shipment figure is missing, keyed by what the shipments summary lacks.
NO_SHIP_TIMES = "the exports carry no ship times for seller-fulfilled orders"
NO_LATE_RATE = "there are too few orders outside the outage to know the seller's usual late rate"


def late_shipments_text(ship: dict | None, confidence: float | None = None) -> str | None:
    """The summary's sentence on late shipments, with **bold** markers: the outage's share of them with its range,
    or why they could not be measured; None when shipments were not looked at (an empty summary)."""
    if not ship:
        return None
    if not ship.get("available"):
        return sentence(unmeasurable("late shipments", NO_SHIP_TIMES))
    if ship.get("excess_late") is None:
        return sentence(unmeasurable("late shipments caused by the outage", NO_LATE_RATE)) + (
            f" {number(ship.get('late', 0))} of {plural(ship.get('due', 0), 'order')} due to ship went out late."
        )
    conf = ship.get("confidence", 0.9) if confidence is None else confidence
    rng = value_range(ship.get("excess_late_low"), ship.get("excess_late_high"), confidence=conf)
    return (
        f"Shipping: the outage caused about **{plural(ship['excess_late'], 'late shipment')}**"
        + (f" ({rng})" if rng else "")
        + f" of {plural(ship.get('due', 0), 'order')} due to ship, {number(ship.get('late', 0))} of which went out "
        "late."
    )


def summary_lines(res: dict, ship: dict | None, tz: str) -> list[str]:
    """The plain-language summary of one window's analysis JSON (currency, confidence, recovery_hours merged in),
    one paragraph per item, key figures in **bold**."""
    rev, orders, cur = res["revenue"], res["orders"], res.get("currency") or "USD"
    conf = res.get("confidence", 0.9)
    start, end = res["start"], res["end"]

    def m(v):
        return money(v, cur, 0)

    opening = (
        f"During the outage ({local_window(start, end, tz, zone=True)}, {plural(hours_between(start, end), 'hour', digits=None)})"
        f" your {channel_list(res.get('channels'))} sales were **{m(rev['actual'])}**, where your own history "
        f"predicts **{m(rev['expected'])}** for those hours"
    )
    rng = value_range(rev.get("lost_low"), rev.get("lost_high"), m, confidence=conf)
    if rev["lost"] >= 0:
        orders_lost = f"about {plural(max(orders['lost'], 0), 'order')}" if orders.get("lost") is not None else ""
        detail = "; ".join(x for x in (rng, orders_lost) if x)
        lines = [
            f"{opening}: about **{m(rev['lost'])} lost**"
            + (f", {number(rev['lost_pct'])}% of normal sales" if rev.get("lost_pct") is not None else "")
            + (f" ({detail})." if detail else ".")
        ]
        share = share_of_day_text(res, tz)
        if share:
            lines[0] += f" That is {share[0]} {share[1]}."
    else:
        # Sales above the expectation: say so rather than report a negative loss.
        lines = [f"{opening}: **{m(-rev['lost'])} more** than expected, so no loss shows in the window"
                 + (f" ({rng})." if rng else ".")]
    lines.append(recapture_text(res)[1])
    for channel, extra in (res.get("spillover") or {}).items():
        if extra is None:
            continue
        word = "more" if extra > 0 else "less"
        meaning = "some buyers may have switched to it" if extra > 0 else "it was quieter than usual too"
        lines.append(f"{channel_name(channel)} (not affected) sold {m(abs(extra))} {word} than expected: {meaning}.")
    if rev.get("p_effect") is not None:
        lines.append(f"Chance that this drop is more than normal day-to-day variation: **{percent(rev['p_effect'])}**.")
    late = late_shipments_text(ship, conf)
    if late:
        lines.append(late)
    return lines


# ---------------------------------------------------------------------------------------------------------------
# HTML building blocks


def esc(value: object) -> str:
    """Text for HTML body or attribute: <, >, &, quotes escaped."""
    return html.escape(str(value), quote=True)


def cell(value: object) -> str:
    """A table cell: escaped, and neutralised like a CSV cell so a copy into a spreadsheet cannot run a formula."""
    return esc(neutralise("" if value is None else str(value)))


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def rich(text: str) -> str:
    """Escaped text whose **bold** markers (our own, never the seller's) become <strong>."""
    return _BOLD.sub(r"<strong>\1</strong>", esc(text))


def _table(headers: list[str], rows: list[list], cls: str = "") -> str:
    head = "".join(f"<th>{cell(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table class="{esc(cls)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _kpi_row(label: str, key: str, value, shown: str, rng: str, meaning: str) -> str:
    data = "" if value is None else f' data-value="{esc(value)}"'
    return (
        f'<tr data-key="{esc(key)}"><th scope="row">{cell(label)}</th><td class="num"{data}>{cell(shown)}</td>'
        f"<td>{cell(rng)}</td><td>{cell(meaning)}</td></tr>"
    )


def _figure_html(fig, first: bool, index: int) -> str:
    fig.update_layout(autosize=True)
    return fig.to_html(
        full_html=False,
        include_plotlyjs="inline" if first else False,
        div_id=f"chart-{index}",
        default_width="100%",
        default_height="420px" if fig.layout.height is None else f"{fig.layout.height}px",
        config={"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendDataToCloud"]},
    )


# ---------------------------------------------------------------------------------------------------------------
# Inputs


def _window_result(analysis_json: dict) -> dict:
    """A window's JSON with currency, confidence, recovery_hours and all warnings merged in (the app's shape)."""
    if not isinstance(analysis_json, dict):
        raise InputError("the report needs an analysis result (the JSON of impact.analysis.analyze)")
    if "windows" in analysis_json:
        windows = analysis_json.get("windows") or []
        if len(windows) != 1:
            raise InputError(f"a report covers one outage window; this analysis has {len(windows)}")
        extra = {k: analysis_json.get(k) for k in ("currency", "confidence", "recovery_hours")}
        warns = [*(analysis_json.get("warnings") or []), *(windows[0].get("warnings") or [])]
        res = {**windows[0], **{k: v for k, v in extra.items() if v is not None}, "warnings": warns}
    else:
        res = dict(analysis_json)
    for key in ("start", "end", "revenue", "orders"):
        if res.get(key) is None:
            raise InputError(f"the analysis result has no '{key}': it cannot be reported")
    return res


def _ingest_dict(ingest) -> dict:
    if ingest is None:
        return {}
    if hasattr(ingest, "to_json"):
        out = ingest.to_json()
        # The report object knows the readable format label and the encoding, which to_json leaves out.
        for f, obj in zip(out.get("files") or [], getattr(ingest, "files", []), strict=False):
            f.setdefault("format_label", getattr(obj, "format_label", None))
            f.setdefault("encoding", getattr(obj, "encoding", None))
        return out
    if isinstance(ingest, dict):
        return ingest
    raise InputError("the import report must be a dict (IngestReport.to_json()) or an IngestReport")


def _shipments(shipments, res: dict) -> tuple[dict, pd.DataFrame | None]:
    if shipments is None:
        return res.get("shipments") or {}, None
    if isinstance(shipments, tuple | list):
        summary, rows = shipments
        return summary or {}, rows
    if isinstance(shipments, dict):
        return shipments, None
    raise InputError("shipments must be shipment_report's (summary, orders) pair, its summary dict, or None")


# ---------------------------------------------------------------------------------------------------------------
# Sections


def _window_section(res: dict, tz: str) -> str:
    start, end = res["start"], res["end"]
    rows = [
        ["Start", local_time(start, "UTC", zone=True), local_time(start, tz, zone=True)],
        ["End", local_time(end, "UTC", zone=True), local_time(end, tz, zone=True)],
    ]
    facts = [
        ["Duration", plural(hours_between(start, end), "hour", digits=None)],
        ["Affected channels", channel_list(res.get("channels"))],
        ["Compared with (not affected)", channel_list(res.get("controls"), empty="none")],
        ["Recovery period checked", f"{plural(res.get('recovery_hours', 24), 'hour', digits=None)} after the end, "
                                    f"to {local_time(res.get('recovery_end'), 'UTC', zone=True)}"],
        ["Time resolution", "hourly" if res.get("resolution") != "day" else "whole days (the export has dates only)"],
    ]  # fmt: skip
    facts_html = "".join(f'<tr><th scope="row">{cell(k)}</th><td>{cell(v)}</td></tr>' for k, v in facts)
    return (
        '<section id="window"><h2>The outage window</h2>'
        + _table(["", "UTC", f"Seller's time zone ({tz})"], rows, "window")
        + f'<table class="facts"><tbody>{facts_html}</tbody></table>'
        + "</section>"
    )


def _kpi_section(res: dict, ship: dict, tz: str) -> str:
    rev, orders, cur = res["revenue"], res["orders"], res.get("currency") or "USD"
    conf = percent(res.get("confidence", 0.9))
    recovery = res.get("recovery_hours", 24)
    rec = rev.get("recaptured") or 0.0

    def m(v):
        return money(v, cur)

    def rng(low, high, fmt=m):
        return value_range(low, high, fmt)

    rows = [
        _kpi_row(
            "Revenue lost during the outage", "revenue.lost", rev["lost"], m(rev["lost"]),
            rng(rev.get("lost_low"), rev.get("lost_high")),
            f"Expected {m(rev['expected'])} from the seller's history, actual {m(rev['actual'])}"
            + ("." if rev.get("lost_pct") is None else
               f": {number(abs(rev['lost_pct']), 1)}% {'below' if rev['lost_pct'] >= 0 else 'above'} expected."),
        ),
        _kpi_row(
            "Probability of an effect", "revenue.p_effect", rev.get("p_effect"),
            percent(rev.get("p_effect"), 1), "",
            f"Chance that the drop is more than normal day-to-day variation, from {res.get('placebos', 0)} "
            "ordinary days in the history (placebo windows).",
        ),
        _kpi_row(
            f"Recapture in the {recovery:g} h after", "revenue.recaptured", rev.get("recaptured"),
            m(rev.get("recaptured")), rng(rev.get("recaptured_low"), rev.get("recaptured_high")),
            {"came_back": "Sales above normal after the outage: buyers who came back.",
             "stayed_low": "Sales stayed measurably below normal after the outage: the loss went on.",
             "none": "Within normal variation: no measurable recapture."}[recapture_status(rev)],
        ),  # fmt: skip
        _kpi_row(
            "Net loss after recapture", "revenue.net_lost", rev.get("net_lost"), m(rev.get("net_lost")), "",
            f"Revenue lost minus the recapture: {m(rev['lost'])} {MINUS} "
            + (f"({m(rec)})" if rec < 0 else m(rec))
            + (" (a shortfall after the outage adds to the loss)." if rec < 0 else "."),
        ),
        _kpi_row(
            "Orders lost", "orders.lost", orders.get("lost"), number(orders.get("lost"), 1), "",
            f"{number(orders.get('expected'), 1)} expected, {number(orders.get('actual'))} received.",
        ),
    ]
    share = share_of_day_text(res, tz)
    rows.append(
        _kpi_row(
            "Share of the day's revenue", "share_of_day", res.get("share_of_day"),
            percent(res.get("share_of_day"), 1), "",
            f"The loss as a share {share[1]} (whole days in {tz})." if share else "No daily expectation.",
        )
    )  # fmt: skip
    for channel, extra in (res.get("spillover") or {}).items():
        if extra is not None:
            rows.append(
                _kpi_row(
                    f"Spill-over to {channel_name(channel)}", f"spillover.{channel}", extra, m(extra), "",
                    "Sales above (+) or below (\u2212) expected on this unaffected channel during the outage.",
                )
            )
    late = f"{number(ship.get('late', 0))} of {plural(ship.get('due', 0), 'order')} due to ship went out late"
    if ship.get("available") and ship.get("excess_late") is not None:
        rows.append(
            _kpi_row(
                "Late shipments caused by the outage", "shipments.excess_late", ship.get("excess_late"),
                number(ship.get("excess_late"), 1),
                rng(ship.get("excess_late_low"), ship.get("excess_late_high"), lambda v: number(v, 1)),
                f"{late}; {number(ship.get('late_expected'), 1)} would have been late at the usual rate.",
            )
        )  # fmt: skip
    else:
        reason = NO_LATE_RATE if ship.get("available") else NO_SHIP_TIMES
        rows.append(
            _kpi_row(
                "Late shipments caused by the outage", "shipments.excess_late", None, "not measurable", "",
                sentence(unmeasurable("late shipments caused by the outage", reason))
                + (f" {sentence(late)}" if ship.get("available") else ""),
            )
        )  # fmt: skip
    if ship.get("available"):
        cleared = ship.get("backlog_cleared")
        rows.append(
            _kpi_row(
                "Shipping backlog cleared", "shipments.backlog_cleared", cleared,
                local_time(cleared, tz, zone=True) if cleared else "not by the end of the data", "",
                (f"{local_time(cleared, 'UTC', zone=True)}. " if cleared else "")
                + f"Unshipped orders back to their usual number; {number(ship.get('extra_handling_hours'))} extra "
                f"order-hours of waiting, peak backlog {plural(ship.get('peak_backlog_orders'), 'order')}.",
            )
        )  # fmt: skip
    head = "<tr><th>Measure</th><th>Estimate</th><th>" + esc(f"{conf} range") + "</th><th>What it means</th></tr>"
    return (
        '<section id="kpis"><h2>Key figures</h2><table class="kpis"><thead>' + head + "</thead><tbody>"
        + "".join(rows) + "</tbody></table>"
        + f'<p class="note">Amounts in {esc(cur)}: merchandise value without tax or shipping; cancelled orders '
        "excluded.</p></section>"
    )  # fmt: skip


def _charts_section(res: dict, tz: str) -> str:
    figs = [
        charts.timeline(res, tz=tz),
        charts.cumulative_loss(res, tz=tz),
        charts.channel_breakdown(res),
        charts.top_skus(res),
    ]
    parts = [f'<div class="chart">{_figure_html(fig, i == 0, i)}</div>' for i, fig in enumerate(figs)]
    return (
        '<section id="charts"><h2>Charts</h2>'
        + '<p class="note">Interactive: hover for values. The shaded area is the outage; the band around the '
        "expected line is the range of a normal hour.</p>" + "".join(parts) + "</section>"
    )


def _skus_section(res: dict, names: dict[str, str]) -> str:
    top = res.get("top_skus") or []
    if not top:
        return ""
    cur = res.get("currency") or "USD"
    rows = [[r.get("sku") or "(no SKU)", names.get(r.get("sku"), ""), money(r.get("lost"), cur)] for r in top]
    return (
        '<section id="skus"><h2>Loss by product</h2>'
        + _table(["SKU", "Product", "Revenue lost"], rows, "skus")
        + '<p class="note">A product\'s share of the loss follows its share of the channel\'s sales in the four '
        "weeks before the outage, minus what it actually sold during it.</p></section>"
    )


def _evidence_section(ship: dict, rows: pd.DataFrame | None) -> str:
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

    body = [
        [r.order_id, channel_name(r.channel), t(r.purchased_utc), t(r.promise_utc),
         t(r.shipped_utc) or "not shipped", number(r.hours_late, 1)]
        for r in shown.itertuples(index=False)
    ]  # fmt: skip
    more = (
        f"The first {number(len(shown))} of {plural(len(rows), 'order')} are listed; the app's CSV download has all "
        "of them."
        if len(rows) > len(shown)
        else ("The order is listed." if len(rows) == 1 else f"All {plural(len(rows), 'order')} are listed.")
    )
    return (
        intro
        + f"<p>{plural(len(rows), 'order')} due to ship during the outage or its backlog shipped after "
        f"{'its' if len(rows) == 1 else 'their'} ship-by time or had not shipped by the end of the data. Times in UTC. "
        f"{esc(more)}</p>"
        + _table(["Order", "Channel", "Bought (UTC)", "Ship by (UTC)", "Shipped (UTC)", "Hours late"], body, "orders")
        + "</section>"
    )


def channel_revenue(entry: dict, currencies: list[str]) -> dict[str, float]:
    """One channel of the import report (IngestReport.channels[ch]) as currency -> revenue: the import gives a
    single `revenue` when the files hold one currency and `revenue_by_currency` otherwise."""
    if entry.get("revenue_by_currency"):
        return dict(entry["revenue_by_currency"])
    if entry.get("revenue") is not None and len(currencies) == 1:
        return {currencies[0]: entry["revenue"]}
    return {}


def _data_section(ingest: dict, tz: str) -> str:
    if not ingest:
        return ""
    files = ingest.get("files") or []
    codes = list(ingest.get("currency") or [])
    cur = f"{plural_word(len(codes), 'currency')} {join_names(codes)}" if codes else "no currency stated"
    rows = []
    for f in files:
        fmt = f.get("format_label") or FORMAT_LABELS.get(f.get("format"), f.get("format") or "format not recognised")
        if f.get("encoding"):
            fmt = f"{fmt} ({f['encoding']})"
        rows.append([fmt, *(number(f.get(k, 0)) for k in ("lines", "loaded", "duplicates", "skipped", "rejected"))])
    channels = [[channel_name(ch), number(v.get("orders", 0)), ", ".join(money_per_currency(channel_revenue(v, codes)))
                 or "n/a"] for ch, v in (ingest.get("channels") or {}).items()]  # fmt: skip
    period = (
        f"{local_time(ingest.get('first'), tz, '%d %b %Y')} to {local_time(ingest.get('last'), tz, '%d %b %Y')}"
        if ingest.get("first")
        else "no orders"
    )
    return (
        '<section id="data"><h2>The seller\'s data</h2>'
        + f"<p>{plural(len(files), 'export file')}, {plural(ingest.get('lines', 0), 'order line')}, "
        f"{plural(ingest.get('orders', 0), 'order')} from {esc(period)} ({esc(tz)}); {esc(cur)}. Every line is "
        "accounted for: lines = loaded + duplicates + skipped + rejected. File names are not included.</p>"
        + _table(["Format", "Lines", "Loaded", "Duplicates", "Skipped", "Rejected"], rows, "files")
        + _table(["Channel", "Orders", "Revenue"], channels, "channels")
        + "</section>"
    )


def _method_section(res: dict, ship: dict) -> str:
    conf = percent(res.get("confidence", 0.9))
    method = res.get("interval_method") or "placebo"
    n = res.get("placebos", 0)
    interval = (
        f"The {conf} range is measured, not assumed: the same method was run on {n} ordinary days in the seller's "
        "history (placebo windows: the same clock hours on other days, known outages and unusual days left out), "
        "and the range is the spread of its errors there (conformal intervals from leave-one-out errors, scaled to "
        "the size of the window)."
        if method == "placebo"
        else f"With only {n} comparable ordinary days in the history, the {conf} range is an approximate, widened "
        "normal interval rather than one measured on placebo windows (marked 'approximate')."
    )
    items = [
        ("Revenue", "Line revenue: unit price times quantity, without tax or shipping; cancelled lines excluded; "
         "one currency (amounts in different currencies are never added)."),
        ("Expected revenue", "What the affected channels would have sold in the window without the outage, from "
         "the seller's own orders: the recent daily level (the last 28 normal days, weekday-adjusted) times the "
         "weekday factor times the share of the day that falls in each hour; corrected for the outage day with a "
         "regression on what the outage could not touch: the same channel's hours outside the window and recovery "
         "period, the unaffected channels on that day, and the same day last week. Revenue lost = expected "
         "\u2212 actual, where actual is the exact sum of the lines in the window."),
        ("Range and probability of an effect", interval + " The probability of an effect is one minus the share "
         "of placebo windows that showed a drop at least as large (a placebo rank, not a posterior probability)."),
        ("Recapture", f"The same estimator over the {res.get('recovery_hours', 24):g} hours after the outage: "
         "actual \u2212 expected sales there, with its own range. Positive means buyers came back; negative means "
         "sales stayed below normal. Net loss = revenue lost \u2212 recapture. When the recapture's range "
         "includes zero there is no measurable recapture."),
        ("Spill-over", "The same estimator on each channel that was not affected, over the window: extra (or "
         "missing) sales there, e.g. buyers who went to another shop."),
        ("Orders lost", "Expected \u2212 actual distinct orders in the window on the affected channels."),
        ("Share of the day's revenue", "Revenue lost divided by the expected revenue of the whole local days "
         "the window touches, on the affected channels."),
        ("Channels, marketplaces and products", "A channel's expectation is split by each marketplace's and "
         "SKU's share of its revenue in the four weeks before the outage."),
    ]  # fmt: skip
    if ship:
        items.append(("Late shipments and due orders", ship.get("definition") or ""))
        items.append(("Late shipments caused by the outage", "Late \u2212 expected late (never below zero nor "
                      "above the late count), with a range calibrated on placebo periods in the history."))  # fmt: skip
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items if v)
    return f'<section id="method"><h2>Methodology and assumptions</h2><dl>{body}</dl></section>'


def _caveats_section(res: dict, ship: dict) -> str:
    warns = [w for w in res.get("warnings") or [] if w]
    notes = [n for n in ship.get("notes") or [] if n]
    general = [
        "These are statistical estimates from the seller's own order exports, not accounting figures; the range "
        "is part of the result.",
        "The outage day is assumed otherwise ordinary: a promotion or event on only the affected channel that "
        "day is not known to the method.",
    ]
    items = [*(sentence(w) for w in warns), *(sentence(f"Shipments: {n}") for n in notes), *general]
    body = "".join(f"<li>{esc(x)}</li>" for x in items)
    return f'<section id="caveats"><h2>Caveats and warnings</h2><ul>{body}</ul></section>'


STYLE = """
:root { --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb; --loss: #dc2626; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 Inter, "Segoe UI", "Helvetica Neue", Arial,
       sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
.sub, .note, footer { color: var(--muted); }
.note { font-size: 13px; }
.summary p { margin: 0 0 10px; }
.headline { font-size: 20px; margin: 18px 0 4px; }
.headline strong { color: var(--loss); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
thead th { background: #f9fafb; font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; font-weight: 600; white-space: nowrap; }
table.kpis th[scope=row] { font-weight: 600; width: 24%; }
table.orders td, table.files td, table.channels td { font-variant-numeric: tabular-nums; }
table.facts, table.window { width: auto; min-width: 60%; }
dl dt { font-weight: 600; margin-top: 10px; }
dl dd { margin: 2px 0 0 0; }
.chart { margin: 8px 0 20px; page-break-inside: avoid; }
footer { border-top: 1px solid var(--line); margin-top: 40px; padding-top: 10px; font-size: 13px; }
@media print { main { padding: 0; } h2 { page-break-after: avoid; } table { page-break-inside: auto; }
               tr { page-break-inside: avoid; } }
"""


def generated_instant(explicit: datetime | None = None) -> datetime:
    """The instant the report says it was generated (aware, UTC): `explicit` when given, else SOURCE_DATE_EPOCH when
    that is set, else now."""
    if explicit is not None:
        return parse_instant(explicit)
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError(
            f"SOURCE_DATE_EPOCH is '{raw}': it must be a whole number of seconds since 1970-01-01 UTC, e.g. 1762162200"
        ) from None


def build_report(
    analysis_json: dict,
    *,
    ingest: dict | None,
    shipments: tuple | dict | None,
    tz: str,
    generated_at: datetime | None = None,
    product_names: dict[str, str] | None = None,
) -> str:
    """The report as one HTML document (str).

    analysis_json: `Analysis.to_json()` with one window, or that window's JSON with currency, confidence and
    recovery_hours merged in (the app's shape). ingest: `IngestReport.to_json()` (or the report itself).
    shipments: `shipment_report(...)`'s (summary, orders) pair, its summary dict, or None to use the window's own
    `shipments`. tz: the seller's IANA zone. product_names: SKU -> name for the top-SKU table. generated_at: the
    stamp (default: SOURCE_DATE_EPOCH when set, else now).
    """
    res = _window_result(analysis_json)
    check_zone(tz)  # an unknown zone is an InputError before any work
    ship, rows = _shipments(shipments, res)
    data = _ingest_dict(ingest)
    stamp = local_time(generated_instant(generated_at), "UTC", "%Y-%m-%d %H:%M", zone=True)
    cur = res.get("currency") or "USD"
    rev = res["revenue"]
    title = res.get("title") or "Outage"
    heading = f"{title}, {local_time(res['start'], tz, '%d %b %Y')}"

    def m(v):
        return money(v, cur, 0)

    rng = value_range(rev.get("lost_low"), rev.get("lost_high"), m, confidence=res.get("confidence", 0.9))
    headline = (
        f"Estimated revenue lost: **{m(rev['lost'])}**" + (f" ({rng})" if rng else "")
        + f"; net of recapture **{m(rev.get('net_lost'))}**."
    )
    summary = "".join(f"<p>{rich(line)}</p>" for line in summary_lines(res, ship, tz))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="Outage Impact {esc(__version__)}">'
        f"<title>Outage impact report: {esc(heading)}</title><style>{STYLE}</style></head><body><main>"
        "<header><h1>Outage impact report</h1>"
        f'<p class="sub">{esc(heading)} · {esc(channel_list(res.get("channels")))} · generated {esc(stamp)} '
        f"by Outage Impact {esc(__version__)}</p>"
        f'<p class="headline">{rich(headline)}</p></header>'
        f'<section id="summary" class="summary"><h2>Summary</h2>{summary}</section>'
        + _window_section(res, tz)
        + _kpi_section(res, ship, tz)
        + _charts_section(res, tz)
        + _skus_section(res, product_names or {})
        + _evidence_section(ship, rows)
        + _data_section(data, tz)
        + _method_section(res, ship)
        + _caveats_section(res, ship)
        + f"<footer>Generated {esc(stamp)} by Outage Impact {esc(__version__)} from the seller's own order exports. "
        "Order-level buyer data (names, addresses, e-mails) is never imported.</footer>"
        "</main></body></html>\n"
    )

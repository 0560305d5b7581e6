"""Plotly figures built from the analysis JSON (impact.analysis.analyze(...) per window). No streamlit here.

Every function takes plain dicts/lists as found in the JSON, so the app, the CLI and a saved share can draw the same
charts. Times in the JSON are UTC; figures show wall-clock time in the time zone the caller passes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time

import plotly.graph_objects as go

from .. import present
from ..present import COLORS, base_layout, channel_color, channel_name, marketplace_name, money_axis, to_local

# COLORS, FONT and to_local are re-exported because app.py reads them here until it imports impact.present.


def plain(text: object) -> str:
    """Seller-supplied text (SKU, marketplace) for a plotly label: plotly reads labels as a small HTML subset
    (<b>, <a href>, <br>...), so <, > and & are written as entities, which it shows as the literal characters."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _empty(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    base_layout(fig, title=title, y_title="")
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def combine_hourly(hourly: Iterable[dict], channels: Iterable[str] | None = None) -> list[dict]:
    """Sum hourly rows over channels, hour by hour (sorted by hour).

    Actual and expected add up. Interval half-widths are combined in quadrature (channels' errors treated as
    independent), which is tighter than adding the bounds and close to what a joint model gives.
    """
    wanted = set(channels) if channels else None
    acc: dict[str, dict] = defaultdict(lambda: {"actual": 0.0, "expected": 0.0, "lo2": 0.0, "hi2": 0.0, "band": True})
    for row in hourly:
        if wanted is not None and row.get("channel") not in wanted:
            continue
        a = acc[row["hour"]]
        a["actual"] += float(row.get("actual") or 0.0)
        expected = float(row.get("expected") or 0.0)
        a["expected"] += expected
        low, high = row.get("low"), row.get("high")
        if low is None or high is None:
            a["band"] = False
        else:
            a["lo2"] += max(expected - float(low), 0.0) ** 2
            a["hi2"] += max(float(high) - expected, 0.0) ** 2
    out = []
    for hour in sorted(acc):
        a = acc[hour]
        low = max(a["expected"] - math.sqrt(a["lo2"]), 0.0) if a["band"] else None
        high = a["expected"] + math.sqrt(a["hi2"]) if a["band"] else None
        out.append({"hour": hour, "actual": a["actual"], "expected": a["expected"], "low": low, "high": high})
    return out


def _shade_window(fig: go.Figure, analysis: dict, tz: str, label: str = "Outage") -> None:
    start, end = to_local(analysis.get("start"), tz), to_local(analysis.get("end"), tz)
    if start is None:
        return
    if end is None:  # an incident still open: shade up to the last plotted point
        xs = [x for trace in fig.data for x in (trace.x or ())]
        end = max(xs) if xs else start
    fig.add_vrect(
        x0=start,
        x1=end,
        fillcolor=COLORS["outage"],
        line_width=0,
        layer="below",
        annotation_text=label,
        annotation_position="top left",
        annotation_font={"color": COLORS["outage_edge"], "size": 12},
    )


def timeline(analysis: dict, tz: str = "UTC", channels: Iterable[str] | None = None, title: str | None = None):
    """Actual vs expected revenue per hour, with the interval band and the outage window shaded."""
    currency = analysis.get("currency") or "USD"
    rows = combine_hourly(analysis.get("hourly") or [], channels)
    title = title or "Revenue per hour: actual vs expected"
    if not rows:
        return _empty(title, "No hourly data for this window")
    m = money_axis(currency)
    xs = [to_local(r["hour"], tz) for r in rows]
    fig = go.Figure()
    if all(r["low"] is not None for r in rows):
        fig.add_trace(
            go.Scatter(
                x=xs + xs[::-1],
                y=[r["high"] for r in rows] + [r["low"] for r in rows][::-1],
                fill="toself",
                fillcolor=COLORS["band"],
                line={"width": 0},
                hoverinfo="skip",
                name=f"Expected range ({_confidence_label(analysis)})",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[r["expected"] for r in rows],
            mode="lines",
            name="Expected",
            line={"color": COLORS["expected"], "width": 2, "dash": "dash"},
            hovertemplate=f"Expected: {m['hover']}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[r["actual"] for r in rows],
            mode="lines",
            name="Actual",
            line={"color": COLORS["actual"], "width": 2.4},
            hovertemplate=f"Actual: {m['hover']}<extra></extra>",
        )
    )
    base_layout(fig, title=title, y_title=f"Revenue per hour ({currency})", x_title=f"Time ({tz})", money=m)
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(hoverformat=f"{present.DAY_FORMAT} %H:%M")
    _shade_window(fig, analysis, tz)
    return fig


def _confidence_label(analysis: dict) -> str:
    conf = analysis.get("confidence")
    return f"{round(float(conf) * 100)}%" if conf else "interval"


def _estimate_marker(x, revenue: dict, key: str, name: str, label: str, color: str, currency: str) -> go.Scatter:
    """A diamond at `x` for revenue[key], with revenue[key_low]..revenue[key_high] as its error bar when given."""
    v, low, high = revenue[key], revenue.get(f"{key}_low"), revenue.get(f"{key}_high")
    error = None
    if low is not None and high is not None:
        error = {
            "type": "data",
            "symmetric": False,
            "array": [max(high - v, 0.0)],
            "arrayminus": [max(v - low, 0.0)],
            "color": color,
            "thickness": 1.6,
            "width": 8,
        }
    rng = f"<br>range {present.value_range(low, high, lambda u: present.format_money(u, currency))}" if error else ""
    return go.Scatter(
        x=[x],
        y=[v],
        mode="markers",
        name=name,
        error_y=error,
        marker={"color": color, "size": 9, "symbol": "diamond"},
        hovertemplate=f"{label}: {present.format_money(v, currency)}{rng}<extra></extra>",
    )


def cumulative_loss(analysis: dict, tz: str = "UTC", channels: Iterable[str] | None = None, title: str | None = None):
    """Running total of expected minus actual revenue from the window start; the final interval is marked."""
    currency = analysis.get("currency") or "USD"
    title = title or "Cumulative revenue lost"
    rows = combine_hourly(analysis.get("hourly") or [], channels)
    start = analysis.get("start")
    start_dt = to_local(start, "UTC") if start else None
    rows = [r for r in rows if start_dt is None or to_local(r["hour"], "UTC") >= start_dt.replace(minute=0, second=0)]
    if not rows:
        return _empty(title, "No hourly data for this window")
    m = money_axis(currency)
    xs = [to_local(r["hour"], tz) for r in rows]
    running, total = [], 0.0
    for r in rows:
        total += r["expected"] - r["actual"]
        running.append(total)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=running,
            mode="lines",
            name="Lost so far",
            line={"color": COLORS["loss"], "width": 2.4, "shape": "hv"},
            fill="tozeroy",
            fillcolor=COLORS["loss_fill"],
            hovertemplate=f"Lost so far: {m['hover']}<extra></extra>",
        )
    )
    revenue = analysis.get("revenue") or {}
    end = to_local(analysis.get("end"), tz)
    if end is not None and revenue.get("lost") is not None:
        fig.add_trace(
            _estimate_marker(
                end, revenue, "lost", "Estimate at outage end", "Lost in window", COLORS["actual"], currency
            )
        )
    rec_end = to_local(analysis.get("recovery_end"), tz)
    if rec_end is not None and revenue.get("net_lost") is not None and end is not None and rec_end > end:
        # The net loss counts only the part of the hours' ups and downs beyond normal variation (Recapture in
        # impact.revenue.event), so it is marked where the line ends rather than read off the line.
        fig.add_trace(
            _estimate_marker(
                rec_end,
                revenue,
                "net_lost",
                "Net loss (recapture beyond normal variation taken off)",
                "Net loss",
                COLORS["loss"],
                currency,
            )
        )
    base_layout(fig, title=title, y_title=f"Revenue lost ({currency})", x_title=f"Time ({tz})", money=m)
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(hoverformat=f"{present.DAY_FORMAT} %H:%M")
    _shade_window(fig, analysis, tz)
    return fig


def channel_breakdown(analysis: dict, title: str | None = None):
    """Expected vs actual revenue per channel/marketplace during the window, with the loss share as a label."""
    currency = analysis.get("currency") or "USD"
    title = title or "Revenue in the window by channel"
    rows = analysis.get("by_channel") or []
    if not rows:
        return _empty(title, "No channel breakdown for this window")
    m = money_axis(currency)
    labels = [_channel_label(r) for r in rows]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=[r.get("expected") or 0.0 for r in rows],
            name="Expected",
            marker={"color": COLORS["expected_fill"], "line": {"color": COLORS["expected"], "width": 1.5}},
            hovertemplate=f"Expected: {m['hover']}<extra></extra>",
        )
    )
    texts = []
    for r in rows:
        pct = r.get("lost_pct")
        if pct is None:
            texts.append("")
        elif pct >= 0:
            texts.append(f"−{pct:.0f}%")
        else:
            texts.append(f"+{-pct:.0f}%")
    fig.add_trace(
        go.Bar(
            x=labels,
            y=[r.get("actual") or 0.0 for r in rows],
            name="Actual",
            marker={"color": COLORS["actual"]},
            text=texts,
            textposition="outside",
            textfont={"color": [COLORS["loss"] if (r.get("lost_pct") or 0) > 0 else COLORS["gain"] for r in rows]},
            hovertemplate=f"Actual: {m['hover']}<extra></extra>",
        )
    )
    base_layout(fig, title=title, y_title=f"Revenue ({currency})", money=m)
    fig.update_layout(barmode="group", bargap=0.35, hovermode="x unified")
    return fig


def _channel_label(row: dict) -> str:
    channel = channel_name(row.get("channel"))
    market = marketplace_name(row.get("marketplace"))
    # a marketplace scope ('shopify:TikTok Shop') already reads 'TikTok Shop (in Shopify)'
    if market and market.lower() != channel.lower() and ":" not in str(row.get("channel") or ""):
        return plain(f"{channel} ({market})")
    return plain(channel)


def top_skus(analysis: dict, n: int = 10, title: str | None = None):
    """Horizontal bars of the SKUs with the largest estimated revenue loss (gains shown in green)."""
    currency = analysis.get("currency") or "USD"
    title = title or "Products that lost the most"
    rows = sorted(analysis.get("top_skus") or [], key=lambda r: -(r.get("lost") or 0.0))[:n]
    if not rows:
        return _empty(title, "No product-level estimate for this window")
    m = money_axis(currency, axis="x")
    rows = rows[::-1]  # plotly draws the first bar at the bottom
    fig = go.Figure(
        go.Bar(
            x=[r.get("lost") or 0.0 for r in rows],
            y=[plain(present.sku_name(r.get("sku"))) for r in rows],
            orientation="h",
            marker={"color": [COLORS["loss"] if (r.get("lost") or 0) >= 0 else COLORS["gain"] for r in rows]},
            hovertemplate=f"%{{y}}: {m['hover']}<extra></extra>",
        )
    )
    base_layout(fig, title=title, y_title="")
    fig.update_xaxes(
        title_text=f"Revenue lost ({currency})",
        tickprefix=m["tickprefix"],
        ticksuffix=m["ticksuffix"],
        tickformat=",",
        gridcolor=COLORS["grid"],
        showgrid=True,
    )
    fig.update_yaxes(gridcolor="rgba(0,0,0,0)", automargin=True)
    fig.update_layout(height=max(260, 48 + 30 * len(rows)), showlegend=False)
    return fig


def daily_by_channel(rows: Iterable[dict], currency: str = "USD", tz: str = "UTC", window: dict | None = None):
    """Stacked daily revenue per channel from rows {'day': date or ISO date, 'channel', 'revenue'}.

    Used before an analysis exists (e.g. right after an import) to show the seller what was loaded.
    """
    title = "Daily revenue by channel"
    per_channel: dict[str, dict] = defaultdict(dict)
    for r in rows:
        day = r["day"]
        if isinstance(day, str):
            day = datetime.fromisoformat(day).date()
        elif isinstance(day, datetime):
            day = day.date()
        per_channel[str(r.get("channel") or "other")][day] = float(r.get("revenue") or 0.0)
    if not per_channel:
        return _empty(title, "No orders loaded yet")
    m = money_axis(currency)
    fig = go.Figure()
    for channel in sorted(per_channel):
        days = sorted(per_channel[channel])
        fig.add_trace(
            go.Bar(
                # Centred on noon so each bar covers its own day and the outage shading lines up with the hours.
                x=[datetime.combine(d, time(12)) for d in days],
                width=86_400_000 * 0.85,
                y=[per_channel[channel][d] for d in days],
                name=plain(channel_name(channel)),
                marker={"color": channel_color(channel)},
                hovertemplate=f"{plain(channel_name(channel))}: {m['hover']}<extra></extra>",
            )
        )
    fig.update_xaxes(hoverformat=f"{present.DAY_FORMAT} %Y")
    base_layout(fig, title=title, y_title=f"Revenue per day ({currency})", x_title=f"Day ({tz})", money=m)
    fig.update_layout(barmode="stack", bargap=0.15, hovermode="x unified")
    if window:
        start, end = to_local(window.get("start"), tz), to_local(window.get("end"), tz)
        if start is not None:
            fig.add_vrect(
                x0=start,
                x1=end or start,
                fillcolor=COLORS["outage"],
                line={"color": COLORS["outage_edge"], "width": 1},
                layer="above",
                annotation_text="Outage",
                annotation_position="top left",
                annotation_font={"color": COLORS["outage_edge"], "size": 12},
            )
    return fig

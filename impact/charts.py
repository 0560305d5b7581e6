"""Plotly figures built from the analysis JSON (impact.analysis.analyze(...) per window). No streamlit here.

Every function takes plain dicts/lists as found in the JSON, so the app, the CLI and a saved share can draw the same
charts. Times in the JSON are UTC; figures show wall-clock time in the time zone the caller passes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import plotly.graph_objects as go

from .errors import InputError

# One palette for every chart so a colour means the same thing everywhere.
COLORS = {
    "actual": "#1f2937",  # solid dark slate: what really happened
    "expected": "#2563eb",  # dashed blue: what the history says should have happened
    "band": "rgba(37, 99, 235, 0.13)",  # interval around the expectation
    "outage": "rgba(220, 38, 38, 0.09)",  # soft red shading of the outage window
    "outage_edge": "rgba(220, 38, 38, 0.55)",
    "loss": "#dc2626",
    "gain": "#16a34a",
    "muted": "#9ca3af",
    "grid": "#e5e7eb",
}
# Channel colours for stacked/daily charts; a channel keeps its colour across figures.
CHANNEL_COLORS = {
    "amazon": "#f59e0b",
    "shopify": "#10b981",
    "ebay": "#3b82f6",
    "etsy": "#f97316",
    "woocommerce": "#8b5cf6",
    "walmart": "#0ea5e9",
    "other": "#6b7280",
}
FONT = "Inter, Segoe UI, Helvetica Neue, Arial, sans-serif"
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$", "INR": "₹"}
_NO_DECIMALS = {"JPY", "KRW", "HUF", "CLP", "ISK"}


def money(value: float | None, currency: str = "USD", decimals: int | None = None) -> str:
    """Human money string, e.g. money(1234.5, 'USD') -> '$1,234.50'; unknown codes are suffixed: '1,234.50 CHF'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    code = (currency or "").upper()
    if decimals is None:
        decimals = 0 if code in _NO_DECIMALS else 2
    sign = "-" if value < 0 else ""
    body = f"{abs(value):,.{decimals}f}"
    if code in _SYMBOLS:
        return f"{sign}{_SYMBOLS[code]}{body}"
    return f"{sign}{body} {code}".strip()


def plain(text: object) -> str:
    """Seller-supplied text (SKU, marketplace) for a plotly label: plotly reads labels as a small HTML subset
    (<b>, <a href>, <br>...), so <, > and & are written as entities, which it shows as the literal characters."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _axis_money(currency: str, axis: str = "y") -> dict:
    """Axis tick prefix/suffix and a hover template fragment for amounts on the given axis."""
    code = (currency or "").upper()
    fmt = ",.0f" if code in _NO_DECIMALS else ",.2f"
    value = "%{" + axis + ":" + fmt + "}"
    if code in _SYMBOLS:
        return {"tickprefix": _SYMBOLS[code], "ticksuffix": "", "hover": f"{_SYMBOLS[code]}{value}"}
    return {"tickprefix": "", "ticksuffix": f" {code}" if code else "", "hover": f"{value} {code}".strip()}


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"'{tz}' is not a time zone name such as America/New_York or Europe/Berlin") from None


def to_local(value: str | datetime | None, tz: str = "UTC") -> datetime | None:
    """ISO UTC string (or naive-UTC datetime) -> naive wall-clock datetime in tz, as plotly draws it."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_zone(tz)).replace(tzinfo=None)


def _base_layout(
    fig: go.Figure, *, title: str, y_title: str, x_title: str | None = None, money_axis: dict | None = None
):
    fig.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 13, "color": "#111827"},
        margin={"l": 10, "r": 10, "t": 56, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        hoverlabel={"font": {"family": FONT}},
        plot_bgcolor="white",
    )
    fig.update_xaxes(title_text=x_title, showgrid=False, linecolor=COLORS["grid"])
    fig.update_yaxes(title_text=y_title, gridcolor=COLORS["grid"], zerolinecolor=COLORS["grid"])
    if money_axis:
        fig.update_yaxes(tickprefix=money_axis["tickprefix"], ticksuffix=money_axis["ticksuffix"], tickformat=",")
    return fig


def _empty(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    _base_layout(fig, title=title, y_title="")
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
    m = _axis_money(currency)
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
    _base_layout(fig, title=title, y_title=f"Revenue per hour ({currency})", x_title=f"Time ({tz})", money_axis=m)
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(hoverformat="%a %d %b %H:%M")
    _shade_window(fig, analysis, tz)
    return fig


def _confidence_label(analysis: dict) -> str:
    conf = analysis.get("confidence")
    return f"{round(float(conf) * 100)}%" if conf else "interval"


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
    m = _axis_money(currency)
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
            fillcolor="rgba(220, 38, 38, 0.08)",
            hovertemplate=f"Lost so far: {m['hover']}<extra></extra>",
        )
    )
    revenue = analysis.get("revenue") or {}
    end = to_local(analysis.get("end"), tz)
    if end is not None and revenue.get("lost") is not None:
        lost, low, high = revenue.get("lost"), revenue.get("lost_low"), revenue.get("lost_high")
        error = None
        if low is not None and high is not None:
            error = {
                "type": "data",
                "symmetric": False,
                "array": [max(high - lost, 0.0)],
                "arrayminus": [max(lost - low, 0.0)],
                "color": COLORS["actual"],
                "thickness": 1.6,
                "width": 8,
            }
        fig.add_trace(
            go.Scatter(
                x=[end],
                y=[lost],
                mode="markers",
                name="Estimate at outage end",
                marker={"color": COLORS["actual"], "size": 9, "symbol": "diamond"},
                error_y=error,
                hovertemplate=(
                    f"Lost in window: {money(lost, currency)}"
                    + (f"<br>range {money(low, currency)} to {money(high, currency)}" if error else "")
                    + "<extra></extra>"
                ),
            )
        )
    _base_layout(fig, title=title, y_title=f"Revenue lost ({currency})", x_title=f"Time ({tz})", money_axis=m)
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(hoverformat="%a %d %b %H:%M")
    _shade_window(fig, analysis, tz)
    return fig


def channel_breakdown(analysis: dict, title: str | None = None):
    """Expected vs actual revenue per channel/marketplace during the window, with the loss share as a label."""
    currency = analysis.get("currency") or "USD"
    title = title or "Revenue in the window by channel"
    rows = analysis.get("by_channel") or []
    if not rows:
        return _empty(title, "No channel breakdown for this window")
    m = _axis_money(currency)
    labels = [_channel_label(r) for r in rows]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=[r.get("expected") or 0.0 for r in rows],
            name="Expected",
            marker={"color": "rgba(37, 99, 235, 0.25)", "line": {"color": COLORS["expected"], "width": 1.5}},
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
    _base_layout(fig, title=title, y_title=f"Revenue ({currency})", money_axis=m)
    fig.update_layout(barmode="group", bargap=0.35, hovermode="x unified")
    return fig


def _channel_label(row: dict) -> str:
    channel = str(row.get("channel") or "other")
    market = str(row.get("marketplace") or "")
    if market and market.lower() != channel.lower():
        return plain(f"{channel.capitalize()} ({market})")
    return plain(channel.capitalize())


def top_skus(analysis: dict, n: int = 10, title: str | None = None):
    """Horizontal bars of the SKUs with the largest estimated revenue loss (gains shown in green)."""
    currency = analysis.get("currency") or "USD"
    title = title or "Products that lost the most"
    rows = sorted(analysis.get("top_skus") or [], key=lambda r: -(r.get("lost") or 0.0))[:n]
    if not rows:
        return _empty(title, "No product-level estimate for this window")
    m = _axis_money(currency, axis="x")
    rows = rows[::-1]  # plotly draws the first bar at the bottom
    fig = go.Figure(
        go.Bar(
            x=[r.get("lost") or 0.0 for r in rows],
            y=[plain(r.get("sku") or "(no SKU)") for r in rows],
            orientation="h",
            marker={"color": [COLORS["loss"] if (r.get("lost") or 0) >= 0 else COLORS["gain"] for r in rows]},
            hovertemplate=f"%{{y}}: {m['hover']}<extra></extra>",
        )
    )
    _base_layout(fig, title=title, y_title="")
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
    m = _axis_money(currency)
    fig = go.Figure()
    for channel in sorted(per_channel):
        days = sorted(per_channel[channel])
        fig.add_trace(
            go.Bar(
                # Centred on noon so each bar covers its own day and the outage shading lines up with the hours.
                x=[datetime.combine(d, time(12)) for d in days],
                width=86_400_000 * 0.85,
                y=[per_channel[channel][d] for d in days],
                name=channel.capitalize(),
                marker={"color": CHANNEL_COLORS.get(channel, CHANNEL_COLORS["other"])},
                hovertemplate=f"{channel.capitalize()}: {m['hover']}<extra></extra>",
            )
        )
    fig.update_xaxes(hoverformat="%a %d %b %Y")
    _base_layout(fig, title=title, y_title=f"Revenue per day ({currency})", x_title=f"Day ({tz})", money_axis=m)
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

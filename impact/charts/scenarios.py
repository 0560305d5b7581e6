"""Plotly figures for channel-mix scenarios, built from plain results (ScenarioModel.to_json, sweep rows, annual loss
arrays). No streamlit here: the app renders what these return."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..present import CHANNEL_COLORS, COLORS, SERIES, base_layout, channel_color, channel_name, number
from ..scenarios.model import mix_label


def _money(currency: str | None) -> str:
    """The currency as an axis-title suffix: ' (EUR)'."""
    return f" ({currency})" if currency else ""


def _share_bars(fig: go.Figure, rows: list[tuple[str, Mapping]], labels: list[str]) -> None:
    """Panel 1: each row's channel shares, stacked to 100%."""
    channels = sorted(
        {c for _, r in rows for c in r["shares"]},
        key=lambda c: list(CHANNEL_COLORS).index(c) if c in CHANNEL_COLORS else len(CHANNEL_COLORS),
    )
    # Explicit bases stack the shares to 100%; explicit offsets and widths place every bar within its row, because
    # plotly's automatic grouping would reserve a slot in every panel for every trace.
    base = np.zeros(len(rows))
    for c in channels:
        width = np.array([100 * r["shares"].get(c, 0.0) for _, r in rows])
        fig.add_trace(
            go.Bar(
                y=labels,
                x=width,
                base=base.copy(),
                name=channel_name(c),
                orientation="h",
                offset=-0.4,
                width=0.8,
                marker_color=channel_color(c),
                legendgroup="channels",
                hovertemplate=f"{channel_name(c)}: %{{x:.1f}}%<extra></extra>",
            ),
            row=1,
            col=1,
        )
        base += width


def _loss_bars(fig: go.Figure, rows: list[tuple[str, Mapping]], labels: list[str]) -> None:
    """Panel 2: each row's expected yearly loss and the loss exceeded one year in 20."""
    fig.add_trace(
        go.Bar(
            y=labels,
            x=[r["annual_expected_loss"] for _, r in rows],
            name="expected loss",
            orientation="h",
            marker_color=SERIES[0],
            offset=-0.4,
            width=0.4,
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=[r["annual_p95_loss"] for _, r in rows],
            name="1 year in 20 loses more than",
            orientation="h",
            marker_color=SERIES[1],
            offset=0.0,
            width=0.4,
        ),
        row=1,
        col=2,
    )


def _net_bars(fig: go.Figure, rows: list[tuple[str, Mapping]], labels: list[str]) -> None:
    """Panel 3: each row's yearly net benefit against the current mix (a loss in red)."""
    net = [r.get("annual_net_benefit", 0.0) for _, r in rows]
    fig.add_trace(
        go.Bar(
            y=labels,
            x=net,
            name="net benefit",
            orientation="h",
            offset=-0.4,
            width=0.8,
            marker_color=[SERIES[2] if v >= 0 else SERIES[1] for v in net],
        ),
        row=1,
        col=3,
    )


def mix_comparison_figure(result: Mapping) -> go.Figure:
    """Current mix and each scenario side by side: channel shares, yearly outage loss (expected and 95th
    percentile) and the yearly net benefit against the current mix."""
    rows = [("Current", result["current"])] + [(s.get("label") or mix_label(s["mix"]), s) for s in result["scenarios"]]
    labels = [name for name, _ in rows]
    money = _money(result.get("currency"))
    fig = make_subplots(
        rows=1,
        cols=3,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        # Short titles: three panels share the tab's width, and longer ones ran into each other.
        subplot_titles=("Channel shares", f"Loss a year{money}", f"Net benefit a year{money}"),
    )
    _share_bars(fig, rows, labels)
    _loss_bars(fig, rows, labels)
    _net_bars(fig, rows, labels)
    base_layout(fig, axes=False)
    fig.update_layout(
        barmode="overlay",
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.25, "x": 0},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=220 + 70 * len(rows),
    )
    fig.update_xaxes(title_text="% of revenue", range=[0, 100], row=1, col=1)
    return fig


def loss_distribution_figure(
    annual: Mapping[str, np.ndarray], currency: str | None = None, bins: int = 60
) -> go.Figure:
    """Distribution of yearly outage loss per mix (label -> simulated annual losses), with each 95th percentile."""
    fig = go.Figure()
    arrays = {k: np.asarray(v, dtype=float) for k, v in annual.items()}
    top = max((float(a.max()) for a in arrays.values() if a.size), default=0.0) or 1.0
    size = top / bins
    for i, (label, a) in enumerate(arrays.items()):
        colour = SERIES[i % len(SERIES)]
        fig.add_trace(
            go.Histogram(
                x=a,
                name=label,
                histnorm="percent",
                opacity=0.55,
                marker_color=colour,
                xbins={"start": 0.0, "end": top + size, "size": size},
                hovertemplate="%{x}: %{y:.1f}% of years<extra>" + label + "</extra>",
            )
        )
        if a.size:
            p95 = float(np.quantile(a, 0.95))
            fig.add_vline(
                x=p95,
                line_dash="dash",
                line_color=colour,
                annotation_text=f"95%: {number(p95)}",
                annotation_position="top",
            )
    base_layout(fig, axes=False)
    fig.update_layout(
        barmode="overlay",
        xaxis_title=f"Outage loss in a year{_money(currency)}",
        yaxis_title="% of simulated years",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return fig


def loss_vs_share_figure(
    rows: Sequence[Mapping], channel: str = "amazon", current_share: float | None = None, currency: str | None = None
) -> go.Figure:
    """Expected and 95th-percentile yearly loss, and net benefit, against one channel's share (ScenarioModel.sweep)."""
    x = [100 * r["share"] for r in rows]
    money = _money(currency)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[r["annual_expected_loss"] for r in rows],
            name="expected loss",
            mode="lines+markers",
            line_color=SERIES[0],
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[r["annual_p95_loss"] for r in rows],
            name="1 year in 20 loses more than",
            mode="lines",
            line={"color": SERIES[1], "dash": "dot"},
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[r["annual_net_benefit"] for r in rows],
            name="net benefit vs today",
            mode="lines",
            line_color=SERIES[2],
        ),
        secondary_y=True,
    )
    if current_share is not None:
        fig.add_vline(
            x=100 * current_share,
            line_dash="dash",
            line_color=COLORS["today"],
            annotation_text="today",
            annotation_position="top",
        )
    fig.update_xaxes(title_text=f"{channel_name(channel)} share of revenue (%)", range=[0, 100])
    fig.update_yaxes(title_text=f"Outage loss per year{money}", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text=f"Net benefit per year{money}", secondary_y=True)
    base_layout(fig, axes=False)
    fig.update_layout(legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig

"""The portfolio's figure: how the sellers' losses are spread (plotly, no streamlit), in the house style."""

from __future__ import annotations

import plotly.graph_objects as go

from ..portfolio.results import SIGNIFICANT_P
from ..present import COLORS, base_layout, money_axis


def distribution(rows: list[dict], currency: str, title: str | None = None) -> go.Figure:
    """A histogram of each seller's revenue lost in `currency` (windows summed), the significant losses in the
    loss colour and the others muted, so the spread and how much of it is noise read at a glance."""
    per: dict[str, list[dict]] = {}
    for r in rows:
        if not r.get("error") and r.get("currency") == currency and r.get("revenue_lost") is not None:
            per.setdefault(r["seller_id"], []).append(r)
    sig, other = [], []
    for rs in per.values():
        lost = sum(float(r["revenue_lost"]) for r in rs)
        significant = any(
            float(r.get("p_effect") or 0) >= SIGNIFICANT_P or float(r.get("revenue_lost_low") or 0) > 0 for r in rs
        )
        (sig if significant else other).append(lost)
    axis = money_axis(currency, "x")
    fig = go.Figure()
    for values, name, colour in (
        (sig, "significant loss", COLORS["loss"]),
        (other, "not significant", COLORS["muted"]),
    ):
        if values:
            fig.add_histogram(
                x=values,
                name=f"{name} ({len(values)})",
                marker_color=colour,
                nbinsx=30,
                hovertemplate=axis["hover"] + ": %{y} sellers<extra></extra>",
            )
    base_layout(
        fig,
        title=title or f"Revenue lost per seller ({currency})",
        y_title="sellers",
        x_title=f"revenue lost, {currency}",
    )
    fig.update_layout(barmode="stack", bargap=0.05)
    # Sellers are counted whole: a few sellers get a tick per seller, more get plotly's integer ticks.
    fig.update_yaxes(tickformat=",d", rangemode="tozero", **({"dtick": 1} if len(per) <= 10 else {}))
    fig.update_xaxes(tickprefix=axis["tickprefix"], ticksuffix=axis["ticksuffix"], tickformat=",")
    if not per:
        fig.add_annotation(
            text=f"No seller was analysed in {currency}", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
    return fig

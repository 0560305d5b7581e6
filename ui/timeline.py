"""The Timeline tab: the window hour by hour against what the seller's history expected, and sales day by day."""

from __future__ import annotations

import streamlit as st

from impact import charts
from impact.present import channel_name, join_names
from impact.windows import Window
from ui.common import CHART_CONFIG, md_escape
from ui.results import Results


def render(results: Results) -> None:
    res, why = results.analysis()
    if res is None:
        st.warning(f"No hourly estimate for this window: {md_escape(why)}.", icon=":material/warning:")
    else:
        hourly_charts(res, results.tz, key="timeline")
    daily_chart(results.daily_rows(), results.window, results.tz, key="timeline_daily")


def hourly_charts(res: dict, tz: str, key: str) -> None:
    """The hourly actual-vs-expected and cumulative-loss charts of one window's result."""
    channels = res["channels"]
    chosen = None
    if len(channels) > 1:
        pick = st.selectbox(
            "Channel",
            ["all", *channels],
            key=f"{key}_channel",
            format_func=lambda c: "All affected channels" if c == "all" else channel_name(c),
        )
        chosen = None if pick == "all" else [pick]
    st.plotly_chart(charts.timeline(res, tz=tz, channels=chosen), theme=None, key=f"{key}_hourly", config=CHART_CONFIG)
    st.plotly_chart(
        charts.cumulative_loss(res, tz=tz, channels=chosen), theme=None, key=f"{key}_cum", config=CHART_CONFIG
    )
    st.caption(
        "Hours before the outage show how well the expectation tracks a normal day; the hours after it show "
        "whether buyers came back (the running loss then falls)."
    )


def daily_chart(rows: list[dict], window: Window, tz: str, key: str) -> None:
    """Revenue per day and channel (impact.dataset.daily_revenue rows), the window marked; one currency only."""
    currencies = sorted({r["currency"] for r in rows if r["currency"]})
    currency = currencies[0] if currencies else "USD"
    if len(currencies) > 1:
        st.warning(
            f"Your orders are in several currencies ({join_names(currencies)}); amounts are never added across "
            f"currencies, so this chart shows {currency} only."
        )
        rows = [r for r in rows if r["currency"] == currency]
    fig = charts.daily_by_channel(rows, currency=currency, tz=tz, window=window.to_json())
    st.plotly_chart(fig, theme=None, key=key, config=CHART_CONFIG)

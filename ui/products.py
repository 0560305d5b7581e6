"""The Products tab: which channels and products the loss fell on."""

from __future__ import annotations

import streamlit as st

from impact import charts
from impact.present import money
from ui.common import CHART_CONFIG, md_escape
from ui.results import Results


def render(results: Results) -> None:
    res, why = results.analysis()
    if res is None:
        st.warning(f"No product estimate for this window: {md_escape(why)}.", icon=":material/warning:")
        return
    product_charts(res, results.product_names(res), key="products")


def product_charts(res: dict, names: dict[str, str], key: str) -> None:
    """Channel breakdown and top-SKU loss of one window's result."""
    st.plotly_chart(charts.channel_breakdown(res), theme=None, key=f"{key}_channels", config=CHART_CONFIG)
    top = res.get("top_skus") or []
    st.plotly_chart(charts.top_skus(res), theme=None, key=f"{key}_skus", config=CHART_CONFIG)
    if top:
        st.dataframe(
            [{"SKU": r["sku"], "Product": names.get(r["sku"], ""), "Revenue lost": money(r["lost"], res["currency"])}
             for r in top],
            hide_index=True,
            width="stretch",
        )  # fmt: skip
        st.caption(
            "A product's share of the loss follows its share of the channel's sales in the four weeks before the "
            "outage, minus what it actually sold during it."
        )

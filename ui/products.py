"""The Products tab: which channels and products the loss fell on."""

from __future__ import annotations

import streamlit as st

from impact import charts
from impact.present import channel_name, format_money, sku_name
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
            [
                {
                    "SKU": sku_name(r["sku"]),
                    "Product": names.get(r["sku"], ""),
                    "Revenue lost": format_money(r["lost"], res["currency"]),
                }
                for r in top
            ],
            hide_index=True,
            width="stretch",
        )
        st.caption(
            "A product's share of the loss follows its share of the channel's sales in the four weeks before the "
            "outage, minus what it actually sold during it."
        )
    profit_table(res, names)


def profit_table(res: dict, names: dict[str, str]) -> None:
    """Profit lost per product and per channel, when the seller gave costs."""
    p, cur = res.get("profit"), res["currency"]
    if not p:
        return
    st.subheader("Profit lost by product")
    st.dataframe(
        [
            {
                "SKU": sku_name(r["sku"]),
                "Product": names.get(r["sku"], ""),
                "Channel": channel_name(r["channel"]),
                "Revenue lost": format_money(r["lost"], cur),
                "Profit lost": format_money(r["profit_lost"], cur),
                "Margin": "" if r["margin_pct"] is None else f"{r['margin_pct']:.1f}%",
                "Cost": "known" if r["costed"] else "channel's typical margin",
            }
            for r in p.get("by_sku") or []
        ],
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "The orders that never came are priced at the channel's usual product mix: each product takes its share of "
        "the four weeks before from the revenue lost, at its unit cost on the outage's day and its fees."
    )
    st.dataframe(
        [
            {
                "Channel": channel_name(r["channel"]),
                "Revenue lost": format_money(r["lost"], cur),
                "Profit lost": format_money(r["profit_lost"], cur),
                "Goods not used": format_money(r["costs_saved"], cur),
                "Fees not charged": format_money(r["fees_saved"], cur),
                "Ad spend wasted": format_money(r["ad_spend_wasted"], cur),
                "Margin": "" if r["margin_pct"] is None else f"{r['margin_pct']:.1f}%",
            }
            for r in p.get("by_channel") or []
        ],
        hide_index=True,
        width="stretch",
    )
    uncosted = p.get("uncosted_skus") or []
    if uncosted:
        st.caption(
            f"No product cost for {len(uncosted)} SKU(s) with lost sales ({', '.join(uncosted[:10])}"
            f"{', …' if len(uncosted) > 10 else ''}): they are counted at their channel's median margin."
        )

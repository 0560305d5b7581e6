"""The Appeal tab: the metrics a marketplace judges the seller by, with and without the orders the outage affected,
and the request to send it (for Shopify, the SLA credit request), editable before download."""

from __future__ import annotations

import streamlit as st

from impact.appeal import appeal_zip
from impact.present import channel_name, number, percent, plural
from ui.common import md_escape
from ui.results import Results
from ui.state import State


def render(results: Results) -> None:
    options = results.appeal_marketplaces()
    if not options:
        st.info(
            "Appeals are written for Amazon, eBay, Etsy and Shopify; none of them is in the uploaded orders.",
            icon=":material/gavel:",
        )
        return
    market = st.selectbox("Marketplace", options, format_func=channel_name, key=State.appeal_marketplace.key)
    result, orders = results.appeal(market)
    metrics(result)
    letter(result, orders)


def shared(appeals: dict) -> None:
    """A share link's marketplace metrics, with and without the outage (the orders and the letter stay with the
    seller)."""
    st.subheader("Marketplace metrics, with and without the outage")
    for market, result in appeals.items():
        st.markdown(f"**{md_escape(channel_name(market))}**")
        sla = result.get("sla")
        if sla:
            st.markdown(
                f"- Outage {number(sla['outage_minutes'])} minutes in {md_escape(sla['month'])}: uptime "
                f"{percent(sla['uptime'], 2)}, a credit of {percent(sla['credit'])} of the month's fee under Shopify's SLA."
            )
        metrics(result)


def metrics(result: dict) -> None:
    """One card per metric with the figure the marketplace sees and the figure without the outage's orders."""
    shown = [m for m in result["metrics"] if m.get("with_outage") is not None]
    if shown:
        # At most three metrics per marketplace (Amazon's two late-shipment periods and its cancel rate).
        for col, m in zip(st.columns(len(shown)), shown, strict=True):
            without = m.get("without_outage")
            col.metric(
                f"{m['name']} ({plural(m['period_days'], 'day')})",
                percent(m["with_outage"], 1),
                delta=None if without is None else f"{percent(without, 1)} without the outage",
                delta_color="off",
                delta_arrow="off",  # a rate without the outage is no rise or fall, just the other figure
                border=True,
                help=f"Threshold {percent(m['threshold'], 1)}" if m.get("threshold") is not None else None,
            )
    for m in result["metrics"]:
        st.markdown(f"- {md_escape(m.get('sentence') or m.get('reason') or '')}")
    st.caption(
        f"{plural(result['affected_orders'], 'order')} affected by the outage; periods end "
        f"{md_escape(result['period_end'][:16].replace('T', ' '))} UTC ({md_escape(result['period_end_reason'])})."
    )


def _current_letter(result: dict) -> str:
    """The widget key of the letter, its text set from the figures whenever they changed: the seller's edits are kept
    while the window, files and options give the same letter, and replaced (with a note) when they do not."""
    market = result["marketplace"]
    key, base_key = f"appeal_letter::{market}", f"appeal_letter_base::{market}"
    generated, previous = result["letter"], st.session_state.get(base_key)
    if previous != generated or key not in st.session_state:
        edited = previous is not None and st.session_state.get(key, previous) != previous
        st.session_state[key] = st.session_state[base_key] = generated
        if edited:
            st.info(
                "The outage window, the files or the options changed, so the letter below is written afresh from "
                "the new figures; your edits to the previous letter were not kept.",
                icon=":material/restart_alt:",
            )
    return key


def letter(result: dict, orders) -> None:
    """The request as text the seller can edit, what they should know before sending it, and the pack to send."""
    st.subheader("Your request" if result["marketplace"] != "shopify" else "Your SLA credit request")
    for note in result.get("for_you") or []:
        st.caption(md_escape(note))
    if result.get("letter") is None:
        st.info(md_escape(result["no_letter"]), icon=":material/task_alt:")
        return
    key = _current_letter(result)
    text = st.text_area("Edit before sending", height=320, key=key)
    edited = dict(result, letter=text)
    cols = st.columns(2)
    cols[0].download_button(
        "Download the letter (TXT)",
        data=text.encode("utf-8"),
        file_name=f"appeal_{result['marketplace']}.txt",
        mime="text/plain",
        icon=":material/download:",
    )
    cols[1].download_button(
        f"Download the appeal pack (letter and {number(len(orders))} orders, ZIP)",
        data=appeal_zip(edited, orders),
        file_name=f"appeal_{result['marketplace']}.zip",
        mime="application/zip",
        icon=":material/folder_zip:",
    )

"""The Shipments tab: orders the outage made ship late, and the list of them for a marketplace appeal."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from impact.csvsafe import to_csv_bytes
from impact.present import (
    channel_name,
    format_channels,
    local_time,
    number,
    percent,
    plural,
    plural_word,
    sentence,
    value_range,
)
from impact.report import late_shipments_text
from impact.shipments import ShipmentResult
from impact.windows import Window
from ui.results import Results


def render(results: Results) -> None:
    ship, rows = results.shipments()
    shipments(ship, rows, results.window, results.tz)


def shipments(ship: ShipmentResult, rows: pd.DataFrame, window: Window, tz: str) -> None:
    """The late-shipment summary and late orders of impact.shipments.shipment_report."""
    if not ship.available:
        # Only the affected channels count: orders of the others never stand in for them.
        why = " ".join(sentence(n) for n in ship.notes) or (
            "None of their seller-fulfilled orders has a ship time: add an export with ship dates."
        )
        st.info(
            f"Late shipments cannot be measured on {format_channels(window.channels)}, the "
            f"{plural_word(len(window.channels), 'channel')} the outage hit; "
            f"orders of your other channels are not counted. {why}",
            icon=":material/local_shipping:",
        )
        return
    rng = value_range(ship.excess_late_low, ship.excess_late_high, confidence=ship.confidence)
    cols = st.columns(4)
    cols[0].metric("Orders due to ship", number(ship.due), border=True, help="During the outage or its backlog.")
    cols[1].metric("Shipped late", number(ship.late), border=True)
    if ship.excess_late is not None:
        cols[2].metric("Late anyway (usual rate)", number(ship.late_expected, 1), border=True)
        cols[3].metric("Late because of the outage", number(ship.excess_late), border=True, help=rng or None)
    backlog = (
        f"The backlog of unshipped orders was back to normal by **{local_time(ship.backlog_cleared, tz, zone=True)}**"
        if ship.backlog_cleared
        else "The backlog had not cleared by the end of the data"
    )
    if ship.excess_late is None:
        # Without the seller's usual late rate the outage's share is said to be unmeasurable, with why.
        caused = late_shipments_text(ship.to_json()) or ""
    else:
        caused = (
            f"{number(ship.late)} of {plural(ship.due, 'order')} due to ship went out late. At the seller's "
            f"usual late rate about {number(ship.late_expected, 1)} would have been late anyway, so the outage "
            f"caused about **{plural(ship.excess_late, 'late shipment')}**" + (f" ({rng})." if rng else ".")
        )
    waited = ""
    if ship.extra_handling_hours is not None:
        peak = ship.peak_backlog_orders
        waited = f"; orders waited {plural(ship.extra_handling_hours, 'extra order-hour')} in total" + (
            f" (peak backlog {plural(peak, 'order')})" if peak is not None else ""
        )
    st.markdown(f"{caused} {backlog}{waited}.")
    by_channel = [
        {
            "Channel": channel_name(ch),
            "Due": v.due,
            "Late": v.late,
            "Late anyway": v.late_expected,
            "Caused by outage": v.excess_late,
            "Usual late rate": None if v.baseline_late_rate is None else percent(v.baseline_late_rate, 1),
        }
        for ch, v in ship.by_channel.items()
    ]
    if by_channel:
        st.dataframe(by_channel, hide_index=True, width="content")
    for note in ship.notes:
        st.caption(f"• {note}")
    with st.expander("How late shipments are counted"):
        st.write(ship.definition)
    late_orders(rows, window, tz)


def late_orders(rows: pd.DataFrame, window: Window, tz: str) -> None:
    st.subheader("Orders to list in an appeal")
    if rows.empty:
        st.write("No order of that set shipped late.")
        return
    st.caption(
        "Marketplaces have forgiven late shipments caused by platform outages when sellers listed the affected "
        f"orders. Times below are in {tz}; the download keeps them in UTC."
    )
    shown = rows.copy()
    shown["channel"] = shown["channel"].map(channel_name)
    if "hours_late" in shown:
        shown["hours_late"] = shown["hours_late"].map(lambda h: "" if pd.isna(h) else number(h, 1))
    for col in ("purchased_utc", "promise_utc", "shipped_utc"):
        shown[col] = pd.to_datetime(shown[col]).dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None)
    shown = shown.rename(
        columns={
            "order_id": "Order",
            "channel": "Channel",
            "purchased_utc": "Bought",
            "promise_utc": "Ship by",
            "shipped_utc": "Shipped",
            "hours_late": "Hours late",
            "days_late": "Days late (ship date without a time)",
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(
        f"Download the {plural(len(rows), 'late order')} (CSV)",
        data=to_csv_bytes(rows),
        file_name=f"late_orders_{window.start:%Y%m%d}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="late_orders_csv",
    )

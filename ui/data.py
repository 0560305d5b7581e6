"""The Data tab (every line of every imported file accounted for) and the forms that map an unknown CSV's
columns."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from impact.csvsafe import to_csv_bytes
from impact.ingest.loader import IngestReport
from impact.present import channel_name, money_per_currency, number
from impact.report import channel_revenue
from impact.slots import guess_columns
from impact.store import CHANNELS
from ui.common import settings
from ui.state import State


def render(report: IngestReport) -> None:
    st.caption("Every line of every file is accounted for: lines = loaded + duplicates + skipped + rejected.")
    if not report.files:
        st.write("No files imported.")
        return
    table = [
        {
            "File": f.name,
            "Format": f.format_label,
            "Encoding": f.encoding,
            "Lines": f.lines,
            "Loaded": f.loaded,
            "Duplicates": f.duplicates,
            "Skipped": f.skipped,
            "Rejected": f.rejected,
            "Skipped because": "; ".join(f"{number(n)} {reason}" for reason, n in f.skipped_reasons.items()),
            # A shipping file (ShipStation, Amazon seller-fulfilled orders) adds ship times: what it matched.
            "Notes": "; ".join(f.notes),
        }
        for f in report.files
    ]
    st.dataframe(table, hide_index=True, width="stretch")
    per_channel = [
        {
            "Channel": channel_name(ch),
            "Orders": v["orders"],
            "Revenue": ", ".join(money_per_currency(channel_revenue(v, list(report.currency)))) or "n/a",
        }
        for ch, v in report.channels.items()
    ]
    st.dataframe(per_channel, hide_index=True, width="content")
    cost_files(report.costs)
    files = [*report.files, *(report.costs.files if report.costs is not None else [])]
    rejects = pd.DataFrame(
        [(f.name, r["line"], r["reason"]) for f in files for r in f.rejects], columns=["file", "line", "reason"]
    )
    st.subheader("Rejected lines")
    if rejects.empty:
        st.success("No line was rejected.", icon=":material/check_circle:")
        return
    st.dataframe(
        rejects.head(settings().max_rejects_listed).rename(columns=str.capitalize), hide_index=True, width="stretch"
    )
    st.download_button(
        "Download rejected lines (CSV)",
        data=to_csv_bytes(rejects),
        file_name="rejected_lines.csv",
        mime="text/csv",
        icon=":material/download:",
        key="rejects_csv",
    )


def cost_files(costs) -> None:
    """The cost, fee and ad files of the session, accounted for like the orders."""
    if costs is None or not costs.files:
        return
    st.subheader("Costs, fees and ad spend")
    st.dataframe(
        [
            {
                "File": f.name,
                "Format": f.format_label,
                "Lines": f.lines,
                "Loaded": f.loaded,
                "Skipped": f.skipped,
                "Rejected": f.rejected,
                "Skipped because": "; ".join(f"{number(n)} {reason}" for reason, n in f.skipped_reasons.items()),
            }
            for f in costs.files
        ],
        hide_index=True,
        width="stretch",
    )
    for f in costs.files:
        for warning in f.warnings:
            st.warning(f"{f.name}: {warning}", icon=":material/warning:")
    if costs.unknown_skus:
        shown = ", ".join(costs.unknown_skus[:20]) + (", …" if len(costs.unknown_skus) > 20 else "")
        st.info(f"Costs for SKUs that none of the orders has: {shown}.", icon=":material/info:")


def mapping_forms(unmapped: list[dict]) -> None:
    """For files whose columns match no known export: let the seller say which column is which."""
    for item in unmapped:
        name = item["name"]
        if item.get("date_order"):
            date_order_form(item)
            continue
        with st.expander(f"Map the columns of {name}", expanded=True, icon=":material/table_view:"):
            st.write(
                "This file's columns do not match a known export. Tell us which column holds what; the mapping "
                "is kept for this session only, never shared with other visitors."
            )
            header = [""] + list(item["header"])
            # The form starts from the obvious columns (Order#, Order Date, Qty, SKU...); the seller corrects.
            guess = {f: header.index(c) for f, c in guess_columns(list(item["header"])).items()}
            at = guess.get

            with st.form(key=f"map::{name}"):
                c1, c2, c3 = st.columns(3)
                order_id = c1.selectbox("Order id", header, index=at("order_id", 0), key=f"m_order::{name}")
                purchased = c2.selectbox("Order date/time", header, index=at("purchased_at", 0), key=f"m_date::{name}")
                amount = c3.selectbox("Line amount (total)", header, index=at("revenue", 0), key=f"m_amount::{name}")
                c4, c5, c6 = st.columns(3)
                price = c4.selectbox("…or unit price", header, index=at("price", 0), key=f"m_price::{name}")
                quantity = c5.selectbox("Quantity", header, index=at("quantity", 0), key=f"m_qty::{name}")
                sku = c6.selectbox("SKU (optional)", header, index=at("sku", 0), key=f"m_sku::{name}")
                c7, c8, c9 = st.columns(3)
                status = c7.selectbox("Status (optional)", header, index=at("status", 0), key=f"m_status::{name}")
                channel = c8.selectbox(
                    "Sales channel",
                    ["other", *[c for c in CHANNELS if c != "other"]],
                    key=f"m_channel::{name}",
                    format_func=channel_name,
                )
                order = c9.selectbox(
                    "Date order",
                    ["auto", "month_first", "day_first"],
                    key=f"m_dateorder::{name}",
                    format_func={"auto": "detect", "month_first": "month/day", "day_first": "day/month"}.get,
                )
                if st.form_submit_button("Import with this mapping"):
                    mapping = {
                        "order_id": order_id,
                        "purchased_at": purchased,
                        "revenue": amount,
                        "price": price,
                        "quantity": quantity,
                        "sku": sku,
                        "status": status,
                        "channel_value": channel,
                        "date_order": order,
                    }
                    State.mappings.setdefault()[name] = tuple((k, v) for k, v in mapping.items() if v)
                    st.rerun()


DATE_ORDERS = {"day_first": "day/month (31/12/2023)", "month_first": "month/day (12/31/2023)"}


def date_order_form(item: dict) -> None:
    """A known export whose dates read both ways: the seller says whether the day or the month comes first."""
    name = item["name"]
    with st.expander(f"Date order of {name}", expanded=True, icon=":material/calendar_month:"):
        st.write(item["message"])
        with st.form(key=f"dateorder::{name}"):
            order = st.radio(
                "Date order",
                list(DATE_ORDERS),
                format_func=DATE_ORDERS.get,
                key=f"d_dateorder::{name}",
                horizontal=True,
            )
            if st.form_submit_button("Import with this date order"):
                State.mappings.setdefault()[name] = (("date_order", order),)
                st.rerun()

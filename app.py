"""Outage Impact dashboard: the only screen. Reads widgets, calls `impact`, renders. Run: streamlit run app.py

Each browser session gets its own in-memory DuckDB (impact.store.session_db) in st.session_state, so one seller
never sees another's upload. With nothing uploaded the app shows the demo seller hit by the AWS outage of
2025-10-20.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import streamlit as st

from impact import charts
from impact.errors import ImpactError, UnknownFormatError, WindowError
from impact.ingest import ingest_files, summary
from impact.overview import coverage, daily_revenue
from impact.settings import load_settings
from impact.store import session_db
from impact.windows import Window

ROOT = Path(__file__).resolve().parent
DEMO_DIR = ROOT / "data" / "demo"
DEMO_FILES = ("amazon_all_orders.txt", "shopify_orders_export.csv")
DEMO_NAME = "Demo Kitchen Co"
DEMO_CHANNELS = ["amazon"]  # the AWS outage hit the Amazon marketplace; the own store is the comparison
AWS_2025 = {
    "title": "AWS us-east-1 outage, 20 Oct 2025",
    "start": datetime(2025, 10, 20, 6, 48),
    "end": datetime(2025, 10, 20, 21, 20),
    "source": "AWS post-event summary",
}
COMMON_ZONES = [
    "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
    "America/Sao_Paulo", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Amsterdam",
    "Asia/Tokyo", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney",
]  # fmt: skip
UPLOAD_TYPES = ["csv", "txt", "tsv", "tab"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

SETTINGS = load_settings()

st.set_page_config(page_title="Outage Impact", page_icon="📉", layout="wide", initial_sidebar_state="expanded")


# ---------------------------------------------------------------------------------------------------------------
# Small helpers


@st.cache_data(show_spinner=False)
def zone_options() -> list[str]:
    """Common zones first, then every IANA zone (the select box is searchable)."""
    rest = sorted(z for z in available_timezones() if "/" in z and z not in COMMON_ZONES and not z.startswith("Etc/"))
    return COMMON_ZONES + rest


def md_escape(text: object) -> str:
    """User-supplied text (file names, column names) shown inside markdown without becoming markup or links."""
    # Brackets, emphasis, code, HTML and streamlit's :directive[...] syntax; dots and dashes are harmless mid-line.
    return re.sub(r"([\\`*_\[\]<>|~$:#])", r"\\\1", str(text))


def safe_csv(header: list[str], rows: list[list]) -> bytes:
    """CSV for spreadsheets: cells that Excel would run as a formula are prefixed with a quote."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_utc(local: datetime, tz: str) -> datetime:
    """Naive wall-clock time in tz -> naive UTC."""
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def from_utc(value: datetime, tz: str) -> datetime:
    """Naive UTC -> naive wall clock in tz."""
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def fmt_local(value: datetime | None, tz: str) -> str:
    if value is None:
        return "still open"
    return f"{from_utc(value, tz):%a %d %b %Y %H:%M} ({tz})"


# ---------------------------------------------------------------------------------------------------------------
# Session data: the demo or the seller's uploads, each in this session's own DuckDB


def _fresh_db():
    old = st.session_state.get("con")
    if old is not None:
        old.close()
    con = session_db()
    st.session_state["con"] = con
    return con


def load_demo(tz: str) -> None:
    """The demo seller's exports, imported into this session's database (once per session and time zone)."""
    key = ("demo", tz)
    if st.session_state.get("dataset_key") == key:
        return
    con = _fresh_db()
    ingest_files(con, [DEMO_DIR / n for n in DEMO_FILES], tz=tz)
    st.session_state.update(dataset_key=key, is_demo=True, file_errors=[], unmapped=[])


def load_uploads(files, tz: str, mappings: dict) -> None:
    """Import the uploaded files, each on its own so one unreadable file does not block the others."""
    key = ("upload", tz, tuple((f.file_id, f.name, f.size) for f in files), tuple(sorted(mappings.items(), key=str)))
    if st.session_state.get("dataset_key") == key:
        return
    con = _fresh_db()
    errors, unmapped = [], []
    with tempfile.TemporaryDirectory(prefix="impact-upload-") as tmp:
        for i, f in enumerate(files):
            # The temp name never comes from the upload (no path tricks); the real name is passed for reports.
            path = Path(tmp) / f"upload_{i}{Path(f.name).suffix[:8]}"
            path.write_bytes(f.getbuffer())
            mapping = mappings.get(f.name)
            try:
                ingest_files(con, [path], tz=tz, names=[f.name], mapping=dict(mapping) if mapping else None)
            except UnknownFormatError as exc:
                unmapped.append({"name": f.name, "header": exc.header, "message": str(exc)})
            except ImpactError as exc:
                errors.append(f"{f.name}: {exc}" if f.name not in str(exc) else str(exc))
    st.session_state.update(dataset_key=key, is_demo=False, file_errors=errors, unmapped=unmapped)


# ---------------------------------------------------------------------------------------------------------------
# Sidebar


def _init_window_widgets(tz: str) -> None:
    if "window_utc" not in st.session_state:
        st.session_state["window_utc"] = (AWS_2025["start"], AWS_2025["end"])
    if "start_at" not in st.session_state:
        _window_to_widgets(tz)


def _window_to_widgets(tz: str) -> None:
    start, end = st.session_state["window_utc"]
    st.session_state.update(start_at=from_utc(start, tz), end_at=from_utc(end, tz))


def _on_tz_change() -> None:
    # The window is an instant in time: keep it, and show it in the newly chosen zone.
    _window_to_widgets(st.session_state["tz"])


def _on_window_change() -> None:
    tz, ss = st.session_state["tz"], st.session_state
    if ss.start_at is None or ss.end_at is None:
        return
    ss["window_utc"] = (to_utc(ss.start_at, tz), to_utc(ss.end_at, tz))


def _on_preset() -> None:
    st.session_state["window_utc"] = (AWS_2025["start"], AWS_2025["end"])
    _window_to_widgets(st.session_state["tz"])


def sidebar() -> dict:
    sb = st.sidebar
    sb.header("Your orders")
    files = sb.file_uploader(
        "Order exports",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key="uploads",
        help="Amazon All Orders report (.txt), Shopify orders export, eBay Seller Hub report, Etsy or WooCommerce "
        "CSV, or any CSV with order id, date and amount. Several files and overlapping exports are fine: "
        "duplicates are counted once. Buyer names, e-mails and addresses are dropped on import.",
    )
    if "tz" not in st.session_state:
        st.session_state["tz"] = SETTINGS.default_tz if SETTINGS.default_tz in zone_options() else "UTC"
    tz = sb.selectbox(
        "Your time zone",
        zone_options(),
        key="tz",
        on_change=_on_tz_change,
        help="Used to show times, to read the window below, and for exports whose times carry no offset "
        "(eBay, Etsy, WooCommerce).",
    )
    _init_window_widgets(tz)

    sb.header("Outage window")
    sb.button("Use the AWS outage of 20 Oct 2025", on_click=_on_preset, width="stretch")
    limits = {"min_value": datetime(2000, 1, 1), "max_value": datetime(2100, 1, 1)}
    step = timedelta(minutes=1)
    sb.datetime_input(
        "Start (your time zone)", key="start_at", on_change=_on_window_change, format="YYYY-MM-DD", step=step, **limits
    )
    sb.datetime_input(
        "End (your time zone)", key="end_at", on_change=_on_window_change, format="YYYY-MM-DD", step=step, **limits
    )
    start, end = st.session_state["window_utc"]
    sb.caption(f"In UTC: {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}")
    return {"files": files or [], "tz": tz, "start": start, "end": end}


def sidebar_settings(channels: list[str], is_demo: bool) -> dict:
    sb = st.sidebar
    default = [c for c in DEMO_CHANNELS if c in channels] if is_demo else channels
    # Options change when other data is loaded: forget a selection that no longer fits.
    if "channels_for" not in st.session_state or st.session_state["channels_for"] != (tuple(channels), is_demo):
        st.session_state["channels_for"] = (tuple(channels), is_demo)
        st.session_state["affected"] = default
    affected = sb.multiselect(
        "Affected channels",
        channels,
        key="affected",
        help="Channels the outage hit. The others are compared against their own history to show spill-over "
        "(buyers who went elsewhere).",
        format_func=str.capitalize,
    )
    with sb.expander("Estimate settings"):
        confidence = st.select_slider(
            "Confidence of the range",
            options=[0.8, 0.9, 0.95, 0.99],
            value=SETTINGS.confidence if SETTINGS.confidence in (0.8, 0.9, 0.95, 0.99) else 0.9,
            format_func=lambda v: f"{v:.0%}",
            key="confidence",
        )
        recovery = st.number_input(
            "Recovery hours after the outage",
            min_value=0,
            max_value=168,
            value=int(SETTINGS.recovery_hours),
            step=1,
            key="recovery_hours",
            help="How long after the outage to look for buyers who came back (recaptured sales).",
        )
        sla = st.number_input(
            "Ship-by time (hours after purchase)",
            min_value=1.0,
            max_value=720.0,
            value=float(SETTINGS.ship_sla_hours),
            step=1.0,
            key="ship_sla_hours",
            help="Used when an export has no ship-by date: an order counts as late if it shipped after this.",
        )
    return {"channels": affected, "confidence": confidence, "recovery_hours": int(recovery), "ship_sla_hours": sla}


# ---------------------------------------------------------------------------------------------------------------
# Tabs


def header(is_demo: bool, window: Window, tz: str) -> None:
    st.title("Outage Impact")
    if is_demo:
        st.badge("DEMO", icon=":material/science:", color="orange")
        st.info(
            f"**DEMO data: {DEMO_NAME}**, a sample seller on Amazon.com and Shopify, hit by the "
            f"{AWS_2025['title']} (06:48 to 21:20 UTC, source: {AWS_2025['source']}). "
            "Upload your own order exports in the sidebar to see what an outage cost your shop.",
            icon=":material/info:",
        )
    else:
        st.caption("Your uploaded orders. Nothing leaves this session; close the tab to discard them.")
    st.markdown(
        f"**Outage window:** {fmt_local(window.start, tz)} to {fmt_local(window.end, tz)} · {window.hours:.1f} hours"
    )


def overview_tab(con, report, window: Window, params: dict, tz: str) -> None:
    currency = report.currency[0] if len(report.currency) == 1 else None
    cov = coverage(con, window.start, window.end)
    total_revenue = sum(v.get("revenue") or 0.0 for v in report.channels.values())
    cols = st.columns(4)
    cols[0].metric("Orders loaded", f"{report.orders:,}", border=True)
    cols[1].metric(
        "Revenue loaded",
        charts.money(total_revenue, currency, decimals=0) if currency else "several currencies",
        border=True,
        help="Merchandise value of non-cancelled lines, without tax or shipping.",
    )
    cols[2].metric("History before the outage", f"{max(cov['history_days'], 0):.0f} days", border=True)
    cols[3].metric("Orders during the outage", f"{cov['orders_in_window']:,}", border=True)

    for warning in cov["warnings"]:
        st.warning(warning, icon=":material/warning:")
    channels = ", ".join(c.capitalize() for c in params["channels"]) or "all channels"
    st.markdown(
        f"{report.orders:,} orders from {len(report.files)} file(s) cover "
        f"{fmt_local(_parse(cov['first']), tz)} to {fmt_local(_parse(cov['last']), tz)}. "
        f"The outage window holds {cov['orders_in_window']:,} orders; affected: {channels}."
    )
    st.info(
        "The loss estimate (expected vs actual revenue with a range) is not available in this build yet; "
        "below is the revenue you loaded, day by day, with the outage shaded.",
        icon=":material/hourglass_empty:",
    )
    daily_chart(con, report, window, tz, key="overview_daily")


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "")) if text else None


def daily_chart(con, report, window: Window, tz: str, key: str) -> None:
    rows = daily_revenue(con, tz)
    currencies = sorted({r["currency"] for r in rows if r["currency"]})
    currency = currencies[0] if currencies else "USD"
    if len(currencies) > 1:
        st.warning(
            f"Your orders are in several currencies ({', '.join(currencies)}); amounts are never added across "
            f"currencies, so this chart shows {currency} only."
        )
        rows = [r for r in rows if r["currency"] == currency]
    fig = charts.daily_by_channel(rows, currency=currency, tz=tz, window=window.to_json())
    st.plotly_chart(fig, theme=None, key=key, config={"displaylogo": False})


def timeline_tab(con, report, window: Window, tz: str) -> None:
    st.subheader("Revenue over time")
    daily_chart(con, report, window, tz, key="timeline_daily")
    st.caption("The hour-by-hour view with the expected revenue appears once the estimate is available.")


def products_tab() -> None:
    st.subheader("Products")
    st.info("Lost revenue by product needs the loss estimate, which is not available in this build yet.")


def shipments_tab() -> None:
    st.subheader("Shipments")
    st.info("Late-shipment analysis is not available in this build yet.")


def scenarios_tab() -> None:
    st.subheader("Scenarios")
    st.info("What-if scenarios for your channel mix are not available in this build yet.")


def data_tab(report) -> None:
    st.subheader("Import report")
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
            "Skipped because": "; ".join(f"{n:,} {reason}" for reason, n in f.skipped_reasons.items()),
        }
        for f in report.files
    ]
    st.dataframe(table, hide_index=True, width="stretch")
    per_channel = [
        {
            "Channel": ch.capitalize(),
            "Orders": v["orders"],
            "Revenue": v["revenue"]
            if v.get("revenue") is not None
            else ", ".join(f"{c} {a:,.2f}" for c, a in v.get("revenue_by_currency", {}).items()),
        }
        for ch, v in report.channels.items()
    ]
    st.dataframe(per_channel, hide_index=True, width="content")
    rejects = [[f.name, r["line"], r["reason"]] for f in report.files for r in f.rejects]
    st.subheader("Rejected lines")
    if not rejects:
        st.success("No line was rejected.", icon=":material/check_circle:")
        return
    st.dataframe(
        [{"File": a, "Line": b, "Reason": c} for a, b, c in rejects[: SETTINGS.max_rejects_listed]],
        hide_index=True,
        width="stretch",
    )
    st.download_button(
        "Download rejected lines (CSV)",
        data=safe_csv(["file", "line", "reason"], rejects),
        file_name="rejected_lines.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def mapping_forms(unmapped: list[dict]) -> None:
    """For files whose columns match no known export: let the seller say which column is which."""
    for item in unmapped:
        with st.expander(f"Map the columns of {item['name']}", expanded=True, icon=":material/table_view:"):
            st.write(
                "This file's columns do not match a known export. Tell us which column holds what; the mapping "
                "is remembered for files with the same columns."
            )
            header = [""] + list(item["header"])
            with st.form(key=f"map::{item['name']}"):
                c1, c2, c3 = st.columns(3)
                order_id = c1.selectbox("Order id", header, key=f"m_order::{item['name']}")
                purchased = c2.selectbox("Order date/time", header, key=f"m_date::{item['name']}")
                amount = c3.selectbox("Line amount (total)", header, key=f"m_amount::{item['name']}")
                c4, c5, c6 = st.columns(3)
                price = c4.selectbox("…or unit price", header, key=f"m_price::{item['name']}")
                quantity = c5.selectbox("Quantity", header, key=f"m_qty::{item['name']}")
                sku = c6.selectbox("SKU (optional)", header, key=f"m_sku::{item['name']}")
                c7, c8, c9 = st.columns(3)
                status = c7.selectbox("Status (optional)", header, key=f"m_status::{item['name']}")
                channel = c8.selectbox(
                    "Sales channel",
                    ["other", "amazon", "shopify", "ebay", "etsy", "woocommerce", "walmart"],
                    key=f"m_channel::{item['name']}",
                )
                order = c9.selectbox(
                    "Date order",
                    ["auto", "month_first", "day_first"],
                    key=f"m_dateorder::{item['name']}",
                    format_func={"auto": "detect", "month_first": "month/day", "day_first": "day/month"}.get,
                )
                if st.form_submit_button("Import with this mapping"):
                    mapping = {
                        "order_id": order_id, "purchased_at": purchased, "revenue": amount, "price": price,
                        "quantity": quantity, "sku": sku, "status": status, "channel_value": channel,
                        "date_order": order,
                    }  # fmt: skip
                    st.session_state.setdefault("mappings", {})[item["name"]] = tuple(
                        (k, v) for k, v in mapping.items() if v
                    )
                    st.rerun()


# ---------------------------------------------------------------------------------------------------------------


def main() -> None:
    inputs = sidebar()
    tz = inputs["tz"]
    mappings = st.session_state.get("mappings", {})
    with st.spinner("Reading your orders…"):
        if inputs["files"]:
            load_uploads(inputs["files"], tz, mappings)
        else:
            load_demo(tz)
    con = st.session_state["con"]
    is_demo = st.session_state["is_demo"]
    report = summary(con)
    params = sidebar_settings(list(report.channels), is_demo)
    try:
        window = Window(
            start=inputs["start"], end=inputs["end"], channels=tuple(params["channels"]), title="Outage window"
        )
    except WindowError as exc:
        st.title("Outage Impact")
        st.error(f"Outage window: {exc}.", icon=":material/error:")
        return
    header(is_demo, window, tz)
    for message in st.session_state.get("file_errors", []):
        st.error(md_escape(message), icon=":material/error:")
    mapping_forms(st.session_state.get("unmapped", []))
    if not report.files or report.lines == 0:
        st.warning("No orders could be loaded from the uploaded files. See the messages above.")
        return

    tabs = st.tabs(["Overview", "Timeline", "Products", "Shipments", "Scenarios", "Data"])
    with tabs[0]:
        overview_tab(con, report, window, params, tz)
    with tabs[1]:
        timeline_tab(con, report, window, tz)
    with tabs[2]:
        products_tab()
    with tabs[3]:
        shipments_tab()
    with tabs[4]:
        scenarios_tab()
    with tabs[5]:
        data_tab(report)


try:
    main()
except ImpactError as exc:
    st.error(md_escape(str(exc)), icon=":material/error:")
except Exception as exc:  # noqa: BLE001 - a seller sees a sentence, never a traceback
    logging.getLogger("impact.app").exception("page failed")  # the traceback goes to the server log only
    st.error(
        "Something went wrong while preparing this page "
        f"({md_escape(type(exc).__name__)}). Try again, or re-export the file if it keeps happening.",
        icon=":material/error:",
    )

"""Outage Impact dashboard: the only screen. Reads widgets, calls `impact`, renders. Run: streamlit run app.py

Each browser session gets its own in-memory DuckDB (impact.store.session_db) in st.session_state, so one seller
never sees another's upload; results computed from a seller's orders are kept in that session only. With nothing
uploaded the app shows the demo seller hit by the AWS outage of 2025-10-20.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pandas as pd
import streamlit as st

from app_memory import start_session_reaper
from impact import charts, scenario_charts
from impact.analysis import analyze
from impact.commands.scenarios import measured_from_analysis
from impact.csvsafe import to_csv_bytes
from impact.errors import ImpactError, NotEnoughHistoryError, ShareError, WindowError
from impact.ingest import ingest_files, summary
from impact.ingest.uploads import ingest_uploads
from impact.outages import load_catalog, load_feed, parse_windows_csv, window_json
from impact.outages.detect import detect
from impact.overview import coverage, daily_revenue, product_names
from impact.report import build_report, recapture_text, share_of_day_text, summary_lines
from impact.revenue import load_history
from impact.scenarios import DEFAULT_DEPENDENCIES, ScenarioModel, current_mix, hour_of_week_profile, move_demand
from impact.settings import load_settings
from impact.share import build_snapshot, create_share, load_share
from impact.shipments import shipment_report
from impact.store import CHANNELS, session_db
from impact.url_builder import share_param
from impact.windows import Window

ROOT = Path(__file__).resolve().parent
DEMO_DIR = ROOT / "data" / "demo"
DEMO_FILES = ("amazon_all_orders.txt", "shopify_orders_export.csv")
DEMO_NAME = "Demo Kitchen Co"
DEFAULT_PRESET = "aws-us-east-1-2025-10-20"
CUSTOM = "custom"
# Used only if the catalog file is missing, so the demo still opens on the right window.
FALLBACK_WINDOW = (datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20))
COMMON_ZONES = [
    "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
    "America/Sao_Paulo", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Amsterdam",
    "Asia/Tokyo", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney",
]  # fmt: skip
UPLOAD_TYPES = ["csv", "txt", "tsv", "tab"]
CONFIDENCES = (0.8, 0.9, 0.95, 0.99)
CACHE_ENTRIES = 12  # per-session results kept per kind (window/setting combinations the seller flips between)
SCENARIO_YEARS = 10_000
WINDOWS_LISTED = 15  # a windows file longer than this is picked from a select box instead of a list of buttons
WINDOWS_TYPES = ["csv", "txt", "tsv"]
WINDOWS_TEMPLATE = (
    "start,end,channels,title,impact,degraded_pct\n"
    "2025-10-20T06:48Z,2025-10-20T21:20Z,amazon,AWS us-east-1 outage,full,\n"
    '2025-12-01T14:08Z,2025-12-01T19:20Z,"shopify;etsy",Payment page errors,degraded,40\n'
    "2025-11-18T12:20+01:00,2025-11-18T18:06+01:00,all,CDN outage,,\n"
)

SETTINGS = load_settings()
log = logging.getLogger("impact.app")

st.set_page_config(page_title="Outage Impact", page_icon="📉", layout="wide", initial_sidebar_state="expanded")
# Frees a seller's database and uploads once their session has ended (Streamlit alone keeps them; see app_memory).
start_session_reaper()


# ---------------------------------------------------------------------------------------------------------------
# Helpers


@st.cache_data(show_spinner=False)
def zone_options() -> list[str]:
    """Common zones first, then every IANA zone (the select box is searchable)."""
    rest = sorted(z for z in available_timezones() if "/" in z and z not in COMMON_ZONES and not z.startswith("Etc/"))
    return COMMON_ZONES + rest


@st.cache_data(show_spinner=False, ttl=600)
def catalog() -> dict[str, dict]:
    """Built-in outage catalog (public facts, the same for every session), newest first, keyed by id."""
    try:
        entries = [window_json(w) for w in load_catalog()]
    except ImpactError:
        return {}
    entries.sort(key=lambda w: w["start"], reverse=True)
    return {w["id"]: w for w in entries}


def default_zone() -> str:
    """The browser's zone when it is one we list, else the configured default (else UTC)."""
    try:
        browser = st.context.timezone
    except Exception:  # noqa: BLE001 - no browser context (e.g. a bare script run): fall back quietly
        browser = None
    options = zone_options()
    for zone in (browser, SETTINGS.default_tz):
        if zone and zone in options:
            return zone
    return "UTC"


def md_escape(text: object) -> str:
    """User-supplied text (file names, column names) shown inside markdown without becoming markup or links."""
    # Brackets, emphasis, code, HTML and streamlit's :directive[...] syntax; dots and dashes are harmless mid-line.
    return re.sub(r"([\\`*_\[\]<>|~$:#])", r"\\\1", str(text))


def parse_iso(text: str | None) -> datetime | None:
    """'2025-10-20T06:48:00Z' -> naive UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "")) if text else None


def to_utc(local: datetime, tz: str) -> datetime:
    """Naive wall-clock time in tz -> naive UTC."""
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def from_utc(value: datetime, tz: str) -> datetime:
    """Naive UTC -> naive wall clock in tz."""
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def fmt_local(value: datetime | str | None, tz: str, with_zone: bool = True) -> str:
    if isinstance(value, str):
        value = parse_iso(value)
    if value is None:
        return "not known"
    text = f"{from_utc(value, tz):%a %d %b %Y %H:%M}"
    return f"{text} ({tz})" if with_zone else text


def fmt_span(start: datetime, end: datetime, tz: str) -> str:
    """'Mon 20 Oct 2025 15:00 – 22:00' in tz (the end's date only when it differs), without the zone name."""
    s, e = from_utc(start, tz), from_utc(end, tz)
    tail = f"{e:%H:%M}" if s.date() == e.date() else f"{e:%a %d %b %H:%M}"
    return f"{s:%a %d %b %Y %H:%M} – {tail}"


def channel_names(channels) -> str:
    return ", ".join(c.capitalize() for c in channels) if channels else "all channels"


def count(value: float | None, digits: int = 0) -> str:
    return "unknown" if value is None else f"{value:,.{digits}f}"


def session_cached(kind: str, key: tuple, compute):
    """Per-session memo of results computed from this session's orders (never shared across sessions)."""
    store: dict = st.session_state.setdefault("_results", {})
    full = (kind, st.session_state.get("dataset_key"), key)
    if full not in store:
        store[full] = compute()
        same_kind = [k for k in store if k[0] == kind]
        for old in same_kind[:-CACHE_ENTRIES]:
            del store[old]
    return store[full]


# ---------------------------------------------------------------------------------------------------------------
# Session data: the demo or the seller's uploads, each in this session's own DuckDB


def _fresh_db():
    # The previous database is not closed here: a superseded script run may still be reading it. It is freed with
    # its last reference, when that run ends (and app_memory clears the state of sessions that have ended).
    con = session_db()
    st.session_state["con"] = con
    st.session_state["_results"] = {}
    return con


def load_demo() -> None:
    """The demo seller's exports, imported into this session's database once per session.

    Every demo timestamp carries its offset, so the seller's time zone does not change what is imported."""
    key = ("demo",)
    if st.session_state.get("dataset_key") == key:
        return
    con = _fresh_db()
    ingest_files(con, [DEMO_DIR / n for n in DEMO_FILES], tz="UTC")
    st.session_state.update(dataset_key=key, is_demo=True, file_errors=[], unmapped=[])


def load_uploads(files, tz: str, mappings: dict) -> None:
    """Import the uploaded files, each on its own so one unreadable file does not block the others."""
    key = ("upload", tz, tuple((f.file_id, f.name, f.size) for f in files), tuple(sorted(mappings.items(), key=str)))
    if st.session_state.get("dataset_key") == key:
        return
    con = _fresh_db()
    result = ingest_uploads(con, [(f.name, f.getbuffer()) for f in files], tz=tz, mappings=mappings)
    st.session_state.update(dataset_key=key, is_demo=False, file_errors=result.errors, unmapped=result.unmapped)


# ---------------------------------------------------------------------------------------------------------------
# Sidebar: data, time zone, outage window


def _set_window(start: datetime, end: datetime, channels: list[str] | None, title: str = "") -> None:
    """Make (start, end) UTC the window, show it in the current zone, and propose its channels."""
    st.session_state["window_utc"] = (start, end)
    st.session_state["window_title"] = title
    _window_to_widgets(st.session_state["tz"])
    st.session_state["proposed_channels"] = channels
    st.session_state["proposal_id"] = st.session_state.get("proposal_id", 0) + 1


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
    ss["preset"] = CUSTOM
    ss["window_title"] = ""


def _on_preset() -> None:
    entry = catalog().get(st.session_state["preset"])
    if entry:
        _set_window(parse_iso(entry["start"]), parse_iso(entry["end"]), entry["channels"], entry.get("title") or "")


def _fetch_feed() -> None:
    url = (st.session_state.get("feed_url") or "").strip()
    st.session_state["feed_windows"], st.session_state["feed_error"] = [], None
    if not url:
        st.session_state["feed_error"] = "Enter the address of a status page or feed first."
        return
    try:
        result = load_feed(url)
    except ImpactError as exc:
        st.session_state["feed_error"] = str(exc)
        return
    windows = [window_json(w) for w in result.windows if w.end is not None][:50]
    if not windows:
        st.session_state["feed_error"] = "That feed lists no finished incidents."
    st.session_state["feed_windows"] = windows


def _use_window(start: datetime, end: datetime, channels, title: str) -> None:
    """A window picked from a feed, a windows file or a detection: a custom window with its own channels."""
    st.session_state["preset"] = CUSTOM
    _set_window(start, end, list(channels) or None, title)


def _use_feed_window() -> None:
    windows = st.session_state.get("feed_windows") or []
    pick = st.session_state.get("feed_pick")
    if pick is not None and 0 <= pick < len(windows):
        w = windows[pick]
        _use_window(parse_iso(w["start"]), parse_iso(w["end"]), w.get("channels") or (), w.get("title") or "")


def use_window_button(window: Window, key: str, title: str | None = None) -> None:
    """'Use this window', or a disabled 'In use' when it is already the window being analysed."""
    in_use = st.session_state.get("window_utc") == (window.start, window.end)
    st.button(
        "In use" if in_use else "Use this window",
        key=key,
        disabled=in_use,
        icon=":material/check:" if in_use else None,
        on_click=_use_window,
        args=(window.start, window.end, window.channels, title or window.title),
    )


def windows_file_panel(tz: str) -> None:
    """Outage windows from the seller's own CSV: every bad line named, every good window one click away."""
    with st.sidebar.expander("From a file"):
        upload = st.file_uploader(
            "Outage windows (CSV)",
            type=WINDOWS_TYPES,
            key="windows_file",
            help="Columns start,end,channels,title and optionally impact (full or degraded) and degraded_pct. "
            "Times need Z (UTC) or an offset such as +02:00; channels are amazon, shopify, ebay, etsy, woocommerce, "
            "walmart, other or all, separated by ; inside one cell.",
        )
        st.download_button(
            "Example file",
            data=WINDOWS_TEMPLATE,
            file_name="outage_windows.csv",
            mime="text/csv",
            icon=":material/download:",
            key="windows_template",
        )
        if upload is None:
            return
        cached = st.session_state.get("windows_parsed")
        if not cached or cached[0] != upload.file_id:
            try:
                parsed = parse_windows_csv(upload.getvalue(), source_name="file")
            except ImpactError as exc:
                parsed = str(exc)
            st.session_state["windows_parsed"] = cached = (upload.file_id, parsed)
        parsed = cached[1]
        if isinstance(parsed, str):
            st.error(md_escape(parsed), icon=":material/error:")
            return
        if parsed.errors:
            shown = parsed.errors[:WINDOWS_LISTED]
            more = len(parsed.errors) - len(shown)
            lines = "\n".join(f"- line {e.line}: {md_escape(e.reason)}" for e in shown)
            st.warning(
                f"{len(parsed.errors)} {'line was' if len(parsed.errors) == 1 else 'lines were'} left out:\n\n{lines}"
                + (f"\n\nand {more} more." if more > 0 else ""),
                icon=":material/warning:",
            )
        windows = parsed.windows
        if not windows:
            return
        st.caption(f"{len(windows)} {'window' if len(windows) == 1 else 'windows'}, times in {tz}:")
        if len(windows) > WINDOWS_LISTED:
            pick = st.selectbox(
                "Window",
                range(len(windows)),
                key="windows_pick",
                format_func=lambda i: f"{fmt_span(windows[i].start, windows[i].end, tz)} {windows[i].title}",
            )
            use_window_button(windows[pick], "windows_use")
            return
        for i, w in enumerate(windows):
            with st.container(border=True):
                st.markdown(f"**{md_escape(w.title)}**")
                st.caption(f"{fmt_span(w.start, w.end, tz)} · {channel_names(w.channels)}")
                use_window_button(w, f"windows_use_{i}")


def _detected_title(d) -> str:
    base = d.matches[0].title if d.matches else f"{d.channel.capitalize()} orders drop"
    return f"{base}, as seen in your orders"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def detect_panel(box, con, report, tz: str, currency: str | None) -> None:
    """Outage windows found in this session's own orders (impact.outages.detect), each one click away."""
    with box.expander("Detected in your data"):
        st.caption(
            "Looks through all your orders for hours when a channel sold far fewer orders than usual, confirms each "
            "drop with the loss estimate and names the known outage it matches."
        )
        key = (tz, currency)
        full = ("detect", st.session_state.get("dataset_key"), key)
        if st.button("Find outages in my orders", key="detect_run", icon=":material/search:"):
            with st.spinner("Looking for drops in your orders…"):
                try:
                    session_cached("detect", key, lambda: detect(con, tz=tz, currency=currency))
                    st.session_state.pop("detect_error", None)
                except ImpactError as exc:
                    st.session_state["detect_error"] = (full, str(exc))
                except Exception:  # noqa: BLE001 - a seller sees a sentence, never a traceback
                    log.exception("detection failed")
                    st.session_state["detect_error"] = (
                        full,
                        "The search could not be finished. Pick the outage from Known "
                        "outage above or type its times instead.",
                    )
        error = st.session_state.get("detect_error")
        if error and error[0] == full:
            st.error(md_escape(_sentence(error[1])), icon=":material/error:")
            return
        result = st.session_state.get("_results", {}).get(full)
        if result is None:
            return
        if not result.detections:
            days = max((report.last - report.first).total_seconds() / 86400, 1) if report.first and report.last else 1
            per_day = report.orders / days
            checked = (
                f" {result.candidates} smaller {'drop was' if result.candidates == 1 else 'drops were'} checked "
                "with the full estimate and not confirmed."
                if result.candidates
                else ""
            )
            st.info(
                f"No outage stands out in your orders.{checked} With about {per_day:,.0f} orders a day, a few hours "
                "of lost orders can hide in the normal ups and downs. If you know which outage hit you, pick it "
                "under Known outage above or type its times.",
                icon=":material/search_off:",
            )
        for i, d in enumerate(result.detections):
            with st.container(border=True):
                st.markdown(f":small[{md_escape(_sentence(d.message))}]")
                p = f", {d.p_effect:.0%} sure it is more than day-to-day variation" if d.p_effect is not None else ""
                st.caption(
                    f"{fmt_span(d.window.start, d.window.end, tz)} ({tz}) · {channel_names(d.window.channels)}  \n"
                    f"Strength {d.window.score or 0:.0%}: {d.drop_pct:.0f}% of the expected orders missing "
                    f"({d.orders_actual:.0f} of {d.orders_expected:.0f}){p}"
                )
                use_window_button(d.window, f"detect_use_{i}", _detected_title(d))
        for note in result.notes:
            st.caption(f"Note: {md_escape(_sentence(note))}")


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
        st.session_state["tz"] = default_zone()
    tz = sb.selectbox(
        "Your time zone",
        zone_options(),
        key="tz",
        on_change=_on_tz_change,
        help="Used to show times, to read the window below, and for exports whose times carry no offset "
        "(eBay, Etsy, WooCommerce).",
    )

    sb.header("Outage")
    known = catalog()
    if "window_utc" not in st.session_state:
        entry = known.get(DEFAULT_PRESET)
        st.session_state["preset"] = DEFAULT_PRESET if entry else CUSTOM
        start, end = (parse_iso(entry["start"]), parse_iso(entry["end"])) if entry else FALLBACK_WINDOW
        st.session_state["window_utc"] = (start, end)
        st.session_state["proposed_channels"] = entry["channels"] if entry else None
        st.session_state["window_title"] = (entry or {}).get("title") or ""
        _window_to_widgets(tz)
    sb.selectbox(
        "Known outage",
        [CUSTOM, *known],
        key="preset",
        on_change=_on_preset,
        format_func=lambda k: "Custom window" if k == CUSTOM else f"{known[k]['title']}, {known[k]['start'][:10]}",
        help="Outages that hit online sellers, with their times from the providers' own reports.",
    )
    entry = known.get(st.session_state["preset"])
    if entry:
        note = f" · {entry['precision']}" if entry.get("precision") else ""
        sb.caption(f"{entry['affected']}{note} · [source]({entry['url']})")
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
    with sb.expander("From a status page"):
        st.text_input(
            "Status page or feed address",
            key="feed_url",
            placeholder="https://www.githubstatus.com",
            help="An Atlassian Statuspage site, an RSS/Atom status feed, AWS Health RSS or Google Cloud's "
            "incidents.json. Status pages often lag real impact by 30-90 minutes: adjust the times if needed.",
        )
        st.button("Fetch incidents", on_click=_fetch_feed, key="feed_fetch")
        if st.session_state.get("feed_error"):
            st.error(md_escape(st.session_state["feed_error"]), icon=":material/error:")
        feed_windows = st.session_state.get("feed_windows") or []
        if feed_windows:
            st.selectbox(
                "Incident",
                range(len(feed_windows)),
                key="feed_pick",
                format_func=lambda i: f"{feed_windows[i]['start'][:16].replace('T', ' ')} {feed_windows[i]['title']}",
            )
            st.button("Use this incident", on_click=_use_feed_window, key="feed_use")
    windows_file_panel(tz)
    # Detection needs the session's orders, which are loaded after the sidebar: its place is kept here.
    detect_box = sb.container()
    return {"files": files or [], "tz": tz, "start": start, "end": end, "detect_box": detect_box}


def sidebar_settings(channels: list[str], is_demo: bool, currencies: list[str]) -> dict:
    sb = st.sidebar
    proposed = st.session_state.get("proposed_channels")
    token = (tuple(channels), is_demo, st.session_state.get("proposal_id", 0))
    # New data or a new outage: propose the channels the outage hit (all of yours when none of them is listed).
    if st.session_state.get("channels_for") != token:
        st.session_state["channels_for"] = token
        hit = [c for c in channels if proposed and c in proposed]
        st.session_state["affected"] = hit or list(channels)
        st.session_state["channels_note"] = (
            bool(proposed) and not hit and bool(channels) and "none of your channels is listed as hit by this outage"
        )
    affected = sb.multiselect(
        "Affected channels",
        channels,
        key="affected",
        help="Channels the outage hit. The others are compared against their own history to show spill-over "
        "(buyers who went elsewhere). Empty means all.",
        format_func=str.capitalize,
    )
    if st.session_state.get("channels_note"):
        sb.caption(f"Note: {st.session_state['channels_note']}; all are selected. Adjust if you know better.")
    currency = currencies[0] if currencies else None
    if len(currencies) > 1:
        # Amounts in different currencies are never added up: the seller picks the one to analyse.
        currency = sb.selectbox("Currency to analyse", currencies, key="currency")
    with sb.expander("Estimate settings"):
        confidence = st.select_slider(
            "Confidence of the range",
            options=CONFIDENCES,
            value=SETTINGS.confidence if SETTINGS.confidence in CONFIDENCES else 0.9,
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
        business_days = st.checkbox(
            "Ship-by clock runs Monday to Friday only",
            key="business_days",
            help="For sellers whose handling time counts business days (weekends in UTC; holidays not skipped).",
        )
    return {
        "channels": affected,
        "confidence": confidence,
        "recovery_hours": int(recovery),
        "ship_sla_hours": float(sla),
        "business_days": bool(business_days),
        "currency": currency,
        "providers": tuple((catalog().get(st.session_state.get("preset")) or {}).get("providers") or ()),
    }


# ---------------------------------------------------------------------------------------------------------------
# Page header and tabs


def header(is_demo: bool, window: Window, tz: str) -> None:
    st.title("Outage Impact")
    if is_demo:
        st.badge("DEMO", icon=":material/science:", color="orange")
        st.info(
            f"**DEMO data: {DEMO_NAME}**, a sample seller on Amazon.com and Shopify, hit by the AWS us-east-1 "
            "outage of 20 Oct 2025 (06:48 to 21:20 UTC, source: AWS post-event summary). Upload your own order "
            "exports in the sidebar to see what an outage cost your shop.",
            icon=":material/info:",
        )
    else:
        st.caption("Your uploaded orders. Nothing is shared with other visitors; close the tab to discard them.")
    st.markdown(
        f"**Outage window:** {fmt_local(window.start, tz)} to {fmt_local(window.end, tz, with_zone=False)} · "
        f"{window.hours:.1f} hours"
    )


def shipments_result(con, window: Window, params: dict):
    # Shipping is measured on every channel with ship times: an outage can stall the warehouse's tools (labels,
    # carrier APIs) even on channels whose sales it did not hit.
    ship_window = Window(start=window.start, end=window.end, title=window.title)
    key = (window.start, window.end, params["ship_sla_hours"], params["business_days"], params["confidence"])
    return session_cached(
        "shipments",
        key,
        lambda: shipment_report(
            con,
            ship_window,
            sla_hours=params["ship_sla_hours"],
            business_days=params["business_days"],
            confidence=params["confidence"],
        ),
    )


def history(con, tz: str, currency: str | None, at: datetime):
    """The hourly aggregation of this session's orders, reused while only the window moves.

    load_history fixes the zone's UTC offset at `at`, so the offset is part of the key: a window on the other side
    of a DST change gets its own aggregation, exactly as `python -m impact analyze` would build it."""
    offset = ZoneInfo(tz).utcoffset(at)
    return session_cached("history", (tz, currency, offset), lambda: load_history(con, currency=currency, tz=tz, at=at))


def analysis_result(con, window: Window, params: dict, tz: str) -> tuple[dict | None, str | None]:
    """(the window's analysis JSON, with currency and confidence added, None) or (None, why it cannot be estimated)."""
    key = (window.start, window.end, window.channels, window.title, params["confidence"], params["recovery_hours"],
           params["currency"], tz)  # fmt: skip

    def compute():
        try:
            with st.spinner("Estimating what the outage cost…"):
                result = analyze(
                    con,
                    [window],
                    recovery_hours=params["recovery_hours"],
                    confidence=params["confidence"],
                    currency=params["currency"],
                    tz=tz,
                    hist=history(con, tz, params["currency"], window.start),
                    shipments=False,  # the Shipments tab measures every channel with ship times itself
                ).to_json()
        except WindowError as exc:
            return None, str(exc)
        w = result["windows"][0]
        extra = {k: result[k] for k in ("currency", "confidence", "recovery_hours")}
        return {**w, **extra, "warnings": [*result.get("warnings", []), *w.get("warnings", [])]}, None

    return session_cached("analysis", key, compute)


def overview_tab(con, report, window: Window, params: dict, tz: str) -> None:
    res, why = analysis_result(con, window, params, tz)
    cov = coverage(con, window.start, window.end)
    ship, _ = shipments_result(con, window, params)
    if res is None:
        st.warning(
            f"The revenue loss cannot be estimated for this window: {md_escape(why)}.", icon=":material/warning:"
        )
        loaded_overview(report, cov, ship, params)
    else:
        loss_overview(res, ship, tz)
        names = product_names(con, [r["sku"] for r in res.get("top_skus") or []])
        report_button(res, report, shipments_result(con, window, params), names, tz)
        for warning in cov["warnings"]:  # when the estimate failed, its own reason already says this
            st.warning(warning, icon=":material/warning:")
    daily_chart(con, window, tz, key="overview_daily")


def kpi_cards(cards: list[tuple[str, str, str, str | None]]) -> None:
    """A row of (label, value, detail, help) cards. The detail is a caption that wraps, where a metric's delta
    would be cut off in a narrow card."""
    for col, (label, value, detail, help_text) in zip(st.columns(len(cards)), cards, strict=True):
        with col.container(border=True, height="stretch"):
            st.metric(label, value, help=help_text)
            st.caption(detail.replace("$", "\\$"))


def loss_overview(res: dict, ship: dict, tz: str, shared: bool = False) -> None:
    """KPI cards and the plain-language summary of one window's analysis JSON (also used for shared links).

    The sentences come from impact.report, so the app, the HTML report and a shared link word things alike."""
    rev, orders, cur = res["revenue"], res["orders"], res["currency"]
    conf = f"{res['confidence']:.0%}"
    recovery = res.get("recovery_hours", 24)

    def m(value):
        return charts.money(value, cur, decimals=0)

    share = share_of_day_text(res, tz)
    late = ship.get("available") and ship.get("excess_late") is not None
    short, sentence = recapture_text(res)
    cards = [
        ("Revenue lost", m(rev["lost"]), f"{conf} range {m(rev['lost_low'])} to {m(rev['lost_high'])}",
         f"Expected {m(rev['expected'])} from your history, actual {m(rev['actual'])}."),
        ("Orders lost", f"{orders['lost']:,.0f}", f"of {orders['expected']:,.0f} expected", None),
    ]  # fmt: skip
    if share:
        cards.append(("Day's sales lost", share[0], share[1],
                      "Revenue lost as a share of the revenue your history expects for the whole day(s) the outage "
                      "touched, on the affected channels."))  # fmt: skip
    cards.append(("Net loss", m(rev["net_lost"]), short,
                  f"Revenue lost minus the change in sales in the {recovery:g} h after the outage. "
                  + sentence.replace("**", "")))  # fmt: skip
    if late:
        cards.append(("Late shipments", count(ship["excess_late"]),
                      f"{conf} range {count(ship['excess_late_low'])} to {count(ship['excess_late_high'])}",
                      "Orders that shipped late because of the outage, beyond your usual late rate."))  # fmt: skip
    kpi_cards(cards)
    lines = summary_lines(res, ship, tz)
    if late and not shared:
        lines[-1] += " The Shipments tab lists them for an appeal."
    # A literal $ would open LaTeX in streamlit markdown.
    st.markdown("\n\n".join(line.replace("$", "\\$") for line in lines))
    for warning in res.get("warnings", []):
        st.warning(f"{md_escape(warning[:1].upper() + warning[1:])}.", icon=":material/warning:")
    st.caption(
        "How this is estimated: the expected sales come from your own orders (the same weekday in recent weeks, "
        f"the rest of the outage day and your other channels). The {conf} range is how far the same method missed "
        f"on {res.get('placebos', 0)} ordinary days in your history. Revenue is merchandise value without tax or "
        "shipping."
    )


def report_button(res: dict, report, ship_result, names: dict[str, str], tz: str) -> None:
    """The HTML report of this window, built only when the seller clicks (it embeds plotly.js, ~5 MB)."""
    ingest = report.to_json()
    for f, obj in zip(ingest["files"], report.files, strict=True):
        f.update(format_label=obj.format_label, encoding=obj.encoding)

    def make() -> bytes:
        # Runs on a download thread: it uses only the results computed above, never the session's database.
        return build_report(res, ingest=ingest, shipments=ship_result, tz=tz, product_names=names).encode("utf-8")

    st.download_button(
        "Download report (HTML)",
        data=make,
        file_name=f"outage_report_{res['start'][:10].replace('-', '')}.html",
        mime="text/html",
        on_click="ignore",
        type="primary",
        icon=":material/description:",
        key="report_html",
        help="One file with the figures, charts, late orders, method and caveats, to send to an insurer or a "
        "marketplace. It opens offline in any browser.",
    )


def loaded_overview(report, cov: dict, ship: dict, params: dict) -> None:
    currency = report.currency[0] if len(report.currency) == 1 else None
    total_revenue = sum(v.get("revenue") or 0.0 for v in report.channels.values())
    cols = st.columns(4)
    cols[0].metric("Orders loaded", f"{report.orders:,}", border=True)
    cols[1].metric(
        "Revenue loaded",
        charts.money(total_revenue, currency, decimals=0) if currency else "several currencies",
        border=True,
        help="Merchandise value of non-cancelled lines, without tax or shipping.",
    )
    cols[2].metric("Orders during the outage", f"{cov['orders_in_window']:,}", border=True)
    cols[3].metric("History before the outage", f"{max(cov['history_days'], 0):.0f} days", border=True)
    if ship.get("available"):
        st.markdown(
            f"Shipping: the outage caused about **{count(ship['excess_late'])}** late shipments "
            f"({params['confidence']:.0%} range {count(ship['excess_late_low'])} to "
            f"{count(ship['excess_late_high'])}); see the Shipments tab."
        )


def daily_chart(con, window: Window, tz: str, key: str) -> None:
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


def hourly_charts(res: dict, tz: str, key: str) -> None:
    """The hourly actual-vs-expected and cumulative-loss charts of one window's analysis JSON."""
    channels = res["channels"]
    chosen = None
    if len(channels) > 1:
        pick = st.selectbox(
            "Channel", ["all", *channels], key=f"{key}_channel",
            format_func=lambda c: "All affected channels" if c == "all" else c.capitalize(),
        )  # fmt: skip
        chosen = None if pick == "all" else [pick]
    config = {"displaylogo": False}
    st.plotly_chart(charts.timeline(res, tz=tz, channels=chosen), theme=None, key=f"{key}_hourly", config=config)
    st.plotly_chart(charts.cumulative_loss(res, tz=tz, channels=chosen), theme=None, key=f"{key}_cum", config=config)
    st.caption(
        "Hours before the outage show how well the expectation tracks a normal day; the hours after it show "
        "whether buyers came back (the running loss then falls)."
    )


def product_charts(res: dict, names: dict[str, str], key: str) -> None:
    """Channel breakdown and top-SKU loss of one window's analysis JSON."""
    config = {"displaylogo": False}
    st.plotly_chart(charts.channel_breakdown(res), theme=None, key=f"{key}_channels", config=config)
    top = res.get("top_skus") or []
    st.plotly_chart(charts.top_skus(res), theme=None, key=f"{key}_skus", config=config)
    if top:
        st.dataframe(
            [{"SKU": r["sku"], "Product": names.get(r["sku"], ""), "Revenue lost": charts.money(r["lost"], res["currency"])}
             for r in top],
            hide_index=True,
            width="stretch",
        )  # fmt: skip
        st.caption(
            "A product's share of the loss follows its share of the channel's sales in the four weeks before the "
            "outage, minus what it actually sold during it."
        )


def timeline_tab(con, window: Window, params: dict, tz: str) -> None:
    res, why = analysis_result(con, window, params, tz)
    if res is None:
        st.warning(f"No hourly estimate for this window: {md_escape(why)}.", icon=":material/warning:")
    else:
        hourly_charts(res, tz, key="timeline")
    daily_chart(con, window, tz, key="timeline_daily")


def products_tab(con, window: Window, params: dict, tz: str) -> None:
    res, why = analysis_result(con, window, params, tz)
    if res is None:
        st.warning(f"No product estimate for this window: {md_escape(why)}.", icon=":material/warning:")
        return
    product_charts(res, product_names(con, [r["sku"] for r in res.get("top_skus") or []]), key="products")


def shipments_tab(con, window: Window, params: dict, tz: str) -> None:
    ship, rows = shipments_result(con, window, params)
    if not ship.get("available"):
        st.info(
            "Late shipments cannot be measured from these files: none of the seller-fulfilled orders has a ship "
            "time. Upload an export with ship dates (Shopify orders export, eBay report, Amazon Fulfilled "
            "Shipments) to see them.",
            icon=":material/local_shipping:",
        )
        for note in ship.get("notes", []):
            st.caption(f"• {note}")
        return
    conf = f"{ship['confidence']:.0%}"
    cols = st.columns(4)
    cols[0].metric("Orders due to ship", f"{ship['due']:,}", border=True, help="During the outage or its backlog.")
    cols[1].metric("Shipped late", f"{ship['late']:,}", border=True)
    cols[2].metric("Late anyway (usual rate)", count(ship["late_expected"], 1), border=True)
    cols[3].metric(
        "Late because of the outage",
        count(ship["excess_late"]),
        border=True,
        help=f"{conf} range: {count(ship['excess_late_low'])} to {count(ship['excess_late_high'])}",
    )
    backlog = (
        f"The backlog of unshipped orders was back to normal by **{fmt_local(ship['backlog_cleared'], tz)}**"
        if ship.get("backlog_cleared")
        else "The backlog had not cleared by the end of the data"
    )
    st.markdown(
        f"{ship['late']:,} of {ship['due']:,} orders due to ship went out late. At the seller's usual late rate "
        f"about {count(ship['late_expected'], 1)} would have been late anyway, so the outage caused about "
        f"**{count(ship['excess_late'])}** late shipments ({conf} range {count(ship['excess_late_low'])} to "
        f"{count(ship['excess_late_high'])}). {backlog}; orders waited "
        f"{count(ship.get('extra_handling_hours'))} extra order-hours in total (peak backlog "
        f"{count(ship.get('peak_backlog_orders'))} orders)."
    )
    by_channel = [
        {
            "Channel": ch.capitalize(),
            "Due": v["due"],
            "Late": v["late"],
            "Late anyway": v["late_expected"],
            "Caused by outage": v["excess_late"],
            "Usual late rate": None if v.get("baseline_late_rate") is None else f"{v['baseline_late_rate']:.1%}",
        }
        for ch, v in ship.get("by_channel", {}).items()
    ]
    if by_channel:
        st.dataframe(by_channel, hide_index=True, width="content")
    for note in ship.get("notes", []):
        st.caption(f"• {note}")
    with st.expander("How late shipments are counted"):
        st.write(ship.get("definition", ""))

    st.subheader("Orders to list in an appeal")
    if rows.empty:
        st.write("No order of that set shipped late.")
        return
    st.caption(
        "Marketplaces have forgiven late shipments caused by platform outages when sellers listed the affected "
        f"orders. Times below are in {tz}; the download keeps them in UTC."
    )
    shown = rows.copy()
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
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(
        f"Download the {len(rows):,} late orders (CSV)",
        data=to_csv_bytes(rows),
        file_name=f"late_orders_{window.start:%Y%m%d}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="late_orders_csv",
    )


def scenarios_tab(con, report, window: Window, params: dict, tz: str) -> None:
    currency = params["currency"]
    transfer = st.session_state.get("scenario_transfer", 100) / 100
    res, _ = analysis_result(con, window, params, tz)

    def build():
        current = current_mix(con, currency)
        profile = hour_of_week_profile(con, exclude=[(window.start, window.end)], currency=current["currency"])
        keep = {k: current[k] for k in ("shares", "hhi", "marketplaces", "by_period")}
        measured = window_expected = affected = None
        if res is not None:
            # The same wiring as `python -m impact scenarios --window`: measured impact per channel, and the
            # profile's expectation for channels the analysis did not report.
            measured, window_expected = measured_from_analysis({"windows": [res]})
            for c, v in profile.window_expected(window.start, window.end).items():
                window_expected.setdefault(c, v)
            providers = set(params["providers"])
            affected = set(window.channels or profile.channels)
            affected |= {c for c, ps in DEFAULT_DEPENDENCIES.items() if providers & set(ps)}
        return ScenarioModel(
            profile, measured=measured, affected=affected, window_expected=window_expected, current=keep,
            transfer=transfer, years=SCENARIO_YEARS, seed=1,
        )  # fmt: skip

    key = (window.start, window.end, window.channels, currency, transfer, params["providers"], res is not None,
           params["confidence"], params["recovery_hours"])  # fmt: skip
    model = session_cached("scenarios", key, build)
    shares = model.current_shares
    if not shares:
        st.info("There is no revenue to build scenarios from.")
        return
    base = model.baseline()
    cur = charts.money
    cols = st.columns(3)
    cols[0].metric(
        "Channel concentration (HHI)",
        f"{base['hhi']:,.0f}",
        border=True,
        help="Herfindahl-Hirschman index of revenue shares: 10,000 = one channel, 5,000 = two equal channels.",
    )
    cols[1].metric("Expected outage loss per year", cur(base["annual_expected_loss"], currency, 0), border=True)
    cols[2].metric("1 year in 20 loses more than", cur(base["annual_p95_loss"], currency, 0), border=True)
    if res is not None:
        impacts = model.impacts
        hit = [c for c in shares if c in (model.affected or ())]
        described = "; ".join(
            f"{c.capitalize()} loses {impacts[c]['lost_frac']:.0%} of its sales, "
            f"{impacts[c]['recapture_frac']:.0%} of that comes back"
            for c in hit
        )
        st.caption(
            "Yearly risk from simulated provider outages (AWS, Cloudflare, Shopify...) at published or estimated "
            f"rates, with each outage hitting a channel as hard as this one did ({described or 'as measured'})."
        )
    else:
        st.caption(
            "Yearly risk from simulated provider outages (AWS, Cloudflare, Shopify...) at published or estimated "
            "rates. Without a measured loss for this window, each outage is assumed to stop all sales on the "
            "channels that depend on the provider, with none recaptured."
        )

    st.subheader("What if you moved some demand?")
    ordered = sorted(shares, key=lambda c: -shares[c])
    c1, c2, c3 = st.columns([1, 1, 2])
    source = c1.selectbox("Move demand from", ordered, key="scenario_source", format_func=str.capitalize)
    pct = c2.slider("Share of it", 0, 100, 30, step=5, format="%d%%", key="scenario_pct")
    options = [c for c in CHANNELS if c != source]
    default_targets = [c for c in ordered if c != source][:1] or ["shopify" if source != "shopify" else "woocommerce"]
    targets = c3.multiselect(
        "To", options, default=default_targets, key=f"scenario_to::{source}", format_func=str.capitalize
    )
    st.slider(
        "Buyers who follow the move",
        0,
        100,
        100,
        step=5,
        format="%d%%",
        key="scenario_transfer",
        help="Share of the moved demand that really arrives at the new channels; the rest is lost.",
    )
    if not targets:
        st.info("Choose at least one channel to move demand to.")
        return
    mix = move_demand(shares, source, pct / 100, targets)
    result = model.to_json([mix])
    scenario = result["scenarios"][0]
    if scenario.get("window_lost") is not None and base.get("window_lost") is not None:
        st.markdown(
            f"With that mix, this outage would have cost **{cur(scenario['window_lost'], currency, 0)}** instead of "
            f"{cur(base['window_lost'], currency, 0)} (net of recapture {cur(scenario['window_net_lost'], currency, 0)})."
        )
    cols = st.columns(3)
    cols[0].metric(
        "Expected outage loss per year",
        cur(scenario["annual_expected_loss"], currency, 0),
        delta=cur(scenario["annual_expected_loss"] - base["annual_expected_loss"], currency, 0),
        delta_color="inverse",
        border=True,
    )
    cols[1].metric(
        "HHI",
        f"{scenario['hhi']:,.0f}",
        delta=f"{scenario['hhi'] - base['hhi']:,.0f}",
        delta_color="inverse",  # less concentration is the good direction
        border=True,
    )
    cols[2].metric(
        "Net benefit per year",
        cur(scenario["annual_net_benefit"], currency, 0),
        border=True,
        help="Risk cut + margin change - fee change, against today's mix. Fees and margins are assumptions "
        "(see below).",
    )
    fig = scenario_charts.mix_comparison_figure(result)
    fig.update_layout(template="plotly_white", font={"family": charts.FONT})
    st.plotly_chart(fig, theme=None, key="scenario_mix", config={"displaylogo": False})
    sweep = session_cached("scenario_sweep", (*key, source), lambda: model.sweep(source))
    fig = scenario_charts.loss_vs_share_figure(sweep, source, shares.get(source), currency)
    fig.update_layout(template="plotly_white", font={"family": charts.FONT})
    st.plotly_chart(fig, theme=None, key="scenario_sweep", config={"displaylogo": False})
    with st.expander("Assumptions: outage rates, fees and margins"):
        a = result["assumptions"]
        st.dataframe(
            [
                {
                    "Provider": r["label"] or r["provider"],
                    "Outages per year": r["events_per_year"],
                    "Mean hours": r["mean_hours"],
                    "Basis": r["basis"],
                    "Source": r["source"],
                }
                for r in a["rates"]
            ],
            hide_index=True,
            width="stretch",
        )
        st.dataframe(
            [
                {
                    "Channel": c.capitalize(),
                    "Fee rate": f"{v['fee_rate']:.1%}",
                    "Monthly fee": v["monthly_fee"],
                    "Margin": f"{v['margin']:.0%}",
                    "Note": v["note"],
                }
                for c, v in a["costs"]["channels"].items()
            ],  # fmt: skip
            hide_index=True,
            width="stretch",
        )
        st.caption(f"{a['years']:,} simulated years, seed {a['seed']}. {a['net_benefit']}")


def data_tab(report) -> None:
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
            "Revenue": charts.money(v["revenue"], report.currency[0])
            if v.get("revenue") is not None and report.currency
            else ", ".join(charts.money(a, c) for c, a in v.get("revenue_by_currency", {}).items()),
        }
        for ch, v in report.channels.items()
    ]
    st.dataframe(per_channel, hide_index=True, width="content")
    rejects = pd.DataFrame(
        [(f.name, r["line"], r["reason"]) for f in report.files for r in f.rejects], columns=["file", "line", "reason"]
    )
    st.subheader("Rejected lines")
    if rejects.empty:
        st.success("No line was rejected.", icon=":material/check_circle:")
        return
    st.dataframe(
        rejects.head(SETTINGS.max_rejects_listed).rename(columns=str.capitalize), hide_index=True, width="stretch"
    )
    st.download_button(
        "Download rejected lines (CSV)",
        data=to_csv_bytes(rejects),
        file_name="rejected_lines.csv",
        mime="text/csv",
        icon=":material/download:",
        key="rejects_csv",
    )


def mapping_forms(unmapped: list[dict]) -> None:
    """For files whose columns match no known export: let the seller say which column is which."""
    for item in unmapped:
        name = item["name"]
        with st.expander(f"Map the columns of {name}", expanded=True, icon=":material/table_view:"):
            st.write(
                "This file's columns do not match a known export. Tell us which column holds what; the mapping "
                "is remembered for files with the same columns."
            )
            header = [""] + list(item["header"])
            with st.form(key=f"map::{name}"):
                c1, c2, c3 = st.columns(3)
                order_id = c1.selectbox("Order id", header, key=f"m_order::{name}")
                purchased = c2.selectbox("Order date/time", header, key=f"m_date::{name}")
                amount = c3.selectbox("Line amount (total)", header, key=f"m_amount::{name}")
                c4, c5, c6 = st.columns(3)
                price = c4.selectbox("…or unit price", header, key=f"m_price::{name}")
                quantity = c5.selectbox("Quantity", header, key=f"m_qty::{name}")
                sku = c6.selectbox("SKU (optional)", header, key=f"m_sku::{name}")
                c7, c8, c9 = st.columns(3)
                status = c7.selectbox("Status (optional)", header, key=f"m_status::{name}")
                channel = c8.selectbox("Sales channel", ["other", *[c for c in CHANNELS if c != "other"]],
                                       key=f"m_channel::{name}")  # fmt: skip
                order = c9.selectbox(
                    "Date order",
                    ["auto", "month_first", "day_first"],
                    key=f"m_dateorder::{name}",
                    format_func={"auto": "detect", "month_first": "month/day", "day_first": "day/month"}.get,
                )
                if st.form_submit_button("Import with this mapping"):
                    mapping = {
                        "order_id": order_id, "purchased_at": purchased, "revenue": amount, "price": price,
                        "quantity": quantity, "sku": sku, "status": status, "channel_value": channel,
                        "date_order": order,
                    }  # fmt: skip
                    st.session_state.setdefault("mappings", {})[name] = tuple((k, v) for k, v in mapping.items() if v)
                    st.rerun()


# ---------------------------------------------------------------------------------------------------------------
# Share links: a read-only snapshot of the results (no orders behind it)


def share_panel(con, report, window: Window, params: dict, tz: str) -> None:
    with st.sidebar.expander("Share these results"):
        try:
            res, _ = analysis_result(con, window, params, tz)
            if res is None:
                st.caption("A share link needs a loss estimate for the window.")
                return
            days = st.number_input(
                "Link works for (days)", min_value=1, max_value=365, value=int(SETTINGS.share_expires_days),
                key="share_days",
            )  # fmt: skip
            context = (st.session_state.get("dataset_key"), window, tuple(sorted(params.items(), key=str)), tz)
            if st.button("Create a read-only link", key="share_create", icon=":material/link:"):
                ship, _ = shipments_result(con, window, params)
                analysis = {k: res[k] for k in ("currency", "confidence", "recovery_hours")} | {"windows": [res]}
                names = product_names(con, [r["sku"] for r in res.get("top_skus") or []])
                snapshot = build_snapshot(
                    settings={"tz": tz, "confidence": params["confidence"], "recovery_hours": params["recovery_hours"],
                              "channels": list(window.channels)},
                    windows=[window], analysis=analysis, ingest=report, view={"tz": tz}, shipments=ship,
                    charts={"product_names": names},
                )  # fmt: skip
                st.session_state["share_link"] = (context, create_share(snapshot, expires_days=int(days)).to_json())
            made = st.session_state.get("share_link")
            if made and made[0] == context:
                link = made[1]
                st.code(link["url"], language=None, wrap_lines=True)
                st.caption(
                    f"Valid until {link['expires'][:16].replace('T', ' ')} UTC. It shows these results and charts, "
                    "never order ids, file names or buyer data. To revoke it: "
                    f"`python -m impact share --revoke-id {link['id']}`."
                )
        except ImpactError as exc:
            st.error(md_escape(str(exc)), icon=":material/error:")


def shared_view(raw: str) -> None:
    """A share link: the saved results, read-only, with no sidebar and no orders behind them."""
    st.title("Outage Impact")
    try:
        view = load_share(raw)
    except ShareError:
        st.error("This link is not valid: it may have expired or been revoked.", icon=":material/link_off:")
        st.button("Open Outage Impact", on_click=st.query_params.clear)
        return
    st.badge("SHARED · read-only", icon=":material/link:", color="blue")
    snap = view.snapshot
    tz = (snap.get("view") or {}).get("tz") or (snap.get("settings") or {}).get("tz") or "UTC"
    tz = tz if tz in zone_options() else "UTC"
    expires = f", valid until {view.expires:%d %b %Y} UTC" if view.expires else ""
    st.caption(f"Results shared on {view.created:%d %b %Y %H:%M} UTC{expires}. No order files are behind this link.")
    ingest = snap.get("ingest") or {}
    if ingest:
        st.caption(
            f"Based on {ingest.get('orders', 0):,} orders from {fmt_local(ingest.get('first'), tz, False)} to "
            f"{fmt_local(ingest.get('last'), tz, False)} ({tz})."
        )
    analysis = snap.get("analysis") or {}
    names = (snap.get("charts") or {}).get("product_names") or {}
    windows = analysis.get("windows") or []
    if not windows:
        st.info("This link holds no loss estimate.")
    for i, w in enumerate(windows):
        res = {k: analysis.get(k) for k in ("currency", "confidence", "recovery_hours")} | w
        st.subheader(f"{md_escape(w.get('title') or 'Outage')}, {fmt_local(w.get('start'), tz, False)[:15]}")
        tabs = st.tabs(["Overview", "Timeline", "Products"])
        ship = snap.get("shipments") if i == 0 else None
        tab(tabs[0], loss_overview, res, ship or {}, tz, True)
        tab(tabs[1], hourly_charts, res, tz, f"shared{i}")
        tab(tabs[2], product_charts, res, names, f"shared{i}")
    st.button("Analyse your own orders", on_click=st.query_params.clear, key="shared_exit")


# ---------------------------------------------------------------------------------------------------------------


def tab(container, render, *args) -> None:
    """Render one tab; a failure there is shown as a sentence in that tab and the other tabs still work."""
    with container:
        try:
            render(*args)
        except NotEnoughHistoryError as exc:
            # Short files are normal (a day's export to check an outage): say what more data would add, calmly.
            st.info(md_escape(str(exc)), icon=":material/hourglass_empty:")
        except ImpactError as exc:
            st.error(md_escape(str(exc)), icon=":material/error:")
        except Exception:  # noqa: BLE001 - a seller sees a sentence, never a traceback
            log.exception("tab failed")
            st.error(
                "This part could not be computed; the other tabs are unaffected.",
                icon=":material/error:",
            )


def main() -> None:
    raw = share_param(st.query_params.to_dict())
    if raw is not None:
        shared_view(raw)
        return
    inputs = sidebar()
    tz = inputs["tz"]
    mappings = st.session_state.get("mappings", {})
    with st.spinner("Reading your orders…"):
        if inputs["files"]:
            load_uploads(inputs["files"], tz, mappings)
        else:
            load_demo()
    con = st.session_state["con"]
    is_demo = st.session_state["is_demo"]
    report = summary(con)
    params = sidebar_settings(list(report.channels), is_demo, list(report.currency))
    if report.lines:
        detect_panel(inputs["detect_box"], con, report, tz, params["currency"])
    try:
        window = Window(start=inputs["start"], end=inputs["end"], channels=tuple(params["channels"]),
                        title=st.session_state.get("window_title") or "Outage")  # fmt: skip
    except WindowError as exc:
        st.title("Outage Impact")
        st.error(f"Outage window: {md_escape(exc)}.", icon=":material/error:")
        return
    header(is_demo, window, tz)
    for message in st.session_state.get("file_errors", []):
        st.error(md_escape(message), icon=":material/error:")
    mapping_forms(st.session_state.get("unmapped", []))
    if not report.files or report.lines == 0:
        st.warning("No orders could be loaded from the uploaded files. See the messages above.")
        return

    share_panel(con, report, window, params, tz)
    tabs = st.tabs(["Overview", "Timeline", "Products", "Shipments", "Scenarios", "Data"])
    tab(tabs[0], overview_tab, con, report, window, params, tz)
    tab(tabs[1], timeline_tab, con, window, params, tz)
    tab(tabs[2], products_tab, con, window, params, tz)
    tab(tabs[3], shipments_tab, con, window, params, tz)
    tab(tabs[4], scenarios_tab, con, report, window, params, tz)
    tab(tabs[5], data_tab, report)


try:
    main()
except ImpactError as exc:
    st.error(md_escape(str(exc)), icon=":material/error:")
except Exception:  # noqa: BLE001 - a seller sees a sentence, never a traceback
    log.exception("page failed")  # the traceback goes to the server log only
    st.error(
        "Something went wrong while preparing this page. Try again, or re-export the file if it keeps happening.",
        icon=":material/error:",
    )

"""The orders this session analyses, each set in this session's own DuckDB: the demo seller's, or the seller's
uploads; and the page header that says which."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from impact.ingest import ingest_files
from impact.ingest.uploads import ingest_uploads
from impact.present import local_window, plural
from impact.store import session_db
from impact.windows import Window
from ui.state import state

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
DEMO_FILES = ("amazon_all_orders.txt", "shopify_orders_export.csv")
DEMO_NAME = "Demo Kitchen Co"


def _fresh_db():
    # The previous database is not closed here: a superseded script run may still be reading it. It is freed with
    # its last reference, when that run ends (and app_memory clears the state of sessions that have ended).
    con = session_db()
    state.con = con
    state.results = {}
    return con


def load_demo(home: str | None = None) -> None:
    """The demo seller's exports, imported into this session's database once per session (and per home currency,
    since converting rewrites the orders' amounts).

    Every demo timestamp carries its offset, so the seller's time zone does not change what is imported."""
    key = ("demo",) if home is None else ("demo", home)
    if state.dataset_key == key:
        return
    con = _fresh_db()
    ingest_files(con, [DEMO_DIR / n for n in DEMO_FILES], tz="UTC")
    state.dataset_key, state.is_demo, state.file_errors, state.unmapped = key, True, [], []


def load_uploads(files, tz: str, mappings: dict, home: str | None = None) -> None:
    """Import the uploaded files, each on its own so one unreadable file does not block the others."""
    key = ("upload", tz, tuple((f.file_id, f.name, f.size) for f in files), tuple(sorted(mappings.items(), key=str)))
    key += () if home is None else (home,)
    if state.dataset_key == key:
        return
    con = _fresh_db()
    result = ingest_uploads(con, [(f.name, f.getbuffer()) for f in files], tz=tz, mappings=mappings)
    state.dataset_key, state.is_demo, state.file_errors, state.unmapped = key, False, result.errors, result.unmapped


def load_orders(files, tz: str, home: str | None = None) -> None:
    """The seller's uploads when there are any, else the demo."""
    with st.spinner("Reading your orders…"):
        if files:
            load_uploads(files, tz, state.mappings, home)
        else:
            load_demo(home)


def header(is_demo: bool, window: Window, tz: str, zone_line: str = "") -> None:
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
    # Written as the report's summary writes the window, so the header and the summary below it agree.
    st.markdown(
        f"**Outage window:** {local_window(window.start, window.end, tz, zone=True)} · "
        f"{plural(window.hours, 'hour', digits=None)}"
    )
    if zone_line:
        # Next to the window: the zone its hours and the figures below are read in, and why that zone.
        st.markdown(zone_line)

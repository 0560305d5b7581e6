"""A share link opened: the saved results, read-only, with no sidebar and no orders behind them."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from impact import views
from impact.errors import ShareError, ShareStoreError
from impact.present import DAY_FORMAT, local_time, plural
from impact.share import load_share
from ui import appeal
from ui.common import md_escape, zone_options
from ui.overview import loss_overview
from ui.products import product_charts
from ui.timeline import hourly_charts

# app.tab: renders one tab in its container, a failure shown as a sentence in that tab only.
TabBoundary = Callable[..., None]


def render(raw: str, tab: TabBoundary) -> None:
    st.title("Outage Impact")
    try:
        view = load_share(raw)
    except ShareStoreError as exc:
        # The store, not the link, failed: saying "not valid" would send the analyst back for a new link for nothing.
        st.error(
            f"The shared results cannot be opened right now: {md_escape(exc)}. The link may still be valid; try again "
            "in a minute.",
            icon=":material/cloud_off:",
        )
        return
    except ShareError:
        st.error("This link is not valid: it may have expired or been revoked.", icon=":material/link_off:")
        st.button("Open Outage Impact", on_click=st.query_params.clear)
        return
    st.badge("SHARED · read-only", icon=":material/link:", color="blue")
    snapshot(view.snapshot, view.created, view.expires, tab)
    st.button("Analyse your own orders", on_click=st.query_params.clear, key="shared_exit")


def snapshot(snap: dict, created, expires, tab: TabBoundary) -> None:
    """A share snapshot (impact.share.build_snapshot) with each window's Overview, Timeline and Products."""
    tz = (snap.get("view") or {}).get("tz") or (snap.get("settings") or {}).get("tz") or "UTC"
    tz = tz if tz in zone_options() else "UTC"
    until = f", valid until {expires:%d %b %Y} UTC" if expires else ""
    st.caption(f"Results shared on {created:%d %b %Y %H:%M} UTC{until}. No order files are behind this link.")
    ingest = snap.get("ingest") or {}
    if ingest:
        st.caption(
            f"Based on {plural(ingest.get('orders', 0), 'order')} from {local_time(ingest.get('first'), tz)} to "
            f"{local_time(ingest.get('last'), tz, zone=True)}."
        )
    analysis = snap.get("analysis") or {}
    names = (snap.get("charts") or {}).get("product_names") or {}
    windows = analysis.get("windows") or []
    if not windows:
        st.info("This link holds no loss estimate.")
    for i, w in enumerate(windows):
        res = views.window_view(analysis, i)
        st.subheader(f"{md_escape(w.get('title') or 'Outage')}, {local_time(w.get('start'), tz, DAY_FORMAT + ' %Y')}")
        tabs = st.tabs(["Overview", "Timeline", "Products"])
        ship = snap.get("shipments") if i == 0 else None
        tab(tabs[0], loss_overview, res, ship or {}, tz, True)
        tab(tabs[1], hourly_charts, res, tz, f"shared{i}")
        tab(tabs[2], product_charts, res, names, f"shared{i}")
    if snap.get("appeals"):
        tab(st.container(), appeal.shared, snap["appeals"])

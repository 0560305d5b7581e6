"""A window the orders cannot speak to: no figure for it, only why (with the dates the orders cover) and the outages
the seller can analyse instead, each one click away: the drops found in their own orders first, then the known
outages that fall within their dates (impact.outages.suggest)."""

from __future__ import annotations

import logging

import streamlit as st

from impact.ingest.loader import IngestReport
from impact.outages.suggest import Suggestion, suggest_windows
from impact.present import local_window, sentence
from impact.windows import Window
from ui.common import md_escape
from ui.overview import loaded_cards
from ui.state import session_cached
from ui.window_sources import use_suggestion

log = logging.getLogger("impact.app")
ICONS = {"detected": ":material/search_insights:", "catalog": ":material/history:"}


def suggestions(con, report: IngestReport, tz: str, currency: str | None) -> list[Suggestion]:
    """The windows to offer, searched once per session, data, zone and currency (detection takes about a second)."""

    def search() -> list[Suggestion]:
        with st.spinner("Looking for outages in your orders…"):
            try:
                return suggest_windows(con, report.first, report.last, tz=tz, currency=currency)
            except Exception:  # noqa: BLE001 - without choices the seller can still type the window's times
                log.exception("suggesting windows failed")
                return []

    return session_cached("suggest", (tz, currency), search)


def explanation(report: IngestReport, window: Window, tz: str) -> str:
    """Why there is no figure: where the window lies against the orders, and which dates the orders cover."""
    if report.first is None or report.last is None:
        return "The revenue loss cannot be estimated for this window: no order in your files has a date."
    # covers() is false only for a window wholly before the first order or wholly after the last one
    where = (
        "ends before your first order"
        if (window.end or window.start) < report.first
        else "starts after your last order"
    )
    return sentence(
        f"the revenue loss cannot be estimated for this window ({local_window(window.start, window.end, tz, zone=True)})"
        f": it {where}, outside the order history, which runs from "
        f"{local_window(report.first, report.last, tz, zone=True)}"
    )


def render(con, report: IngestReport, window: Window, tz: str, currency: str | None) -> None:
    st.warning(explanation(report, window, tz), icon=":material/event_busy:")
    loaded_cards(report)
    found = suggestions(con, report, tz, currency)
    if not found:
        st.info(
            "No outage stands out in your orders and no known outage falls within their dates. If you know when an "
            "outage hit you, type its times under Outage in the sidebar.",
            icon=":material/search_off:",
        )
        return
    st.subheader("Outages you can analyse")
    st.caption("Found in your own orders first, then known outages within their dates. One click analyses it.")
    for i, s in enumerate(found):
        st.button(
            md_escape(s.label),
            key=f"suggest_{i}",
            icon=ICONS.get(s.source),
            on_click=use_suggestion,
            args=(s,),
            type="primary" if i == 0 else "secondary",
        )

"""The seller's time zone on the dashboard: read from their files unless they (or the deployment) chose one, shown
with its source next to the window, and, when the seller changes it, what that did to the loss and why.

The zone select box is drawn before the orders are loaded, and Streamlit lets a widget's value be set only before
the widget exists: a zone read from newly loaded files is therefore kept as pending and applied on a rerun
(`apply_pending`, at the top of the sidebar)."""

from __future__ import annotations

import streamlit as st

from impact import present
from impact.errors import ImpactError
from impact.zone import ZoneGuess, infer_zone
from ui import window_sources
from ui.common import md_escape, settings, zone_options
from ui.state import session_cached, state

WHY = (
    "The zone decides which of your local hours, days and weekdays the outage is compared with, so the estimate "
    "moves with it."
)


def browser_zone() -> str | None:
    try:
        return st.context.timezone
    except Exception:  # noqa: BLE001 - no browser context (a bare script run): no zone from it
        return None


def apply_pending() -> None:
    """A zone read from the files on the last run becomes the select box's value, the window kept as an instant."""
    pending = state.tz_pending
    if pending:
        state.tz_pending = None
        state.tz = pending
        if state.window_utc is not None:
            window_sources.window_to_widgets(pending)


def on_pick() -> None:
    """The seller chose a zone: it is theirs from now on, whatever the files say; the figure shown until now is kept
    to say what the change did."""
    state.tz_chosen = True
    state.zone_before = state.zone_figure
    window_sources.on_tz_change()


def settle(con, tz: str) -> ZoneGuess:
    """The zone the dashboard runs in and why. A zone read from the files that differs from the select box's is
    made its value on a rerun, unless the seller chose one or the deployment set IMPACT_DEFAULT_TZ."""
    browser = browser_zone()
    inferred = session_cached("zone", browser, lambda: infer_zone(con, browser=browser))
    configured = settings().default_tz
    if state.tz_chosen or configured:
        how = "your choice" if state.tz_chosen else "this site's default zone"
        same = inferred.source == "default" or inferred.zone == tz
        notes = () if same else (f"your files say {inferred.sentence}",)
        return ZoneGuess(tz, "given", "high", f"{tz}, {how}", inferred=None if same else inferred.zone, notes=notes)
    if inferred.zone != tz and inferred.zone in zone_options():
        state.tz_pending = inferred.zone
        st.rerun()
    return inferred


def line(guess: ZoneGuess) -> str:
    """The zone and why, as the header writes it under the window (markdown)."""
    notes = "".join(f" {md_escape(present.sentence(n))}" for n in guess.notes)  # sentence() ends each with its stop
    return f"**Time zone:** {md_escape(guess.sentence)}.{notes}"


def changed(res: dict | None, tz: str, window: tuple) -> str | None:
    """After the seller changed the zone: the loss before and after, and why it moved (markdown), else None.
    `window` identifies the window and channels, so a figure of another window is never compared."""
    if res is None:
        return None
    lost = present.format_money(res["revenue"]["lost"], res.get("currency"), 0)
    state.zone_figure = (tz, lost, window)
    before = state.zone_before
    if before is None or before[0] == tz or before[2] != window:
        return None
    before_tz, was, _ = before
    if was == lost:
        said = f"You changed the time zone from {before_tz} to {tz}; the revenue lost stays {lost} here. {WHY}"
    else:
        said = (
            f"You changed the time zone from {before_tz} to {tz}: the revenue lost is now {lost} (it was {was} in "
            f"{before_tz}). {WHY}"
        )
    return md_escape(said)


def render_change(results) -> None:
    """What changing the zone did to the loss, once the seller changed it (the window's figure in both zones)."""
    try:
        res, _ = results.analysis()
    except ImpactError:
        return  # the Overview tab says why there is no figure
    w = results.window
    said = changed(res, results.tz, (w.start, w.end, w.channels))
    if said:
        st.info(said, icon=":material/schedule:")


__all__ = ["WHY", "apply_pending", "changed", "line", "on_pick", "render_change", "settle"]

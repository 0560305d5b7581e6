"""The sidebar: the seller's order exports, their time zone, the outage window and the estimate settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import streamlit as st

from impact import service
from impact.present import channel_name, format_channels, percent, sentence
from impact.service import resolve_options
from impact.windows import Window
from ui import costs, window_sources, zone
from ui.common import default_zone, settings, zone_options
from ui.results import Params
from ui.state import State, session_cached, state

# Any file is accepted: a PDF, a workbook or a file meant for another slot gets a sentence saying what to add
# instead (impact.slots), where a list of types would only say "application/pdf files are not allowed".
UPLOAD_TYPES = None
CONFIDENCES = (0.8, 0.9, 0.95, 0.99)


@dataclass
class Inputs:
    """What the first part of the sidebar asked for, before the orders are loaded."""

    files: list
    tz: str
    start: datetime
    end: datetime
    detect_box: Any  # the sidebar place kept for detection, which needs the loaded orders


def inputs() -> Inputs:
    sb = st.sidebar
    sb.header("Your orders")
    files = sb.file_uploader(
        "Order exports",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=State.uploads.key,
        help="Amazon All Orders report (.txt), Shopify orders export, eBay Seller Hub report, Etsy or WooCommerce "
        "CSV, or any CSV with order id, date and amount. Several files and overlapping exports are fine: "
        "duplicates are counted once. Buyer names, e-mails and addresses are dropped on import. "
        f"Up to {settings().max_upload_bytes / (1 << 20):,.0f} MB in all.",
    )
    if not State.tz.is_set():
        state.tz = default_zone()
    zone.apply_pending()
    tz = sb.selectbox(
        "Your time zone",
        zone_options(),
        key=State.tz.key,
        on_change=zone.on_pick,
        help="Read from your files when you do not choose one (Shopify's offsets, local times with your buyers' "
        "country, your browser, the quiet night hours of an Amazon report). It changes the estimate: your orders "
        "are compared on your local hours, days and weekdays. It also shows every time, reads the window below, "
        "and reads exports whose times carry no offset (eBay, Etsy, WooCommerce).",
    )

    sb.header("Outage")
    window_sources.init_window(tz)
    window_sources.preset_picker(sb)
    limits = {"min_value": datetime(2000, 1, 1), "max_value": datetime(2100, 1, 1)}
    step = timedelta(minutes=1)
    for label, value in (("Start (your time zone)", State.start_at), ("End (your time zone)", State.end_at)):
        sb.datetime_input(
            label, key=value.key, on_change=window_sources.on_window_change, format="YYYY-MM-DD", step=step, **limits
        )
    start, end = state.window_utc
    sb.caption(f"In UTC: {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}")
    window_sources.feed_panel(sb)
    window_sources.windows_file_panel(sb, tz)
    # Detection needs the session's orders, which are loaded after the sidebar: its place is kept here.
    return Inputs(files=files or [], tz=tz, start=start, end=end, detect_box=sb.container())


def _rule(con, channels: list[str], tz: str) -> service.ChannelChoice:
    """The service's one rule for the affected channels (impact.service.default_channels), as the CLI applies it:
    a window from a feed, a windows file or a detection names its own; a known outage or a typed window gets the
    known outage's, else those that dropped in the orders, else all."""
    start, end = state.window_utc
    proposed = [c for c in state.proposed_channels or () if c in channels]
    if state.proposed_channels and state.preset == window_sources.CUSTOM:
        source = "this window's source lists " + format_channels(proposed) if proposed else ""
        window = Window(start, end, tuple(proposed), extra={"channels_reason": source})
    else:
        window = Window(start, end)
    key = (tuple(channels), start, end, window.channels, tz)

    def compute() -> service.ChannelChoice:
        opts = service.resolve_options(tz=tz)
        return service.default_channels(con, window, opts, sold=channels, detection=con is not None)

    return session_cached("channel_rule", key, compute)


def _propose_channels(con, channels: list[str], is_demo: bool, tz: str) -> service.ChannelChoice:
    # New data or a new window: propose the channels the rule gives; the seller's own pick stands until then.
    choice = _rule(con, channels, tz)
    token = (tuple(channels), is_demo, state.proposal_id, choice.channels)
    if state.channels_for != token:
        state.channels_for = token
        state.affected = list(choice.channels)
    return choice


def estimate_settings(
    channels: list[str],
    is_demo: bool,
    currencies: list[str],
    tz: str,
    con=None,
    scopes: dict[str, list[str]] | None = None,
) -> Params:
    """The affected channels, the currency and the estimate settings, once the orders are loaded: the options of
    every figure, resolved here once (impact.options) from the widgets and Settings. `scopes` (service.
    marketplace_scopes) offers each marketplace of a channel that has several, e.g. TikTok Shop inside Shopify."""
    sb = st.sidebar
    defaults = settings()
    choice = _propose_channels(con, channels, is_demo, tz)
    if scopes is None:
        scopes = service.marketplace_scopes(con) if con is not None and channels else {}
    affected = sb.multiselect(
        "Affected channels",
        [o for c in channels for o in (c, *scopes.get(c, []))],
        key=State.affected.key,
        help="Channels the outage hit. The others are compared against their own history to show spill-over "
        "(buyers who went elsewhere). Empty means all. A channel selling for several marketplaces also lists "
        "each of them, e.g. TikTok Shop (in Shopify): pick it alone when only those orders were hit, and the "
        "channel's other orders serve as a comparison.",
        format_func=channel_name,
    )
    picked = tuple(affected) or tuple(channels)
    reason = choice.reason if picked == choice.channels else f"you chose {format_channels(picked)}"
    sb.caption(sentence(f"{format_channels(picked)}: {reason}"))
    home = costs.home_currency()
    currency = home or (currencies[0] if currencies else None)
    if len(currencies) > 1 and not home:
        # Amounts in different currencies are never added up: the seller picks the one to analyse.
        currency = sb.selectbox("Currency to analyse", currencies, key=State.currency.key)
    with sb.expander("Estimate settings"):
        confidence = st.select_slider(
            "Confidence of the range",
            options=CONFIDENCES,
            value=min(CONFIDENCES, key=lambda c: abs(c - defaults.confidence)),
            format_func=percent,
            key=State.confidence.key,
        )
        recovery = st.number_input(
            "Recovery hours after the outage",
            min_value=0,
            max_value=168,
            value=int(defaults.recovery_hours),
            step=1,
            key=State.recovery_hours.key,
            help="How long after the outage to look for buyers who came back (recaptured sales).",
        )
        until_normal = st.checkbox(
            "End the recovery once sales are back to normal",
            value=defaults.recovery_mode == "until-normal",
            key=State.recovery_until_normal.key,
            help="The recovery period then stops at the first hours your sales stay in their usual range (at most "
            "the hours above), so a quick return is not diluted by a day of ordinary noise.",
        )
        sla = st.number_input(
            "Ship-by time (hours after purchase)",
            min_value=1.0,
            max_value=720.0,
            value=float(defaults.ship_sla_hours),
            step=1.0,
            key=State.ship_sla_hours.key,
            help="Used when an export has no ship-by date: an order counts as late if it shipped after this.",
        )
        business_days = st.checkbox(
            "Ship-by clock runs Monday to Friday only",
            key=State.business_days.key,
            help="For sellers whose handling time counts business days (weekends in UTC; holidays not skipped).",
        )
    opts = resolve_options(
        defaults,
        tz=tz,
        currency=currency,
        confidence=confidence,
        recovery_hours=int(recovery),
        sla_hours=float(sla),
        business_days=bool(business_days),
        home_currency=home,
        recovery_mode="until-normal" if until_normal else "fixed",
    )
    return Params(channels=picked, opts=opts, providers=window_sources.preset_providers(), channels_reason=reason)

"""Where the outage window comes from: a known outage from the catalog, a status page's incidents, the seller's
own windows file, or a drop detected in their orders. Every source sets the window through `set_window`, which
keeps it as an instant in UTC and shows it in the seller's zone."""

from __future__ import annotations

import logging
from datetime import datetime

import streamlit as st

from impact.errors import ImpactError
from impact.ingest import summary
from impact.outages import WindowsCsv, load_feed, looks_like_feed, parse_windows_csv, read_feed_file, window_json
from impact.outages.detect import detect
from impact.outages.suggest import Suggestion
from impact.present import (
    channel_name,
    format_channels,
    local_window,
    number,
    percent,
    plural,
    plural_word,
    sentence,
    to_local,
)
from impact.windows import Window, parse_utc
from ui.common import catalog, md_escape, to_utc
from ui.state import State, cached, session_cached, state

DEFAULT_PRESET = "aws-us-east-1-2025-10-20"
CUSTOM = "custom"
# Used only if the catalog file is missing, so the demo still opens on the right window.
FALLBACK_WINDOW = (datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20))
WINDOWS_LISTED = 15  # a windows file longer than this is picked from a select box instead of a list of buttons
WINDOWS_TYPES = ["csv", "txt", "tsv", "json", "rss", "atom", "xml"]  # a windows CSV or a saved status feed
WINDOWS_TEMPLATE = (
    "start,end,channels,title,impact,degraded_pct\n"
    "2025-10-20T06:48Z,2025-10-20T21:20Z,amazon,AWS us-east-1 outage,full,\n"
    '2025-12-01T14:08Z,2025-12-01T19:20Z,"shopify;etsy",Payment page errors,degraded,40\n'
    "2025-11-18T12:20+01:00,2025-11-18T18:06+01:00,all,CDN outage,,\n"
)
FEED_WINDOWS = 50

log = logging.getLogger("impact.app")


# ---------------------------------------------------------------------------------------------------------------
# The window in session state


def init_window(tz: str) -> None:
    """On a session's first run: the default known outage (the demo's), or the fallback window without a catalog."""
    if state.window_utc is not None:
        return
    entry = catalog().get(DEFAULT_PRESET)
    state.preset = DEFAULT_PRESET if entry else CUSTOM
    state.window_utc = (parse_utc(entry["start"]), parse_utc(entry["end"])) if entry else FALLBACK_WINDOW
    state.proposed_channels = entry["channels"] if entry else None
    state.window_title = (entry or {}).get("title") or ""
    state.window_origin = (*state.window_utc, state.window_title)
    window_to_widgets(tz)


def set_window(start: datetime, end: datetime, channels: list[str] | None, title: str = "") -> None:
    """Make (start, end) UTC the window, show it in the current zone, and propose its channels."""
    state.window_utc = (start, end)
    state.window_title = title
    state.window_origin = (start, end, title)
    window_to_widgets(state.tz)
    state.proposed_channels = channels
    state.proposal_id += 1


def window_to_widgets(tz: str) -> None:
    start, end = state.window_utc
    state.start_at, state.end_at = to_local(start, tz), to_local(end, tz)


def on_tz_change() -> None:
    # The window is an instant in time: keep it, and show it in the newly chosen zone.
    window_to_widgets(state.tz)


def on_window_change() -> None:
    """The seller typed a start or end: it is read in their zone, and the window is a custom one."""
    if state.start_at is None or state.end_at is None:
        return
    tz = state.tz
    state.window_utc = (to_utc(state.start_at, tz), to_utc(state.end_at, tz))
    if state.preset != CUSTOM:
        # A known outage's edited window is still that outage: the service's rule finds it by overlap.
        state.proposed_channels = None
    state.preset = CUSTOM
    state.window_title = edited_title(state.window_origin, state.window_utc, tz)


def edited_title(origin: tuple | None, after, tz: str) -> str:
    """The window keeps its name when the seller moves an end: 'AWS us-east-1 outage, end moved to 23:20'.
    origin: (start, end, title) of the window as its source gave it."""
    if origin is None or not origin[2]:
        return ""
    moves = []
    for name, old, new in (("start", origin[0], after[0]), ("end", origin[1], after[1])):
        if new != old:
            shown = to_local(new, tz)
            same_day = to_local(old, tz).date() == shown.date()
            moves.append(f"{name} moved to {shown:%H:%M}" if same_day else f"{name} moved to {shown:%-d %b %H:%M}")
    return ", ".join([origin[2], " and ".join(moves)] if moves else [origin[2]])


def use_window(start: datetime, end: datetime, channels, title: str) -> None:
    """A window picked from a feed, a windows file or a detection: a custom window with its own channels."""
    state.preset = CUSTOM
    set_window(start, end, list(channels) or None, title)


def use_window_button(window: Window, key: str, title: str | None = None) -> None:
    """'Use this window', or a disabled 'In use' when it is already the window being analysed."""
    in_use = state.window_utc == (window.start, window.end)
    st.button(
        "In use" if in_use else "Use this window",
        key=key,
        disabled=in_use,
        icon=":material/check:" if in_use else None,
        on_click=use_window,
        args=(window.start, window.end, window.channels, title or window.title),
    )


# ---------------------------------------------------------------------------------------------------------------
# Known outages (the catalog)


def _on_preset() -> None:
    entry = catalog().get(state.preset)
    if entry:
        set_window(parse_utc(entry["start"]), parse_utc(entry["end"]), entry["channels"], entry.get("title") or "")


def use_suggestion(suggestion: Suggestion) -> None:
    """A window offered because the chosen one lies outside the orders (impact.outages.suggest): a known outage
    becomes the Known outage choice (so its providers feed the scenarios), a detected drop a custom window titled
    as a detection is."""
    w = suggestion.window
    known = w.extra.get("id") if suggestion.source == "catalog" else None
    if known in catalog():
        state.preset = known
        _on_preset()
        return
    use_window(w.start, w.end, w.channels, f"{format_channels(w.channels)} orders drop, as seen in your orders")


def _in_your_orders(known: dict) -> list[str]:
    """The known outages the loaded orders cover (newest first): the ones a seller can analyse."""
    if state.con is None:
        return []
    try:
        span = summary(state.con)
    except ImpactError:
        return []
    if span.first is None:
        return []
    hits = [k for k, e in known.items() if parse_utc(e["start"]) <= span.last and parse_utc(e["end"]) >= span.first]
    return sorted(hits, key=lambda k: known[k]["start"], reverse=True)


def preset_picker(sb) -> None:
    known = catalog()
    covered = _in_your_orders(known)
    ordered = [*covered, *(k for k in known if k not in covered)]

    def label(k: str) -> str:
        if k == CUSTOM:
            return "Custom window"
        return f"{known[k]['title']}, {known[k]['start'][:10]}" + (" · in your orders" if k in covered else "")

    labels = tuple(label(k) for k in [CUSTOM, *ordered])
    if state.preset_labels != labels:
        # A select box travels as its label, and the browser keeps the label it was last sent: once the orders mark
        # an outage 'in your orders', the old label names no option and the seller's next click, anywhere, would
        # turn the choice into Custom window. Setting the value again sends the browser the new label.
        state.preset_labels = labels
        if state.preset is not None:
            state.preset = state.preset
    sb.selectbox(
        "Known outage",
        [CUSTOM, *ordered],
        key=State.preset.key,
        on_change=_on_preset,
        format_func=label,
        help="Outages that hit online sellers, with their times from the providers' own reports.",
    )
    entry = known.get(state.preset)
    if entry and not state.is_demo and state.con is not None and state.preset not in covered:
        # The demo's outage, still picked after an upload: its description would read as if it were the seller's.
        sb.caption(
            f"Your orders do not reach this outage of {entry['start'][:10]}: pick one marked 'in your orders' or set "
            "the window below."
        )
    elif entry:
        note = f" · {entry['precision']}" if entry.get("precision") else ""
        sb.caption(f"{entry['affected']}{note} · [source]({entry['url']})")


def preset_providers() -> tuple[str, ...]:
    """Providers of the chosen known outage (none for a custom window)."""
    return tuple((catalog().get(state.preset) or {}).get("providers") or ())


# ---------------------------------------------------------------------------------------------------------------
# A status page or feed


def _fetch_feed() -> None:
    url = (state.feed_url or "").strip()
    state.feed_windows, state.feed_error = [], None
    if not url:
        state.feed_error = "Enter the address of a status page or feed first."
        return
    try:
        result = load_feed(url)
    except ImpactError as exc:
        state.feed_error = str(exc)
        return
    windows = [window_json(w) for w in result.windows if w.end is not None][:FEED_WINDOWS]
    if not windows:
        state.feed_error = "That feed lists no finished incidents."
    state.feed_windows = windows


def _use_feed_window() -> None:
    windows, pick = state.feed_windows or [], state.feed_pick
    if pick is not None and 0 <= pick < len(windows):
        w = windows[pick]
        use_window(parse_utc(w["start"]), parse_utc(w["end"]), w.get("channels") or (), w.get("title") or "")


def feed_panel(sb) -> None:
    with sb.expander("From a status page"):
        st.text_input(
            "Status page or feed address",
            key=State.feed_url.key,
            placeholder="https://www.githubstatus.com",
            help="An Atlassian Statuspage site, an RSS/Atom status feed, AWS Health RSS or Google Cloud's "
            "incidents.json. Status pages often lag real impact by 30-90 minutes: adjust the times if needed.",
        )
        st.button("Fetch incidents", on_click=_fetch_feed, key="feed_fetch")
        if state.feed_error:
            st.error(md_escape(state.feed_error), icon=":material/error:")
        feed_windows = state.feed_windows or []
        if feed_windows:
            st.selectbox(
                "Incident",
                range(len(feed_windows)),
                key=State.feed_pick.key,
                format_func=lambda i: f"{feed_windows[i]['start'][:16].replace('T', ' ')} {feed_windows[i]['title']}",
            )
            st.button("Use this incident", on_click=_use_feed_window, key="feed_use")


# ---------------------------------------------------------------------------------------------------------------
# The seller's windows file


def _read_upload(upload) -> WindowsCsv | str:
    """The windows a CSV or a saved status feed gives, or the sentence refusing the file. A feed's incidents still
    open have no end to analyse and are left out, with those it could not read, as its 'skipped'."""
    body = upload.getvalue()
    try:
        if not looks_like_feed(body):
            return parse_windows_csv(body, source_name="file")
        result = read_feed_file(body, name=upload.name)
    except ImpactError as exc:
        return str(exc)
    finished = [w for w in result.windows if w.end is not None]
    still_open = len(result.windows) - len(finished)
    skipped = list(result.skipped)
    if still_open:
        skipped.append(f"{plural(still_open, 'incident')} still open, with no end to analyse")
    if not finished:
        return f"{upload.name} lists no finished incidents" + (f": {skipped[0]}" if skipped else "")
    state.windows_feed_skipped = skipped
    return WindowsCsv(name=upload.name, windows=finished)


def _parsed_windows(upload):
    """The uploaded windows file parsed once per upload: its windows and bad lines, or the sentence refusing it."""
    kept = state.windows_parsed
    if not kept or kept[0] != upload.file_id:
        state.windows_feed_skipped = []
        state.windows_parsed = kept = (upload.file_id, _read_upload(upload))
    return kept[1]


def windows_file_panel(sb, tz: str) -> None:
    """Outage windows from the seller's own CSV: every bad line named, every good window one click away."""
    with sb.expander("From a file"):
        upload = st.file_uploader(
            "Outage windows (CSV) or a saved status feed",
            type=WINDOWS_TYPES,
            key=State.windows_file.key,
            help="A CSV with columns start,end,channels,title and optionally impact (full or degraded) and "
            "degraded_pct. Times need Z (UTC) or an offset such as +02:00; channels are amazon, shopify, ebay, etsy, "
            "woocommerce, walmart, other or all, separated by ; inside one cell. Or a status page's feed saved "
            "from your browser: a Statuspage or Google Cloud incidents.json, or an RSS/Atom history feed.",
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
        parsed = _parsed_windows(upload)
        if isinstance(parsed, str):
            st.error(md_escape(parsed), icon=":material/error:")
            return
        for note in (state.windows_feed_skipped or [])[:WINDOWS_LISTED]:
            st.caption(f"Left out: {md_escape(note)}")
        if parsed.errors:
            shown = parsed.errors[:WINDOWS_LISTED]
            more = len(parsed.errors) - len(shown)
            lines = "\n".join(f"- line {e.line}: {md_escape(e.reason)}" for e in shown)
            st.warning(
                f"{plural(len(parsed.errors), 'line')} {plural_word(len(parsed.errors), 'was', 'were')} left out:"
                f"\n\n{lines}" + (f"\n\nand {more} more." if more > 0 else ""),
                icon=":material/warning:",
            )
        windows = parsed.windows
        if not windows:
            return
        st.caption(f"{plural(len(windows), 'window')}, times in {tz}:")
        if len(windows) > WINDOWS_LISTED:
            pick = st.selectbox(
                "Window",
                range(len(windows)),
                key=State.windows_pick.key,
                format_func=lambda i: f"{local_window(windows[i].start, windows[i].end, tz)} {windows[i].title}",
            )
            use_window_button(windows[pick], "windows_use")
            return
        for i, w in enumerate(windows):
            with st.container(border=True):
                st.markdown(f"**{md_escape(w.title)}**")
                st.caption(f"{local_window(w.start, w.end, tz)} · {format_channels(w.channels)}")
                use_window_button(w, f"windows_use_{i}")


# ---------------------------------------------------------------------------------------------------------------
# Drops detected in the seller's orders


def _detected_title(d) -> str:
    base = d.matches[0].title if d.matches else f"{channel_name(d.channel)} orders drop"
    return f"{base}, as seen in your orders"


def _run_detection(con, key: tuple, tz: str, currency: str | None) -> None:
    full = ("detect", state.dataset_key, key)
    with st.spinner("Looking for drops in your orders…"):
        try:
            session_cached("detect", key, lambda: detect(con, tz=tz, currency=currency))
            del state.detect_error
        except ImpactError as exc:
            state.detect_error = (full, str(exc))
        except Exception:  # noqa: BLE001 - a seller sees a sentence, never a traceback
            log.exception("detection failed")
            state.detect_error = (
                full,
                "The search could not be finished. Pick the outage from Known outage above or type its times instead.",
            )


def detect_panel(box, con, report, tz: str, currency: str | None) -> None:
    """Outage windows found in this session's own orders (impact.outages.detect), each one click away."""
    with box.expander("Detected in your data"):
        st.caption(
            "Looks through all your orders for hours when a channel sold far fewer orders than usual, confirms each "
            "drop with the loss estimate and names the known outage it matches."
        )
        key = (tz, currency)
        if st.button("Find outages in my orders", key="detect_run", icon=":material/search:"):
            _run_detection(con, key, tz, currency)
        error = state.detect_error
        if error and error[0] == ("detect", state.dataset_key, key):
            st.error(md_escape(sentence(error[1])), icon=":material/error:")
            return
        result = cached("detect", key)
        if result is None:
            return
        detections(result, report, tz)


def detections(result, report, tz: str) -> None:
    """The detected drops, each with its strength and a button to analyse it; or why none stood out."""
    if not result.detections:
        days = max((report.last - report.first).total_seconds() / 86400, 1) if report.first and report.last else 1
        per_day = report.orders / days
        checked = (
            f" {plural(result.candidates, 'smaller drop')} {plural_word(result.candidates, 'was', 'were')} checked "
            "with the full estimate and not confirmed."
            if result.candidates
            else ""
        )
        st.info(
            f"No outage stands out in your orders.{checked} With about {plural(per_day, 'order')} a day, a few hours "
            "of lost orders can hide in the normal ups and downs. If you know which outage hit you, pick it "
            "under Known outage above or type its times.",
            icon=":material/search_off:",
        )
    for i, d in enumerate(result.detections):
        with st.container(border=True):
            st.markdown(f":small[{md_escape(sentence(d.message))}]")
            p = f", {percent(d.p_effect)} sure it is more than day-to-day variation" if d.p_effect is not None else ""
            st.caption(
                f"{local_window(d.window.start, d.window.end, tz, zone=True)} · {format_channels(d.window.channels)}  \n"
                f"Strength {percent(d.window.score or 0)}: {percent(d.drop_pct / 100)} of the expected orders missing "
                f"({number(d.orders_actual)} of {number(d.orders_expected)}){p}"
            )
            use_window_button(d.window, f"detect_use_{i}", _detected_title(d))
    for note in result.notes:
        st.caption(f"Note: {md_escape(sentence(note))}")

"""This session's state: every value the app keeps between script runs, declared once with its key and default.

Streamlit's st.session_state is a dict keyed by strings; a misspelt key there is a silent new value. Here each
value is a typed attribute of `state` (read it, assign it, `del` it), and `State.<name>.key` is the string a widget
is bound to, so a widget and the code that reads it cannot drift apart. The keys are unchanged from the single-file
app (tests and Streamlit's widget identities rely on them). Widget-owned values are set by their widget; the code
only seeds them before the widget exists (a widget given both a value and a seeded key warns).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, Generic, TypeVar, overload

import streamlit as st

T = TypeVar("T")
CACHE_ENTRIES = 12  # per-session results kept per kind (window/setting combinations the seller flips between)


class Value(Generic[T]):
    """One session-state value: its key and a factory for its default (so a mutable default is never shared).

    Reading a value that was never set returns a fresh default without storing it."""

    def __init__(self, key: str, default: Callable[[], T], doc: str = "") -> None:
        self.key, self.default, self.__doc__ = key, default, doc

    @overload
    def __get__(self, obj: None, owner: type) -> Value[T]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> T: ...
    def __get__(self, obj, owner):
        if obj is None:
            return self
        ss = st.session_state
        return ss[self.key] if self.key in ss else self.default()

    def __set__(self, obj: object, value: T) -> None:
        st.session_state[self.key] = value

    def __delete__(self, obj: object) -> None:
        st.session_state.pop(self.key, None)

    def is_set(self) -> bool:
        return self.key in st.session_state

    def setdefault(self) -> T:
        """The stored value, storing the default first if there is none (for containers changed in place)."""
        return st.session_state.setdefault(self.key, self.default())


def _none() -> None:
    return None


UtcSpan = tuple[datetime, datetime]  # naive UTC start and end


class State:
    """The declared session values (see the module docstring); use the `state` instance."""

    # The orders being analysed: this session's own DuckDB and what was imported into it.
    con: Value[Any] = Value("con", _none, "this session's DuckDB (impact.store.session_db), None until loaded")
    run_lock: Value[Any] = Value(
        "run_lock", threading.RLock, "held by the script run that uses `con` (app.py): runs of a session take turns"
    )
    dataset_key: Value[tuple | None] = Value("dataset_key", _none, "what `con` holds: ('demo',) or the uploads")
    is_demo: Value[bool] = Value("is_demo", lambda: True)
    file_errors: Value[list[str]] = Value("file_errors", list, "one sentence per upload that could not be read")
    slot_errors: Value[list[str]] = Value("slot_errors", list, "one sentence per upload that belongs in another slot")
    unmapped: Value[list[dict]] = Value("unmapped", list, "uploads whose columns need the seller's mapping")
    mappings: Value[dict[str, tuple]] = Value("mappings", dict, "file name -> ((field, column), ...) chosen")
    results: Value[dict] = Value(
        "_results", dict, "session_cached's memo: (kind, dataset_key, key, cost_key) -> result"
    )
    # The cost layer in `con` (impact.costs): loaded once per change of the orders or of the costs panel.
    cost_key: Value[tuple | None] = Value("cost_key", _none, "(dataset_key, the costs panel's inputs) loaded")
    cost_report: Value[Any] = Value("cost_report", _none, "the cost files' import report (impact.costs.CostReport)")
    cost_errors: Value[list[str]] = Value("cost_errors", list, "why the cost inputs could not be used")

    # The outage window: an instant in UTC, shown in the seller's zone by the two datetime widgets.
    tz: Value[str] = Value("tz", lambda: "UTC", "widget: the seller's time zone")
    tz_pending: Value[str | None] = Value("tz_pending", _none, "a zone read from the files, for the next run")
    tz_chosen: Value[bool] = Value("tz_chosen", lambda: False, "the seller picked the zone: the files no longer do")
    zone_figure: Value[tuple | None] = Value("zone_figure", _none, "(zone, revenue lost, window) last shown")
    zone_before: Value[tuple | None] = Value("zone_before", _none, "zone_figure when the seller changed the zone")
    window_utc: Value[UtcSpan | None] = Value("window_utc", _none, "(start, end) as naive UTC")
    window_title: Value[str] = Value("window_title", str)
    window_origin: Value[tuple | None] = Value("window_origin", _none, "(start, end, title) as its source gave it")
    start_at: Value[datetime | None] = Value("start_at", _none, "widget: the window's start in `tz`")
    end_at: Value[datetime | None] = Value("end_at", _none, "widget: the window's end in `tz`")
    preset: Value[str | None] = Value("preset", _none, "widget: the catalog outage id, or 'custom'")
    preset_labels: Value[tuple | None] = Value("preset_labels", _none, "the Known outage labels the browser holds")
    proposed_channels: Value[list[str] | None] = Value("proposed_channels", _none, "channels the outage hit")
    proposal_id: Value[int] = Value("proposal_id", int, "bumped per new window, so its channels are proposed")
    channels_for: Value[tuple | None] = Value("channels_for", _none, "(channels, is_demo, proposal) proposed for")
    affected: Value[list[str]] = Value("affected", list, "widget: the affected channels")
    channels_note: Value[str | bool] = Value("channels_note", lambda: False, "why all channels were proposed")

    # Window sources in the sidebar.
    feed_url: Value[str] = Value("feed_url", str, "widget: a status page or feed address")
    feed_windows: Value[list[dict]] = Value("feed_windows", list, "finished incidents of the fetched feed")
    feed_error: Value[str | None] = Value("feed_error", _none)
    feed_pick: Value[int | None] = Value("feed_pick", _none, "widget: the chosen feed incident")
    windows_parsed: Value[tuple | None] = Value("windows_parsed", _none, "(file_id, parsed file or its error)")
    windows_feed_skipped: Value[list] = Value(
        "windows_feed_skipped", list, "incidents of an uploaded feed left out, with the reason"
    )
    detect_error: Value[tuple | None] = Value("detect_error", _none, "(cache key, sentence) of a failed search")

    # Widgets whose value the code takes from the widget's return value; declared for their keys.
    uploads: Value[list | None] = Value("uploads", _none, "widget: the seller's order exports")
    currency: Value[str | None] = Value("currency", _none, "widget: the currency analysed, when several")
    confidence: Value[float | None] = Value("confidence", _none, "widget")
    recovery_hours: Value[int | None] = Value("recovery_hours", _none, "widget")
    ship_sla_hours: Value[float | None] = Value("ship_sla_hours", _none, "widget")
    business_days: Value[bool] = Value("business_days", lambda: False, "widget")
    recovery_until_normal: Value[bool] = Value("recovery_until_normal", lambda: False, "widget")
    windows_file: Value[Any] = Value("windows_file", _none, "widget: the seller's outage windows CSV")
    windows_pick: Value[int | None] = Value("windows_pick", _none, "widget: a window of a long windows file")
    scenario_source: Value[str | None] = Value("scenario_source", _none, "widget: channel demand moves from")
    scenario_pct: Value[int | None] = Value("scenario_pct", _none, "widget: share of it moved, %")
    scenario_transfer: Value[int] = Value("scenario_transfer", lambda: 100, "widget: buyers who follow, %")
    cover_kind: Value[str | None] = Value("cover_kind", _none, "widget: the policy 'would cover have paid?' runs")
    cover_waiting: Value[float | None] = Value("cover_waiting", _none, "widget: waiting period, hours")
    cover_mode: Value[str | None] = Value("cover_mode", _none, "widget: qualifying or retention")
    cover_deductible: Value[float | None] = Value("cover_deductible", _none, "widget: deductible per outage")
    cover_hourly_sum: Value[float | None] = Value("cover_hourly_sum", _none, "widget: parametric sum per hour")
    cover_limit: Value[float | None] = Value("cover_limit", _none, "widget: policy limit, 0 = none")
    share_days: Value[int | None] = Value("share_days", _none, "widget: days a share link works")
    appeal_marketplace: Value[str | None] = Value("appeal_marketplace", _none, "widget: the marketplace appealed to")
    share_link: Value[tuple | None] = Value("share_link", _none, "(context it was made for, the link's JSON)")
    cost_uploads: Value[list | None] = Value("cost_uploads", _none, "widget: product cost and fee files")
    ad_uploads: Value[list | None] = Value("ad_uploads", _none, "widget: advertising spend reports")
    fee_table: Value[Any] = Value("fee_table", _none, "widget: the fee editor's edits")
    home_currency: Value[str | None] = Value("home_currency", _none, "widget: convert every amount to this")
    # The Portfolio page (ui/portfolio.py).
    portfolio: Value[dict | None] = Value("portfolio", _none, "the results shown: rows, their source, links or not")
    portfolio_upload: Value[Any] = Value("portfolio_upload", _none, "widget: a results file (Parquet or CSV)")
    opened_seller: Value[tuple | None] = Value("opened_seller", _none, "the ?seller= link whose window was set")


state = State()


def session_cached(kind: str, key: Hashable, compute: Callable[[], T]) -> T:
    """Per-session memo of results computed from this session's orders (never shared across sessions)."""
    # Stored before computing: a computation may itself use session_cached (analysis uses history).
    store = State.results.setdefault()
    full = (kind, state.dataset_key, key, state.cost_key)
    if full not in store:
        store[full] = compute()
        same_kind = [k for k in store if k[0] == kind]
        for old in same_kind[:-CACHE_ENTRIES]:
            del store[old]
    return store[full]


def cached(kind: str, key: Hashable) -> Any:
    """A session_cached result if it was computed, else None."""
    return state.results.get((kind, state.dataset_key, key, state.cost_key))


def taking_turns() -> threading.RLock:
    """The session's run lock, to hold while a script run uses `state.con`: a click while a run is still inside a
    DuckDB call starts a second run at once (Streamlit's fast reruns) on another thread, and the connection refuses
    a second caller ("connection is busy"); with the lock the new run waits until the old one stops at its next
    Streamlit call."""
    return State.run_lock.setdefault()

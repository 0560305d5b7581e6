"""Outage Impact dashboard: the only screen. Run: streamlit run app.py

Each browser session gets its own in-memory DuckDB (impact.store.session_db) in its session state, so one seller
never sees another's upload; results computed from a seller's orders stay in that session. With nothing uploaded
the app shows the demo seller hit by the AWS outage of 2025-10-20. This file sets up the page, routes between the
dashboard and a shared link's view, and keeps each tab's failure inside that tab; the screens are in `ui`.
"""

from __future__ import annotations

import logging

import streamlit as st

from impact.errors import ImpactError, NotEnoughHistoryError, WindowError
from impact.ingest import summary
from impact.share.url_builder import share_param
from impact.windows import Window, covers
from ui import (
    appeal,
    claim,
    costs,
    data,
    orders,
    outside,
    overview,
    portfolio,
    products,
    scenarios,
    share_panel,
    shared_view,
    shipments,
    sidebar,
    timeline,
    zone,
)
from ui.app_memory import start_session_reaper
from ui.auth import require_operator
from ui.common import md_escape, use_browser_locale
from ui.results import Results
from ui.state import state, taking_turns
from ui.window_sources import detect_panel

log = logging.getLogger("impact.app")

st.set_page_config(page_title="Outage Impact", page_icon="📉", layout="wide", initial_sidebar_state="expanded")
start_session_reaper()
use_browser_locale()


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


def dashboard() -> None:
    opened = portfolio.opened_seller()  # a portfolio row's link: that seller's files, under the operator's root only
    inputs = sidebar.inputs()
    portfolio.nav_link()
    tz = inputs.tz
    orders.load_orders(inputs.files or opened, tz, costs.home_currency())
    con, is_demo = state.con, state.is_demo
    guess = zone.settle(con, tz)  # the zone read from the files becomes the select box's on a rerun
    report = summary(con)
    params = sidebar.estimate_settings(list(report.channels), is_demo, list(report.currency), tz, con)
    costs.load_inputs(con, costs.panel(list(report.channels)), tz=tz, is_demo=is_demo)
    report.costs = state.cost_report
    if report.lines:
        detect_panel(inputs.detect_box, con, report, tz, params.opts.currency)
    try:
        window = Window(
            start=inputs.start,
            end=inputs.end,
            channels=params.channels,
            title=state.window_title or "Outage",
            extra={"channels_reason": params.channels_reason},
        )
    except WindowError as exc:
        st.title("Outage Impact")
        st.error(f"Outage window: {md_escape(exc)}.", icon=":material/error:")
        return
    orders.header(is_demo, window, tz, zone.line(guess))
    for message in [*state.slot_errors, *state.file_errors, *state.cost_errors]:
        st.error(md_escape(message), icon=":material/error:")
    data.mapping_forms(state.unmapped)
    if not report.files or report.lines == 0:
        st.warning("No orders could be loaded from the uploaded files. See the messages above.")
        return

    results = Results(con, report, window, params)
    if not covers(report.first, report.last, window):
        # Nothing measured can be said about this window: why, and the windows the orders can speak to. What does
        # not depend on the window (the yearly risk of the channel mix, the import report) stays available.
        tab(st.container(), outside.render, con, report, window, tz, params.opts.currency)
        tabs = st.tabs(["Scenarios", "Data"], key="outside_tabs")
        tab(tabs[0], scenarios.render, results)
        tab(tabs[1], data.render, report)
        return
    tab(st.container(), zone.render_change, results)
    share_panel.render(results)
    pages = [
        ("Overview", overview.render, results),
        ("Timeline", timeline.render, results),
        ("Products", products.render, results),
        ("Shipments", shipments.render, results),
        ("Appeal", appeal.render, results),
        ("Claim", claim.render, results),
        ("Scenarios", scenarios.render, results),
        ("Data", data.render, report),
    ]
    # Keyed apart from the outside page's tabs, so a window chosen there opens on the Overview, not its Scenarios.
    for container, (_, render, arg) in zip(st.tabs([p[0] for p in pages], key="dashboard_tabs"), pages, strict=True):
        tab(container, render, arg)


def main() -> None:
    raw = share_param(st.query_params.to_dict())
    if raw is not None:
        shared_view.render(raw, tab)
    elif portfolio.requested():
        if require_operator("The Portfolio page"):
            tab(st.container(), portfolio.render)
    else:
        dashboard()


try:
    with taking_turns():  # one run at a time on the session's DuckDB (ui.state.taking_turns)
        main()
except ImpactError as exc:
    st.error(md_escape(str(exc)), icon=":material/error:")
except Exception:  # noqa: BLE001 - a seller sees a sentence, never a traceback
    log.exception("page failed")  # the traceback goes to the server log only
    st.error(
        "Something went wrong while preparing this page. Try again, or re-export the file if it keeps happening.",
        icon=":material/error:",
    )

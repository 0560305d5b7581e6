"""ui.window_sources on its own: known outages, windows chosen by a button, and detection's results."""

from datetime import datetime
from types import SimpleNamespace

from uipages import rerun, run_page


def _preset_page():
    import streamlit as st

    from ui import window_sources

    window_sources.init_window("UTC")
    window_sources.preset_picker(st.sidebar)


def test_known_outage_sets_the_window_and_its_channels():
    """Picking a catalog outage makes its times the window and proposes its channels."""
    at = run_page(_preset_page)
    assert at.session_state["window_utc"] == (datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20))
    assert "amazon" in at.session_state["proposed_channels"]
    proposal = at.session_state["proposal_id"] if "proposal_id" in at.session_state else 0
    at.sidebar.selectbox(key="preset").set_value("cloudflare-2025-11-18")
    at = rerun(at)
    assert at.session_state["window_utc"] == (datetime(2025, 11, 18, 11, 20), datetime(2025, 11, 18, 17, 6))
    assert at.session_state["start_at"] == datetime(2025, 11, 18, 11, 20)
    assert at.session_state["proposal_id"] == proposal + 1


def _window_button_page(window):
    from ui import window_sources

    window_sources.init_window("UTC")
    window_sources.use_window_button(window, "use")


def test_use_this_window_makes_it_the_custom_window_then_reads_in_use():
    """'Use this window' sets the window with its title and channels as a custom one; then the button is disabled."""
    from impact.windows import Window

    window = Window(start=datetime(2025, 10, 8, 13), end=datetime(2025, 10, 8, 19), channels=("shopify",), title="X")
    at = run_page(_window_button_page, window)
    at.button(key="use").click()
    at = rerun(at)
    assert at.session_state["window_utc"] == (window.start, window.end) and at.session_state["preset"] == "custom"
    assert at.session_state["window_title"] == "X" and at.session_state["proposed_channels"] == ["shopify"]
    assert at.button(key="use").label == "In use" and at.button(key="use").disabled


def _detections_page(result, report):
    from ui.window_sources import detections

    detections(result, report, "UTC")


def test_detection_that_finds_nothing_says_why_plainly(demo_report):
    """No detection: how many smaller drops were checked, why a drop can hide, and the search's notes."""
    result = SimpleNamespace(detections=[], candidates=2, notes=["amazon has few orders at night"])
    at = run_page(_detections_page, result, demo_report)
    assert at.info[0].value.startswith("No outage stands out in your orders. 2 smaller drops were checked")
    assert [c.value for c in at.caption] == ["Note: Amazon has few orders at night."]


def test_detected_channels_read_as_a_sentence_with_brand_names(demo_report):
    """A drop on Amazon and eBay is captioned 'Amazon and eBay', not 'Amazon, Ebay'."""
    from impact.windows import Window

    window = Window(
        start=datetime(2025, 10, 8, 13), end=datetime(2025, 10, 8, 19), channels=("amazon", "ebay"), score=0.9
    )
    found = SimpleNamespace(
        window=window,
        message="orders dropped",
        p_effect=0.95,
        drop_pct=90.0,
        orders_actual=3,
        orders_expected=30,
        matches=[],
        channel="amazon",
    )
    at = run_page(_detections_page, SimpleNamespace(detections=[found], candidates=0, notes=[]), demo_report)
    assert at.caption[0].value.startswith("Wed 08 Oct 2025 13:00 to 19:00 UTC · Amazon and eBay  \n")
    assert "Strength 90%: 90% of the expected orders missing (3 of 30), 95% sure" in at.caption[0].value


def _suggestion_page(suggestion):
    import streamlit as st

    from ui import window_sources

    window_sources.init_window("UTC")
    st.button("pick", key="pick", on_click=window_sources.use_suggestion, args=(suggestion,))


def test_a_known_outage_offered_for_a_window_outside_the_data_becomes_the_known_outage_choice():
    """Picking a catalog suggestion selects that known outage (its times, channels and providers), not a custom one."""
    from impact.outages.catalog import load_catalog
    from impact.outages.suggest import Suggestion

    cloudflare = next(w for w in load_catalog() if w.extra["id"] == "cloudflare-2025-11-18")
    at = run_page(_suggestion_page, Suggestion(cloudflare, "catalog", "Known outage: Cloudflare"))
    at.button(key="pick").click()
    at = rerun(at)
    assert at.session_state["preset"] == "cloudflare-2025-11-18"
    assert at.session_state["window_utc"] == (datetime(2025, 11, 18, 11, 20), datetime(2025, 11, 18, 17, 6))


def _windows_file_page():
    import streamlit as st

    from ui import window_sources

    window_sources.init_window("UTC")
    window_sources.windows_file_panel(st.sidebar, "UTC")


def test_a_saved_status_feed_uploaded_as_windows_file_offers_its_incidents():
    """A saved AWS all.rss lists its two incidents at the times its notices state; one click makes one the window."""
    from testdata import DATA

    at = run_page(_windows_file_page)
    body = (DATA / "real" / "feeds" / "aws_all_2021-12.rss").read_bytes()
    at.sidebar.file_uploader(key="windows_file").set_value([("all.rss", body, "application/rss+xml")])
    at = rerun(at)
    assert not at.sidebar.error
    titles = [m.value for m in at.sidebar.markdown]
    assert titles == [
        "**Internet connectivity (Amazon Web Services)**",
        "**Increased Error Rates with Directory Services AD Connector or Managed AD (Amazon Web Services)**",
    ]
    assert at.sidebar.caption[1].value == "Fri 24 Dec 2021 16:59 to 18:16 · all channels"
    at.sidebar.button(key="windows_use_0").click()
    at = rerun(at)
    assert at.session_state["window_utc"] == (datetime(2021, 12, 24, 16, 59), datetime(2021, 12, 24, 18, 16))


def test_a_saved_feed_with_nothing_finished_is_one_sentence():
    """A saved feed whose only incident is still open (dated ahead, so it stays open) is refused in one sentence naming the file."""
    at = run_page(_windows_file_page)
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Z Status</title><item><title>Down</title>'
        b"<pubDate>Thu, 03 Dec 2099 12:00:00 +0000</pubDate><description>&lt;small&gt;Dec 3, 12:00 UTC&lt;/small&gt;"
        b"&lt;br&gt;&lt;strong&gt;Investigating&lt;/strong&gt; - Errors.</description></item></channel></rss>"
    )
    at.sidebar.file_uploader(key="windows_file").set_value([("history.rss", rss, "application/rss+xml")])
    at = rerun(at)
    assert [e.value.replace("\\", "") for e in at.sidebar.error] == [
        "history.rss lists no finished incidents: 1 incident still open, with no end to analyse"
    ]


def _feed_page():
    import streamlit as st

    from ui import window_sources

    window_sources.init_window("UTC")
    window_sources.feed_panel(st.sidebar)


def test_a_statuspage_rss_fetched_in_the_app_gives_the_incident_as_its_updates_time_it(feed_server, monkeypatch):
    """StreamYard's history.rss fetched from the sidebar offers 'Networking issues' 08:29-09:00 UTC, one click away."""
    monkeypatch.setenv("IMPACT_FEED_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("IMPACT_FEED_CACHE_SECONDS", "0")
    at = run_page(_feed_page)
    at.sidebar.text_input(key="feed_url").set_value(feed_server.url("/streamyard/history.rss"))
    at.sidebar.button(key="feed_fetch").click()
    at = rerun(at)
    assert not at.sidebar.error
    pick = at.sidebar.selectbox(key="feed_pick")
    assert len(pick.options) == 17 and pick.options[0] == "2024-02-08 08:29 Networking issues"
    at.sidebar.button(key="feed_use").click()
    at = rerun(at)
    assert at.session_state["window_utc"] == (datetime(2024, 2, 8, 8, 29), datetime(2024, 2, 8, 9, 0))


def test_an_edited_window_keeps_its_name():
    """Moving the end of a known outage names the move; moving it back gives the name alone."""
    from ui.window_sources import edited_title

    aws = (datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20), "AWS us-east-1 outage")
    moved = (aws[0], datetime(2025, 10, 20, 23, 20))
    assert edited_title(aws, moved, "UTC") == "AWS us-east-1 outage, end moved to 23:20"
    both = (datetime(2025, 10, 20, 7, 0), datetime(2025, 10, 21, 1, 0))
    assert edited_title(aws, both, "Europe/Berlin") == (
        "AWS us-east-1 outage, start moved to 09:00 and end moved to 21 Oct 03:00"
    )
    assert edited_title(aws, aws[:2], "UTC") == "AWS us-east-1 outage"
    assert edited_title((*aws[:2], ""), moved, "UTC") == ""


def _demo_preset_page():
    import streamlit as st

    from impact.ingest import ingest_files
    from impact.store import session_db
    from ui import window_sources
    from ui.orders import DEMO_DIR, DEMO_FILES
    from ui.state import state

    state.con = session_db()
    ingest_files(state.con, [DEMO_DIR / n for n in DEMO_FILES], tz="UTC")
    window_sources.init_window("UTC")
    window_sources.preset_picker(st.sidebar)


def test_known_outages_in_the_orders_are_offered_first():
    """The demo's orders cover the AWS outage of 20 Oct 2025: it is the first known outage offered, marked so."""
    at = run_page(_demo_preset_page)
    picker = at.sidebar.selectbox(key="preset")
    assert picker.options[1] == "AWS us-east-1 outage, 2025-10-20 · in your orders"
    assert not any("in your orders" in o for o in picker.options[3:])


def _orders_after_picker_page():
    import streamlit as st

    from impact.ingest import ingest_files
    from impact.store import session_db
    from ui import window_sources
    from ui.orders import DEMO_DIR, DEMO_FILES
    from ui.state import state

    window_sources.init_window("UTC")
    window_sources.preset_picker(st.sidebar)
    if state.con is None:  # as in the app: the orders are loaded after the sidebar is drawn
        state.con = session_db()
        ingest_files(state.con, [DEMO_DIR / n for n in DEMO_FILES], tz="UTC")


def test_known_outage_label_change_is_sent_to_the_browser():
    """The first run draws the picker before the orders exist; once they mark the AWS outage 'in your orders', the
    browser is sent that new label (it would otherwise send back the old one, which names no option), once."""
    at = run_page(_orders_after_picker_page)
    assert at.sidebar.selectbox(key="preset").proto.raw_value == "AWS us-east-1 outage, 2025-10-20"
    at = rerun(at)
    picker = at.sidebar.selectbox(key="preset")
    assert picker.proto.set_value and picker.proto.raw_value == "AWS us-east-1 outage, 2025-10-20 · in your orders"
    assert picker.value == "aws-us-east-1-2025-10-20"
    at = rerun(at)
    picker = at.sidebar.selectbox(key="preset")
    assert not picker.proto.set_value and picker.value == "aws-us-east-1-2025-10-20"


def _upload_preset_page(path):
    import streamlit as st

    from impact.ingest import ingest_files
    from impact.store import session_db
    from ui import window_sources
    from ui.state import state

    state.con = session_db()
    ingest_files(state.con, [path], tz="UTC")
    state.is_demo = False
    window_sources.init_window("UTC")
    window_sources.preset_picker(st.sidebar)


def test_after_an_upload_the_demo_outage_description_is_dropped(tmp_path):
    """Orders of 2024 uploaded with the demo's AWS outage still picked: no AWS description, a pointer instead."""
    path = tmp_path / "woo.csv"
    path.write_text(
        "Date,Order #,Status,Customer,Customer type,Product(s),Items sold,Coupon(s),Net sales,Origin\n"
        "2024-03-04 08:15:00,5001,Completed,A,new,Blue Mug,2,,25.98,Direct\n"
        "2024-03-05 09:15:00,5002,Completed,B,new,Blue Mug,1,,12.99,Direct\n"
    )
    at = run_page(_upload_preset_page, path)
    assert [c.value for c in at.sidebar.caption] == [
        "Your orders do not reach this outage of 2025-10-20: pick one marked 'in your orders' or set the window below."
    ]

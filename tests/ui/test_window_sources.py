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

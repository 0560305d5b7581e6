"""ui.orders: the demo imported once per session, and the header that labels it."""

from uipages import AWS, rerun, run_page


def _demo_page(window):
    from ui import orders
    from ui.state import state

    orders.load_orders([], "UTC")
    orders.header(state.is_demo, window, "UTC")


def test_demo_is_loaded_once_and_labelled():
    """The demo's orders go into this session's database once; the page says DEMO and shows the window."""
    at = run_page(_demo_page, AWS)
    con = at.session_state["con"]
    assert at.session_state["dataset_key"] == ("demo",) and at.session_state["is_demo"] is True
    assert "DEMO data: Demo Kitchen Co" in at.info[0].value
    assert at.markdown[-1].value.startswith("**Outage window:** Mon 20 Oct 2025 06:48 to 21:20 UTC · 14.5 hours")
    at = rerun(at)
    assert at.session_state["con"] is con

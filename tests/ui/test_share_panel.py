"""ui.share_panel on its own: a read-only link made from a Results object."""

from datetime import datetime

import pytest
from uipages import LATER, render_page, rerun, run_page

from impact.windows import Window


def test_share_panel_makes_a_link_on_the_public_address_and_revokes_it(results, private_app_settings, monkeypatch):
    """The button stores a link for these results built on IMPACT_PUBLIC_URL (a deployment's address), shows it with
    its expiry, and the revoke button ends it: the token no longer opens."""
    from impact.errors import ShareError
    from impact.share import open_share
    from impact.share.url_builder import token_from_query

    monkeypatch.setenv("IMPACT_PUBLIC_URL", "https://impact.example.com/app/")
    at = run_page(render_page, "share_panel", results())
    assert not at.sidebar.code
    at.sidebar.button(key="share_create").click()
    at = rerun(at)
    link = at.session_state["share_link"][1]
    assert link["url"].startswith("https://impact.example.com/app/?share=") and at.sidebar.code[0].value == link["url"]
    token = token_from_query(link["url"].split("?", 1)[1])
    assert open_share(token)
    at.sidebar.button(key="share_revoke").click()
    at = rerun(at)
    assert any(s.value == "Revoked: the link no longer opens." for s in at.sidebar.success)
    assert not at.sidebar.code
    with pytest.raises(ShareError):
        open_share(token)


def _switching_page(first, second):
    import streamlit as st

    from ui import share_panel

    share_panel.render(second if st.session_state.get("switched") else first)


def test_revoke_click_counts_even_when_the_next_run_draws_other_results(results, private_app_settings):
    """The click that revokes also moves the results (the seller changed the window in between): the link is
    revoked all the same, the other results show no link, and the first ones show it revoked."""
    from impact.errors import ShareError
    from impact.share import open_share
    from impact.share.url_builder import token_from_query

    other = Window(start=datetime(2025, 10, 20, 8, 0), end=datetime(2025, 10, 20, 12, 0), channels=("amazon",))
    at = run_page(_switching_page, results(), results(other))
    at.sidebar.button(key="share_create").click()
    at = rerun(at)
    token = token_from_query(at.session_state["share_link"][1]["url"].split("?", 1)[1])
    at.sidebar.button(key="share_revoke").click()
    at.session_state["switched"] = True
    at = rerun(at)
    assert not at.sidebar.code and not at.sidebar.success and not at.sidebar.button(key="share_create").disabled
    with pytest.raises(ShareError):
        open_share(token)
    at.session_state["switched"] = False
    at = rerun(at)
    assert [s.value for s in at.sidebar.success] == ["Revoked: the link no longer opens."]


def test_share_panel_needs_a_loss_estimate(results):
    """Without an estimate for the window there is nothing to share, and no button."""
    at = run_page(render_page, "share_panel", results(LATER))
    assert [c.value for c in at.sidebar.caption] == ["A share link needs a loss estimate for the window."]
    assert not at.sidebar.button


def test_share_panel_refuses_a_length_out_of_range_and_creates_nothing(results, private_app_settings):
    """100000 days gets one error naming the allowed range, a disabled button, and no link is made."""
    at = run_page(render_page, "share_panel", results())
    at.sidebar.number_input(key="share_days").set_value(100000)
    at = rerun(at)
    assert [e.value for e in at.sidebar.error] == [
        "A link can work for 1 to 365 days, not 100,000: change the number to create one."
    ]
    assert at.sidebar.button(key="share_create").disabled and not at.sidebar.code
    assert "share_link" not in at.session_state or not at.session_state["share_link"]

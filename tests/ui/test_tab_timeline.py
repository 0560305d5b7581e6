"""ui.timeline on its own: the Timeline tab rendered from a Results object."""

from dataclasses import replace

from uipages import AWS, LATER, render_page, rerun, run_page


def test_timeline_draws_the_hourly_cumulative_and_daily_charts(results):
    """One affected channel: the hourly, cumulative and daily charts, with no channel picker."""
    at = run_page(render_page, "timeline", results())
    assert len(at.get("plotly_chart")) == 3 and not at.selectbox


def test_timeline_lets_the_seller_pick_one_of_several_affected_channels(results):
    """With two affected channels a picker chooses all of them or one, and the charts follow it."""
    at = run_page(render_page, "timeline", results(replace(AWS, channels=("amazon", "shopify"))))
    picker = at.selectbox(key="timeline_channel")
    assert picker.value == "all" and picker.options == ["All affected channels", "Amazon", "Shopify"]
    picker.set_value("shopify")
    at = rerun(at)
    assert at.selectbox(key="timeline_channel").value == "shopify" and len(at.get("plotly_chart")) == 3


def test_timeline_without_an_estimate_still_shows_the_daily_chart(results):
    """No hourly estimate for a window outside the data: a warning, and the daily chart alone."""
    at = run_page(render_page, "timeline", results(LATER))
    assert any("No hourly estimate" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 1

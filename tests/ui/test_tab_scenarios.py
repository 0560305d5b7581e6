"""ui.scenarios on its own: the Scenarios tab rendered from a Results object."""

from uipages import LATER, metrics, render_page, rerun, run_page


def test_scenarios_shows_todays_risk_and_a_moved_mix(results):
    """Today's concentration and yearly risk, then what moving 30% of Amazon's demand to Shopify would change."""
    at = run_page(render_page, "scenarios", results())
    assert 5000 < int(metrics(at)["Channel concentration (HHI)"].replace(",", "")) < 10000
    yearly = [m for m in at.metric if m.label == "Expected outage loss per year"]
    assert len(yearly) == 2 and yearly[1].delta.startswith("-")
    assert at.multiselect(key="scenario_to::amazon").value == ["shopify"]
    assert len(at.get("plotly_chart")) == 2


def test_scenarios_needs_a_channel_to_move_demand_to(results):
    """Emptying the target channels asks for one instead of drawing a scenario."""
    at = run_page(render_page, "scenarios", results())
    at.multiselect(key="scenario_to::amazon").set_value([])
    at = rerun(at)
    assert any(
        i.value.startswith("Choose a channel to move demand to. To move it to a channel you do not") for i in at.info
    )
    assert not at.get("plotly_chart")


def test_scenarios_without_a_measured_loss_assumes_full_outages(results):
    """Without an estimate for the window the model assumes each outage stops all sales, and says so."""
    at = run_page(render_page, "scenarios", results(LATER))
    assert any("Without a measured loss for this window" in c.value for c in at.caption)


def test_scenarios_show_what_cover_would_have_paid(results):
    """The cover expander runs the simulated years through a policy: four figures, and a parametric policy's sum."""
    at = run_page(render_page, "scenarios", results())
    shown = metrics(at)
    for label in (
        "Expected yearly recovery",
        "Loss left uncovered per year",
        "Years the cover pays",
        "Break-even premium per year",
    ):
        assert label in shown
    at.selectbox(key="cover_kind").set_value("parametric")
    at = rerun(at)
    assert at.number_input(key="cover_hourly_sum").value == 100.0
    assert "Break-even premium per year" in metrics(at)

"""ui.overview on its own: the Overview tab rendered from a Results object."""

from uipages import LATER, metrics, render_page, run_page


def test_overview_shows_the_loss_cards_summary_report_and_daily_chart(results):
    """On the demo's AWS window the Overview has the loss cards, the plain summary, the report button and one chart."""
    at = run_page(render_page, "overview", results())
    shown = metrics(at)
    assert shown["Revenue lost"].startswith("$") and int(shown["Orders lost"]) > 0 and "Net loss" in shown
    assert any(m.value.startswith("During the outage") for m in at.markdown)
    assert [b.proto.label for b in at.get("download_button")] == ["Download report (HTML)"]
    assert len(at.get("plotly_chart")) == 1


def test_overview_without_an_estimate_says_why_and_shows_what_was_loaded(results, demo_report):
    """A window after the last order gets the reason there is no estimate and the loaded orders' figures instead."""
    at = run_page(render_page, "overview", results(LATER))
    assert any("cannot be estimated" in w.value for w in at.warning)
    shown = metrics(at)
    assert shown["Orders loaded"] == f"{demo_report.orders:,}" and shown["Orders during the outage"] == "0"
    assert "Revenue lost" not in shown and not at.get("download_button")

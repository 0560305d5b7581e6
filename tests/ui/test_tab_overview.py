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


def _loaded_page(names, cov, ship):
    from testdata import DATA

    from impact.ingest import ingest_files, summary
    from impact.store import session_db
    from ui.overview import loaded_overview

    con = session_db()
    ingest_files(con, [DATA / n for n in names], tz="UTC")
    loaded_overview(summary(con), cov, ship, 0.9)


NO_ESTIMATE = {"orders_in_window": 0, "history_days": 1.0}


def test_revenue_loaded_in_several_currencies_shows_each_amount():
    """Orders in dollars and yen show both amounts, each on its own line, instead of a cut-off 'several cur…'."""
    at = run_page(_loaded_page, ["amazon_all_orders_32.txt", "amazon_all_orders_29_jp.txt"], NO_ESTIMATE, {})
    card = next(m.value for m in at.markdown if "\\$" in m.value)
    amounts = card.split("  \n")
    assert len(amounts) == 2 and amounts[0].startswith("**¥") and amounts[1].startswith("**\\$")
    assert "several currencies" not in "\n".join(m.value for m in at.markdown)


def test_history_before_the_outage_agrees_with_its_number():
    """One day of history reads '1 day', not '1 days'."""
    at = run_page(_loaded_page, ["shopify_orders_export.csv"], NO_ESTIMATE, {})
    assert metrics(at)["History before the outage"] == "1 day"


def test_late_shipments_that_cannot_be_measured_are_one_plain_sentence():
    """Without the usual late rate the sentence says why, never 'about unknown (90% range unknown to unknown)'."""
    ship = {
        "available": True,
        "excess_late": None,
        "excess_late_low": None,
        "excess_late_high": None,
        "late": 2,
        "due": 5,
    }
    at = run_page(_loaded_page, ["shopify_orders_export.csv"], NO_ESTIMATE, ship)
    text = "\n".join(m.value for m in at.markdown)
    assert "late shipments caused by the outage could not be measured: there are too few orders" in text.lower()
    assert "unknown" not in text and "range" not in text

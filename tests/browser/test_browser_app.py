"""Real-browser test: `streamlit run app.py` in headless Chromium shows the labelled demo with its KPIs."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_demo_page_renders_in_chromium(page, inferring_app, artifacts):
    """The demo opens, as a new visitor of a deployment sees it, with the zone read from its files, the DEMO label,
    KPI cards and a drawn chart; the screenshot is the README's."""
    page.goto(inferring_app, wait_until="domcontentloaded")
    page.get_by_text("DEMO data: Demo Kitchen Co").wait_for(timeout=45_000)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Revenue lost")
    metric.wait_for()
    assert metric.locator('[data-testid="stMetricValue"]').inner_text().startswith("$")
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("tab", name="Data").count() == 1
    page.get_by_text("America/New_York, from the offsets in shopify_orders_export.csv").first.wait_for()
    page.wait_for_timeout(500)  # let plotly finish its first layout pass before the picture
    page.screenshot(path=str(artifacts / "demo_overview.png"), full_page=True)


@pytest.fixture
def utc_page(browser):
    """A page in a fresh context whose browser reports UTC, so the times asserted below are the page's times."""
    context = browser.new_context(viewport={"width": 1400, "height": 1400}, timezone_id="UTC")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


def test_upload_outside_the_window_offers_the_detected_outage_and_one_click_analyses_it(
    utc_page, app_url, artifacts, tmp_path
):
    """A seller's export of 7 Jul-14 Oct misses the demo's 20 Oct window: the page shows no figure for it but offers
    the drop found in the orders (29 Sep 18:00-23:00 UTC), and one click on it shows that outage's loss."""
    from sellers import september_outage_seller

    page = utc_page
    export = september_outage_seller(tmp_path / "amazon_all_orders.txt")
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_text("DEMO data: Demo Kitchen Co").wait_for(timeout=45_000)
    page.locator('[data-testid="stSidebar"] input[type="file"]').first.set_input_files(str(export))
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("outside the order history").wait_for(timeout=60_000)
    choice = main.get_by_role("button", name="Found in your orders")
    choice.wait_for(timeout=60_000)
    assert "Mon 29 Sep 2025 18:00 to 23:00" in choice.inner_text()
    # The demo's figures stay on screen, greyed, until the rerun that replaces them ends: wait for that.
    expect(main.get_by_text("Revenue lost")).to_have_count(0, timeout=60_000)
    expect(main.get_by_text("late shipments")).to_have_count(0, timeout=60_000)
    page.screenshot(path=str(artifacts / "upload_outside_window.png"), full_page=True)

    choice.click()
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Revenue lost")
    metric.wait_for(timeout=60_000)
    assert metric.locator('[data-testid="stMetricValue"]').inner_text().startswith("$")
    page.get_by_text("During the outage (Mon 29 Sep 2025 18:00 to 23:00").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.wait_for_timeout(500)  # plotly's first layout pass, for the picture
    page.screenshot(path=str(artifacts / "upload_outside_window_chosen.png"), full_page=True)


def test_demo_profit_card_matches_the_cli_and_products_list_profit_by_sku(utc_page, app_url, artifacts):
    """The demo's Profit lost card shows what `analyze` with the demo's cost and ad files computes; Products lists
    profit per SKU."""
    import json
    import subprocess
    import sys

    from testdata import ROOT

    from impact.present import format_money

    demo = ROOT / "data" / "demo"
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "impact",
            "analyze",
            str(demo / "amazon_all_orders.txt"),
            str(demo / "shopify_orders_export.csv"),
            "--window",
            "2025-10-20T06:48Z",
            "2025-10-20T21:20Z",
            "--channels",
            "amazon",
            "--tz",
            "UTC",
            "--costs",
            str(demo / "product_costs.csv"),
            "--ads",
            str(demo / "amazon_ads.csv"),
            "--ads",
            str(demo / "google_ads.csv"),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    profit = json.loads(cli.stdout)["windows"][0]["profit"]
    page = utc_page
    page.goto(app_url, wait_until="domcontentloaded")
    card = page.locator('[data-testid="stMetric"]').filter(has_text="Profit lost")
    card.wait_for(timeout=45_000)
    assert card.locator('[data-testid="stMetricValue"]').inner_text() == format_money(profit["lost"], "USD", 0)
    page.get_by_role("tab", name="Products").click()
    heading = page.get_by_text("Profit lost by product")
    heading.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    heading.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "demo_products_profit.png"))

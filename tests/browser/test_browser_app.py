"""Real-browser test: `streamlit run app.py` in headless Chromium shows the labelled demo with its KPIs."""

import pytest

pytestmark = pytest.mark.browser


def test_demo_page_renders_in_chromium(page, app_url, artifacts):
    """The demo opens in a real browser with the DEMO label, KPI cards and a drawn chart; a screenshot is kept."""
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_text("DEMO data: Demo Kitchen Co").wait_for(timeout=45_000)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Revenue lost")
    metric.wait_for()
    assert metric.locator('[data-testid="stMetricValue"]').inner_text().startswith("$")
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("tab", name="Data").count() == 1
    page.wait_for_timeout(500)  # let plotly finish its first layout pass before the picture
    page.screenshot(path=str(artifacts / "demo_overview.png"), full_page=True)

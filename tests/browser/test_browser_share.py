"""Real-browser test: a share link made in one browser opens read-only in another; a forged link shows nothing."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

KPIS = ("Revenue lost", "Orders lost", "Day's sales lost", "Net loss")


def _kpis(page) -> dict[str, str]:
    """Label -> value of every KPI card, once the last card (the net loss: the demo's Amazon report has no ship times) has been drawn."""
    page.locator('[data-testid="stMetric"]').filter(has_text="Net loss").wait_for(timeout=45_000)
    cards = page.locator('[data-testid="stMetric"]')
    out = {}
    for i in range(cards.count()):
        card = cards.nth(i)
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def test_share_link_opens_in_a_fresh_browser_and_forged_links_show_nothing(browser, app_url, artifacts):
    """The link from the share panel shows the same KPIs in a new browser context with no upload; a well-formed
    but unknown token gets only 'This link is not valid'."""
    seller = browser.new_context(viewport={"width": 1400, "height": 1300}, timezone_id="America/New_York")
    try:
        page = seller.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_url, wait_until="domcontentloaded")
        page.get_by_text("During the outage (").wait_for(timeout=45_000)
        shown = _kpis(page)
        assert set(KPIS) <= set(shown) and shown["Revenue lost"].startswith("$")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Share these results").click()
        sidebar.get_by_role("button", name="Create a read-only link").click()
        link = sidebar.locator('[data-testid="stCode"] code').first
        link.wait_for(timeout=60_000)  # a rerun of the whole page on a loaded CI machine
        url = link.inner_text().strip()
    finally:
        seller.close()
    assert url.startswith(f"{app_url}/?share=")
    token = urlsplit(url).query.removeprefix("share=")

    viewer = browser.new_context(viewport={"width": 1400, "height": 1300})  # no cookies, no session, UTC browser
    try:
        page = viewer.new_page()
        page.set_default_timeout(30_000)
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("SHARED · read-only").wait_for(timeout=45_000)
        page.get_by_text("During the outage (").wait_for()
        assert {k: v for k, v in _kpis(page).items() if k in KPIS} == {k: shown[k] for k in KPIS}
        # The seller's zone travels with the link, so times read the same for the viewer: the tests' deployment sets
        # every seller's zone (IMPACT_DEFAULT_TZ=UTC, tests/conftest.py), not the seller's New York browser.
        assert page.get_by_text("06:48 to 21:20 UTC, 14.5 hours").count() == 1
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        assert page.get_by_role("button", name="Download report (HTML)").count() == 0
        page.screenshot(path=str(artifacts / "shared_view.png"), full_page=True)
        page.get_by_role("tab", name="Timeline").click()
        page.locator(".js-plotly-plot .main-svg").locator("visible=true").first.wait_for()

        forged = secrets.token_urlsafe(32)
        assert forged != token and len(forged) == len(token)
        page.goto(f"{app_url}/?share={forged}", wait_until="domcontentloaded")
        page.get_by_text("This link is not valid").wait_for(timeout=45_000)
        page.wait_for_timeout(800)  # give any stray element time to appear before asserting there is none
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        assert page.locator('[data-testid="stSidebar"]').count() == 0
        assert page.locator(".js-plotly-plot").count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(artifacts / "shared_forged.png"), full_page=True)
    finally:
        viewer.close()

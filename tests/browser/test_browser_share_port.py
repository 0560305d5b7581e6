"""Real-browser test: on a port other than 8501 and with no IMPACT_APP_URL, the share link the app shows is built on
the address the seller reached, opens read-only in a second browser context, and stops opening once revoked."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_share_link_uses_the_address_reached_and_revokes_from_the_app(browser, start_app, tmp_path):
    """The server knows no address of its own (IMPACT_APP_URL empty): the link still names its real port."""
    env = {"IMPACT_APP_URL": "", "IMPACT_DB": str(tmp_path / "impact.duckdb")}
    env["IMPACT_MAPPINGS_PATH"] = str(tmp_path / "mappings.json")
    url, _proc = start_app(env, "streamlit-share-port.log")
    assert not url.endswith(":8501")
    seller = browser.new_context(viewport={"width": 1400, "height": 1300})
    viewer = browser.new_context(viewport={"width": 1400, "height": 1300})
    try:
        page = seller.new_page()
        page.set_default_timeout(90_000)  # 2 cores shared with the rest of CI
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("During the outage (").wait_for(timeout=120_000)
        # The last KPI card drawn: the page's run has ended, nothing re-renders under the clicks below.
        page.locator('[data-testid="stMetric"]').filter(has_text="Net loss").wait_for(timeout=90_000)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Share these results").click(timeout=90_000)
        sidebar.get_by_role("button", name="Create a read-only link").click(timeout=90_000)
        code = sidebar.locator('[data-testid="stCode"] code').first
        code.wait_for(timeout=120_000)
        link = code.inner_text().strip()
        assert link.startswith(f"{url}/?share="), link

        other = viewer.new_page()
        other.set_default_timeout(90_000)  # 2 cores shared with the rest of CI
        other.goto(link, wait_until="domcontentloaded")
        other.get_by_text("SHARED · read-only").wait_for(timeout=120_000)

        sidebar.get_by_role("button", name="Revoke this link").click(timeout=90_000)
        sidebar.get_by_text("Revoked: the link no longer opens.").wait_for(timeout=120_000)
        # The click left the Known outage alone: the browser once sent back the picker's first label, which named no
        # option after the orders marked it 'in your orders', so any click made it Custom window.
        picker = sidebar.get_by_role("combobox", name="Known outage")
        assert picker.input_value() == "AWS us-east-1 outage, 2025-10-20 · in your orders"
        again = viewer.new_page()
        again.goto(link, wait_until="domcontentloaded")
        again.get_by_text("This link is not valid").wait_for(timeout=120_000)
    finally:
        seller.close()
        viewer.close()

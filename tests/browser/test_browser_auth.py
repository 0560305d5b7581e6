"""Browser test of the operator pages: in real Chromium against `streamlit run`, an anonymous visitor is refused the
Portfolio page and a ?seller= link, and an operator signed in by the proxy's headers (with its secret) opens both."""

from __future__ import annotations

import shutil

import portfolios
import pytest
from portfolios import WINDOW

pytestmark = pytest.mark.browser
sellers = portfolios.sellers  # the shared generated portfolio (tests/portfolios.py)

SECRET = "proxy-secret-for-the-test"


@pytest.fixture
def operator_app(start_app, sellers, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(sellers, root / "agency")
    env = {
        "IMPACT_PORTFOLIO_ROOT": str(root),
        "IMPACT_OPERATOR_HEADER": "X-Forwarded-User",
        "IMPACT_OPERATOR_SECRET": SECRET,
        "IMPACT_DB": str(tmp_path / "impact.duckdb"),
        "IMPACT_MAPPINGS_PATH": str(tmp_path / "mappings.json"),
    }
    url, _proc = start_app(env, "streamlit-auth.log")
    return url


def _open(browser, url: str, headers: dict[str, str]):
    context = browser.new_context(viewport={"width": 1280, "height": 1200}, extra_http_headers=headers)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    return context, page


def test_visitors_are_refused_and_the_proxy_signed_operator_is_let_in(browser, operator_app):
    """Anonymous (or with the header but not the secret): refused; with the proxy's header and secret: allowed."""
    seller = f"{operator_app}/?seller=agency/seller-001&start={WINDOW[0]}&end={WINDOW[1]}"
    for headers in ({}, {"X-Forwarded-User": "mallory"}):
        context, page = _open(browser, f"{operator_app}/?page=portfolio", headers)
        try:
            page.get_by_text("The Portfolio page is for the operator of this server only").wait_for()
            assert page.get_by_text("Run the portfolio").count() == 0
            page.goto(seller)
            page.get_by_text("Opening a seller's folder is for the operator of this server only").wait_for()
        finally:
            context.close()
    operator = {"X-Forwarded-User": "ops@example.com", "X-Impact-Proxy-Secret": SECRET}
    context, page = _open(browser, f"{operator_app}/?page=portfolio", operator)
    try:
        page.get_by_text("Run the portfolio").wait_for()
        assert page.get_by_text("for the operator of this server only").count() == 0
        page.goto(seller)
        page.get_by_text("Your uploaded orders").first.wait_for()
        assert page.get_by_text("for the operator of this server only").count() == 0
    finally:
        context.close()

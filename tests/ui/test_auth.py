"""Tests for the operator sign-in (ui/auth.py): visitors are refused the Portfolio page and ?seller= links, a
proxy-signed operator is let in, a forged header without the proxy's secret is not, and the root is never a seller."""

import shutil
from pathlib import Path

import portfolios
import pytest
from portfolios import WINDOW
from streamlit.testing.v1 import AppTest

from ui import auth

APP = str(Path(__file__).resolve().parents[2] / "app.py")
sellers = portfolios.sellers


@pytest.fixture(autouse=True)
def _settings(tmp_path, monkeypatch, sellers):
    monkeypatch.setenv("IMPACT_DEFAULT_TZ", "UTC")
    root = tmp_path / "root"
    shutil.copytree(sellers, root / "agency")
    monkeypatch.setenv("IMPACT_PORTFOLIO_ROOT", str(root))
    monkeypatch.setenv("IMPACT_OPERATOR_HEADER", "X-Forwarded-User")


def _headers(monkeypatch, headers: dict[str, str]) -> None:
    monkeypatch.setattr(auth, "_header", lambda name: headers.get(name, ""))


def _page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_visitor_is_refused_the_portfolio_page(monkeypatch):
    """Without the operator header the Portfolio page shows only the refusal: no run form, no upload."""
    _headers(monkeypatch, {})
    at = _page(page="portfolio")
    assert at.error[0].value.startswith("The Portfolio page is for the operator of this server only")
    assert not at.selectbox and not at.get("file_uploader")


def test_a_visitor_is_refused_a_seller_link(monkeypatch):
    """A ?seller= link from a visitor loads nothing from the root: the demo is shown with the refusal."""
    _headers(monkeypatch, {})
    at = _page(seller="agency/seller-001", start=WINDOW[0], end=WINDOW[1])
    assert at.error[0].value.startswith("Opening a seller's folder is for the operator of this server only")
    assert "DEMO" in "\n".join(i.value for i in at.info)
    assert "Portfolio of sellers" not in "\n".join(m.value for m in at.sidebar.markdown)


def test_an_operator_signed_in_by_the_proxy_is_let_in(monkeypatch):
    """The proxy's header opens the Portfolio page (its run form) and the sidebar link to it."""
    _headers(monkeypatch, {"X-Forwarded-User": "ops@example.com"})
    at = _page(page="portfolio")
    assert not at.error and at.selectbox[0].label.startswith("Sellers")
    at = _page(seller="agency/seller-001", start=WINDOW[0], end=WINDOW[1])
    assert not at.error and "Portfolio of sellers" in "\n".join(m.value for m in at.sidebar.markdown)


def test_a_forged_header_without_the_proxy_secret_is_refused(monkeypatch):
    """With IMPACT_OPERATOR_SECRET set, the header alone (a visitor reaching the port directly) is not enough."""
    monkeypatch.setenv("IMPACT_OPERATOR_SECRET", "s3cret-from-the-proxy")
    _headers(monkeypatch, {"X-Forwarded-User": "ops@example.com", auth.SECRET_HEADER: "guess"})
    assert _page(page="portfolio").error[0].value.startswith("The Portfolio page is for the operator")
    _headers(monkeypatch, {"X-Forwarded-User": "ops@example.com", auth.SECRET_HEADER: "s3cret-from-the-proxy"})
    assert not _page(page="portfolio").error


def test_the_root_itself_is_never_a_seller(monkeypatch):
    """?seller=. (the root, every seller merged) is refused even for an operator."""
    _headers(monkeypatch, {"X-Forwarded-User": "ops@example.com"})
    at = _page(seller=".", start=WINDOW[0], end=WINDOW[1])
    assert "the portfolio folder itself is not a seller's folder" in at.error[0].value

"""Tests for the Portfolio page (ui/portfolio.py) through app.py: an uploaded results file, a run from a folder under
IMPACT_PORTFOLIO_ROOT with its progress and seller links, and the root's confinement of ?seller= links."""

import os
import shutil
from pathlib import Path

import portfolios
import pytest
from portfolios import WINDOW
from streamlit.testing.v1 import AppTest

from impact.portfolio import write
from impact.portfolio.job import COLUMNS
from ui import auth

APP = str(Path(__file__).resolve().parents[2] / "app.py")
sellers = portfolios.sellers  # the shared generated portfolio (tests/portfolios.py)


@pytest.fixture(autouse=True)
def _private_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("IMPACT_DEFAULT_TZ", "UTC")
    monkeypatch.delenv("IMPACT_PORTFOLIO_ROOT", raising=False)
    # These pages are the operator's: sign in through the proxy header (tests/ui/test_auth.py covers visitors).
    monkeypatch.setenv("IMPACT_OPERATOR_HEADER", "X-Forwarded-User")
    monkeypatch.setattr(auth, "_header", lambda name: "ops@example.com" if name == "X-Forwarded-User" else "")


@pytest.fixture
def root(sellers, tmp_path, monkeypatch):
    """IMPACT_PORTFOLIO_ROOT holding a copy of the portfolio (a folder of seller folders) and nothing else."""
    r = tmp_path / "root"
    shutil.copytree(sellers, r / "agency")
    shutil.rmtree(r / "agency" / "broken")
    monkeypatch.setenv("IMPACT_PORTFOLIO_ROOT", str(r))
    return r


def _page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _row(seller, lost, p):
    r = dict.fromkeys(COLUMNS)
    r.update(
        seller_id=seller,
        window_start=WINDOW[0],
        window_end=WINDOW[1],
        channels="amazon",
        currency="USD",
        revenue_lost=lost,
        revenue_lost_low=lost - 50,
        revenue_lost_high=lost + 50,
        net_lost=lost,
        p_effect=p,
        warnings="",
        error="",
    )
    return r


def test_uploaded_results_show_summary_chart_and_table(tmp_path):
    """With no root the page says running is off; an uploaded Parquet shows the metrics, the chart and the table,
    without dashboard links (nothing says where an upload's sellers' files are). The total is the affected sellers'
    loss alone: seller d sold more than expected and b's drop is noise, and neither is netted in."""
    rows = [_row("a", 100, 0.99), _row("b", 10, 0.3), _row("c", 40, 0.95), _row("d", -60, 0.2)]
    parquet, _ = write(rows, tmp_path / "r.parquet")
    at = _page(page="portfolio")
    assert "IMPACT_PORTFOLIO_ROOT" in at.info[0].value
    at.file_uploader[0].set_value([("r.parquet", parquet.read_bytes(), "application/octet-stream")])
    at = at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Revenue lost by affected sellers (USD)": "$140",
        "Sellers affected": "2 sellers",
        "Sellers not affected": "2 sellers",
    }
    assert len(at.get("plotly_chart")) == 1
    table = at.dataframe[0].value
    assert list(table["Seller"]) == ["a", "b", "c", "d"] and "Dashboard" not in table.columns
    assert list(table.iloc[3][["Revenue lost", "Channels", "Chance of an effect", "Profit lost"]]) == [
        "−$60.00",
        "Amazon",
        "20%",
        "",
    ]
    assert table.iloc[0]["Outage start"] == "Fri 07 Mar 2025 14:00 UTC"


def test_run_from_the_root_with_progress_and_links(root):
    """A run of the root's folder fills the table with one row per seller and a dashboard link under the root."""
    at = _page(page="portfolio")
    at.selectbox[0].set_value("agency")
    at.text_input[0].set_value(WINDOW[0])
    at.text_input[1].set_value(WINDOW[1])
    at = at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert sorted(table["Seller"]) == [f"seller-{i:03d}" for i in range(5)]
    assert table["Dashboard"][list(table["Seller"]).index("seller-001")].startswith("?seller=agency%2Fseller-001&")
    assert (table["Error"] == "").all()


def test_a_seller_link_opens_its_dashboard(root):
    """?seller=<folder under the root> loads that seller's export instead of the demo, with the link's window."""
    at = _page(seller="agency/seller-001", start=WINDOW[0], end=WINDOW[1], channels="amazon")
    texts = "\n".join(c.value for c in at.caption)
    assert "Your uploaded orders" in texts and not at.error
    assert "2025-03-07 14:00 to 2025-03-07 19:00" in texts


@pytest.mark.parametrize("kind", ["dotdot", "symlink"])
def test_seller_links_cannot_leave_the_root(root, tmp_path, kind):
    """`..` and a symlink to a folder outside the root are refused; the demo is shown and nothing outside is read."""
    outside = tmp_path / "outside"
    shutil.copytree(root / "agency" / "seller-000", outside)
    if kind == "symlink":
        os.symlink(outside, root / "agency" / "sneaky")
        rel = "agency/sneaky"
    else:
        rel = "../outside"
    at = _page(seller=rel, start=WINDOW[0], end=WINDOW[1])
    assert "outside the portfolio folder" in at.error[0].value
    assert "DEMO" in "\n".join(i.value for i in at.info)


def test_seller_links_need_a_root(sellers):
    """Without IMPACT_PORTFOLIO_ROOT a ?seller= link reads nothing and says why."""
    at = _page(seller=str(sellers / "seller-000"))
    assert "portfolio folder" in at.error[0].value

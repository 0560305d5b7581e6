"""A seller's upload whose dates miss the chosen window: no figure for it, the outages in their data offered instead,
one click to analyse one (ui.outside, through app.py)."""

from datetime import datetime
from pathlib import Path

import pytest
from sellers import september_outage_seller
from streamlit.testing.v1 import AppTest
from uipages import run_page

from impact.windows import Window

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def _private_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("IMPACT_MAPPINGS_PATH", str(tmp_path / "mappings.json"))
    monkeypatch.setenv("IMPACT_DB", str(tmp_path / "shares.duckdb"))


@pytest.fixture(scope="module")
def september(tmp_path_factory) -> bytes:
    return september_outage_seller(tmp_path_factory.mktemp("seller") / "amazon_all_orders.txt").read_bytes()


OCTOBER_1 = Window(start=datetime(2025, 10, 1), end=datetime(2025, 10, 2))


def _run(at: AppTest) -> AppTest:
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_upload_outside_the_window_offers_its_outage_and_one_click_analyses_it(september):
    """Orders of 7 Jul-14 Oct with the demo's 20 Oct window: no loss, late-shipment sentence or chart, the dates
    and the 29 Sep drop offered; clicking it estimates the loss of 29 Sep 18:00-23:00 UTC."""
    at = _run(AppTest.from_file(APP, default_timeout=90))
    at.sidebar.file_uploader[0].set_value([("amazon_all_orders.txt", september, "text/plain")])
    at = _run(at)
    why = " ".join(w.value for w in at.warning)
    assert "cannot be estimated" in why and "after your last order" in why
    assert "Mon 07 Jul 2025 00:19 to Tue 14 Oct 23:50 UTC" in why
    shown = {m.label: m.value for m in at.metric}
    assert "Revenue lost" not in shown and shown["Orders loaded"].replace(",", "").isdigit()
    # Only what does not depend on the window is left: the channel mix's yearly risk and the import report.
    assert [t.label for t in at.tabs] == ["Scenarios", "Data"]
    assert len(at.get("plotly_chart")) == len(at.tabs[0].get("plotly_chart"))
    assert not any("late shipment" in m.value for m in at.markdown)
    first = at.button(key="suggest_0")
    assert "Found in your orders" in first.label and "Amazon orders down 9" in first.label
    assert "Mon 29 Sep 2025 18" in first.label

    first.click()
    at = _run(at)
    assert at.session_state["window_utc"] == (datetime(2025, 9, 29, 18), datetime(2025, 9, 29, 23))
    assert at.session_state["window_title"] == "Amazon orders drop, as seen in your orders"
    assert at.sidebar.multiselect(key="affected").value == ["amazon"]
    assert at.session_state["preset"] == "custom"
    shown = {m.label: m.value for m in at.metric}
    assert shown["Revenue lost"].startswith("$") and int(shown["Orders lost"].replace(",", "")) > 50
    assert any(m.value.startswith("During the outage (Mon 29 Sep 2025 18:00 to 23:00 UTC") for m in at.markdown)
    assert not any(b.key == "suggest_0" for b in at.button)


def _outside_page(names, window):
    from testdata import DATA

    from impact.ingest import ingest_files, summary
    from impact.store import session_db
    from ui import outside

    con = session_db()
    ingest_files(con, [DATA / n for n in names], tz="UTC")
    outside.render(con, summary(con), window, "UTC", "USD")


def test_with_nothing_to_offer_it_says_how_to_choose_a_window():
    """A day of orders after the window, with no drop or known outage in it, says how to type a window instead."""
    at = run_page(_outside_page, ["shopify_orders_export.csv"], OCTOBER_1)
    assert "before your first order" in at.warning[0].value
    assert "type its times under Outage in the sidebar" in at.info[0].value
    assert not at.button and "Revenue lost" not in {m.label for m in at.metric}

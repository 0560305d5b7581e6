"""The sidebar's costs panel with AppTest: the demo's costs, uploads, the fee editor and a bad cost file."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from uipages import run_app

COSTS = Path(__file__).resolve().parents[1] / "data" / "costs"
pytestmark = pytest.mark.usefixtures("private_app_settings")


def _run(at: AppTest | None = None) -> AppTest:
    return run_app(at, timeout=90)


def _card(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_demo_shows_profit_from_its_own_cost_files():
    """The demo opens with a Profit lost card and profit by product, from the cost and ad files it ships with."""
    at = _run()
    assert _card(at, "Profit lost").startswith("$")
    assert any("Profit lost by product" in s.value for s in at.subheader)
    assert not at.error


def test_fee_edit_changes_the_profit_and_a_bad_cost_file_is_explained():
    """Setting Amazon's fee to zero raises the profit lost; an unreadable cost file is one sentence, no profit."""
    at = _run()
    before = _card(at, "Profit lost")
    editor = at.session_state["fee_table"]
    assert editor is not None
    at.session_state["fee_table"] = {"edited_rows": {0: {"pct": 0.0}}, "added_rows": [], "deleted_rows": []}
    at = _run(at)
    after = _card(at, "Profit lost")
    assert after != before
    assert float(after.strip("$").replace(",", "")) > float(before.strip("$").replace(",", ""))
    at.sidebar.file_uploader(key="cost_uploads").set_value([("notes.csv", b"hello,world\n1,2\n", "text/csv")])
    at = _run(at)
    assert any("notes.csv" in e.value for e in at.error)
    assert "Profit lost" not in [m.label for m in at.metric]


def test_uploaded_generic_costs_are_accounted_for_in_the_data_tab():
    """An uploaded cost CSV shows in the Data tab with its lines loaded, skipped and rejected."""
    sample = COSTS / "product_costs.csv"
    at = _run()
    at.sidebar.file_uploader(key="cost_uploads").set_value([(sample.name, sample.read_bytes(), "text/csv")])
    at = _run(at)
    assert any("convert" in e.value.lower() for e in at.error)  # EUR costs against USD orders
    at.sidebar.selectbox(key="home_currency").set_value("USD")
    at = _run(at)
    assert not at.error, [e.value for e in at.error]
    # The sample's odd rows (a 1,234.50 cost for a $40 knife) may well make the profit lost negative: only its
    # presence is the point here.
    profit = [m.value for m in at.metric if m.label in ("Profit lost", "Profit above expected")]
    assert len(profit) == 1 and profit[0].startswith("$")  # a gain has its own title, never a minus
    assert any("Costs, fees and ad spend" in s.value for s in at.subheader)
    assert any(sample.name in str(df.value) for df in at.dataframe)

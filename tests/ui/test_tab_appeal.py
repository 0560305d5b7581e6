"""ui.appeal on its own: the metrics a marketplace judges with and without the outage, and the editable request,
which follows the window (the seller's edits kept only while the figures stay the same)."""

from datetime import datetime

import pytest
from sellers import merchant_fulfilled_seller
from uipages import render_page, run_page

from impact.ingest import ingest_files, summary
from impact.options import resolve_options
from impact.store import session_db
from impact.windows import Window
from ui.results import Params, Results


def test_demo_amazon_has_nothing_it_can_appeal_and_says_why(results):
    """On the demo (Amazon hit, Shopify beside it) Amazon comes first; its export has no ship times, so no order can be
    shown affected: no letter, no download, and the reason instead."""
    at = run_page(render_page, "appeal", results())
    box = at.selectbox(key="appeal_marketplace")
    assert box.options == ["Amazon", "Shopify"] and box.value == "amazon"
    said = "\n".join(m.value for m in at.markdown)
    assert "Late Shipment Rate could not be measured" in said  # the All Orders report carries no ship times
    assert not at.text_area and not at.get("download_button")
    assert any(i.value.startswith("There is no letter to write to Amazon") for i in at.info)


def test_no_shopify_sla_request_for_an_aws_outage(results):
    """Choosing Shopify for the AWS outage: Shopify was not down, so there is no SLA request, and the tab says why."""
    at = run_page(render_page, "appeal", results())
    at.selectbox(key="appeal_marketplace").set_value("shopify").run()
    assert not at.exception and not at.text_area
    assert any("no Shopify SLA credit to request" in i.value for i in at.info)


def appeal_page(make) -> None:
    """Page script: the Appeal tab over a window whose end the test chooses."""
    import streamlit as st

    from ui import appeal

    appeal.render(make(st.number_input("Outage ends (hour of 20 Oct)", 8, 23, 13, key="test_end")))


@pytest.fixture(scope="module")
def merchant(tmp_path_factory):
    """A seller who ships Amazon orders themselves, the warehouse stalled from 07:00 on 20 Oct 2025 to the next
    evening: the longer the window, the more orders it affected."""
    path = tmp_path_factory.mktemp("merchant") / "all_orders.txt"
    stalled = (datetime(2025, 10, 20, 7), datetime(2025, 10, 21, 19))
    merchant_fulfilled_seller(path, start=datetime(2025, 9, 15), days=45, per_day=40, stalled=stalled)
    con = session_db()
    ingest_files(con, [path], tz="UTC")
    report = summary(con)

    def make(end_hour: int) -> Results:
        window = Window(datetime(2025, 10, 20, 7), datetime(2025, 10, 20, end_hour), ("amazon",), title="AWS outage")
        return Results(con, report, window, Params(window.channels, resolve_options(tz="UTC")))

    yield make
    con.close()


def test_the_letter_follows_the_window_and_keeps_edits_only_while_it_stays(merchant):
    """Edits survive a rerun with the same window; a new window writes the letter afresh from its figures, with a
    note that the edits were not kept; what the seller must know sits beside the letter, not in it."""
    at = run_page(appeal_page, merchant)
    first = at.text_area[0].value
    assert "affected" in first and "Note:" not in first and "export one" not in first
    at.text_area[0].set_value(first + "\nMy own line.").run()
    assert at.text_area[0].value.endswith("My own line.") and not at.info
    at.number_input(key="test_end").set_value(20).run()
    assert not at.exception
    second = at.text_area[0].value
    assert "My own line." not in second and second != first
    assert "Mon 20 Oct 2025 07:00 to 20:00" in second and "07:00 to 13:00" in first
    assert any("written afresh from the new figures" in i.value for i in at.info)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[0] == "Download the letter (TXT)" and labels[1].startswith("Download the appeal pack")

"""ui.shipments on its own: the Shipments tab from a Results object, and from an explicit shipments summary."""

from uipages import AWS, metrics, render_page, run_page


def test_shipments_counts_the_late_orders_and_offers_them_for_an_appeal(results):
    """The demo's late Shopify orders: the counts, the per-channel table and the CSV of the late orders."""
    from dataclasses import replace

    at = run_page(render_page, "shipments", results(replace(AWS, channels=("shopify",))))
    shown = metrics(at)
    assert int(shown["Shipped late"]) >= int(shown["Late because of the outage"]) > 0
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(labels) == 1 and labels[0].startswith("Download the") and labels[0].endswith("late orders (CSV)")
    assert any(s.value == "Orders to list in an appeal" for s in at.subheader)


def _no_ship_times(window):
    import pandas as pd

    from ui.shipments import shipments

    notes = ["the Amazon orders carry no ship times, so late shipments cannot be measured there: add X"]
    shipments({"available": False, "notes": notes}, pd.DataFrame(), window, "UTC")


def test_shipments_without_ship_times_says_which_exports_have_them():
    """A summary without ship times asks for an export that has them and lists its notes, with no figures."""
    at = run_page(_no_ship_times, AWS)
    assert at.info[0].value == (
        "Late shipments cannot be measured on Amazon, the channel the outage hit; orders of your other channels "
        "are not counted. The Amazon orders carry no ship times, so late shipments cannot be measured there: add X."
    )
    assert not at.caption and not at.metric

"""ui.shipments on its own: the Shipments tab from a Results object, and from an explicit shipments summary."""

from uipages import AWS, metrics, render_page, run_page


def test_shipments_counts_the_late_orders_and_offers_them_for_an_appeal(results):
    """The demo's late Shopify orders: the counts, the per-channel table and the CSV of the late orders."""
    at = run_page(render_page, "shipments", results())
    shown = metrics(at)
    assert int(shown["Shipped late"]) >= int(shown["Late because of the outage"]) > 0
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(labels) == 1 and labels[0].startswith("Download the") and labels[0].endswith("late orders (CSV)")
    assert any(s.value == "Orders to list in an appeal" for s in at.subheader)


def _no_ship_times(window):
    import pandas as pd

    from ui.shipments import shipments

    shipments({"available": False, "notes": ["Amazon All Orders has no ship times."]}, pd.DataFrame(), window, "UTC")


def test_shipments_without_ship_times_says_which_exports_have_them():
    """A summary without ship times asks for an export that has them and lists its notes, with no figures."""
    at = run_page(_no_ship_times, AWS)
    assert "cannot be measured" in at.info[0].value and "Shopify orders export" in at.info[0].value
    assert [c.value for c in at.caption] == ["• Amazon All Orders has no ship times."] and not at.metric

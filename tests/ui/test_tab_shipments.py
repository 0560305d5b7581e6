"""ui.shipments on its own: the Shipments tab from a Results object, and from an explicit shipments summary."""

from uipages import AWS, metrics, render_page, run_page


def test_shipments_counts_the_late_orders_and_offers_them_for_an_appeal(results):
    """The demo's late Shopify orders: the counts, the per-channel table and the CSV of the late orders."""
    from dataclasses import replace

    at = run_page(render_page, "shipments", results(replace(AWS, channels=("shopify",))))
    shown = metrics(at)
    assert int(shown["Shipped late"]) >= int(shown["Late because of the outage"]) > 0
    assert at.dataframe[0].value.to_dict("records") == [
        {
            "Channel": "Shopify",
            "Due": 75,
            "Late": 19,
            "Late anyway": 1.87,
            "Caused by outage": 17.13,
            "Usual late rate": "3.3%",
        }
    ]
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(labels) == 1 and labels[0].startswith("Download the") and labels[0].endswith("late orders (CSV)")
    assert any(s.value == "Orders to list in an appeal" for s in at.subheader)


def _no_ship_times(window):
    import pandas as pd

    from impact.shipments import ShipmentResult
    from ui.shipments import shipments

    notes = ["the Amazon orders carry no ship times, so late shipments cannot be measured there: add X"]
    nothing = dict.fromkeys(("late_expected", "excess_late", "excess_late_low", "excess_late_high", "overdispersion"))
    blank = dict.fromkeys(("backlog_cleared", "extra_handling_hours", "peak_backlog_orders", "hours_late_total"))
    summary = ShipmentResult(
        **nothing,
        **blank,
        due=0,
        late=0,
        unshipped_late=0,
        due_from="2025-10-20T06:48:00Z",
        bought_until="2025-10-20T06:48:00Z",
        horizon_hours=24.0,
        sla_hours=48.0,
        business_days=False,
        confidence=0.9,
        channels=[],
        by_channel={},
        placebos=0,
        available=False,
        definition="",
        notes=notes,
    )
    shipments(summary, pd.DataFrame(), window, "UTC")


def test_shipments_without_ship_times_says_which_exports_have_them():
    """A summary without ship times asks for an export that has them and lists its notes, with no figures."""
    at = run_page(_no_ship_times, AWS)
    assert at.info[0].value == (
        "Late shipments cannot be measured on Amazon, the channel the outage hit; orders of your other channels "
        "are not counted. The Amazon orders carry no ship times, so late shipments cannot be measured there: add X."
    )
    assert not at.caption and not at.metric

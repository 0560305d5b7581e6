"""Metric definitions against small hand-counted order sets inserted into `lines`."""

from datetime import datetime

import pytest

from impact.appeal.metrics import marketplace_metrics
from impact.appeal.sla import credit_tier, sla_credit
from impact.windows import Window

END = datetime(2025, 10, 20)


def _add(con, channel, order_id, purchased, *, shipped=None, promise=None, status="completed", fulfilment="Merchant"):
    con.execute(
        """INSERT INTO lines (channel, marketplace, order_id, line_key, purchased_at, sku, quantity, revenue, currency,
                              status, fulfilment, shipped_at, promised_at)
           VALUES ($c, $c, $o, 'SKU-1', $p, 'SKU-1', 1, 10, 'USD', $st, $f, $sh, $pr)""",
        {"c": channel, "o": order_id, "p": purchased, "st": status, "f": fulfilment, "sh": shipped, "pr": promise},
    )


@pytest.fixture
def amazon(con):
    """Eight Amazon orders whose late and cancelled counts are worked out by hand in the tests below."""
    d = datetime
    _add(con, "amazon", "A1", d(2025, 10, 4), promise=d(2025, 10, 5, 12), shipped=d(2025, 10, 5, 10))  # on time
    _add(con, "amazon", "A2", d(2025, 10, 15), promise=d(2025, 10, 16, 12), shipped=d(2025, 10, 16, 14))  # late
    # Fulfilled by Amazon and late: never the seller's.
    _add(con, "amazon", "A3", d(2025, 10, 15), promise=d(2025, 10, 16), shipped=d(2025, 10, 18), fulfilment="Amazon")
    _add(con, "amazon", "A4", d(2025, 10, 16), status="cancelled")
    _add(con, "amazon", "A5", d(2025, 10, 16), promise=d(2025, 10, 17, 12))  # unshipped past its promise: late
    _add(con, "amazon", "A6", d(2025, 8, 30), promise=d(2025, 9, 1), shipped=d(2025, 9, 3))  # late, before 30 days
    _add(con, "amazon", "A7", d(2025, 10, 17), promise=d(2025, 10, 18, 12), shipped=d(2025, 10, 18, 9))  # on time
    _add(con, "amazon", "A8", d(2025, 10, 19, 12), promise=d(2025, 10, 21), shipped=d(2025, 10, 19, 15))  # after end
    return con


def _by_key(metrics):
    return {m["key"]: m for m in metrics}


def test_amazon_late_shipment_rate_counts_seller_fulfilled_orders_by_ship_by_date(amazon):
    """30 days: A1, A2, A5, A7 are due (A3 is FBA, A4 cancelled, A6 too old, A8 not due yet); A2 and A5 are late."""
    m = _by_key(marketplace_metrics(amazon, "amazon", ["A2"], END, "the test outage", sla_hours=48))
    lsr30, lsr10 = m["amazon_lsr_30"], m["amazon_lsr_10"]
    assert (lsr30["orders_considered"], lsr30["counted_with"], lsr30["with_outage"]) == (4, 2, 0.5)
    assert (lsr30["orders_affected"], lsr30["counted_without"], lsr30["without_outage"]) == (1, 1, pytest.approx(1 / 3))
    assert lsr30["promise_source"] == "ship-by dates from the export"
    # A1's ship-by date is 15 days before the end: outside the 10-day period.
    assert (lsr10["orders_considered"], lsr10["counted_with"], lsr10["without_outage"]) == (3, 2, 0.5)
    assert lsr30["sentence"] == (
        "Your 30-day Late Shipment Rate is 50.0% (threshold 4%); without the 1 order affected by the test outage it "
        "is 33.3%."
    )


def test_amazon_cancel_rate_counts_seller_fulfilled_orders_bought_in_seven_days(amazon):
    """7 days to 20 Oct: A2, A4, A5, A7, A8 were bought by the seller's own fulfilment; A4 was cancelled."""
    m = _by_key(marketplace_metrics(amazon, "amazon", ["A2", "A4"], END, "the test outage", sla_hours=48))
    pfcr = m["amazon_pfcr_7"]
    assert (pfcr["orders_considered"], pfcr["counted_with"], pfcr["with_outage"]) == (5, 1, 0.2)
    assert (pfcr["orders_affected"], pfcr["without_outage"]) == (2, 0.0)
    assert pfcr["threshold"] == 0.025 and "who cancelled" in pfcr["note"]


def test_ebay_without_ship_by_dates_uses_purchase_plus_the_handling_time(con):
    """With no ship-by date an order is late once shipped more than the SLA after purchase, and the metric says so."""
    _add(con, "ebay", "E1", datetime(2025, 10, 15), shipped=datetime(2025, 10, 17, 1))  # 49 h: late at 48 h
    _add(con, "ebay", "E2", datetime(2025, 10, 15), shipped=datetime(2025, 10, 16))
    (m,) = marketplace_metrics(con, "ebay", [], END, "the test outage", sla_hours=48)
    assert (m["with_outage"], m["threshold"], m["orders_affected"]) == (0.5, 0.03, 0)
    assert m["promise_source"] == "purchase + 48 hours (the export has no ship-by dates)"
    assert "none of the orders it counts were affected" in m["sentence"]
    (loose,) = marketplace_metrics(con, "ebay", [], END, "the test outage", sla_hours=72)
    assert loose["with_outage"] == 0.0


def test_etsy_dispatch_is_on_time_through_the_ship_by_utc_day(con):
    """Ship-by 12 Oct (purchase 10 Oct + 48 h): shipped 12 Oct 23:00 UTC is on time, 13 Oct 01:00 is not."""
    _add(con, "etsy", "T1", datetime(2025, 10, 10), shipped=datetime(2025, 10, 12, 23), fulfilment=None)
    _add(con, "etsy", "T2", datetime(2025, 10, 10), shipped=datetime(2025, 10, 13, 1), fulfilment=None)
    (m,) = marketplace_metrics(con, "etsy", ["T2"], END, "the test outage", sla_hours=48)
    assert (m["with_outage"], m["without_outage"], m["higher_is_better"]) == (0.5, 1.0, True)
    assert "(Star Seller aims at 95%)" in m["sentence"]


def test_metrics_that_cannot_be_computed_say_why_without_a_number(con):
    """No orders, only FBA orders, or no ship times: no rate, a reason instead."""
    assert marketplace_metrics(con, "ebay", [], END, "x", sla_hours=48)[0]["reason"] == "the files hold no eBay orders"
    _add(con, "amazon", "F1", datetime(2025, 10, 15), shipped=datetime(2025, 10, 16), fulfilment="AFN")
    for m in marketplace_metrics(con, "amazon", [], END, "x", sla_hours=48):
        assert m["with_outage"] is None and not m["available"] and "fulfilled by the marketplace" in m["reason"]
    _add(con, "amazon", "M1", datetime(2025, 10, 15), promise=datetime(2025, 10, 16), fulfilment="MFN")
    m = _by_key(marketplace_metrics(con, "amazon", [], END, "x", sla_hours=48))
    assert m["amazon_lsr_30"]["with_outage"] is None and "no ship times" in m["amazon_lsr_30"]["reason"]
    assert m["amazon_lsr_30"]["sentence"].startswith("Your 30-day Amazon Late Shipment Rate could not be measured")
    # Cancellations need no ship times: MFN order M1 is counted.
    assert m["amazon_pfcr_7"]["with_outage"] == 0.0


def test_shopify_credit_tiers_follow_the_months_uptime():
    """240 minutes of a 31-day month is 99.46% uptime: the 25% tier; 5 minutes 10%; 4 minutes none; 500 all."""
    w = Window(datetime(2025, 10, 18, 9), datetime(2025, 10, 18, 13))
    sla = sla_credit(w)
    assert (sla["month"], sla["outage_minutes"], sla["month_minutes"], sla["credit"]) == ("2025-10", 240, 44640, 0.25)
    assert [credit_tier(1 - m / 44640) for m in (4, 5, 500)] == [0.0, 0.10, 1.00]
    across = sla_credit(Window(datetime(2025, 10, 31, 23), datetime(2025, 11, 1, 2)))
    assert across["outage_minutes"] == 60 and "next month" in across["notes"][-1]
    assert "check them there" in sla["notes"][0]


def test_affected_orders_add_the_windows_seller_cancellations_on_the_hit_channels(amazon):
    """Cancelled in the window on Amazon counts (A4); FBA, eBay and cancellations bought outside the window do not."""
    from impact.appeal.affected import affected_orders
    from impact.shipments import shipment_report

    _add(amazon, "amazon", "C1", datetime(2025, 10, 16, 1), status="cancelled", fulfilment="Amazon")
    _add(amazon, "ebay", "C2", datetime(2025, 10, 16, 1), status="cancelled")
    _add(amazon, "amazon", "C3", datetime(2025, 10, 17, 1), status="cancelled")
    window = Window(datetime(2025, 10, 15, 12), datetime(2025, 10, 16, 12), channels=("amazon",))
    _summary, evidence = shipment_report(amazon, window)
    orders = affected_orders(amazon, window, evidence)
    assert sorted(orders.loc[orders.reason == "cancelled", "order_id"]) == ["A4"]
    # A2 shipped after its ship-by date, A5 never shipped: the shipment analysis' evidence, with its reason.
    late = orders[orders.reason != "cancelled"].set_index("order_id")["reason"].to_dict()
    assert late == {"A2": "shipped late", "A5": "not shipped"}

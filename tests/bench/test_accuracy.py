"""bench.accuracy's analyst's ratio anchor and bench.synth's export files, on sellers whose figures are known."""

from datetime import datetime, timedelta

import numpy as np
import pytest

from bench.accuracy import analyst_ratio
from bench.synth import Outage, make_seller, simulate, write_exports
from impact import service
from impact.revenue import history_from_orders


def _flat_seller() -> object:
    """Amazon sells one $10 order an hour, Shopify one $5 order an hour, except on day 30 when Shopify's demand
    doubles (two orders an hour): a day twice as busy as its four weeks before."""
    hours, channel, revenue = [], [], []
    for h in range(35 * 24):
        hours.append(h + 0.5)
        channel.append(0)
        revenue.append(10.0)
        for _ in range(2 if h // 24 == 30 else 1):
            hours.append(h + 0.5)
            channel.append(1)
            revenue.append(5.0)
    hours, channel, revenue = np.array(hours), np.array(channel), np.array(revenue)
    return history_from_orders(datetime(2025, 1, 6), 35, ["amazon", "shopify"], channel, hours, revenue, revenue / 5)


def test_analysts_ratio_scales_the_four_week_mean_by_the_days_demand_on_the_other_channel():
    """Window 10:00-14:00 of day 30: 4 hours x $10 (the 4-week mean) x 2 (Shopify's day outside the window: $200
    against $100) = $80; the 24 h after run over days 30 and 31 (Shopify $320 against $220 outside the window) =
    24 x $10 x 320/220; the window + recovery is their sum."""
    hist = _flat_seller()
    start = datetime(2025, 1, 6) + timedelta(days=30, hours=10)
    end = start + timedelta(hours=4)
    window, both = analyst_ratio(hist, "amazon", ["shopify"], start, end, end + timedelta(hours=24))
    assert window == pytest.approx(80.0)
    assert both == pytest.approx(80.0 + 240.0 * 320.0 / 220.0)


def test_a_single_channel_reads_the_day_on_its_own_hours_outside_the_window_and_recovery():
    """Amazon alone, a steady $10 an hour: its own other hours say the day is normal, so the window expects 4 x $10."""
    hist = _flat_seller()
    start = datetime(2025, 1, 6) + timedelta(days=30, hours=10)
    end = start + timedelta(hours=4)
    window, both = analyst_ratio(hist, "amazon", [], start, end, end + timedelta(hours=6))
    assert window == pytest.approx(40.0)
    assert both == pytest.approx(100.0)


def test_exports_import_as_the_orders_they_were_made_from(tmp_path):
    """A New York seller's three channels written as Amazon (UTC), Shopify (local time with offsets across the
    March clock change) and eBay (local time) files import with every order and every cent, on the right channel."""
    rng = np.random.default_rng(5)
    seller = make_seller(rng, 40, n_channels=3, n_days=70, tz="America/New_York", start=datetime(2025, 1, 20))
    start = seller.start + timedelta(days=50, hours=15)
    sim = simulate(rng, seller, [Outage(start, start + timedelta(hours=5), "amazon", 0.8)])
    paths = write_exports(sim, tmp_path)
    assert [p.name for p in paths] == ["amazon_all_orders.txt", "orders_export_1.csv", "ebay_orders.csv"]
    shopify = paths[1].read_text()
    assert " -0500\n" not in shopify and " -0500," in shopify and " -0400," in shopify  # EST, then EDT
    assert "+00:00\t" in paths[0].read_text()
    con, _ = service.load_files([str(p) for p in paths], tz="America/New_York")
    got = dict(con.execute("SELECT channel, round(sum(revenue), 2) FROM lines GROUP BY ALL").fetchall())
    orders = dict(con.execute("SELECT channel, count(DISTINCT order_id) FROM lines GROUP BY ALL").fetchall())
    for i, ch in enumerate(seller.channels):
        sel = sim.channel == i
        assert float(got[ch]) == pytest.approx(float(sim.revenue[sel].sum()), abs=0.01)
        assert orders[ch] == int(sel.sum())
    when = con.execute("SELECT min(purchased_at) FROM lines WHERE channel = 'ebay'").fetchone()[0]
    first = seller.start + timedelta(hours=float(sim.hours[sim.channel == 2].min()))
    assert when == first.replace(microsecond=0)
    con.close()

"""bench.accuracy's analyst's ratio anchor and bench.synth's export files, on sellers whose figures are known."""

from datetime import datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pytest

from bench.accuracy import (
    IMPACT,
    ORACLE,
    Trial,
    analyst_ratio,
    as_new_user,
    breakdown_markdown,
    floor_sd,
    level_error,
)
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


def test_a_new_user_in_the_app_is_analysed_in_the_browsers_zone(monkeypatch):
    """An Amazon-only seller's UTC report, whose hours of the day alone say America/Los_Angeles, runs in the zone the
    browser reports (America/Denver) when uploaded in the app: the browser ranks above the hours of the day."""
    monkeypatch.setenv("IMPACT_DEFAULT_TZ", "")  # as deployed: the tests' forced UTC would decide it
    rng = np.random.default_rng(11)
    seller = make_seller(rng, 300, n_channels=1, n_days=63, tz="America/Los_Angeles", start=datetime(2025, 1, 20))
    start = seller.start + timedelta(days=50, hours=17)
    outage = Outage(start, start + timedelta(hours=5), seller.channels[0], 1.0)
    sim = simulate(rng, seller, [outage])
    (cli,) = as_new_user(sim, [outage])
    (app,) = as_new_user(sim, [outage], browser="America/Denver")
    assert (cli["zone"], app["zone"]) == ("America/Los_Angeles", "America/Denver")
    assert app["iv"][1] > 0 and cli["iv"][1] > 0  # a whole channel gone for 5 hours: a loss at the low end too


def test_the_floor_sd_adds_the_orders_baskets_and_the_hourly_noise():
    """Orders of $10, $10 and $20 on the channel (E[r^2]/E[r] = 600/40 = 15), $100 expected over 4 hours, hourly
    noise of SDs 0.06 and 0.08: variance 100 x 15 + (e^0.01 - 1) x 100^2 / 4 = 1,525.13, an SD of $39.05."""
    seller = SimpleNamespace(channels=("amazon", "shopify"), hour_sd=0.08)
    sim = SimpleNamespace(revenue=np.array([10.0, 10.0, 99.0, 20.0]), channel=np.array([0, 0, 1, 0]))
    start = datetime(2025, 3, 1, 10)
    outage = SimpleNamespace(channel="amazon", start=start, end=start + timedelta(hours=4))
    assert floor_sd(sim, seller, outage, 100.0) == pytest.approx(39.052854, abs=1e-6)


def _trial(kind: str, truth: float, actual: float, hours: float, iv: tuple, oracle: tuple, sd: float) -> Trial:
    t = Trial(kind, 500, 2, hours, truth, actual + truth, actual + truth, actual, {}, 0, 0, None, {}, 0.0)
    t.intervals, t.floor_sd = {IMPACT: iv, ORACLE: oracle}, sd
    return t


def test_the_breakdown_gives_error_bias_width_and_coverage_beside_the_oracles_floor():
    """Two outages: one removing 25% of a 3-hour window (truth $100; the product says $120 in $60-$200, the oracle
    $90 +- $49.35), one removing 80% of a 12-hour window (truth $400; $380 in $300-$500, the oracle $410 +- $98.69):
    each row's medians, and the width over the oracle's, window by window (140/98.69 and 200/197.38)."""
    trials = [
        _trial("outage", 100.0, 300.0, 3, (120.0, 60.0, 200.0), (90.0, 40.65, 139.35), 30.0),
        _trial("outage", 400.0, 100.0, 12, (380.0, 300.0, 500.0), (410.0, 311.31, 508.69), 60.0),
        _trial("none", 0.0, 500.0, 6, (0.0, -50.0, 50.0), (0.0, -40.0, 40.0), 25.0),
    ]
    rows = breakdown_markdown(trials, IMPACT).splitlines()
    assert rows[2] == "| all | 2 | 12.5% (6.2%) | +7.5% (-3.8%) | 95% (74%) | 1.22x | 100.0% (100.0%) |"
    assert (
        rows[3] == "| removed under 40% | 1 | 20.0% (10.0%) | +20.0% (-10.0%) | 140% (99%) | 1.42x | 100.0% (100.0%) |"
    )
    assert rows[4] == "| removed 70-100% | 1 | 5.0% (2.5%) | -5.0% (+2.5%) | 50% (49%) | 1.01x | 100.0% (100.0%) |"
    assert rows[5] == "| 2-4 h | 1 | 20.0% (10.0%) | +20.0% (-10.0%) | 140% (99%) | 1.42x | 100.0% (100.0%) |"
    assert rows[6] == "| 10-15 h | 1 | 5.0% (2.5%) | -5.0% (+2.5%) | 50% (49%) | 1.01x | 100.0% (100.0%) |"
    assert len(rows) == 7


def test_the_level_error_is_the_expected_revenue_against_the_generators():
    """Expected $400 where the generator's was $400 (0%), $110 against $100 (10%), $470 against $500 (6%): the
    median is 6%."""
    trials = [
        _trial("outage", 100.0, 300.0, 3, (100.0, 0.0, 200.0), (100.0, 0.0, 200.0), 30.0),
        _trial("none", 0.0, 100.0, 6, (10.0, -50.0, 50.0), (0.0, -40.0, 40.0), 25.0),
        _trial("outage", 400.0, 100.0, 12, (370.0, 300.0, 500.0), (400.0, 311.31, 508.69), 60.0),
    ]
    assert level_error(trials, IMPACT) == pytest.approx(6.0)

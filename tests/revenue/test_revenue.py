"""Tests for the counterfactual estimator (impact.revenue) on generated series with a known effect."""

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from bench.synth import Outage, make_seller, random_outage, simulate
from impact.errors import InputError, MixedCurrencyError, WindowError
from impact.revenue import (
    ORD,
    REV,
    calibrate,
    estimate_event,
    history_from_orders,
    hourly_counterfactual,
    load_history,
)

DAY0 = datetime(2025, 3, 3)  # a Monday
SHAPE = np.array([1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 8, 7, 5, 3, 2], float)
SHAPE /= SHAPE.sum()


def _toy(days=70, per_day=(400.0, 400.0), shocks=None, remove=None, seed=0, daily=frozenset()):
    """Two channels with one hour shape, Poisson orders worth 10-40 each, daily demand shocks shared by both
    (sd 15%), optional fixed shocks on given days and a removal (channel, start hour, end hour, fraction).
    Returns the History and the true expected revenue of the removal."""
    rng = np.random.default_rng(seed)
    shocks = shocks or {}
    mult = np.exp(rng.normal(0, 0.15, days))
    for d, m in shocks.items():
        mult[d] = m
    chans, hours = [], []
    lam_by_ch = []
    for c, rate in enumerate(per_day):
        lam = (rate * mult[:, None] * SHAPE[None, :]).ravel()
        lam_by_ch.append(lam)
        n = rng.poisson(lam)
        h = np.repeat(np.arange(days * 24), n) + rng.random(n.sum())
        chans.append(np.full(len(h), c))
        hours.append(h)
    ch, hrs = np.concatenate(chans), np.concatenate(hours)
    value = rng.uniform(10, 40, len(hrs))
    units = rng.integers(1, 3, len(hrs)).astype(float)
    truth = None
    if remove:
        c, a, b, frac = remove
        hit = (ch == c) & (hrs >= a) & (hrs < b) & (rng.random(len(hrs)) < frac)
        ch, hrs, value, units = ch[~hit], hrs[~hit], value[~hit], units[~hit]
        truth = float(lam_by_ch[c][int(a) : int(b)].sum() * 25.0)
    hist = history_from_orders(DAY0, days, ["amazon", "shopify"], ch, hrs, value, units, daily=daily, currency="EUR")
    return hist, truth


def _at(day, hour=0):
    return DAY0 + timedelta(days=day, hours=hour)


def test_known_full_outage_is_recovered_with_an_interval_that_excludes_zero():
    """A 6-hour outage removing every Amazon order is estimated within 15% of the true expected revenue."""
    hist, truth = _toy(remove=(0, 60 * 24 + 10, 60 * 24 + 16, 1.0), seed=1)
    est = estimate_event(hist, _at(60, 10), _at(60, 16), ("amazon",))
    assert est.actual[REV] == 0
    assert abs(est.expected[REV] - truth) / truth < 0.15
    assert 0 < est.lost.low < est.expected[REV] < est.lost.high
    assert est.lost.p_effect > 0.95
    assert est.lost.method == "placebo" and est.n_placebos >= 19
    assert est.controls == ("shopify",)


def test_partial_outage_lost_share_matches_the_removed_fraction():
    """Removing 40% of orders yields lost/expected near 0.4."""
    hist, _ = _toy(per_day=(2000.0, 1500.0), remove=(0, 50 * 24 + 8, 50 * 24 + 20, 0.4), seed=2)
    est = estimate_event(hist, _at(50, 8), _at(50, 20), ("amazon",))
    share = (est.expected[REV] - est.actual[REV]) / est.expected[REV]
    assert 0.3 < share < 0.5
    assert est.expected[ORD] > est.actual[ORD]


def test_no_outage_windows_mostly_contain_zero():
    """On ten windows where nothing happened, the 90% interval contains 0 at least seven times."""
    hist, _ = _toy(days=90, seed=3)
    inside = 0
    for d in range(70, 80):
        est = estimate_event(hist, _at(d, 9), _at(d, 14), ("amazon",))
        inside += est.lost.low <= 0 <= est.lost.high
    assert inside >= 7


def test_shared_shock_is_read_from_the_control_channel():
    """A day with 50% more demand everywhere is tracked through the unaffected channel, not missed."""
    # The window starts at midnight and the recovery period covers the rest of the day: no own hours to go by.
    remove = (0, 60 * 24, 60 * 24 + 10, 1.0)
    hist, truth = _toy(shocks={60: 1.5}, remove=remove, seed=4)
    with_ctl = estimate_event(hist, _at(60, 0), _at(60, 10), ("amazon",))
    without = estimate_event(hist, _at(60, 0), _at(60, 10), ("amazon",), controls=())
    assert abs(with_ctl.expected[REV] - truth) / truth < 0.12
    assert abs(without.expected[REV] - truth) / truth > 0.2
    assert "controls" in with_ctl.fits["amazon"].features


def test_sparse_seller_gets_a_wider_relative_interval():
    """A seller with a few orders a day gets an interval several times wider, relative to sales, than a big one."""

    def rel_width(rate, seed):
        hist, _ = _toy(per_day=(rate, rate), seed=seed)
        est = estimate_event(hist, _at(60, 9), _at(60, 15), ("amazon",))
        return (est.lost.high - est.lost.low) / est.expected[REV]

    assert rel_width(10.0, 5) > 3 * rel_width(3000.0, 6)


def test_all_channels_affected_means_no_controls():
    """With every channel affected there is no control series and the estimate still works."""
    hist, _ = _toy(remove=(0, 60 * 24 + 10, 60 * 24 + 16, 1.0), seed=7)
    est = estimate_event(hist, _at(60, 10), _at(60, 16))
    assert est.affected == ("amazon", "shopify") and est.controls == ()
    assert "controls" not in est.fits["amazon"].features
    assert est.expected[REV] > est.actual[REV]


def test_date_only_data_is_measured_over_whole_days():
    """Day-precision history gives a daily resolution and says so."""
    hist, _ = _toy(daily=frozenset({"amazon", "shopify"}), remove=(0, 60 * 24 + 10, 60 * 24 + 16, 1.0), seed=8)
    est = estimate_event(hist, _at(60, 10), _at(60, 16), ("amazon",))
    assert est.resolution == "day"
    assert any("whole days" in w for w in est.warnings)
    assert len(est.fits["amazon"].window_bins) == 1
    # a quarter of the day's orders are gone
    assert 0 < est.expected[REV] - est.actual[REV] < 0.6 * est.expected[REV]


def test_window_outside_the_data_is_refused():
    """A window after the last order is a WindowError naming the history's span."""
    hist, _ = _toy(days=30)
    with pytest.raises(WindowError, match="outside the order history"):
        estimate_event(hist, _at(40, 0), _at(40, 5))


def test_window_with_too_little_history_is_refused_and_thin_history_warned():
    """Under 7 days of history is an error; under 28 days is a warning."""
    hist, _ = _toy(days=40)
    with pytest.raises(WindowError, match="at least 7"):
        estimate_event(hist, _at(3, 10), _at(3, 12), ("amazon",))
    est = estimate_event(hist, _at(12, 10), _at(12, 14), ("amazon",))
    assert any("days of amazon history" in w for w in est.warnings)


def test_unknown_channel_is_refused():
    """Naming a channel that has no orders is a WindowError listing the channels there are."""
    hist, _ = _toy()
    with pytest.raises(WindowError, match="channels: amazon, shopify"):
        estimate_event(hist, _at(60, 10), _at(60, 12), ("walmart",))


def test_other_known_outage_stays_out_of_placebos():
    """A previous outage passed as another window is used neither as a placebo day nor in the baseline."""
    hist, _ = _toy(remove=(0, 55 * 24 + 10, 55 * 24 + 13, 0.3), seed=9)
    naive = estimate_event(hist, _at(60, 10), _at(60, 16), ("amazon",))
    est = estimate_event(hist, _at(60, 10), _at(60, 16), ("amazon",), other_windows=[(_at(55, 10), _at(56, 13))])
    assert 5 in naive.placebo_shifts  # a mild dip is not caught by the anomaly screen on its own
    assert 5 not in est.placebo_shifts and 4 not in est.placebo_shifts


def test_recapture_is_measured_after_the_window():
    """Orders that come back after the window show up as recaptured revenue."""
    rng = np.random.default_rng(10)
    seller = make_seller(rng, 2000, n_channels=2, hidden_outages=0, special=False)
    start = seller.start + timedelta(days=120, hours=10)
    out = Outage(start, start + timedelta(hours=6), "amazon", fraction=1.0, recapture=0.5)
    sim = simulate(rng, seller, [out])
    est = estimate_event(sim.history(), out.start, out.end, ("amazon",))
    rec = est.recovery_actual[REV] - est.recovery_expected[REV]
    truth = sim.truth[0].recaptured
    assert est.recaptured.low < truth < est.recaptured.high
    assert rec > 0.3 * truth


def test_calibrate_uses_conformal_order_statistics():
    """With 99 placebo errors the interval endpoints are the 5th and 95th order statistics of the scores."""
    errs = np.linspace(-1, 1, 99)
    iv = calibrate(100.0, 100.0, np.full(99, 100.0), 100.0 + errs * 10, q=1.0, floor=1.0, confidence=0.9)
    sc = np.sqrt(100.0)  # c fits to ~0 here, so the scale is the Poisson part
    assert iv.method == "placebo"
    assert iv.low == pytest.approx(np.sort(errs * 10 / sc)[4] * sc, rel=0.05)
    assert iv.high == pytest.approx(np.sort(errs * 10 / sc)[94] * sc, rel=0.05)
    few = calibrate(100.0, 50.0, np.full(5, 100.0), np.full(5, 100.0), q=1.0, floor=1.0, confidence=0.9)
    assert few.method == "approximate" and few.low < 50 < few.high


def _insert(con, df):
    con.register("df_in", df)
    con.execute("INSERT INTO lines SELECT * FROM df_in")
    con.unregister("df_in")


@pytest.fixture(scope="module")
def small_seller():
    rng = np.random.default_rng(11)
    seller = make_seller(rng, 300, n_channels=2, n_days=90, hidden_outages=0)
    out = random_outage(rng, seller, 75, fraction=1.0)
    return simulate(rng, seller, [out]), out


def test_duckdb_aggregation_matches_the_array_path(con, small_seller):
    """load_history over table `lines` gives the same bins as history_from_orders on the same orders."""
    sim, _ = small_seller
    _insert(con, sim.lines())
    from_sql = load_history(con)
    direct = sim.history()
    for name in direct.channels:
        a, b = from_sql.channels[name].values, direct.channels[name].values
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(from_sql.channels[name].q, direct.channels[name].q, rtol=1e-9)


def test_cancelled_lines_are_excluded(con, small_seller):
    """Cancelled lines add neither revenue nor orders."""
    sim, _ = small_seller
    df = sim.lines()
    _insert(con, df)
    before = load_history(con).channels["amazon"].values.sum(axis=(1, 2))
    extra = df.head(50).copy()
    extra["order_id"] = "C" + extra["order_id"]
    extra["status"] = "cancelled"
    _insert(con, extra)
    after = load_history(con).channels["amazon"].values.sum(axis=(1, 2))
    np.testing.assert_allclose(before, after)


def test_several_currencies_must_be_chosen(con, small_seller):
    """Mixed currencies are refused with a message naming them; choosing one works."""
    sim, _ = small_seller
    df = sim.lines()
    df.loc[df.index[:100], "currency"] = "GBP"
    _insert(con, df)
    with pytest.raises(MixedCurrencyError, match="USD .* GBP|GBP .* USD"):
        load_history(con)
    assert load_history(con, currency="usd").currency == "USD"
    with pytest.raises(InputError, match="no orders in JPY"):
        load_history(con, currency="JPY")


def test_hourly_counterfactual_flags_the_outage_hours(con, small_seller):
    """During a full outage every hour is below its interval; the rows carry hour/actual/expected/low/high."""
    sim, out = small_seller
    _insert(con, sim.lines())
    rows = hourly_counterfactual(con, out.channel, out.start, out.end)
    assert len(rows) == int((out.end - out.start).total_seconds() // 3600)
    assert set(rows[0]) == {"hour", "actual", "expected", "low", "high"}
    assert all(r["low"] <= r["expected"] <= r["high"] for r in rows)
    assert all(r["actual"] == 0 for r in rows)
    busy = [r for r in rows if r["expected"] > 5 * sim.revenue.mean()]
    assert busy and all(r["actual"] < r["low"] for r in busy)
    assert pd.Timestamp(rows[0]["hour"]).tz_convert(None) == pd.Timestamp(out.start)


def test_date_only_lines_stay_on_their_local_day(con, data_dir):
    """Etsy dates imported in New York time land on their own days of the New York grid, cancelled excluded."""
    from impact.ingest import ingest_files

    ingest_files(con, [data_dir / "etsy_sold_orders.csv"], tz="America/New_York")
    hist = load_history(con, tz="America/New_York")
    etsy = hist.channels["etsy"]
    assert etsy.slots == 1
    assert etsy.values[REV].ravel().tolist() == [90.0, 18.0]
    assert hist.day0 == datetime(2025, 10, 20, 4, 0)  # local midnight, EDT


def test_sparse_interval_keeps_a_window_without_orders_possible():
    """When a fifth of the placebo windows had no order at all, a window with none is not declared a loss."""
    rng = np.random.default_rng(12)
    pred = rng.uniform(20, 60, 100)
    actual = np.where(rng.random(100) < 0.2, 0.0, pred * rng.uniform(0.5, 1.5, 100))
    iv = calibrate(80.0, 0.0, pred, actual, q=30.0, floor=5.0, confidence=0.9)
    assert iv.low <= 0 < iv.high

"""The seller's local day across clock changes: bins follow the zone's wall clock, DST included."""

from datetime import datetime

import numpy as np
import pytest

from bench.synth import Outage, make_seller, simulate
from impact.revenue import ORD, REV, estimate_event, history_from_orders, load_history
from impact.revenue.history import local_grid

NY = "America/New_York"


def _hist(tz, first, last):
    from impact.revenue import History

    day0, n_days, offset, clock = local_grid(tz, first, last)
    return History(day0, n_days, offset, {}, tz=tz, clock=clock)


def test_fall_back_folds_the_repeated_hour_and_spring_forward_leaves_the_skipped_one_empty():
    h = _hist(NY, datetime(2025, 10, 1, 12), datetime(2025, 11, 20))
    fall = (datetime(2025, 11, 2) - datetime(2025, 10, 1)).days
    assert h.day0 == datetime(2025, 10, 1, 4)  # local midnight, EDT
    assert h.day_start(fall + 1) == datetime(2025, 11, 3, 5)  # local midnight, EST: the day had 25 hours
    # 1:00-2:00 happens twice (05:00-06:00 EDT and 06:00-07:00 EST in UTC): one bin of two real hours
    assert h.hour_of(datetime(2025, 11, 2, 5)) == 24 * fall + 1
    assert h.hour_of(datetime(2025, 11, 2, 7)) == 24 * fall + 2
    assert h.at_hour(24 * fall + 2) == datetime(2025, 11, 2, 7)
    scale = h.bin_scale(24)
    assert scale[fall, 1] == 2 and (np.delete(scale.ravel(), fall * 24 + 1) == 1).all()
    assert h.bin_scale(1)[fall, 0] == pytest.approx(25 / 24)
    # the same local hour on either side of the change
    assert h.hour_of(datetime(2025, 10, 15, 14)) % 24 == 10 and h.hour_of(datetime(2025, 11, 15, 15)) % 24 == 10

    s = _hist(NY, datetime(2025, 3, 1, 12), datetime(2025, 3, 20))
    spring = (datetime(2025, 3, 9) - datetime(2025, 3, 1)).days
    scale = s.bin_scale(24)
    assert scale[spring, 2] == 0 and scale.sum() == 24 * s.n_days - 1
    assert s.at_hour(24 * spring + 2) == s.at_hour(24 * spring + 3) == datetime(2025, 3, 9, 7)
    assert s.day_start(spring + 1) - s.day_start(spring) == datetime(2025, 3, 10, 4) - datetime(2025, 3, 9, 5)
    # a zone without clock changes keeps the plain grid
    assert _hist("Asia/Kolkata", datetime(2025, 3, 1), datetime(2025, 5, 1)).bin_scale(24) is None


def test_duckdb_bins_follow_the_local_hour_across_the_change(con):
    """An order at 10:30 New York time lands in slot 10 in October (EDT) and in November (EST)."""
    import pandas as pd

    from bench.synth import make_seller as _mk

    rng = np.random.default_rng(3)
    seller = _mk(rng, 40, n_channels=1, n_days=70, start=datetime(2025, 9, 20), hidden_outages=0, special=False)
    sim = simulate(rng, seller, [])
    lines = sim.lines()
    extra = lines.iloc[:2].copy()
    extra["purchased_at"] = [pd.Timestamp("2025-10-15 14:30"), pd.Timestamp("2025-11-15 15:30")]
    extra["order_id"] = ["X1", "X2"]
    con.register("df_in", pd.concat([lines, extra]))
    con.execute("INSERT INTO lines SELECT * FROM df_in")
    hist = load_history(con, tz=NY)
    direct = history_from_orders(
        seller.start, seller.n_days, ["amazon"], sim.channel, sim.hours, sim.revenue, sim.units, tz=NY
    )
    v = hist.channels["amazon"].values[ORD]
    w = direct.channels["amazon"].values[ORD]
    for t in (datetime(2025, 10, 15, 14, 30), datetime(2025, 11, 15, 15, 30)):
        d = hist.day_of(t)
        assert hist.hour_of(t) % 24 == 10.5
        assert v[d, 10] == w[d, 10] + 1  # the extra order, in its local hour
    assert v.sum() == w.sum() + 2


def _november_errors(tz: str, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    seller = make_seller(
        rng, 3000, n_channels=1, start=datetime(2025, 8, 4), n_days=120, tz=NY, special=False, hidden_outages=0
    )
    # four no-loss windows 9:00-14:00 New York time (EST) in late November; the truth is the generator's expected
    # revenue given each day's demand
    windows = [Outage(datetime(2025, 11, d, 14), datetime(2025, 11, d, 19), "amazon", 0.0) for d in (18, 20, 24, 26)]
    sim = simulate(rng, seller, windows)
    hist = history_from_orders(
        seller.start, seller.n_days, ["amazon"], sim.channel, sim.hours, sim.revenue, sim.units, tz=tz
    )
    errs = []
    for o, truth in zip(windows, sim.truth, strict=True):
        others = [(w.start, w.end) for w in windows if w is not o]
        est = estimate_event(hist, o.start, o.end, ("amazon",), recovery_hours=0, other_windows=others)
        errs.append(abs(est.expected[REV] - truth.expected_mean) / truth.expected_mean)
    return errs


def test_us_seller_across_the_november_change_gets_the_local_hour_shape():
    """History from August to December in New York: the October weeks (EDT) teach the hour shape of a late-November
    window (EST). On the zone's own clock the estimate is far closer to the truth than with one fixed offset
    (EST all along, the method before: October sat an hour off)."""
    local = _november_errors(NY, 1) + _november_errors(NY, 2)
    fixed = _november_errors("Etc/GMT+5", 1) + _november_errors("Etc/GMT+5", 2)
    assert np.mean(local) < 0.6 * np.mean(fixed)
    assert np.mean(local) < 0.06


def test_hourly_rows_skip_the_missing_hour_and_show_the_repeated_one_once():
    rng = np.random.default_rng(5)
    seller = make_seller(rng, 500, n_channels=2, start=datetime(2025, 1, 6), n_days=90, tz=NY, hidden_outages=0)
    # 23:00 EST on 8 March to 07:00 EDT on 9 March: eight hours of wall clock, seven of them real
    out = Outage(datetime(2025, 3, 9, 4), datetime(2025, 3, 9, 11), "amazon", 1.0)
    sim = simulate(rng, seller, [out])
    hist = sim.history()
    est = estimate_event(hist, out.start, out.end, ("amazon",), recovery_hours=6)
    rows = [r for r in est.hourly(0.9) if r["channel"] == "amazon"]
    hours = [r["hour"] for r in rows]
    assert len(hours) == len(set(hours))
    outage = [r for r in rows if r["phase"] == "outage"]
    assert len(outage) == 7 and all(r["actual"] == 0 for r in outage)
    assert est.actual[REV] == 0 and est.expected[REV] > 0

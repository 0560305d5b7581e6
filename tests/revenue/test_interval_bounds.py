"""Intervals that can be: never below minus what was sold, never above what the channel could have sold, the point
inside, and a sparse seller's wide interval said in a sentence."""

from datetime import timedelta

import numpy as np
import pytest

from bench.synth import Outage, make_seller, simulate
from impact.revenue import REV, estimate_event
from impact.revenue.event import Recapture, _at_most_the_loss
from impact.revenue.interval import calibrate


def test_a_prediction_of_almost_nothing_does_not_blow_up_the_interval():
    """Placebos predicted at (almost) nothing that sold an order gave a ratio of billions (6,029,999,982.88 here,
    the issue's $1.2 trillion); now the upper bound is what the channel could have sold: 24.12 expected + the best
    placebo's 25.00 - 17.12 sold = 32.00, and the lower bound is minus what was sold."""
    pp = np.array([0.0] * 20 + [1e-7] * 5 + [3.0] * 5)
    pa = np.array([0.0] * 22 + [25.0] * 3 + [0.0] * 5)
    iv = calibrate(24.12, 17.12, pp, pa, q=30.0, floor=12.5, confidence=0.9)
    assert iv.high == pytest.approx(32.0, abs=1e-9)
    assert iv.low == pytest.approx(-17.12, abs=1e-9)  # most placebos sold nothing: so might this window have
    assert iv.low <= 24.12 - 17.12 <= iv.high


def test_the_loss_is_never_below_minus_what_was_sold():
    """With few placebos (a normal band) and none at all (a deliberately wide one), the lower bound stops at minus
    the sales of the window: the counterfactual is never negative."""
    few = calibrate(10.0, 4.0, np.array([9.0, 11.0, 10.0]), np.array([30.0, 0.0, 2.0]), 20.0, 5.0, 0.9)
    assert few.low == pytest.approx(-4.0) and few.method == "approximate"
    none = calibrate(10.0, 4.0, np.zeros(0), np.zeros(0), 20.0, 5.0, 0.9)
    assert none.low == pytest.approx(-4.0) and none.high > 6.0


def _sparse_windows():
    """Six sellers of about one order a day, a 6-hour window at four times of day each (night ones predict ~0)."""
    for seed in range(6):
        seller = make_seller(np.random.default_rng(seed), 1.0, n_channels=1)
        for hour in (2, 8, 14, 20):
            start = seller.start + timedelta(days=120, hours=hour)
            out = Outage(start, start + timedelta(hours=6), "amazon", 1.0)
            sim = simulate(np.random.default_rng(seed + 1000 + hour), seller, [out])
            yield estimate_event(sim.history(), out.start, out.end, ("amazon",))


def test_sparse_seller_intervals_are_physically_possible_and_said_to_be_sparse():
    """On 24 windows of sparse sellers: the loss between minus what was sold and what the channel could have sold
    (expected + its best placebo copy of the window), the net loss at least minus what window and recovery sold,
    every point inside its interval, no recapture above the loss, and a sentence that few orders were expected."""
    n = 0
    for est in _sparse_windows():
        f = est.fits["amazon"]
        exp, act = float(est.expected[REV]), float(est.actual[REV])
        cap = exp + float(f.window[REV].placebo_actual.max())
        assert -act - 1e-9 <= est.lost.low <= exp - act <= est.lost.high <= cap - act + 1e-9
        net_point = exp - act - float(est.recaptured_point()[REV])
        assert est.net.low <= net_point <= est.net.high
        assert est.net.low >= -(act + float(est.recovery_actual[REV])) - 1e-9
        assert est.lost.high < 1000  # dollars, on a store of one order a day
        assert float(est.recaptured_point()[REV]) <= max(exp - act, 0.0) + 1e-9  # only lost orders come back
        assert est.recaptured.high <= max(est.lost.high, 0.0) + 1e-9
        assert any("too few to tell an outage from an ordinary quiet spell" in w for w in est.warnings)
        n += 1
    assert n == 24


def test_busy_seller_gets_no_sparse_sentence():
    """A seller of 300 orders a day expects dozens of orders in a 6-hour window: no sparse sentence."""
    seller = make_seller(np.random.default_rng(3), 300, n_channels=1)
    start = seller.start + timedelta(days=120, hours=10)
    out = Outage(start, start + timedelta(hours=6), "amazon", 1.0)
    sim = simulate(np.random.default_rng(4), seller, [out])
    est = estimate_event(sim.history(), out.start, out.end, ("amazon",))
    assert not any("quiet spell" in w for w in est.warnings)
    assert est.lost.low >= -float(est.actual[REV])


def test_a_recapture_above_the_loss_is_cut_to_it():
    """$30 of excess counted after a window that lost $12 counts $12 (orders and units and the share counted
    shrink with it); after a window that lost nothing it counts nothing; one below the loss is left alone."""
    rc = Recapture(np.array([40.0, 4.0, 6.0]), np.array([30.0, 3.0, 4.5]), 5.0, 0.75, False)
    cut = _at_most_the_loss(rc, 12.0)
    assert cut.value.tolist() == pytest.approx([12.0, 1.2, 1.8]) and cut.factor == pytest.approx(0.3)
    assert _at_most_the_loss(rc, -5.0).value.tolist() == [0.0, 0.0, 0.0]
    assert _at_most_the_loss(rc, 30.0) is rc

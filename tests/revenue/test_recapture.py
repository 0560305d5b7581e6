"""The recapture estimate: the first hours of the recovery period, shrunk by how much normal variation explains."""

from datetime import timedelta

import numpy as np
import pytest

from bench.synth import Outage, make_seller, simulate
from impact.revenue import REV, estimate_event
from impact.revenue.event import measure_recapture


def _case(seed, opd, recapture, hours=6, n_channels=2):
    rng = np.random.default_rng(seed)
    seller = make_seller(rng, opd, n_channels=n_channels, hidden_outages=0, special=False)
    start = seller.start + timedelta(days=120, hours=10)
    out = Outage(start, start + timedelta(hours=hours), "amazon", fraction=1.0, recapture=recapture)
    sim = simulate(rng, seller, [out])
    return sim, estimate_event(sim.history(), out.start, out.end, ("amazon",))


def test_a_clear_recapture_is_counted_almost_whole():
    """Half the lost orders of a busy seller coming back within hours: the estimate reads those hours, counts
    nearly all of their excess and lands near the truth, and the net loss interval holds the true net loss."""
    sim, est = _case(10, 4000, 0.5)
    truth = sim.truth[0]
    rc = est.recapture
    assert rc is not None and rc.factor > 0.8
    assert 0 < rc.hours < 24
    assert est.recaptured_point()[REV] == pytest.approx(truth.recaptured, rel=0.35)
    net_truth = truth.lost - truth.recaptured
    assert est.net.low <= net_truth <= est.net.high


def test_no_recapture_within_noise_counts_for_little():
    """No lost order comes back, for ten sparse sellers: whatever the next day shows is mostly ordinary variation, so
    little of it is counted (far less than the whole day's excess, which a box sum would take), and each net loss
    lies in an interval no wider than from nothing to the loss's upper bound unless the hours after ran low."""
    counted, excess, lost = [], [], []
    for seed in range(11, 21):
        sim, est = _case(seed, 300, 0.0)
        counted.append(abs(est.recaptured_point()[REV]))
        excess.append(abs(est.recovery_actual[REV] - est.recovery_expected[REV]))
        lost.append(sim.truth[0].lost)
        assert counted[-1] <= excess[-1] + 1e-9
        point = est.expected[REV] - est.actual[REV] - est.recaptured_point()[REV]
        assert est.net.low <= point <= est.net.high
        if est.recaptured.high >= 0:
            assert est.net.high <= est.lost.high + 1e-6
    assert np.median(np.array(counted) / np.array(lost)) < 0.05
    assert sum(counted) < 0.3 * sum(excess)


def test_the_estimate_is_the_shrunk_excess_of_the_hours_read():
    """recapture.value = factor x (actual - expected) over the recovery bins read (each by its overlap with the
    recovery period), for revenue, orders and units alike, with the factor between 0 and 1."""
    _, est = _case(12, 1500, 0.3)
    rc = measure_recapture(est.fits, est.affected)
    f = est.fits["amazon"]
    w = f.recovery_bins.w
    n = int(np.searchsorted(np.cumsum(w), rc.hours - 1e-9) + 1) if rc.hours > 0 else 0
    assert 0 <= rc.factor <= 1
    for m in range(3):
        reg = f.recovery[m]
        read = float((w[:n] * (reg.bins_actual[:n] - reg.bins_expected[:n])).sum())
        assert rc.value[m] == pytest.approx(rc.factor * read, rel=1e-9, abs=1e-9)
    assert rc.excess[REV] == pytest.approx(est.recovery_actual[REV] - est.recovery_expected[REV])


def _busy_case(seed, timing, recapture):
    """A seller of 2,500 orders a day (two channels, New York), an outage of 2-15 h removing 90% of one channel's
    orders, `recapture` of them placed again as `timing` says."""
    from bench.synth import random_outage

    rng = np.random.default_rng(seed)
    seller = make_seller(rng, 2500, n_channels=2, tz="America/New_York", hidden_outages=0, special=False)
    out = random_outage(rng, seller, 120)
    out.fraction, out.recapture, out.recapture_timing = 0.9, recapture, timing
    sim = simulate(rng, seller, [out])
    est = estimate_event(sim.history(), out.start, out.end, (out.channel,))
    return sim.truth[0], est


def test_quick_returns_are_read_where_they_are_and_none_is_counted_as_none():
    """Ten busy sellers whose buyers retry within hours (30% of the lost orders): the recapture is read in the first
    hours after the outage, not over the whole day, and counted; the same ten with nobody coming back count nothing
    on most of them and never more than a sixth of the loss."""
    quick = [_busy_case(seed, "soon", 0.3) for seed in range(10)]
    counted = [est.recaptured_point()[REV] / truth.lost for truth, est in quick]
    share = [truth.recaptured / truth.lost for truth, _ in quick]
    assert sum(c > 0.05 for c in counted) == 7
    assert np.median(np.abs(np.array(counted) - np.array(share))) < 0.15
    assert np.median([est.recapture.hours for _, est in quick]) < 12
    none = [_busy_case(seed, "soon", 0.0) for seed in range(10)]
    counted = [est.recaptured_point()[REV] / truth.lost for truth, est in none]
    assert sum(abs(c) < 1e-9 for c in counted) >= 6
    assert max(abs(c) for c in counted) < 1 / 6

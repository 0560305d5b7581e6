"""A recovery period that ends when sales are back to normal (`--recovery-until-normal`)."""

from datetime import datetime, timedelta

import numpy as np
import pytest

from bench.synth import Outage, make_seller, simulate
from impact.revenue import REV, estimate_event, history_from_orders

BERLIN = "Europe/Berlin"


def _seller(seed, n_channels=2, opd=1500):
    rng = np.random.default_rng(seed)
    seller = make_seller(rng, opd, n_channels=n_channels, n_days=100, hidden_outages=0, special=False, tz=BERLIN)
    return rng, seller


def _with_extra(sim, seller, hours, revenue):
    """The simulated orders plus extra amazon orders at `hours` (since seller.start) worth `revenue` each."""
    ch = np.concatenate([sim.channel, np.zeros(len(hours), int)])
    hrs = np.concatenate([sim.hours, hours])
    rev = np.concatenate([sim.revenue, np.full(len(hours), revenue)])
    units = np.concatenate([sim.units, np.ones(len(hours))])
    return history_from_orders(seller.start, seller.n_days, list(seller.channels), ch, hrs, rev, units, tz=BERLIN)


def test_recovery_on_the_next_day_is_kept_whole():
    """An evening outage whose lost orders come back the next morning (09:00-12:00 Berlin time): the quiet night in
    between does not end the recovery period, the morning's surplus is recaptured, and the period ends soon after
    it, well before the 48-hour cap."""
    rng, seller = _seller(21)
    start = datetime(2025, 4, 10, 16)  # 18:00-22:00 in Berlin (CEST)
    out = Outage(start, start + timedelta(hours=4), "amazon", fraction=1.0)
    sim = simulate(rng, seller, [out])
    lost = sim.truth[0].lost
    morning = (datetime(2025, 4, 11, 7) - seller.start).total_seconds() / 3600  # 09:00 CEST
    n_back = 60
    hours = morning + 3 * rng.random(n_back)
    hist = _with_extra(sim, seller, hours, 0.4 * lost / n_back)
    est = estimate_event(hist, out.start, out.end, ("amazon",), recovery_hours=48, recovery_until_normal=3)
    assert datetime(2025, 4, 11, 10) <= est.recovery_end <= datetime(2025, 4, 11, 14)  # 12:00-16:00 CEST
    rec = est.recovery_actual[REV] - est.recovery_expected[REV]
    assert est.recaptured.low <= 0.4 * lost <= est.recaptured.high
    assert rec == pytest.approx(0.4 * lost, rel=0.35)
    fixed = estimate_event(hist, out.start, out.end, ("amazon",), recovery_hours=48)
    assert fixed.recovery_end == out.end + timedelta(hours=48)
    # the shorter period carries less noise: its interval is narrower than the 48-hour one
    assert est.recaptured.high - est.recaptured.low < fixed.recaptured.high - fixed.recaptured.low


def test_recovery_running_past_the_end_of_the_data():
    """Orders still coming back when the export ends: the period stops at the end of the data, with the warning,
    in both modes."""
    rng, seller = _seller(22)
    end_of_data = seller.start + timedelta(days=seller.n_days)
    start = end_of_data - timedelta(hours=14)
    out = Outage(start, start + timedelta(hours=4), "amazon", fraction=1.0)
    sim = simulate(rng, seller, [out])
    e = (out.end - seller.start).total_seconds() / 3600
    hours = e + (seller.n_days * 24 - e) * rng.random(80)
    hist = _with_extra(sim, seller, hours, 0.5 * sim.truth[0].lost / 80)
    for kw in ({}, {"recovery_until_normal": 3}):
        est = estimate_event(hist, out.start, out.end, ("amazon",), recovery_hours=24, **kw)
        assert out.end < est.recovery_end <= hist.day_start(hist.n_days)
        assert est.recovery_end >= hist.last_order - timedelta(hours=1)
        assert any("data ends" in w for w in est.warnings)
        assert est.recovery_actual[REV] - est.recovery_expected[REV] > 0


def test_one_channel_seller_without_a_control():
    """A seller with one channel only: no controls, and the recovery still ends once sales are back to normal."""
    rng, seller = _seller(23, n_channels=1)
    start = datetime(2025, 4, 9, 9)  # 11:00-16:00 CEST
    out = Outage(start, start + timedelta(hours=5), "amazon", fraction=1.0, recapture=0.4)
    sim = simulate(rng, seller, [out])
    hist = sim.history()
    est = estimate_event(hist, out.start, out.end, ("amazon",), recovery_hours=24, recovery_until_normal=3)
    assert est.controls == ()
    assert out.end + timedelta(hours=2) <= est.recovery_end < out.end + timedelta(hours=24)
    truth = sim.truth[0].recaptured
    assert est.recaptured.low <= truth <= est.recaptured.high
    # sales back to normal straight away: the period ends at the first whole hour after the window
    calm = estimate_event(hist, datetime(2025, 4, 2, 9), datetime(2025, 4, 2, 14), ("amazon",), recovery_until_normal=3)
    assert calm.recovery_end - datetime(2025, 4, 2, 14) < timedelta(hours=8)


def test_cli_option_and_setting(monkeypatch):
    """--recovery-until-normal and IMPACT_RECOVERY_MODE reach Options.recovery_mode; a bad mode is refused."""
    import argparse

    from impact.commands import options
    from impact.errors import InputError
    from impact.service import resolve_options
    from impact.settings import load_settings

    p = argparse.ArgumentParser()
    options.add_estimate(p)
    assert options.options(p.parse_args(["--recovery-until-normal"])).recovery_mode == "until-normal"
    assert options.options(p.parse_args([])).recovery_mode == "fixed"
    settings = load_settings({"IMPACT_RECOVERY_MODE": "until-normal", "IMPACT_RECOVERY_NORMAL_HOURS": "4"})
    assert resolve_options(settings).recovery_mode == "until-normal" and settings.recovery_normal_hours == 4
    with pytest.raises(InputError):
        resolve_options(load_settings({"IMPACT_RECOVERY_MODE": "sometimes"}))

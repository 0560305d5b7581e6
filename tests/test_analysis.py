"""Tests for the analysis entry point (impact.analysis): report shape, exact actuals, breakdowns, totals, errors."""

from datetime import timedelta

import numpy as np
import pytest

from bench.synth import Outage, make_seller, simulate
from impact.analysis import analyze
from impact.errors import MixedCurrencyError, WindowError
from impact.options import resolve_options
from impact.windows import Window


@pytest.fixture(scope="module")
def seller_data():
    """90 days of a two-channel seller (~400 orders a day) with a full 6-hour Amazon outage on day 75."""
    rng = np.random.default_rng(21)
    seller = make_seller(rng, 400, n_channels=2, n_days=90, hidden_outages=0)
    start = seller.start + timedelta(days=75, hours=9, minutes=30)
    out = Outage(start, start + timedelta(hours=6), "amazon", fraction=1.0, recapture=0.3, spill=0.2)
    sim = simulate(rng, seller, [out])
    return sim, out


@pytest.fixture
def loaded(con, seller_data):
    sim, out = seller_data
    df = sim.lines()
    df.loc[df.index % 3 == 0, "marketplace"] = np.where(
        df.loc[df.index % 3 == 0, "channel"] == "amazon", "Amazon.de", "shopify"
    )
    con.register("df_in", df)
    con.execute("INSERT INTO lines SELECT * FROM df_in")
    con.unregister("df_in")
    return con, sim, out


def test_report_has_the_documented_keys_and_consistent_numbers(loaded):
    """Every documented key is there; lost = expected - actual and net lost = lost - recaptured."""
    con, sim, out = loaded
    res = analyze(con, [Window(out.start, out.end, ("amazon",))]).to_json()
    w = res["windows"][0]
    assert w["start"] == out.start.strftime("%Y-%m-%dT%H:%M:%SZ") and w["channels"] == ["amazon"]
    rev = w["revenue"]
    assert set(rev) >= {"actual", "expected", "lost", "lost_low", "lost_high", "recaptured", "net_lost", "p_effect"}
    assert rev["lost"] == pytest.approx(rev["expected"] - rev["actual"], abs=0.02)
    assert rev["net_lost"] == pytest.approx(rev["lost"] - rev["recaptured"], abs=0.02)
    assert rev["lost_low"] < rev["lost"] < rev["lost_high"]
    assert rev["actual"] == 0 and w["orders"]["actual"] == 0 and w["units"]["actual"] == 0
    assert w["orders"]["expected"] > 0 and w["units"]["expected"] >= w["orders"]["expected"]
    assert rev["p_effect"] > 0.95 and rev["lost_low"] > 0
    assert set(w["spillover"]) == {"shopify"}
    assert {"hour", "channel", "actual", "expected", "low", "high", "cumulative"} <= set(w["hourly"][0])
    assert res["total"]["lost"] == pytest.approx(rev["lost"])
    assert res["currency"] == "USD"
    assert 0 < w["share_of_day"] < 1


def test_loss_is_close_to_the_truth(loaded):
    """The reported loss of a full outage lies within the interval around the revenue really removed."""
    con, sim, out = loaded
    rev = analyze(con, [Window(out.start, out.end, ("amazon",))]).windows[0].revenue.to_json()
    truth = sim.truth[0]
    assert rev["lost_low"] <= truth.lost <= rev["lost_high"]
    assert abs(rev["lost"] - truth.lost) / truth.lost < 0.35


def test_actuals_are_exact_for_minute_windows(loaded):
    """Actual revenue of a window that starts mid-hour is the exact sum of its lines, not an hourly share."""
    con, sim, out = loaded
    start = out.start - timedelta(days=3, minutes=17)
    end = start + timedelta(hours=4, minutes=5)
    res = analyze(con, [Window(start, end, ("shopify",))]).windows[0]
    exact = con.execute(
        "SELECT sum(revenue), count(DISTINCT order_id) FROM lines WHERE channel = 'shopify' "
        "AND purchased_at >= ? AND purchased_at < ?",
        [start, end],
    ).fetchone()
    assert res.revenue.actual == pytest.approx(float(exact[0]), abs=0.01)  # lines hold exact decimals
    assert res.orders.actual == exact[1]


def test_breakdown_by_marketplace_adds_up(loaded):
    """Marketplace rows of a channel add up to the channel's expected and actual revenue."""
    con, sim, out = loaded
    w = analyze(con, [Window(out.start, out.end, ("amazon",))]).windows[0]
    rows = [r for r in w.by_channel if r.channel == "amazon"]
    assert {r.marketplace for r in rows} == {"amazon", "Amazon.de"}
    assert sum(r.expected for r in rows) == pytest.approx(w.revenue.expected, rel=1e-3)
    assert sum(r.actual for r in rows) == pytest.approx(w.revenue.actual, abs=0.05)
    assert all(r.affected for r in rows)
    assert any(not r.affected for r in w.by_channel)


def test_top_skus_are_sorted_and_positive(loaded):
    """The top SKUs lost come largest first and sum to no more than the total loss."""
    con, sim, out = loaded
    w = analyze(con, [Window(out.start, out.end, ("amazon",))]).windows[0]
    losses = [s.lost for s in w.top_skus]
    assert 0 < len(losses) <= 10
    assert losses == sorted(losses, reverse=True) and min(losses) > 0
    assert sum(losses) <= w.revenue.lost + 0.01


def test_two_windows_total_and_exclusion(loaded):
    """Two windows are reported separately; the total adds them and its interval is no wider than the sum."""
    con, sim, out = loaded
    other = Window(out.start - timedelta(days=10), out.end - timedelta(days=10), ("amazon",))
    res = analyze(con, [Window(out.start, out.end, ("amazon",)), other])
    t = res.total
    a, b = res.windows[0].revenue.to_json(), res.windows[1].revenue.to_json()
    assert t.lost == pytest.approx(a["lost"] + b["lost"], abs=0.02)
    width = (a["lost_high"] - a["lost_low"]) + (b["lost_high"] - b["lost_low"])
    assert t.lost_high - t.lost_low <= width + 0.01
    assert 10 not in res.windows[0].estimate.placebo_shifts


def test_several_currencies_are_refused(loaded):
    """Orders in two currencies need a choice of one."""
    con, sim, out = loaded
    con.execute("UPDATE lines SET currency = 'EUR' WHERE channel = 'shopify'")
    with pytest.raises(MixedCurrencyError, match="--currency"):
        analyze(con, [Window(out.start, out.end, ("amazon",))])
    res = analyze(con, [Window(out.start, out.end, ("amazon",))], resolve_options(currency="USD"))
    assert res.currency == "USD" and "shopify" not in res.windows[0].spillover


def test_open_window_and_outside_window_are_refused(loaded):
    """An open incident and a window after the data are WindowErrors."""
    con, sim, out = loaded
    with pytest.raises(WindowError, match="no end"):
        analyze(con, [Window(out.start, None, ("amazon",))])
    late = out.start + timedelta(days=40)
    with pytest.raises(WindowError, match="outside the order history"):
        analyze(con, [Window(late, late + timedelta(hours=2))])
    with pytest.raises(WindowError, match="at least one"):
        analyze(con, [])


def test_recovery_beyond_the_data_is_warned(loaded):
    """A window near the end of the export warns that recapture covers fewer hours."""
    con, sim, out = loaded
    last = con.execute("SELECT max(purchased_at) FROM lines").fetchone()[0]
    start = last - timedelta(hours=8)
    w = analyze(con, [Window(start, start + timedelta(hours=3), ("amazon",))]).windows[0]
    assert any("recapture covers" in m for m in w.warnings)


def test_date_only_exports_are_analysed_by_whole_days(con, seller_data):
    """With dates but no times the window is measured over its whole day, and the report says so."""
    sim, out = seller_data
    df = sim.lines(time_precision="day")
    con.register("df_in", df)
    con.execute("INSERT INTO lines SELECT * FROM df_in")
    w = analyze(con, [Window(out.start, out.end, ("amazon",))]).windows[0]
    day = out.start.replace(hour=0, minute=0)
    exact = con.execute(
        "SELECT sum(revenue)::DOUBLE FROM lines WHERE channel = 'amazon' AND purchased_at >= ? AND purchased_at < ?",
        [day, day + timedelta(days=1)],
    ).fetchone()[0]
    assert w.estimate.resolution == "day" and w.to_json()["resolution"] == "day"
    assert w.revenue.actual == pytest.approx(exact, abs=0.01)
    assert any("whole days" in m for m in w.warnings)
    assert 0 < w.revenue.lost < w.revenue.expected
    assert len(w.to_json()["hourly"]) >= 1


def test_mixed_precision_is_noted(con, seller_data):
    """A channel whose lines are partly date-only gets a note in the report."""
    sim, out = seller_data
    df = sim.lines()
    some = df.index % 10 == 0
    df.loc[some, "time_precision"] = "day"
    df.loc[some, "purchased_at"] = df.loc[some, "purchased_at"].dt.floor("D")
    con.register("df_in", df)
    con.execute("INSERT INTO lines SELECT * FROM df_in")
    res = analyze(con, [Window(out.start, out.end, ("amazon",))])
    assert any("date but no time" in m for m in res.warnings)


def test_each_window_reports_its_late_shipments(loaded):
    """Every window carries the shipments block; without ship times it says they cannot be measured."""
    con, sim, out = loaded
    w = analyze(con, [Window(out.start, out.end, ("amazon",))], resolve_options(sla_hours=24)).to_json()["windows"][0]
    sh = w["shipments"]
    assert {
        "due",
        "late",
        "late_expected",
        "excess_late",
        "excess_late_low",
        "excess_late_high",
        "backlog_cleared",
    } <= set(sh)
    assert sh["sla_hours"] == 24
    if con.execute("SELECT count(shipped_at) FROM lines").fetchone()[0] == 0:
        assert sh["available"] is False


def test_shipments_can_be_skipped_and_history_reused(loaded):
    """shipments=False leaves the window's shipments empty, and a reused load_history gives the same numbers."""
    from impact.revenue import load_history

    con, sim, out = loaded
    window = Window(out.start, out.end, ("amazon",))
    full = analyze(con, [window]).to_json()["windows"][0]
    hist = load_history(con, tz="UTC", at=window.start)
    lean = analyze(con, [window], shipments=False, hist=hist).to_json()["windows"][0]
    assert full["shipments"] is not None and lean["shipments"] is None
    assert lean["revenue"] == full["revenue"] and lean["orders"] == full["orders"]
    again = analyze(con, [window], shipments=False, hist=hist).to_json()["windows"][0]
    assert again["revenue"] == full["revenue"]  # the cached history is not changed by an analysis

"""Tests for outage detection in the seller's own orders (impact.outages.detect) on generated sellers."""

from datetime import datetime, timedelta

import numpy as np
import pytest

from bench.synth import START, Outage, make_seller, simulate
from impact.errors import InputError, MixedCurrencyError
from impact.outages.detect import detect, detect_history, deviance_z, scan_history

HOUR = timedelta(hours=1)
INJECTED = [
    Outage(datetime(2025, 5, 13, 9), datetime(2025, 5, 13, 15), "amazon", 1.0),
    Outage(datetime(2025, 5, 16, 13), datetime(2025, 5, 16, 17), "shopify", 0.9),  # three days later
    Outage(datetime(2025, 6, 2, 21), datetime(2025, 6, 3, 3), "amazon", 0.85),  # across midnight
    Outage(datetime(2025, 7, 8, 10), datetime(2025, 7, 8, 16), "amazon", 0.6),  # degraded
    Outage(datetime(2025, 8, 19, 12), datetime(2025, 8, 19, 14), "shopify", 1.0),  # two hours
    Outage(datetime(2025, 10, 20, 7), datetime(2025, 10, 20, 13), "amazon", 0.95),  # during the AWS outage
]


def _day(t: datetime) -> int:
    return (t - START).days


@pytest.fixture(scope="module")
def year():
    """A year of a two-channel seller (~1,500 orders a day) with six outages, a holiday and a promotion near them."""
    rng = np.random.default_rng(4)
    seller = make_seller(rng, 1500, n_channels=2, n_days=365, hidden_outages=0)
    seller.special_days[_day(datetime(2025, 5, 10))] = np.array([0.5, 0.55])  # holiday, both channels
    seller.special_days[_day(datetime(2025, 5, 20))] = np.array([1.9, 1.0])  # Amazon promotion
    sim = simulate(rng, seller, INJECTED)
    hist = sim.history()
    return sim, hist, detect_history(hist)


def _found(res, out: Outage):
    return [
        d for d in res.detections if d.channel == out.channel and d.window.start < out.end and d.window.end > out.start
    ]


def test_injected_outages_are_found_within_an_hour(year):
    """Every injected outage, including two three days apart and one across midnight, is found to the hour."""
    _, _, res = year
    for out in INJECTED:
        hits = _found(res, out)
        assert len(hits) == 1, (out, [d.message for d in res.detections])
        w = hits[0].window
        assert abs(w.start - out.start) <= HOUR and abs(w.end - out.end) <= HOUR, (out, w)


def test_nothing_else_is_reported_in_the_year(year):
    """Holidays, promotions and the seller's daily swings produce no window of their own."""
    _, _, res = year
    extra = [d.message for d in res.detections if not any(d in _found(res, o) for o in INJECTED)]
    assert extra == []


def test_windows_carry_the_documented_keys_and_sensible_numbers(year):
    """JSON windows have the Window keys plus drop, loss, p_effect, matches and message; full vs degraded."""
    _, _, res = year
    for d in res.to_json():
        assert {"start", "end", "title", "source", "channels", "impact", "score"} <= set(d)
        assert {"drop_pct", "lost", "lost_low", "lost_high", "p_effect", "matches", "message", "found_by"} <= set(d)
        assert d["source"] == "detected" and d["start"].endswith("Z") and len(d["channels"]) == 1
        assert 0 < d["score"] <= 1 and d["p_effect"] >= 0.9 and d["lost"] > 0
        assert d["impact"] == ("full" if d["drop_pct"] >= 80 else "degraded")
    degraded = _found(res, INJECTED[3])[0]
    assert degraded.window.impact == "degraded" and 30 < degraded.drop_pct < 75
    assert degraded.window.degraded_pct == pytest.approx(degraded.drop_pct, abs=0.1)


def test_the_aws_outage_is_matched_to_the_catalog(year):
    """The drop on 2025-10-20 matches the AWS us-east-1 catalog entry, in one sentence for the seller."""
    _, _, res = year
    hit = _found(res, INJECTED[-1])[0]
    assert hit.to_json()["matches"] == ["aws-us-east-1-2025-10-20"]
    assert hit.message.startswith("your Amazon orders dropped 9")
    assert "2025-10-20 07:00–13:00 UTC — matches the AWS us-east-1 outage" in hit.message
    others = [d for d in res.detections if d is not hit]
    assert all(d.message.endswith("no known outage in the catalog matches") for d in others)


def test_min_hours_and_channels_narrow_the_search(year):
    """A two-hour outage is dropped at --min-hours 3; --channels limits the scan; an unknown channel is refused."""
    _, hist, _ = year
    res = detect_history(hist, min_hours=3, catalog=[])
    assert not _found(res, INJECTED[4]) and _found(res, INJECTED[0])
    only = detect_history(hist, channels=("shopify",), catalog=[])
    assert {d.channel for d in only.detections} == {"shopify"} and len(only.detections) == 2
    with pytest.raises(InputError, match="no orders on walmart"):
        detect_history(hist, channels=("walmart",))
    with pytest.raises(InputError, match="minimum window length"):
        detect_history(hist, min_hours=0.5)


@pytest.mark.parametrize("seed,orders", [(1, 100), (2, 300), (3, 1000), (4, 3000)])
def test_clean_years_give_at_most_one_window_a_year(seed, orders):
    """With no outage at all, detection reports at most one window per simulated year (measured: ~0.1)."""
    rng = np.random.default_rng(500 + seed)
    seller = make_seller(rng, orders, n_days=365, hidden_outages=0)
    res = detect_history(simulate(rng, seller).history())
    assert len(res.detections) <= 1, [d.message for d in res.detections]


def test_sparse_sellers_produce_no_noise():
    """A seller with ~20 orders a day gets no window, even with a real but undetectable 3-hour outage."""
    rng = np.random.default_rng(8)
    seller = make_seller(rng, 20, n_channels=1, n_days=200, hidden_outages=0)
    out = Outage(START + timedelta(days=150, hours=10), START + timedelta(days=150, hours=13), "amazon", 1.0)
    res = detect_history(simulate(rng, seller, [out]).history(), catalog=[])
    assert res.detections == []


def test_a_catalog_outage_is_tested_on_its_own_window():
    """A drop too weak for the blind scan is found by testing the AWS catalog window alone, and only then."""
    rng = np.random.default_rng(0)
    seller = make_seller(rng, 40, n_channels=1, n_days=130, start=datetime(2025, 7, 1), hidden_outages=0)
    out = Outage(datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20), "amazon", 0.9)
    hist = simulate(rng, seller, [out]).history()
    assert detect_history(hist, catalog=[]).detections == []
    res = detect_history(hist)
    assert len(res.detections) == 1
    d = res.detections[0]
    assert d.found_by == "catalog" and [m.extra["id"] for m in d.matches] == ["aws-us-east-1-2025-10-20"]
    assert out.start - HOUR <= d.window.start and d.window.end <= out.end + HOUR


def test_date_only_exports_are_scanned_by_whole_days():
    """Dates without times: a whole-day outage is found as that day, and the result says it works by days."""
    rng = np.random.default_rng(2)
    seller = make_seller(rng, 1000, n_channels=2, n_days=200, hidden_outages=0)
    day = START + timedelta(days=160)
    out = Outage(day, day + timedelta(days=1), "shopify", 0.9)
    res = detect_history(simulate(rng, seller, [out]).history(daily=frozenset({"amazon", "shopify"})), catalog=[])
    assert [(d.channel, d.window.start, d.window.end, d.resolution) for d in res.detections] == [
        ("shopify", day, day + timedelta(days=1), "day")
    ]
    assert "whole days" in res.detections[0].message
    assert any("detected by whole days" in n for n in res.notes)


def test_export_gaps_and_closed_channels_are_not_outages():
    """Ten silent days are a gap in the export (noted, not reported); a channel that stops selling is not flagged."""
    rng = np.random.default_rng(6)
    seller = make_seller(rng, 800, n_channels=2, n_days=200, hidden_outages=0)
    gap = Outage(START + timedelta(days=100), START + timedelta(days=110), "amazon", 1.0)
    closed = Outage(START + timedelta(days=170), START + timedelta(days=200), "shopify", 1.0)
    res = detect_history(simulate(rng, seller, [gap, closed]).history(), catalog=[])
    assert res.detections == []
    assert any(n.startswith("no amazon orders at all from 2025-04-16 to 2025-04-25") for n in res.notes), res.notes
    assert not any("shopify" in n for n in res.notes)


def test_scan_candidates_are_sorted_and_inside_the_data(year):
    """The scan alone returns candidates in time order, each with expected orders above the minimum."""
    _, hist, _ = year
    cands, _ = scan_history(hist, catalog=[])
    starts = [c.span(hist)[0] for c in cands]
    assert starts == sorted(starts) and len(cands) >= len(INJECTED)
    assert all(c.expected_orders >= 5 and c.actual_orders < c.expected_orders for c in cands)
    assert all(hist.first_order < c.span(hist)[0] and c.span(hist)[1] <= hist.last_order for c in cands)


def test_deviance_scores_match_count_tails():
    """A zero where 8 orders were due scores about as rare as it is (Poisson 3.4e-4, z -3.4); a 90% drop in a
    busy window stays extreme even with 20% extra noise; no shortfall scores 0."""
    assert deviance_z(np.array([0.0]), np.array([8.0]), 0.0)[0] == pytest.approx(-3.4, abs=0.25)
    assert deviance_z(np.array([100.0]), np.array([1000.0]), 0.04)[0] < -6
    assert deviance_z(np.array([500.0]), np.array([500.0]), 0.02)[0] == 0
    assert deviance_z(np.array([3.0]), np.array([1.0]), 0.0)[0] > 0


def test_detect_reads_the_session_database(con):
    """detect(con) works from table lines and finds the outage; several currencies are refused."""
    rng = np.random.default_rng(12)
    seller = make_seller(rng, 600, n_channels=2, n_days=90, hidden_outages=0)
    out = Outage(START + timedelta(days=70, hours=12), START + timedelta(days=70, hours=17), "amazon", 1.0)
    df = simulate(rng, seller, [out]).lines()
    con.register("df_in", df)
    con.execute("INSERT INTO lines SELECT * FROM df_in")
    res = detect(con, catalog=[])
    assert [(d.channel, d.window.start, d.window.end) for d in res.detections] == [("amazon", out.start, out.end)]
    assert res.currency == "USD"
    con.execute("UPDATE lines SET currency = 'EUR' WHERE line_key = '7'")
    with pytest.raises(MixedCurrencyError):
        detect(con)

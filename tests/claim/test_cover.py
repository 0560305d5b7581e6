"""Would cover have paid: the scenario model's simulated years through a policy, deterministic for a seed, and a
longer waiting period never pays more."""

from decimal import Decimal

import numpy as np
import pytest
from testdata import ROOT

from impact import service
from impact.claim import ClaimPolicy
from impact.claim.cover import event_covered_span, simulate_cover

DEMO = [ROOT / "data/demo/amazon_all_orders.txt", ROOT / "data/demo/shopify_orders_export.csv"]


@pytest.fixture(scope="module")
def model():
    """The demo seller's scenario model without a window: 2,000 simulated years, seed 5."""
    opts = service.resolve_options()
    con, _ = service.load_files(DEMO, tz=opts.tz)
    return service.scenario_model(con, [], opts, years=2000, seed=5)[0]


def test_same_seed_same_cover(model):
    """Two models built with the same seed give identical cover figures."""
    policy = ClaimPolicy("cyber", waiting_hours=4, deductible=Decimal(20))
    first = simulate_cover(model, policy)
    opts = service.resolve_options()
    con, _ = service.load_files(DEMO, tz=opts.tz)
    again = simulate_cover(service.scenario_model(con, [], opts, years=2000, seed=5)[0], policy)
    assert first == again
    assert set(first) >= {
        "expected_yearly_recovery",
        "expected_uncovered",
        "p_exceeds_retention",
        "break_even_premium",
        "assumptions",
    }
    assert first["break_even_premium"] == first["expected_yearly_recovery"] > 0


@pytest.mark.parametrize(
    "make",
    [
        lambda w: ClaimPolicy("cyber", waiting_hours=w, waiting_mode="qualifying"),
        lambda w: ClaimPolicy("cyber", waiting_hours=w, waiting_mode="retention"),
        lambda w: ClaimPolicy("parametric", waiting_hours=w, hourly_sum=Decimal(50)),
        lambda w: ClaimPolicy("parametric", waiting_hours=w, waiting_mode="qualifying", hourly_sum=Decimal(50)),
    ],
)
def test_a_longer_waiting_period_never_pays_more(model, make):
    """Expected recovery and the chance of a payment do not rise with the waiting period."""
    covers = [simulate_cover(model, make(w)) for w in (0, 1, 2, 4, 8, 12, 24)]
    rec = [c["expected_yearly_recovery"] for c in covers]
    p = [c["p_exceeds_retention"] for c in covers]
    assert all(a >= b for a, b in zip(rec, rec[1:], strict=False)) and rec[0] > rec[-1]
    assert all(a >= b for a, b in zip(p, p[1:], strict=False))


def test_full_cover_recovers_the_expected_loss_and_limits_cap_it(model):
    """bi without deductible or limit recovers every year's loss; a yearly limit caps every year."""
    full = simulate_cover(model, ClaimPolicy("bi"))
    assert full["expected_yearly_recovery"] == pytest.approx(full["expected_yearly_loss"])
    assert full["expected_uncovered"] == pytest.approx(0, abs=1e-9)
    capped = simulate_cover(model, ClaimPolicy("bi", limit=Decimal(10)))
    assert capped["p95_yearly_recovery"] <= 10 and capped["expected_uncovered"] > 0


def test_event_spans_follow_the_waiting_mode():
    """Per event: qualifying covers all of an event past the period, retention the hours after it."""
    hours = np.array([2.0, 14.5])
    off, length = event_covered_span(hours, ClaimPolicy("cyber", waiting_hours=12))
    assert off.tolist() == [0, 0] and length.tolist() == [0, 14.5]
    off, length = event_covered_span(hours, ClaimPolicy("cyber", waiting_hours=12, waiting_mode="retention"))
    assert off.tolist() == [12, 12] and length.tolist() == [0, 2.5]

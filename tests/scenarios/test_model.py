"""Scenario comparison: window what-if, annual risk per mix, and the net benefit after fees, on explicit inputs."""

import numpy as np
import pytest

from impact.errors import InputError
from impact.scenarios import ChannelCost, Costs, Profile, ProviderRate, ScenarioModel, edit_costs, mix_label

WEEKS_PER_YEAR = 365.2425 / 7
RATES = {
    "aws": ProviderRate("aws", 2.0, "empirical", durations_hours=(3.0,)),
    "ebay": ProviderRate("ebay", 0.0, "empirical", durations_hours=(1.0,)),
}
DEPS = {"amazon": ["aws"], "woocommerce": ["aws"], "shopify": [], "ebay": ["ebay"]}
# eBay and WooCommerce are channels the seller added with their own (zero) fees; moving demand costs nothing here.
NO_FEES = Costs(
    margin=0.3,
    channels={c: ChannelCost(0.0) for c in ("amazon", "shopify", "ebay", "woocommerce")},
    moving_cost=0.0,
    added=("ebay", "woocommerce"),
)


def flat_profile(per_hour: dict[str, float]) -> Profile:
    channels = tuple(per_hour)
    return Profile(channels, np.vstack([np.full(168, v) for v in per_hour.values()]))


def model(**kw) -> ScenarioModel:
    args = {"rates": RATES, "dependencies": DEPS, "costs": NO_FEES, "years": 4000, "seed": 5}
    return ScenarioModel(flat_profile({"amazon": 8.0, "shopify": 2.0}), **(args | kw))


def test_current_mix_matches_the_hand_computed_risk():
    """Amazon at 8/hour, AWS down twice a year for 3 hours: 48 lost a year on average, none of it on Shopify."""
    m = model()
    base = m.baseline()
    assert base["hhi"] == pytest.approx(6800)
    assert base["annual_revenue"] == pytest.approx(10 * 168 * WEEKS_PER_YEAR)
    assert base["annual_expected_loss_exact"] == pytest.approx(48.0)
    assert base["annual_expected_lost_margin"] == pytest.approx(base["annual_expected_loss"] * 0.3)
    counts = np.bincount(m.events.year, minlength=m.years)
    assert base["annual_worst_loss"] == pytest.approx(24.0 * counts.max())


def test_mix_with_no_affected_channel_loses_nothing():
    """All demand on channels the outage providers do not touch: no window loss and no annual risk."""
    m = model(
        measured={"amazon": {"expected": 80.0, "lost": 40.0, "recapture_frac": 0.0}},
        affected={"amazon"},
        window_expected={"amazon": 80.0, "shopify": 20.0},
    )
    r = m.evaluate({"shopify": 0.6, "ebay": 0.4})
    assert r["window_lost"] == 0.0 and r["window_net_lost"] == 0.0
    assert r["annual_expected_loss"] == 0.0 and r["annual_p95_loss"] == 0.0 and r["annual_worst_loss"] == 0.0
    assert r["annual_risk_reduction"] == pytest.approx(m.baseline()["annual_expected_lost_margin"])


def test_window_whatif_uses_each_channels_measured_impact():
    """The current mix reproduces the measured window loss; halving Amazon halves it; a store on AWS loses too."""
    measured = {"amazon": {"expected": 80.0, "lost": 40.0, "recapture_frac": 0.25}}
    m = model(measured=measured, affected={"amazon", "woocommerce"}, window_expected={"amazon": 80.0, "shopify": 20.0})
    assert m.baseline()["window_lost"] == pytest.approx(40.0)
    assert m.baseline()["window_net_lost"] == pytest.approx(30.0)
    half = m.evaluate({"amazon": 0.4, "shopify": 0.6})
    assert half["window_lost"] == pytest.approx(20.0)
    # WooCommerce is hit too and, not being measured, reacts like Amazon did (50% lost, 25% recaptured).
    own = m.evaluate({"amazon": 0.4, "shopify": 0.2, "woocommerce": 0.4})
    assert own["window_lost"] == pytest.approx(20.0 + 100.0 * 0.4 * 0.5)
    assert own["annual_expected_loss_exact"] == pytest.approx(half["annual_expected_loss_exact"] * 2)


def test_net_benefit_is_risk_reduction_plus_margin_change_minus_fee_change():
    """Net benefit is the change in yearly contribution and splits exactly into its three parts."""
    costs = edit_costs(
        margin=0.3,
        fee_rates={"amazon": 0.15, "shopify": 0.03},
        monthly_fees={"amazon": 40.0, "shopify": 39.0, "ebay": 0.0},
        added={"ebay": (0.13, 0.3)},
        moving_cost=0.0,
    )
    m = model(costs=costs, transfer=0.8)
    r = m.evaluate({"amazon": 0.5, "shopify": 0.3, "ebay": 0.2})
    parts = r["annual_risk_reduction"] + r["annual_margin_change"] - r["annual_fee_change"]
    assert r["annual_net_benefit"] == pytest.approx(parts)
    total = 10 * 168 * WEEKS_PER_YEAR
    # 30% of demand leaves Amazon; a fifth of it never arrives, taking its 30% margin with it.
    assert r["annual_margin_change"] == pytest.approx(-0.3 * total * 0.2 * 0.3)
    new = {"amazon": 0.5 * total, "shopify": 0.2 * total + 0.8 * 0.1 * total, "ebay": 0.8 * 0.2 * total}
    fees = new["amazon"] * 0.15 + new["shopify"] * 0.03 + new["ebay"] * 0.13 + 12 * (40 + 39)
    assert r["annual_fees"] == pytest.approx(fees)
    same = m.evaluate(m.current_shares)
    assert same["annual_net_benefit"] == pytest.approx(0.0, abs=1e-6)


def test_results_are_deterministic_for_a_seed():
    """Two models with the same inputs and seed give identical numbers; another seed draws other years."""
    mix = {"amazon": 0.5, "shopify": 0.5}
    a, b = model(seed=9).evaluate(mix), model(seed=9).evaluate(mix)
    assert a == b
    assert model(seed=10).evaluate(mix)["annual_expected_loss"] != a["annual_expected_loss"]


def test_sweep_loss_rises_with_amazon_share():
    """With only Amazon exposed, expected loss grows in step with Amazon's share, from zero at 0%."""
    rows = model().sweep("amazon", steps=5)
    assert [r["share"] for r in rows] == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])
    losses = [r["annual_expected_loss"] for r in rows]
    assert losses[0] == 0.0 and all(x < y for x, y in zip(losses, losses[1:], strict=False))
    assert losses[2] == pytest.approx(losses[4] / 2)


def test_to_json_shape_and_errors():
    """The JSON carries current, scenarios and the assumptions used; a bad mix is a plain error."""
    m = model(current={"shares": {"amazon": 0.8, "shopify": 0.2}, "hhi": 6800.0})
    out = m.to_json([{"amazon": 0.5, "shopify": 0.3, "ebay": 0.2}])
    s = out["scenarios"][0]
    for key in ("mix", "hhi", "window_lost", "annual_expected_loss", "annual_p95_loss", "annual_net_benefit"):
        assert key in s
    assert s["hhi"] == pytest.approx(3800) and out["current"]["hhi"] == 6800.0
    assert set(out["assumptions"]["impacts"]) == {"amazon", "shopify", "ebay"}
    assert mix_label(s["mix"]) == "Amazon 50%, Shopify 30% and eBay 20%"
    with pytest.raises(InputError):
        m.evaluate({"amazon": 0.5})
    with pytest.raises(InputError, match="between 0 and 1"):
        model(transfer=1.5).evaluate({"amazon": 1.0})


def test_a_channel_the_seller_lacks_is_refused_until_added_with_its_assumptions():
    """Moving an eBay-only seller's demand to Shopify is refused; added with its fee and margin, it is evaluated."""
    ebay_only = flat_profile({"ebay": 10.0})
    args = {"rates": RATES, "dependencies": DEPS, "years": 100, "seed": 5}
    m = ScenarioModel(ebay_only, costs=edit_costs(margin=0.3), **args)
    with pytest.raises(InputError, match="You do not sell on Shopify yet: add it as a new channel"):
        m.evaluate({"ebay": 0.5, "shopify": 0.5})
    assert m.sweep("ebay") == []  # nowhere to move to: no curve made of default fees
    added = edit_costs(margin=0.3, added={"shopify": (0.03, 0.25)}, moving_cost=0.2)
    r = ScenarioModel(ebay_only, costs=added, **args).evaluate({"ebay": 0.5, "shopify": 0.5})
    assert r["label"] == "eBay 50% and Shopify 50%"
    assert r["annual_revenue_moved"] == pytest.approx(5 * 168 * WEEKS_PER_YEAR)


def test_the_cost_of_moving_demand_comes_off_the_net_benefit():
    """Net benefit = risk cut + margin change - fee change - moving cost (20% of the revenue moved, per year)."""
    costs = edit_costs(margin=0.3, fee_rates={"amazon": 0.15, "shopify": 0.03}, moving_cost=0.2)
    r = model(costs=costs).evaluate({"amazon": 0.5, "shopify": 0.5})
    total = 10 * 168 * WEEKS_PER_YEAR
    assert r["annual_revenue_moved"] == pytest.approx(0.3 * total)
    assert r["annual_moving_cost"] == pytest.approx(0.2 * 0.3 * total)
    parts = r["annual_risk_reduction"] + r["annual_margin_change"] - r["annual_fee_change"]
    assert r["annual_net_benefit"] == pytest.approx(parts - 0.2 * 0.3 * total)

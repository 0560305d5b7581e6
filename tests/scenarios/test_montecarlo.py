"""Monte Carlo of provider outages: sourced defaults, determinism, hand-computable losses and convergence."""

import math

import numpy as np
import pytest

from impact.errors import InputError
from impact.scenarios import (
    DEFAULT_DEPENDENCIES,
    ProviderRate,
    annual_losses,
    check_dependencies,
    edit_rates,
    expected_annual_loss,
    exposure,
    load_rates,
    simulate_events,
    summarize,
)

FLAT = np.full((1, 168), 10.0)  # 10 of revenue every hour of the week


def one_provider(rate=2.0, durations=(3.0,)):
    return {"aws": ProviderRate("aws", rate, "empirical", durations_hours=durations)}


def test_default_rates_have_sources_and_cover_the_dependency_map():
    """Every default provider states its basis and source, and every provider a channel depends on has a rate."""
    rates = load_rates()
    for r in rates.values():
        assert r.source and r.basis in {"documented", "estimate", "assumption"}, r.provider
        assert r.events_per_year > 0 and r.mean_hours() > 0
    assert check_dependencies(DEFAULT_DEPENDENCIES, rates)["amazon"] == ("amazon", "aws", "fastly")
    # The AWS default (median 7 h, p90 15 h) has the lognormal mean median x exp(sigma^2 / 2).
    sigma = math.log(15 / 7) / 1.2815515655446004
    assert rates["aws"].mean_hours() == pytest.approx(7 * math.exp(sigma**2 / 2))


def test_same_seed_same_years_other_seed_other_years():
    """The simulation is a pure function of its inputs and seed."""
    rates = load_rates()
    a, b = simulate_events(rates, 2000, seed=7), simulate_events(rates, 2000, seed=7)
    for field in ("year", "provider", "start", "hours"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    c = simulate_events(rates, 2000, seed=8)
    assert not (a.start.size == c.start.size and np.array_equal(a.start, c.start))


def test_editing_one_provider_leaves_the_others_events_alone():
    """Each provider has its own random stream, so a slider on AWS does not reshuffle Cloudflare's events."""
    rates = load_rates()
    before = simulate_events(rates, 3000, seed=1)
    after = simulate_events(edit_rates(rates, {"aws": {"events_per_year": 3.0}}), 3000, seed=1)
    cf = list(rates).index("cloudflare")
    assert np.array_equal(before.start[before.provider == cf], after.start[after.provider == cf])
    assert (after.provider == list(rates).index("aws")).sum() > (before.provider == list(rates).index("aws")).sum()


def test_hand_computed_losses_from_a_flat_profile():
    """Flat 10/hour, 3-hour events: each event costs exactly 30, so years are 30 x a Poisson(2) count."""
    rates = one_provider()
    events = simulate_events(rates, 20_000, seed=3)
    exp = exposure(["amazon"], FLAT, {"amazon": 1.0}, {"amazon": ["aws"]}, rates)
    annual = annual_losses(events, exp)
    counts = np.bincount(events.year, minlength=events.years)
    assert annual == pytest.approx(30.0 * counts)
    assert expected_annual_loss(rates, exp) == pytest.approx(60.0)
    s = summarize(annual)
    assert s["p95"] == pytest.approx(30.0 * np.quantile(counts, 0.95)) and s["worst"] == pytest.approx(
        30.0 * counts.max()
    )


def test_impact_recapture_and_severity_scale_the_loss():
    """Impact 0.5 with 20% recapture and severity 0.5 leave a fifth of the demand lost while down."""
    rates = {"aws": ProviderRate("aws", 2.0, "empirical", durations_hours=(3.0,), severity=0.5)}
    exp = exposure(["amazon"], FLAT, {"amazon": 0.5 * (1 - 0.2)}, {"amazon": ["aws"]}, rates)
    assert expected_annual_loss(rates, exp) == pytest.approx(60.0 * 0.5 * 0.8 * 0.5)


def test_a_mix_with_no_exposed_channel_loses_nothing():
    """Only channels that depend on a provider lose revenue when it fails; the rest lose exactly nothing."""
    rates = one_provider()
    events = simulate_events(rates, 1000, seed=1)
    hourly = np.vstack([FLAT[0], FLAT[0]])
    exp = exposure(["ebay", "etsy"], hourly, {"ebay": 1.0, "etsy": 1.0}, {"ebay": ["ebay"], "etsy": []}, rates)
    assert annual_losses(events, exp).max() == 0.0
    assert expected_annual_loss(rates, exp) == 0.0


def test_shared_provider_hits_every_dependent_channel():
    """An own store hosted on AWS loses during an AWS event just like Amazon does."""
    rates = one_provider()
    hourly = np.vstack([FLAT[0], FLAT[0] / 2])
    deps = {"amazon": ["aws"], "woocommerce": ["aws"]}
    exp = exposure(["amazon", "woocommerce"], hourly, {"amazon": 1.0, "woocommerce": 1.0}, deps, rates)
    assert expected_annual_loss(rates, exp) == pytest.approx(60.0 * 1.5)


def test_simulation_converges_to_the_exact_mean():
    """The simulated mean lands within four standard errors of the exact mean, and the error shrinks with years."""
    rates = load_rates()
    rng = np.random.default_rng(0)
    hourly = rng.uniform(0, 50, (2, 168))
    factors = {"amazon": 0.8, "shopify": 1.0}
    exp = exposure(["amazon", "shopify"], hourly, factors, DEFAULT_DEPENDENCIES, rates)
    exact = expected_annual_loss(rates, exp)
    errors = []
    for years in (1_000, 200_000):
        annual = annual_losses(simulate_events(rates, years, seed=11), exp)
        se = annual.std(ddof=1) / math.sqrt(years)
        assert abs(annual.mean() - exact) < 4 * se
        errors.append(se)
    assert errors[1] < errors[0] / 10


def test_bad_rates_are_refused_with_a_plain_message(tmp_path):
    """A rates file with a non-number, an impossible duration or no providers gives one clear sentence."""
    bad = tmp_path / "rates.csv"
    bad.write_text("provider,events_per_year,distribution,median_hours,p90_hours\naws,often,lognormal,1,2\n")
    with pytest.raises(InputError, match="not a number"):
        load_rates(bad)
    bad.write_text("provider,events_per_year,distribution,median_hours,p90_hours\naws,1,lognormal,5,2\n")
    with pytest.raises(InputError, match="90th percentile"):
        load_rates(bad)
    bad.write_text("provider,events_per_year\n")
    with pytest.raises(InputError, match="no providers"):
        load_rates(bad)
    with pytest.raises(InputError, match="Cannot read"):
        load_rates(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="No outage rate for azure"):
        check_dependencies({"woocommerce": ["azure"]}, load_rates())


def test_edit_rates_marks_the_edit_and_adds_providers():
    """Edited and added providers are labelled as the seller's own numbers."""
    rates = edit_rates(
        load_rates(), {"aws": {"events_per_year": 2.5}, "azure": {"events_per_year": 0.5, "durations_hours": [4, 6]}}
    )
    assert rates["aws"].events_per_year == 2.5 and rates["aws"].basis == "edited by the seller"
    assert rates["azure"].distribution == "empirical" and rates["azure"].mean_hours() == 5.0


def test_unknown_provider_needs_durations_and_years_are_bounded():
    """Editing a provider that does not exist, without its durations, is refused rather than guessed."""
    with pytest.raises(InputError, match="no outage rate for 'azur'"):
        edit_rates(load_rates(), {"azur": {"events_per_year": 1.0}})
    with pytest.raises(InputError, match="between 1 and"):
        simulate_events(load_rates(), 0, seed=1)

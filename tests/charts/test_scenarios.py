"""Scenario charts: plotly figures built from plain scenario results, without streamlit."""

import numpy as np
import plotly.graph_objects as go
import pytest

from impact.charts.scenarios import loss_distribution_figure, loss_vs_share_figure, mix_comparison_figure
from impact.scenarios import ChannelCost, Costs, Profile, ProviderRate, ScenarioModel

RATES = {"aws": ProviderRate("aws", 2.0, "empirical", durations_hours=(3.0,))}


@pytest.fixture(scope="module")
def scenario_model():
    profile = Profile(("amazon", "shopify"), np.vstack([np.full(168, 8.0), np.full(168, 2.0)]), currency="EUR")
    costs = Costs(
        channels={"amazon": ChannelCost(0.15), "shopify": ChannelCost(0.03), "ebay": ChannelCost(0.13)}, added=("ebay",)
    )
    return ScenarioModel(profile, rates=RATES, dependencies={"amazon": ["aws"]}, costs=costs, years=2000, seed=2)


def test_mix_comparison_has_a_row_per_mix_and_shares_stack_to_100(scenario_model):
    """One row for today and one per scenario; each row's share bars start where the previous channel ended."""
    result = scenario_model.to_json([{"amazon": 0.5, "shopify": 0.3, "ebay": 0.2}])
    fig = mix_comparison_figure(result)
    assert isinstance(fig, go.Figure)
    shares = [t for t in fig.data if t.legendgroup == "channels"]
    assert [t.name for t in shares] == ["Amazon", "Shopify", "eBay"]  # brand names, not codes
    ends = np.array(shares[-1].base) + np.array(shares[-1].x)
    assert ends == pytest.approx([100.0, 100.0])
    expected = next(t for t in fig.data if t.name == "expected loss")
    assert list(expected.y) == ["Current", "Amazon 50%, Shopify 30% and eBay 20%"]
    assert expected.x[1] < expected.x[0]
    assert "EUR" in fig.layout.annotations[1].text


def test_loss_distribution_marks_each_95th_percentile(scenario_model):
    """One histogram per mix, and a dashed line at each mix's 95th-percentile year."""
    annual = {"Current": scenario_model.annual(), "Amazon 50%": scenario_model.annual({"amazon": 0.5, "shopify": 0.5})}
    fig = loss_distribution_figure(annual, "EUR")
    assert [t.name for t in fig.data] == ["Current", "Amazon 50%"]
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert sorted(s.x0 for s in lines) == pytest.approx(sorted(np.quantile(a, 0.95) for a in annual.values()))


def test_loss_vs_share_plots_the_sweep(scenario_model):
    """Expected loss, 95th percentile and net benefit follow the sweep, with today's share marked."""
    rows = scenario_model.sweep("amazon", steps=5)
    fig = loss_vs_share_figure(rows, "amazon", current_share=0.8, currency="EUR")
    assert list(fig.data[0].x) == pytest.approx([0, 25, 50, 75, 100])
    assert list(fig.data[0].y) == pytest.approx([r["annual_expected_loss"] for r in rows])
    assert fig.layout.shapes[0].x0 == pytest.approx(80.0)

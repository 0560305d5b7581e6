"""Channel-diversification scenarios: current mix and HHI, what-if mixes for an analysed outage, annual outage risk
by Monte Carlo, and the net benefit after channel fees. See docs/scenarios.md."""

from .costs import DEFAULT_COSTS, DEFAULT_MARGIN, ChannelCost, Costs, edit_costs
from .mix import (
    HOURS_PER_WEEK,
    WEEKS_PER_YEAR,
    Profile,
    WeekSpans,
    current_mix,
    hhi,
    hour_of_week_profile,
    integrate_week,
    mix_over_time,
    move_demand,
    normalise_mix,
    parse_mix,
    parse_move,
    realise_mix,
    resolve_impacts,
    revenue_shares,
    window_whatif,
)
from .model import NET_BENEFIT, ScenarioModel, mix_label
from .montecarlo import (
    DEFAULT_DEPENDENCIES,
    RATES_PATH,
    Events,
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

__all__ = [
    "DEFAULT_COSTS", "DEFAULT_DEPENDENCIES", "DEFAULT_MARGIN", "HOURS_PER_WEEK", "NET_BENEFIT", "RATES_PATH",
    "WEEKS_PER_YEAR", "WeekSpans", "ChannelCost", "Costs", "Events", "Profile", "ProviderRate", "ScenarioModel", "annual_losses",
    "check_dependencies", "current_mix", "edit_costs", "edit_rates", "expected_annual_loss", "exposure", "hhi",
    "hour_of_week_profile", "integrate_week", "load_rates", "mix_label", "mix_over_time", "move_demand",
    "normalise_mix", "parse_mix", "parse_move", "realise_mix", "resolve_impacts", "revenue_shares",
    "simulate_events", "summarize", "window_whatif",
]

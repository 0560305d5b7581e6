"""Compare channel mixes: what the analysed outage would have cost, the yearly outage risk, and the net benefit.

Net benefit of a mix, per year, against the current mix (all in the orders' currency):

    contribution(mix) = product margin - channel fees - expected margin lost to outages
    net_benefit(mix)  = contribution(mix) - contribution(current)
                      = risk_reduction + margin_change - fee_change

risk_reduction is the fall in expected margin lost to outages, fee_change the rise in channel fees (percentage and
monthly), margin_change the change in product margin (non-zero when demand does not fully transfer or margins differ
by channel). Outage losses are revenue net of recapture; in margin terms each lost unit of revenue costs the channel's
margin minus its fee rate, since a sale that never happens also pays no fee.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Mapping, Sequence

import numpy as np

from ..errors import InputError
from ..present import channel_name, format_channels, join_names
from ..store import CHANNELS
from .costs import Costs
from .mix import Profile, _shares, hhi, normalise_mix, realise_mix, resolve_impacts, window_whatif
from .montecarlo import (
    DEFAULT_DEPENDENCIES,
    ProviderRate,
    annual_losses,
    check_dependencies,
    expected_annual_loss,
    exposure,
    load_rates,
    simulate_events,
    summarize,
)

NET_BENEFIT = (
    "The net benefit per year is the change in what your sales leave after product costs, channel fees, the cost "
    "of moving demand and the margin expected to be lost to outages: the outage risk it cuts, plus the margin it "
    "changes, minus the extra fees and the cost of moving the demand."
)


def mix_label(mix: Mapping[str, float]) -> str:
    """'Amazon 50%, Shopify 30% and eBay 20%'."""
    items = sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))
    return join_names(f"{channel_name(c)} {100 * v:.0f}%" for c, v in items if v > 0)


class ScenarioModel:
    """Built once per data set and assumptions (events are simulated once), then evaluated for any number of mixes
    on the same simulated years, so differences between mixes are not simulation noise."""

    def __init__(
        self,
        profile: Profile,
        *,
        measured: Mapping[str, Mapping[str, float]] | None = None,
        affected: Collection[str] | None = None,
        window_expected: Mapping[str, float] | None = None,
        dependencies: Mapping[str, Iterable[str]] | None = None,
        rates: Mapping[str, ProviderRate] | None = None,
        costs: Costs | None = None,
        transfer: float = 1.0,
        years: int = 10_000,
        seed: int = 1,
        current: Mapping | None = None,
    ):
        self.profile = profile
        self.rates = dict(rates) if rates is not None else load_rates()
        deps = dict(DEFAULT_DEPENDENCIES) if dependencies is None else dict(dependencies)
        self.dependencies = check_dependencies(deps, self.rates)
        self.costs = costs or Costs()
        self.transfer = float(transfer)
        self.years, self.seed = int(years), int(seed)
        self.current_revenue = {c: r for c, r in profile.annual().items() if r > 0}
        self.current_shares = _shares(self.current_revenue)
        # Without an explicit list, the analysed window hit every channel that was measured.
        self.affected = set(affected) if affected is not None else (set(measured) if measured else None)
        self.measured = dict(measured or {})
        self.impacts = resolve_impacts(measured, CHANNELS, self.affected)
        self.window_expected = dict(window_expected) if window_expected is not None else None
        self.current = dict(current) if current is not None else None
        self.events = simulate_events(self.rates, self.years, self.seed)
        self._baseline = self._evaluate(dict(self.current_revenue)) | dict.fromkeys(
            (
                "annual_risk_reduction",
                "annual_fee_change",
                "annual_margin_change",
                "annual_net_benefit",
                "annual_revenue_moved",
                "annual_moving_cost",
            ),
            0.0,
        )

    # --- evaluation -------------------------------------------------------------------------------------------

    def _exposures(self, revenue: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        channels, hourly = self.profile.scaled(revenue)
        lost = {c: self.impacts[c]["lost_frac"] * (1 - self.impacts[c]["recapture_frac"]) for c in channels}
        lost_margin = {c: lost[c] * self.costs.contribution_rate(c) for c in channels}
        return (
            exposure(channels, hourly, lost, self.dependencies, self.rates),
            exposure(channels, hourly, lost_margin, self.dependencies, self.rates),
        )

    def exposures(self, mix: Mapping[str, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(revenue, margin) an event of each provider removes per hour of the week, net of recapture, for a target
        mix (None: the current mix): what impact.claim.cover runs the simulated events through."""
        return self._exposures(self.realise(mix))

    def annual(self, mix: Mapping[str, float] | None = None) -> np.ndarray:
        """Loss (revenue, net of recapture) in each simulated year for a target mix (None: the current mix)."""
        revenue = self.realise(mix)
        return annual_losses(self.events, self._exposures(revenue)[0])

    def realise(self, mix: Mapping[str, float] | None) -> dict[str, float]:
        if mix is None:
            return dict(self.current_revenue)
        return realise_mix(self.current_revenue, mix, self.transfer)

    def _evaluate(self, revenue: dict[str, float]) -> dict:
        exp_rev, exp_margin = self._exposures(revenue)
        losses = summarize(annual_losses(self.events, exp_rev))
        lost_margin = float(annual_losses(self.events, exp_margin).mean()) if self.events.years else 0.0
        fees = self.costs.annual_fees(revenue)
        margin = self.costs.annual_margin(revenue)
        shares = _shares(revenue)
        out = {
            "shares": shares,
            "hhi": hhi(shares),
            "annual_revenue": float(sum(r for r in revenue.values() if r > 0)),
            "window_expected": None,
            "window_lost": None,
            "window_net_lost": None,
            "annual_expected_loss": losses["expected"],
            "annual_p95_loss": losses["p95"],
            "annual_worst_loss": losses["worst"],
            "annual_expected_loss_exact": expected_annual_loss(self.rates, exp_rev),
            "annual_expected_lost_margin": lost_margin,
            "annual_fees": fees,
            "annual_margin": margin,
            "annual_contribution": margin - fees - lost_margin,
        }
        if self.window_expected is not None and self.affected is not None:
            w = window_whatif(self.window_expected, self.impacts, self.affected, self.current_revenue, revenue)
            out["window_expected"], out["window_lost"], out["window_net_lost"] = w["expected"], w["lost"], w["net_lost"]
            out["window_by_channel"] = w["by_channel"]
        return out

    def with_costs(self, costs: Costs) -> ScenarioModel:
        """The same model (profile, impacts, the same simulated years) under other fees, margins or cost of moving
        demand: only the current mix is evaluated again."""
        other = copy.copy(self)
        other.costs = costs
        other._baseline = self._baseline | {
            k: v for k, v in other._evaluate(dict(other.current_revenue)).items() if k in self._baseline
        }
        return other

    def baseline(self) -> dict:
        """The current mix's numbers."""
        return dict(self._baseline)

    def check_channels(self, mix: Mapping[str, float]) -> None:
        """InputError for demand moved to a channel the seller does not sell on and has not added with its own
        assumed fee and margin: a benefit on a channel the seller lacks would be made of default fees alone."""
        missing = sorted(c for c, v in mix.items() if v > 0 and c not in self.current_revenue)
        missing = [c for c in missing if c not in self.costs.added]
        if missing:
            raise InputError(
                f"You do not sell on {format_channels(missing)} yet: add it as a new channel with its assumed fee, "
                "margin and cost of moving demand, or move demand between the channels you have."
            )

    def evaluate(self, mix: Mapping[str, float]) -> dict:
        """One target mix: realised shares and HHI, the window what-if, annual risk, costs and net benefit, which
        takes off the yearly cost of moving demand (Costs.moving_cost of the revenue that changes channel)."""
        target = normalise_mix(mix)
        self.check_channels(target)
        revenue = self.realise(target)
        out = {"mix": target, "label": mix_label(target)} | self._evaluate(revenue)
        base = self._baseline
        moved = sum(max(v - self.current_revenue.get(c, 0.0), 0.0) for c, v in revenue.items())
        out["annual_revenue_moved"] = moved
        out["annual_moving_cost"] = moved * self.costs.moving_cost
        out["annual_risk_reduction"] = base["annual_expected_lost_margin"] - out["annual_expected_lost_margin"]
        out["annual_fee_change"] = out["annual_fees"] - base["annual_fees"]
        out["annual_margin_change"] = out["annual_margin"] - base["annual_margin"]
        out["annual_net_benefit"] = out["annual_contribution"] - base["annual_contribution"] - out["annual_moving_cost"]
        return out

    def sweep(self, channel: str = "amazon", steps: int = 21, to: str | None = None) -> list[dict]:
        """Expected and 95th-percentile loss and net benefit as `channel`'s share runs from 0 to 1; the rest of the
        demand keeps today's proportions between the other channels (all of it goes to `to`, default shopify,
        when the seller sells nowhere else)."""
        others = {c: s for c, s in self.current_shares.items() if c != channel}
        if not others:
            # A seller on one channel has nowhere to move demand to, unless they added a channel with its assumptions.
            fallback = to or next((c for c in self.costs.added if c != channel), None)
            if fallback is None:
                return []
            others = {fallback: 1.0}
        total = sum(others.values())
        rows = []
        for s in np.linspace(0.0, 1.0, max(int(steps), 2)):
            mix = {channel: float(s)} | {c: (1 - float(s)) * v / total for c, v in others.items()}
            r = self.evaluate({c: v for c, v in mix.items() if v > 0})
            rows.append(
                {
                    "share": float(s),
                    "mix": r["mix"],
                    "hhi": r["hhi"],
                    "annual_expected_loss": r["annual_expected_loss"],
                    "annual_p95_loss": r["annual_p95_loss"],
                    "annual_net_benefit": r["annual_net_benefit"],
                }
            )
        return rows

    # --- reporting --------------------------------------------------------------------------------------------

    def assumptions(self, channels: Iterable[str] = ()) -> dict:
        shown = sorted(set(channels) | set(self.current_revenue))
        return {
            "transfer": self.transfer,
            "years": self.years,
            "seed": self.seed,
            "affected_channels": sorted(self.affected) if self.affected is not None else None,
            "impacts": {c: self.impacts[c] for c in shown},
            "dependencies": {c: list(v) for c, v in self.dependencies.items()},
            "rates": [r.to_json() for r in self.rates.values()],
            "costs": self.costs.to_json(),
            "profile": {
                "hours_observed": self.profile.hours_observed,
                "currency": self.profile.currency,
                "excluded_windows": [[s.isoformat(), e.isoformat()] for s, e in self.profile.excluded],
            },
            "net_benefit": NET_BENEFIT,
        }

    def to_json(self, mixes: Sequence[Mapping[str, float]]) -> dict:
        scenarios = [self.evaluate(m) for m in mixes]
        current = self.baseline()
        if self.current is not None:
            # Shares and HHI as measured on the orders themselves (the baseline's come from the weekly profile).
            current = (
                current | {"profile_shares": current["shares"], "profile_hhi": current["hhi"]} | dict(self.current)
            )
        used = {c for s in scenarios for c in s["mix"]}
        return {
            "currency": self.profile.currency,
            "current": current,
            "scenarios": scenarios,
            "assumptions": self.assumptions(used),
        }

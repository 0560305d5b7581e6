"""Would cover have paid? The scenario model's simulated years of provider outages (impact.scenarios.montecarlo)
run through a policy, event by event, vectorised over every simulated event.

Each event has a provider, a start on the weekly clock and a duration drawn from that provider's distribution in
the rates file. Its loss is the margin (gross profit: product margin less channel fees) the dependent channels'
hour-of-week revenue would have made during it, at the measured impact, net of the measured recapture; with
--gross-profit-rate, the revenue lost at that rate instead. The waiting period applies per event, the deductible
per event, the limit per event and per year. Extra expenses and increased cost of working are not simulated.
"""

from __future__ import annotations

import numpy as np

from ..scenarios.mix import WeekSpans
from .policy import ClaimPolicy

ASSUMPTIONS = [
    "Outage events, their start in the week and their duration come from the scenario model's simulated years "
    "(provider rates and duration distributions of the rates file, the same seed).",
    "An event's loss is the gross profit (product margin less channel fees) of the revenue it takes from the "
    "channels depending on the provider, at the measured impact and net of the measured recapture.",
    "The waiting period, the deductible and the indemnity period apply to each event; the limit to each event and "
    "to each year's total. Extra expenses and increased cost of working are not simulated.",
    "The break-even premium is the expected yearly recovery: a premium above it costs more than the cover pays "
    "back on average (before the insurer's costs and the value of capping a bad year).",
]


def event_covered_span(hours: np.ndarray, policy: ClaimPolicy) -> tuple[np.ndarray, np.ndarray]:
    """(offset from each event's start, covered length) under the policy's waiting period and indemnity period."""
    ind = policy.indemnity_hours
    end = hours if ind is None else np.minimum(hours, ind)
    w = policy.waiting
    if policy.kind == "bi" or w <= 0:
        return np.zeros_like(hours), end
    if policy.mode == "qualifying":
        return np.zeros_like(hours), np.where(hours > w, end, 0.0)
    return np.full_like(hours, w), np.maximum(end - w, 0.0)


def _terms(amount: np.ndarray, policy: ClaimPolicy) -> np.ndarray:
    paid = np.maximum(amount - float(policy.deductible or 0), 0.0)
    return paid if policy.limit is None else np.minimum(paid, float(policy.limit))


def simulate_cover(model, policy: ClaimPolicy) -> dict:
    """The `cover` block of the scenarios JSON for the current mix: expected yearly recovery, the expected loss
    left uncovered, the chance a year's loss exceeds the retention (the cover pays something), the break-even
    premium, with the event rules stated."""
    ev = model.events
    exp_rev, exp_margin = model.exposures()
    per_hour = exp_margin if policy.gross_profit_rate is None else exp_rev * policy.gross_profit_rate
    years = ev.years
    if ev.year.size:
        loss = ev.spans.integrate(per_hour)
        offset, length = event_covered_span(ev.hours, policy)
        if policy.kind == "parametric":
            amount = length * float(policy.hourly_sum or 0)
        else:
            covered = WeekSpans.of(ev.start + offset, length, ev.provider).integrate(per_hour)
            amount = covered + length * float(policy.continuing_expenses or 0)
            loss = loss + ev.hours * float(policy.continuing_expenses or 0)
        paid = _terms(amount, policy)
        annual_loss = np.bincount(ev.year, weights=loss, minlength=years)
        annual_paid = np.bincount(ev.year, weights=paid, minlength=years)
    else:
        annual_loss = annual_paid = np.zeros(years)
    if policy.limit is not None:
        annual_paid = np.minimum(annual_paid, float(policy.limit))
    recovery = float(annual_paid.mean())
    return {
        "policy": policy.to_json(),
        "currency": model.profile.currency,
        "years": years,
        "seed": model.seed,
        "expected_yearly_loss": float(annual_loss.mean()),
        "expected_yearly_recovery": recovery,
        "expected_uncovered": float(np.maximum(annual_loss - annual_paid, 0.0).mean()),
        "p_exceeds_retention": float((annual_paid > 0).mean()),
        "break_even_premium": recovery,
        "p95_yearly_recovery": float(np.quantile(annual_paid, 0.95)) if years else 0.0,
        "assumptions": ASSUMPTIONS,
    }

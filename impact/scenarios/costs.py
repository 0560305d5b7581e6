"""The cost side of a channel mix: channel fees and margins. Every default is an assumption the seller should edit.

Margin here is the product margin before channel fees (price minus cost of goods and fulfilment, as a share of
revenue). A sale on channel c contributes revenue x (margin_c - fee_rate_c); a lost sale loses exactly that.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..errors import InputError
from ..store import CHANNELS

DEFAULT_MARGIN = 0.30
# What steering buyers to another channel costs, as a share of the revenue moved, per year: promotions, ads and
# discounts that make them buy there. An assumption the seller should edit.
DEFAULT_MOVING_COST = 0.10


@dataclass(frozen=True)
class ChannelCost:
    fee_rate: float  # fees as a share of revenue (referral, final value, transaction, payment processing)
    monthly_fee: float = 0.0  # fixed fee for having the channel at all, in the orders' currency
    margin: float | None = None  # product margin before channel fees; None uses the seller's overall margin
    note: str = ""


# Public list prices (US, 2024-25) as remembered: check your own plan and category.
DEFAULT_COSTS: dict[str, ChannelCost] = {
    "amazon": ChannelCost(
        0.15,
        39.99,
        note="assumption: referral fee 15% (most categories, 8-15%); Professional "
        "plan 39.99 USD/month; FBA fees belong in the margin",
    ),
    "ebay": ChannelCost(
        0.1325,
        0.0,
        note="assumption: final value fee 13.25% (most categories) plus 0.30-0.40 per "
        "order not modelled; no store subscription",
    ),
    "etsy": ChannelCost(
        0.095,
        0.0,
        note="assumption: 6.5% transaction fee + about 3% payment processing (US); "
        "0.20 listing fees and 0.25 per order not modelled",
    ),
    "shopify": ChannelCost(
        0.029,
        39.0,
        note="assumption: Shopify Payments 2.9% online (Basic; 0.30 per order not modelled); Basic plan 39 USD/month",
    ),
    "woocommerce": ChannelCost(
        0.029,
        0.0,
        note="assumption: card processing 2.9% (0.30 per order not modelled); "
        "hosting cost varies, add it as a monthly fee",
    ),
    "walmart": ChannelCost(0.15, 0.0, note="assumption: referral fee 15% (most categories, 6-15%); no monthly fee"),
    "other": ChannelCost(0.03, 0.0, note="assumption: payment processing about 3%"),
}


@dataclass(frozen=True)
class Costs:
    margin: float = DEFAULT_MARGIN
    channels: dict[str, ChannelCost] = field(default_factory=lambda: dict(DEFAULT_COSTS))
    moving_cost: float = DEFAULT_MOVING_COST  # per unit of revenue moved to another channel, per year
    added: tuple[str, ...] = ()  # channels the seller does not sell on yet, with their own assumed fee and margin

    def __post_init__(self):
        _check_share(self.margin, "The margin")
        _check_share(self.moving_cost, "The cost of moving demand")
        for c, cost in self.channels.items():
            _check_share(cost.fee_rate, f"The fee rate for {c}")
            if cost.margin is not None:
                _check_share(cost.margin, f"The margin for {c}")
            if not (math.isfinite(cost.monthly_fee) and cost.monthly_fee >= 0):
                raise InputError(f"The monthly fee for {c} must be 0 or more, not {cost.monthly_fee}.")

    def cost(self, channel: str) -> ChannelCost:
        return self.channels.get(channel) or self.channels.get("other") or ChannelCost(0.0)

    def margin_of(self, channel: str) -> float:
        m = self.cost(channel).margin
        return self.margin if m is None else m

    def contribution_rate(self, channel: str) -> float:
        """What one unit of revenue on the channel leaves after product costs and channel fees."""
        return self.margin_of(channel) - self.cost(channel).fee_rate

    def annual_fees(self, revenue: Mapping[str, float]) -> float:
        """Channel fees over a year: the share of revenue plus the fixed monthly fee of every channel in use."""
        return float(
            sum(r * self.cost(c).fee_rate + 12 * self.cost(c).monthly_fee for c, r in revenue.items() if r > 0)
        )

    def annual_margin(self, revenue: Mapping[str, float]) -> float:
        """Product margin over a year, before channel fees."""
        return float(sum(r * self.margin_of(c) for c, r in revenue.items() if r > 0))

    def to_json(self) -> dict:
        return {
            "margin": self.margin,
            "moving_cost": self.moving_cost,
            "added": list(self.added),
            "channels": {
                c: {"fee_rate": v.fee_rate, "monthly_fee": v.monthly_fee, "margin": self.margin_of(c), "note": v.note}
                for c, v in self.channels.items()
            },
        }


def _check_share(value: float, what: str) -> None:
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise InputError(f"{what} must be a share between 0 and 1 (0-100%), not {value}.")


def edit_costs(
    costs: Costs | None = None,
    *,
    margin: float | None = None,
    fee_rates: Mapping[str, float] | None = None,
    monthly_fees: Mapping[str, float] | None = None,
    margins: Mapping[str, float] | None = None,
    moving_cost: float | None = None,
    added: Mapping[str, tuple[float, float]] | None = None,
) -> Costs:
    """Costs with the seller's own numbers; edited entries are noted as such. `added`: channel -> (fee rate,
    margin) of a channel the seller does not sell on yet; demand can move to it only with both assumed."""
    costs = costs or Costs()
    fee_rates, margins = dict(fee_rates or {}), dict(margins or {})
    for name, (fee, margin_c) in (added or {}).items():
        fee_rates[name], margins[name] = fee, margin_c
    channels = dict(costs.channels)
    for what, values in (("fee_rate", fee_rates), ("monthly_fee", monthly_fees), ("margin", margins)):
        for name, value in (values or {}).items():
            c = name.strip().lower()
            if c not in CHANNELS:
                raise InputError(f"'{name}' is not a channel; use one of {', '.join(CHANNELS)}.")
            base = channels.get(c, ChannelCost(0.0))
            channels[c] = replace(base, **{what: float(value)}, note="edited by the seller")
    new = tuple(dict.fromkeys((*costs.added, *(n.strip().lower() for n in added or ()))))
    return Costs(
        margin=costs.margin if margin is None else float(margin),
        channels=channels,
        moving_cost=costs.moving_cost if moving_cost is None else float(moving_cost),
        added=new,
    )

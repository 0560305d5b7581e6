"""Benchmark: 10,000 simulated years of outage events and the loss of several mixes on them.

    python -m bench.scenarios_perf [--years 10000] [--mixes 3] [--repeat 7]

Prints the median wall time of each step; the issue asks for 10,000 years in well under a second.
"""

from __future__ import annotations

import argparse

import numpy as np

from bench.common import median_seconds
from impact.scenarios import Profile, ScenarioModel, load_rates, simulate_events

MIXES = [
    {"amazon": 0.5, "shopify": 0.3, "ebay": 0.2},
    {"amazon": 0.3, "shopify": 0.4, "ebay": 0.2, "etsy": 0.1},
    {"amazon": 0.6, "woocommerce": 0.4},
    {"amazon": 0.25, "shopify": 0.25, "ebay": 0.25, "walmart": 0.25},
]


def _profile() -> Profile:
    # A weekday-daytime-heavy rhythm, Amazon 70%, Shopify 20%, eBay 10%: a typical small seller's shape.
    hours = np.arange(168)
    day = 1.0 + 0.8 * np.sin((hours % 24 - 8) / 24 * 2 * np.pi).clip(0)
    week = np.where(hours < 120, 1.0, 0.7)
    base = day * week * 100
    return Profile(("amazon", "shopify", "ebay"), np.vstack([0.7 * base, 0.2 * base, 0.1 * base]), currency="EUR")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=int, default=10_000)
    ap.add_argument("--mixes", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    rates = load_rates()
    profile = _profile()
    mixes = MIXES[: args.mixes]
    events = simulate_events(rates, args.years, 1)
    sim = median_seconds(lambda: simulate_events(rates, args.years, 1), args.repeat)
    model = ScenarioModel(profile, rates=rates, years=args.years, seed=1)
    build = median_seconds(lambda: ScenarioModel(profile, rates=rates, years=args.years, seed=1), args.repeat)
    per_mix = median_seconds(lambda: [model.evaluate(m) for m in mixes], args.repeat) / max(len(mixes), 1)
    total = median_seconds(
        lambda: ScenarioModel(profile, rates=rates, years=args.years, seed=1).to_json(mixes), args.repeat
    )
    print(
        f"{args.years:,} years, {events.year.size:,} events, {len(rates)} providers, {len(mixes)} mixes "
        f"(median of {args.repeat}):"
    )
    print(f"  simulate events        {1000 * sim:8.1f} ms")
    print(f"  model (events+current) {1000 * build:8.1f} ms")
    print(f"  per extra mix          {1000 * per_mix:8.1f} ms")
    print(f"  current + {len(mixes)} mixes, JSON {1000 * total:8.1f} ms")


if __name__ == "__main__":
    main()

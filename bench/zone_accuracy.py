"""How often the seller's zone is read right from their files, through the whole import (impact.service.load_in_zone
with no zone given), for generated sellers in several zones:

- Amazon + Shopify sellers (Shopify's offsets): the zone found has the seller's offset at every hour of the data;
- Amazon-only sellers (UTC times): the zone found is within one hour of the seller's at the data's middle;
- eBay-only sellers (local times, buyers in the seller's country): the zone found is the seller's or keeps the same
  clock over the data.

    python -m bench.zone_accuracy --sellers 10 --seed 7
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import timedelta
from pathlib import Path

import numpy as np

from bench.synth import make_seller, simulate
from bench.synth_exports import amazon_all_orders, ebay_orders, write_exports
from impact.service import load_in_zone, resolve_options
from impact.settings import load_settings
from impact.zone import hours_apart

ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
)
COUNTRIES = {
    "America/New_York": "United States",
    "America/Chicago": "United States",
    "America/Denver": "United States",
    "America/Los_Angeles": "United States",
    "Europe/London": "United Kingdom",
    "Europe/Berlin": "Germany",
    "Asia/Tokyo": "Japan",
    "Australia/Sydney": "Australia",
    "Asia/Kolkata": "India",
    "America/Sao_Paulo": "Brazil",
}


def _same_clock(a: str, b: str, start, days: int) -> bool:
    return all(hours_apart(a, b, start + timedelta(hours=h)) == 0 for h in range(days * 24))


def trial(kind: str, i: int, seed: int, folder: Path) -> tuple[bool, float, str, str]:
    """(right, hours off at the data's middle, true zone, zone found) for one seller."""
    rng = np.random.default_rng(seed * 1000 + i)
    tz = ZONES[i % len(ZONES)]
    days, per_day = (100, 40) if kind == "offsets" else (60, 300) if kind == "utc" else (60, 40)
    seller = make_seller(rng, per_day, n_channels={"offsets": 2, "utc": 1, "local": 3}[kind], n_days=days, tz=tz)
    sim = simulate(rng, seller)
    where = folder / f"{kind}_{i}"
    where.mkdir()
    if kind == "offsets":
        paths = write_exports(sim, where)
    elif kind == "utc":
        paths = [amazon_all_orders(sim, where / "amazon_all_orders.txt")]
    else:
        paths = [ebay_orders(sim, where / "ebay_orders.csv", country=COUNTRIES[tz])]
    opts = resolve_options(load_settings({}))  # no zone given, as a new user runs it
    con, _report, opts = load_in_zone(paths, opts)
    con.close()
    found = opts.tz
    off = hours_apart(found, tz, seller.start + timedelta(days=days // 2))
    right = off <= 1 if kind == "utc" else _same_clock(found, tz, seller.start, days)
    return right, off, tz, found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sellers", type=int, default=10, help="sellers of each kind (default 10)")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    print("| files | sellers | zone right | median hours off |")
    print("|---|---:|---:|---:|")
    labels = {
        "offsets": "Amazon + Shopify (offsets)",
        "utc": "Amazon only (UTC; within 1 h)",
        "local": "eBay only (local times, country)",
    }
    with tempfile.TemporaryDirectory(prefix="zone-accuracy-") as tmp:
        for kind in ("offsets", "utc", "local"):
            rows = [trial(kind, i, args.seed, Path(tmp)) for i in range(args.sellers)]
            right = sum(r[0] for r in rows)
            print(f"| {labels[kind]} | {len(rows)} | {right / len(rows):.0%} | {np.median([r[1] for r in rows]):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

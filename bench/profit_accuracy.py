"""Accuracy of lost profit against lost revenue on the same synthetic sellers, through the real cost files.

    python -m bench.profit_accuracy             # 80 sellers (a few minutes on 2 cores)
    python -m bench.profit_accuracy --quick     # 24 sellers, same design

Each seller (bench.synth: 30 to 3,000 orders a day, 1 to 3 channels, 150 days) has an outage removing 20-100% of
one channel's orders for 2-15 hours. Every catalogue SKU gets a unit cost of 25-65% of its price; a fifth of them
changed cost 40 days before the end (the cost in force on the window's day is the truth's). Each channel pays a fee
(percent of line revenue plus a fixed amount per order) given with --fees. The costs go in as the generic
sku,unit_cost,valid_from,valid_to CSV through impact.service.load_costs, exactly as `analyze --costs` reads them.

Truth: lost profit = revenue of the removed orders - their units x the unit cost in force - their fees.
Metrics (outage windows): median absolute error of lost revenue and of lost profit, each as % of its truth; coverage
of the 90% intervals; median interval width as % of the truth.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

from bench.synth import make_seller, random_outage, simulate
from impact.service import load_costs, resolve_options, run_analysis
from impact.store import session_db
from impact.windows import Window

FEES = {"amazon": (0.15, 0.0), "shopify": (0.029, 0.30), "ebay": (0.1325, 0.40)}
FEE_SPEC = ",".join(f"{c}={100 * p:g}%+{f:.2f}" for c, (p, f) in FEES.items())


def _costs_file(path: Path, prices: np.ndarray, rng, change_day) -> tuple[np.ndarray, np.ndarray]:
    """Write the seller's cost CSV; return the unit costs before and after the change day."""
    old = prices * rng.uniform(0.25, 0.65, len(prices))
    new = old.copy()
    changed = rng.random(len(prices)) < 0.2
    new[changed] = prices[changed] * rng.uniform(0.25, 0.65, int(changed.sum()))
    rows = ["sku,unit_cost,valid_from,valid_to"]
    last_old = change_day - timedelta(days=1)
    for k in range(len(prices)):
        if changed[k]:
            rows.append(f"SKU-{k},{old[k]:.4f},,{last_old:%Y-%m-%d}")
            rows.append(f"SKU-{k},{new[k]:.4f},{change_day:%Y-%m-%d},")
        else:
            rows.append(f"SKU-{k},{old[k]:.4f},,")
    path.write_text("\n".join(rows) + "\n")
    return old, new


def run(n_sellers: int, seed: int, progress: bool = True) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n_sellers):
            opd = float(np.exp(rng.uniform(np.log(30), np.log(3000))))
            seller = make_seller(rng, opd, n_days=150)
            day = int(rng.integers(115, 140))
            outage = random_outage(rng, seller, day)
            sim = simulate(rng, seller, [outage])
            change = (seller.start + timedelta(days=110)).date()
            # The cost in force on the outage's day (UTC: the analysis runs in UTC here).
            old, new = _costs_file(Path(tmp) / "costs.csv", seller.prices, rng, change)
            unit_cost = new if outage.start.date() >= change else old
            tr = sim.truth[0]
            pct, fixed = FEES[outage.channel]
            true_profit = tr.lost * (1 - pct) - float((tr.lost_sku_units * unit_cost).sum()) - fixed * tr.lost_orders
            con = session_db()
            con.register("synthetic_lines", sim.lines())
            con.execute("INSERT INTO lines SELECT * FROM synthetic_lines")
            opts = resolve_options(tz="UTC", fees=FEE_SPEC)
            load_costs(con, opts, costs=[str(Path(tmp) / "costs.csv")])
            t0 = time.perf_counter()
            w = run_analysis(con, [Window(outage.start, outage.end, (outage.channel,))], opts, shipments=False)
            secs = time.perf_counter() - t0
            con.close()
            win = w.windows[0]
            r, p = win.revenue, win.profit
            out.append(
                {
                    "orders_per_day": opd,
                    "true_revenue": tr.lost,
                    "true_profit": true_profit,
                    "revenue": r.lost,
                    "revenue_low": r.lost_low,
                    "revenue_high": r.lost_high,
                    "profit": p.lost,
                    "profit_low": p.lost_low,
                    "profit_high": p.lost_high,
                    "costed_share": p.costed_share,
                    "seconds": secs,
                }
            )
            if progress and (i + 1) % 10 == 0:
                print(f"  {i + 1}/{n_sellers} sellers", file=sys.stderr)
    return out


def summarise(rows: list[dict]) -> dict[str, dict[str, float]]:
    res = {}
    for what in ("revenue", "profit"):
        truth = np.array([r[f"true_{what}"] for r in rows])
        est = np.array([r[what] for r in rows])
        lo = np.array([r[f"{what}_low"] for r in rows])
        hi = np.array([r[f"{what}_high"] for r in rows])
        ok = truth > 0
        res[what] = {
            "median_abs_error_pct": float(np.median(np.abs(est[ok] - truth[ok]) / truth[ok]) * 100),
            "coverage_pct": float(np.mean((lo <= truth) & (truth <= hi)) * 100),
            "median_width_pct": float(np.median((hi[ok] - lo[ok]) / truth[ok]) * 100),
        }
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sellers", type=int, default=80)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    n = 24 if args.quick else args.sellers
    t0 = time.perf_counter()
    rows = run(n, args.seed)
    res = summarise(rows)
    print(f"{n} synthetic sellers, seed {args.seed}, {time.perf_counter() - t0:.0f} s\n")
    print("| lost | median abs. error | 90% interval coverage | median interval width |")
    print("|---|---:|---:|---:|")
    for what, m in res.items():
        print(
            f"| {what} | {m['median_abs_error_pct']:.1f}% | {m['coverage_pct']:.1f}% | {m['median_width_pct']:.0f}% |"
        )
    gap = res["profit"]["median_abs_error_pct"] - res["revenue"]["median_abs_error_pct"]
    print(f"\nprofit error minus revenue error: {gap:+.1f} points (target: at most +2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Accuracy of the excess-late-shipments estimate on fulfilment outages of known effect.

    python -m bench.shipments_accuracy [--seeds N] [--json]

Each scenario is a synthetic seller history (bench/shipments_synth.py) in which a warehouse/label outage stops or
slows shipping. The truth is the difference in late orders between the history with and without the outage, built
from the same random draws. The estimate is impact.shipments.shipment_impact on the history with the outage, given
only the outage window. Reported: relative error |estimate - truth| / truth on runs whose truth is at least
MIN_TRUTH orders (target: median <= 25%), the absolute error on the rest, and how often the interval holds the
truth.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from datetime import datetime

import numpy as np

from bench.shipments_synth import Scenario, load_scenario, outage_end
from impact.shipments import shipment_impact
from impact.store import session_db
from impact.windows import Window

MIN_TRUTH = 10
TARGET_MEDIAN_ERROR = 0.25

# 2025-10-20 is a Monday (the AWS us-east-1 outage); times are UTC, the warehouse runs 08-17 at UTC-5.
MON = datetime(2025, 10, 20)


def _at(day: int, hour: int) -> datetime:
    return MON.replace(day=MON.day + day, hour=hour)


SCENARIOS: list[Scenario] = [
    Scenario("label service down 10 h, Monday working day", _at(0, 13), 10),
    Scenario("3 h morning outage", _at(1, 14), 3),
    Scenario("6 h outage, Wednesday", _at(2, 15), 6),
    Scenario("24 h outage from Thursday noon", _at(3, 17), 24),
    Scenario("Friday afternoon 8 h", _at(4, 18), 8),
    Scenario("small shop (25 orders/day), 12 h", _at(1, 12), 12, orders_per_day=25),
    Scenario("large shop (600 orders/day), 5 h", _at(2, 13), 5, orders_per_day=600),
    Scenario("SLA 24 h", _at(1, 13), 8, sla_hours=24),
    Scenario("SLA 48 business hours", _at(3, 13), 10, business_days=True),
    Scenario("degraded: half capacity for 2 days", _at(1, 13), 48, outage_capacity=0.5),
    Scenario("tight capacity (1.2x), 10 h", _at(0, 13), 10, capacity_factor=1.2),
    Scenario("shopify only, 72 h SLA, 2-day outage", _at(0, 12), 48, channels={"shopify": (1.0, False)}, sla_hours=72),
    Scenario(
        "marketplace ship-by only, 1-day handling", _at(1, 13), 9, channels={"amazon": (1.0, True)}, handling_days=1
    ),
    Scenario("short history (4 weeks)", _at(1, 13), 10, history_days=28),
    Scenario("six-day week warehouse", _at(5, 13), 10, work_days=(0, 1, 2, 3, 4, 5)),
    # Effects near zero: the estimate should say so (judged by absolute error).
    Scenario("night outage (warehouse closed)", _at(1, 3), 5),
    Scenario("Sunday outage (warehouse closed)", _at(6, 12), 10),
]


def run(seeds: int = 4, verbose: bool = True) -> dict:
    rows = []
    t0 = time.perf_counter()
    for k, sc in enumerate(SCENARIOS):
        for seed in range(seeds):
            # Distinct seeds per scenario: shared seeds would give every scenario the same order stream.
            s = replace(sc, seed=1000 * k + seed)
            con = session_db()
            syn = load_scenario(con, s)
            r = shipment_impact(
                con, Window(s.outage_start, outage_end(s)), sla_hours=s.sla_hours, business_days=s.business_days
            )
            con.close()
            truth = syn.true_excess_late
            est = r.excess_late
            rows.append(
                {
                    "scenario": s.name,
                    "seed": seed,
                    "truth": truth,
                    "estimate": est,
                    "low": r.excess_late_low,
                    "high": r.excess_late_high,
                    "due": r.due,
                    "late": r.late,
                    "expected": r.late_expected,
                    "horizon_h": r.horizon_hours,
                    "covered": r.excess_late_low <= truth <= r.excess_late_high,
                    "rel_error": abs(est - truth) / truth if truth >= MIN_TRUTH else None,
                    "abs_error": abs(est - truth),
                }
            )
            if verbose:
                x = rows[-1]
                rel = f"{x['rel_error']:6.1%}" if x["rel_error"] is not None else "   n/a"
                print(
                    f"{s.name[:44]:44s} seed {seed}  truth {truth:5d}  est {est:8.1f}  "
                    f"[{x['low']:7.1f}, {x['high']:7.1f}]  err {rel}  due {x['due']:5d}  h {x['horizon_h']:5.0f}",
                    flush=True,
                )
    rel = [x["rel_error"] for x in rows if x["rel_error"] is not None]
    small = [x["abs_error"] for x in rows if x["rel_error"] is None]
    summary = {
        "runs": len(rows),
        "runs_scored": len(rel),
        "median_rel_error": float(np.median(rel)) if rel else None,
        "p90_rel_error": float(np.quantile(rel, 0.9)) if rel else None,
        "interval_coverage": float(np.mean([x["covered"] for x in rows])),
        "nominal_coverage": 0.9,
        "small_effect_runs": len(small),
        "small_effect_mean_abs_error": float(np.mean(small)) if small else None,
        "target_median_rel_error": TARGET_MEDIAN_ERROR,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    summary["pass"] = summary["median_rel_error"] is not None and summary["median_rel_error"] <= TARGET_MEDIAN_ERROR
    return {"summary": summary, "runs": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=4, help="random histories per scenario (default 4)")
    ap.add_argument("--json", action="store_true", help="print the full result as JSON instead of a table")
    args = ap.parse_args(argv)
    out = run(args.seeds, verbose=not args.json)
    if args.json:
        print(json.dumps(out, indent=1, default=str))
    else:
        s = out["summary"]
        print(
            f"\n{s['runs_scored']} runs with >= {MIN_TRUTH} true excess late: median error {s['median_rel_error']:.1%}"
            f" (target <= {TARGET_MEDIAN_ERROR:.0%}), 90th percentile {s['p90_rel_error']:.1%}; "
            f"{s['interval_coverage']:.0%} of {s['runs']} intervals hold the truth (nominal 90%); "
            f"{s['small_effect_runs']} near-zero runs, mean absolute error {s['small_effect_mean_abs_error']:.1f} "
            f"orders; {s['seconds']} s"
        )
    return 0 if out["summary"]["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())

"""Outage detection: speed on a year of hourly data, and recall / false positives on synthetic sellers.

    python -m bench.detect_perf                    # speed: a year, 3 channels, 3,000 orders a day (~1.1M orders)
    python -m bench.detect_perf --duckdb           # the same through table `lines` (aggregation included)
    python -m bench.detect_perf --accuracy         # recall and false positives, 10 seller-years per volume
    python -m bench.detect_perf --accuracy --seeds 20 --volumes 100,300,1000,3000

Accuracy design (bench.synth sellers: 1-3 channels, holidays, promotions, daily shocks, hourly noise):
- outage years: 4 outages per year at random days and hours, 2-12 h, 50-100% of one channel's orders lost. Found
  = a detection on that channel whose start and end are both within 1 h of the truth; overlapping = any detection
  on that channel overlapping it. False positive = a detection overlapping no injected outage on its channel.
- clean years: no outage at all; every detection is a false positive.
The built-in catalog is used (its 2025 entries fall inside the simulated year), so catalog-guided checks count too.
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

import numpy as np

from bench.synth import Outage, make_seller, simulate
from impact.outages.detect import detect_history
from impact.revenue import load_history


def _outages(rng: np.random.Generator, seller, n: int) -> list[Outage]:
    days: list[int] = []
    while len(days) < n:
        d = int(rng.integers(35, seller.n_days - 3))
        if all(abs(d - u) > 4 for u in days):
            days.append(d)
    out = []
    for d in days:
        start = seller.start + timedelta(days=d, hours=int(rng.integers(0, 24)))
        out.append(
            Outage(
                start,
                start + timedelta(hours=int(rng.integers(2, 13))),
                seller.channels[int(rng.integers(len(seller.channels)))],
                float(rng.uniform(0.5, 1.0)),
            )
        )
    return out


def _score(outs: list[Outage], detections) -> tuple[int, int, int]:
    """(found within 1 h, overlapping, false positives)."""
    found = overlapping = 0
    used = set()
    hour = timedelta(hours=1)
    for o in outs:
        hits = [
            i
            for i, d in enumerate(detections)
            if d.channel == o.channel and d.window.start < o.end and d.window.end > o.start
        ]
        used.update(hits)
        overlapping += bool(hits)
        found += any(
            abs(detections[i].window.start - o.start) <= hour and abs(detections[i].window.end - o.end) <= hour
            for i in hits
        )
    return found, overlapping, len(detections) - len(used)


def accuracy(volumes: list[float], seeds: int, days: int = 365) -> None:
    print(
        f"{'orders/day':>10} {'found ±1h':>10} {'overlap':>9} {'FP/yr (outage yrs)':>19} {'FP/yr (clean yrs)':>18} "
        f"{'s/yr':>6}"
    )
    for opd in volumes:
        found = overlap = total = fp_out = fp_clean = 0
        secs = []
        for seed in range(seeds):
            for n_out in (4, 0):
                rng = np.random.default_rng(10_000 * n_out + seed)
                seller = make_seller(rng, opd, n_days=days, hidden_outages=0)
                outs = _outages(rng, seller, n_out)
                hist = simulate(rng, seller, outs).history()
                t = time.perf_counter()
                res = detect_history(hist)
                secs.append(time.perf_counter() - t)
                f, o, fp = _score(outs, res.detections)
                found, overlap, total = found + f, overlap + o, total + len(outs)
                if n_out:
                    fp_out += fp
                else:
                    fp_clean += fp
        print(
            f"{opd:>10,.0f} {found:>4}/{total:<5} {overlap:>4}/{total:<4} {fp_out / seeds:>19.2f} "
            f"{fp_clean / seeds:>18.2f} {np.median(secs):>6.2f}"
        )


def speed(orders_per_day: float, channels: int, duckdb: bool, repeats: int) -> None:
    rng = np.random.default_rng(1)
    seller = make_seller(rng, orders_per_day, n_channels=channels, n_days=365, hidden_outages=3)
    outs = _outages(rng, seller, 4)
    sim = simulate(rng, seller, outs)
    if duckdb:
        from impact.store import session_db

        con = session_db()
        lines = sim.lines()
        con.register("df", lines)
        con.execute("INSERT INTO lines BY NAME SELECT * FROM df")
        con.unregister("df")
        n_orders = con.execute("SELECT count(DISTINCT order_id) FROM lines").fetchone()[0]
    else:
        n_orders = len(sim.hours)
    print(
        f"a year of hourly data: {channels} channel(s), {n_orders:,} orders, {len(outs)} injected outages "
        f"+ {len(seller.hidden_outages)} hidden ones"
    )
    for r in range(repeats):
        t0 = time.perf_counter()
        hist = load_history(con) if duckdb else sim.history()
        t1 = time.perf_counter()
        res = detect_history(hist)
        t2 = time.perf_counter()
        print(
            f"  run {r + 1}: history {t1 - t0:.2f} s, scan {res.seconds['scan']:.2f} s, confirm "
            f"{res.seconds['confirm']:.2f} s ({res.candidates} candidates), total {t2 - t0:.2f} s; "
            f"{len(res.detections)} windows"
        )
    for d in res.detections:
        print(f"    {d.message}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accuracy", action="store_true", help="recall and false positives instead of speed")
    ap.add_argument("--seeds", type=int, default=10, help="seller-years per volume and kind (accuracy)")
    ap.add_argument("--volumes", default="100,300,1000,3000", help="orders per day, comma-separated (accuracy)")
    ap.add_argument("--orders", type=float, default=3000, help="orders per day (speed)")
    ap.add_argument("--channels", type=int, default=3, help="channels (speed)")
    ap.add_argument("--duckdb", action="store_true", help="speed: load the year from table lines with load_history")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if args.accuracy:
        accuracy([float(v) for v in args.volumes.split(",")], args.seeds)
    else:
        speed(args.orders, args.channels, args.duckdb, args.repeats)


if __name__ == "__main__":
    main()

"""Portfolio engines' throughput and overhead on generated sellers.

    python -m bench.portfolio                 # 200 sellers, local engine and a Dask cluster of scheduler + 2 workers
    python -m bench.portfolio --sellers 40    # quicker

Sellers (bench.synth, one channel, 70 days, 5 to 400 orders a day, log-uniform, seed 11) are written as Amazon All
Orders reports, one folder each, all hit by the same 5-hour outage. Measured:
- sellers/second of `portfolio` on the local engine (a process pool of --workers) and on Dask, with the scheduler and
  two `dask worker` processes started as separate processes on this machine;
- the engine's overhead per seller: (wall time x workers - the jobs' own time) / the jobs' own time;
- a single analysis of the mid-size seller, in this process, exactly as `analyze` runs it (service.load_files +
  run_analysis), against the same seller's job, and against 16 copies of it through the local engine on one process
  (wall of 16 minus wall of 1, over 15: the pool's start-up left out, its per-seller cost kept in).
Both engines' rows are compared at the end. The machine's other load moves every figure: run it twice.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import free_port
from bench.synth import Outage, make_seller, simulate

ROOT = Path(__file__).resolve().parent.parent
N_DAYS = 70
MID_COPIES = 16
OUTAGE_DAY, OUTAGE_HOUR, OUTAGE_HOURS = 60, 14, 5
AMAZON_HEADER = [
    "amazon-order-id",
    "purchase-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "sku",
    "quantity",
    "currency",
    "item-price",
]


def write_amazon(lines: pd.DataFrame, path: Path) -> None:
    """The seller's lines as an Amazon All Orders report (tab-separated), which every import detects by header."""
    df = pd.DataFrame(
        {
            "amazon-order-id": "111-" + lines.order_id.str.zfill(7),
            "purchase-date": lines.purchased_at.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "order-status": "Shipped",
            "fulfillment-channel": "Amazon",
            "sales-channel": "Amazon.com",
            "sku": lines.sku,
            "quantity": lines.quantity.astype(int),
            "currency": "USD",
            "item-price": lines.revenue.round(2),
        }
    )
    df.to_csv(path, sep="\t", index=False, columns=AMAZON_HEADER)


def outage_window(start) -> tuple[str, str]:
    s = start + timedelta(days=OUTAGE_DAY, hours=OUTAGE_HOUR)
    return s.strftime("%Y-%m-%dT%H:%MZ"), (s + timedelta(hours=OUTAGE_HOURS)).strftime("%Y-%m-%dT%H:%MZ")


def make_portfolio(folder: Path, n: int, seed: int = 11, low: float = 5, high: float = 400) -> list[float]:
    """n seller folders under `folder` (seller-000...), each with one Amazon report; returns orders per day."""
    rng = np.random.default_rng(seed)
    sizes = np.exp(rng.uniform(np.log(low), np.log(high), n))
    for i, opd in enumerate(sizes):
        seller = make_seller(rng, float(opd), n_channels=1, n_days=N_DAYS, hidden_outages=0, special=False)
        s = seller.start + timedelta(days=OUTAGE_DAY, hours=OUTAGE_HOUR)
        out = Outage(s, s + timedelta(hours=OUTAGE_HOURS), "amazon", fraction=float(rng.uniform(0.2, 1.0)))
        d = folder / f"seller-{i:03d}"
        d.mkdir(parents=True, exist_ok=True)
        write_amazon(simulate(rng, seller, [out]).lines(), d / "all_orders.txt")
    return [float(x) for x in sizes]


def start_cluster(workers: int = 2, log_dir: Path | None = None) -> tuple[str, list[subprocess.Popen]]:
    """A scheduler and `workers` single-threaded worker processes on loopback, as separate processes
    (`dask scheduler`, `dask worker`); returns (address, processes) once every worker has joined."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    dask = str(Path(sys.executable).parent / "dask")
    out = subprocess.DEVNULL
    procs = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0", "--no-show"],
            env=env,
            stdout=out,
            stderr=out,
        )
    ]
    for _ in range(workers):
        # --no-nanny: the process started here is the worker itself, so killing it (the test does) kills the worker.
        procs.append(
            subprocess.Popen(
                [dask, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=out,
            )
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            with Client(address, timeout="5s") as c:
                c.wait_for_workers(workers, timeout=max(1, deadline - time.monotonic()))
            return address, procs
        except (OSError, TimeoutError):
            if time.monotonic() > deadline:
                stop_cluster(procs)
                raise


def stop_cluster(procs: list[subprocess.Popen]) -> None:
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def _run(jobs, spec, **engine) -> tuple[float, float, list]:
    from impact.portfolio import run

    t0 = time.perf_counter()
    results = run(jobs, spec, **engine)
    return time.perf_counter() - t0, sum(r.seconds for r in results), results


def single_analysis(files: list[str], window) -> float:
    """One `analyze` of a seller in this process (service.load_files + run_analysis, the default DuckDB threads)."""
    from impact.service import load_files, resolve_options, run_analysis

    opts = resolve_options()
    t0 = time.perf_counter()
    con, _ = load_files(files, tz=opts.tz, settings=opts.settings)
    run_analysis(con, [window], opts)
    con.close()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sellers", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--skip-dask", action="store_true")
    args = ap.parse_args(argv)

    from impact.portfolio import RunSpec, analyse_seller, discover
    from impact.windows import window_from_strings

    tmp = Path(tempfile.mkdtemp(prefix="bench-portfolio-"))
    try:
        t0 = time.perf_counter()
        sizes = make_portfolio(tmp / "sellers", args.sellers, args.seed)
        print(
            f"generated {args.sellers} sellers ({min(sizes):.0f}-{max(sizes):.0f} orders/day, median "
            f"{statistics.median(sizes):.0f}) in {time.perf_counter() - t0:.1f} s"
        )
        from bench.synth import START

        window = window_from_strings(*outage_window(START), ["amazon"])
        jobs, _ = discover(tmp / "sellers")
        spec = RunSpec(windows=(window,))
        mid = jobs[int(np.argsort(sizes)[len(sizes) // 2])]
        # The engine runs each job with one DuckDB thread (its parallelism is across sellers): analyze is timed with
        # the same, and the two are interleaved so that the machine's other load falls on both alike.
        os.environ["IMPACT_DUCKDB_THREADS"] = "1"
        rounds, direct, in_job = 7, [], []
        for _ in range(rounds):
            direct.append(single_analysis(list(mid.files), window))
            in_job.append(analyse_seller(mid, spec).seconds)
        direct, in_job = statistics.median(direct), statistics.median(in_job)
        print(
            f"mid-size seller ({mid.seller_id}, {sizes[int(mid.seller_id[-3:])]:.0f} orders/day): analyze "
            f"{1000 * direct:.0f} ms, the same seller as a portfolio job {1000 * in_job:.0f} ms (median of {rounds})"
        )
        copies = [dataclasses.replace(mid, seller_id=f"copy-{k:02d}") for k in range(MID_COPIES)]

        def per_copy(**engine) -> float:
            """Per-seller worker time of the mid-size seller through an engine: (wall of all copies - wall of one)
            x workers / (copies - 1), so the engine's start-up is left out and its per-seller cost kept in."""
            one = _run(copies[:1], spec, **engine)[0]
            every = _run(copies, spec, **engine)[0]
            return (every - one) * engine["workers"] / (len(copies) - 1)

        t = per_copy(engine="local", workers=1)
        print(
            f"mid-size seller x {MID_COPIES} through the local engine (1 process): {1000 * t:.0f} ms per seller, "
            f"{100 * (t / direct - 1):+.1f}% against analyze"
        )

        def report(name, wall, busy, workers):
            rate = len(jobs) / wall
            overhead = (wall * workers - busy) / busy
            print(
                f"{name}: {len(jobs)} sellers in {wall:.1f} s = {rate:.2f} sellers/s; per seller {1000 * wall * workers / len(jobs):.0f} "
                f"ms of a worker vs {1000 * busy / len(jobs):.0f} ms of analysis: engine overhead {100 * overhead:.1f}%"
            )

        wall, busy, local = _run(jobs, spec, engine="local", workers=args.workers)
        report(f"local engine, {args.workers} processes", wall, busy, args.workers)
        if not args.skip_dask:
            address, procs = start_cluster(2)
            try:
                _run(jobs[:4], spec, engine="dask", scheduler=address)  # workers import impact once, before timing
                wall, busy, remote = _run(jobs, spec, engine="dask", scheduler=address)
            finally:
                stop_cluster(procs)
            report("dask, scheduler + 2 worker processes", wall, busy, 2)
            same = [r.rows for r in local] == [r.rows for r in remote]
            print(f"dask rows identical to local: {same}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

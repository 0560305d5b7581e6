"""How fast a share link opens: alone, from a cold process, and while other processes read and write the file.

    python -m bench.share_latency [--shares N] [--readers N] [--db postgresql://...] [--json]

Uses a temporary DuckDB file, or the PostgreSQL database --db names. The snapshot is sized like a real one: 3 outage
windows, 6 channels, two weeks of hourly actual/expected/interval values around each window, plus the ingest summary.
Target: a link opens in under a second.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHANNELS = ("amazon", "shopify", "ebay", "etsy", "woocommerce", "walmart")


def realistic_snapshot(seed: int = 1) -> dict:
    import random

    rng = random.Random(seed)
    windows, analysis = [], []
    for k in range(3):
        start = datetime(2025, 10, 20, 6) + timedelta(days=30 * k)
        windows.append(
            {
                "start": start.isoformat() + "Z",
                "end": (start + timedelta(hours=5)).isoformat() + "Z",
                "channels": ["amazon"],
                "title": f"outage {k}",
            }
        )
        hourly = []
        for h in range(-7 * 24, 7 * 24):
            for c in CHANNELS:
                e = 50 + 30 * rng.random()
                hourly.append(
                    {
                        "hour": (start + timedelta(hours=h)).isoformat() + "Z",
                        "channel": c,
                        "actual": round(e * rng.uniform(0.2, 1.2), 2),
                        "expected": round(e, 2),
                        "low": round(e * 0.8, 2),
                        "high": round(e * 1.2, 2),
                    }
                )
        analysis.append(
            {
                "start": windows[-1]["start"],
                "hourly": hourly,
                "by_channel": [{"channel": c, "expected": 1000.0, "lost": 400.0} for c in CHANNELS],
            }
        )
    ingest = {
        "orders": 120_000,
        "lines": 180_000,
        "currency": ["USD"],
        "channels": {c: {"orders": 20_000, "revenue": 1e6} for c in CHANNELS},
        "files": [{"format": "amazon_all_orders", "lines": 180_000, "loaded": 179_000}],
    }
    return {"settings": {"confidence": 0.9}, "windows": windows, "analysis": {"windows": analysis}, "ingest": ingest}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


READER = """
import json, sys, time
from impact.share import open_share
tokens = json.loads(sys.argv[1]); times = []
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    for t in tokens:
        a = time.perf_counter(); open_share(t); times.append(time.perf_counter() - a)
print(json.dumps(times))
"""

WRITER = """
import json, sys, time
from bench.share_latency import realistic_snapshot
from impact.share import create_share
snap = realistic_snapshot(); times = []
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    a = time.perf_counter(); create_share(snap); times.append(time.perf_counter() - a)
print(json.dumps(times))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shares", type=int, default=200, help="shares in the database before measuring (default 200)")
    ap.add_argument("--readers", type=int, default=3, help="concurrent reader processes (default 3)")
    ap.add_argument("--seconds", type=float, default=4.0, help="length of the concurrent phase (default 4)")
    ap.add_argument(
        "--db",
        metavar="URL",
        help="an empty PostgreSQL database (postgresql://...) to measure instead of a temporary DuckDB file",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="share-bench-")
    os.environ["IMPACT_DB"] = args.db or str(Path(tmp) / "impact.duckdb")
    from impact.share import create_share, list_shares, open_share

    snap = realistic_snapshot()
    raw = len(json.dumps(snap))
    create_t, links = [], []
    for _ in range(args.shares):
        a = time.perf_counter()
        links.append(create_share(snap))
        create_t.append(time.perf_counter() - a)
    open_t = []
    for link in links[:50]:
        a = time.perf_counter()
        open_share(link.token)
        open_t.append(time.perf_counter() - a)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    a = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", f"from impact.share import open_share; open_share({links[0].token!r})"],
        check=True,
        env=env,
        cwd=ROOT,
    )
    cold = time.perf_counter() - a

    tokens = json.dumps([link.token for link in links[:10]])
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", READER, tokens, str(args.seconds)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for _ in range(args.readers)
    ]
    procs.append(
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(args.seconds)], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
        )
    )
    outs = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    busy_open = [t for o in outs[:-1] for t in o]
    busy_create = outs[-1]

    result = {
        "snapshot_json_bytes": raw,
        "stored_bytes": int(statistics.mean(r["bytes"] for r in list_shares())),
        "create_median_s": statistics.median(create_t),
        "create_p95_s": pct(create_t, 0.95),
        "open_median_s": statistics.median(open_t),
        "open_p95_s": pct(open_t, 0.95),
        "cold_process_open_s": cold,
        "concurrent": {
            "readers": args.readers,
            "writers": 1,
            "opens": len(busy_open),
            "open_median_s": statistics.median(busy_open),
            "open_p95_s": pct(busy_open, 0.95),
            "open_max_s": max(busy_open),
            "creates": len(busy_create),
            "create_median_s": statistics.median(busy_create),
            "create_max_s": max(busy_create),
        },
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        c = result["concurrent"]
        print(
            f"snapshot {raw / 1e3:,.0f} kB JSON, ~{result['stored_bytes'] / 1e3:,.0f} kB stored per share "
            f"({args.shares} shares in the file)"
        )
        print(f"create: median {result['create_median_s'] * 1e3:,.0f} ms, p95 {result['create_p95_s'] * 1e3:,.0f} ms")
        print(f"open:   median {result['open_median_s'] * 1e3:,.0f} ms, p95 {result['open_p95_s'] * 1e3:,.0f} ms")
        print(f"open from a cold process (interpreter start + import + open): {cold * 1e3:,.0f} ms")
        print(
            f"{c['readers']} reader processes + 1 writer for {args.seconds:g} s: {c['opens']} opens, median "
            f"{c['open_median_s'] * 1e3:,.0f} ms, p95 {c['open_p95_s'] * 1e3:,.0f} ms, max "
            f"{c['open_max_s'] * 1e3:,.0f} ms; {c['creates']} creates, max {c['create_max_s'] * 1e3:,.0f} ms"
        )
    ok = result["open_p95_s"] < 1.0 and result["concurrent"]["open_p95_s"] < 1.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

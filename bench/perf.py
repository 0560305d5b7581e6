"""Speed and memory benchmark: the product against DuckDB itself and pandas, measured in the same run.

    python -m bench.perf [--lines 2000000] [--file existing_report.txt] [--keep] [--repeat 3]
    python -m bench.perf --file existing_report.txt --pairs 7

With --pairs N only (a) DuckDB alone and (c) analyze run, alternately, N times: each pair's time and peak-memory
ratio and their medians, the figures the speed target is stated in (analyze at most 1.8x DuckDB's time, 1.5x its
memory), and the CPU-time ratio (user + system), which other work on a shared machine moves less than the time.

The package's bytecode is compiled first, as `pip install` does: the product is measured as installed. A checkout
run with PYTHONDONTWRITEBYTECODE=1 (as this machine's sessions are) would otherwise compile every module it imports
at each start, ~0.13 s of CPU that an installed `impact` never spends (DuckDB alone's modules are installed).
Otherwise:

Prints times, peak RSS and the ratios (b)/(a), (c)/(a), the floor (g)/(a) and, for the app's upload path,
(f)/(f'), and (h)/(c): analyze with cost and ad files against analyze without. Not a unit test: numbers depend
on the machine.
With --repeat N the steps run N times, interleaved, and each step's fastest run is kept: on a machine shared with
other work, the minimum is the figure least disturbed by it. The ratios are also given per round (each step against
the (a) of its own round, run moments before it): their median is steadier than a ratio of two minima, which a single
lucky or unlucky (a) moves.
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AMAZON_HEADER = (
    "amazon-order-id merchant-order-id purchase-date last-updated-date order-status fulfillment-channel sales-channel "
    "order-channel url ship-service-level product-name sku asin item-status quantity currency item-price item-tax "
    "shipping-price shipping-tax gift-wrap-price gift-wrap-tax item-promotion-discount ship-promotion-discount "
    "ship-city ship-state ship-postal-code ship-country promotion-ids is-business-order purchase-order-number "
    "price-designation"
).split()
# The columns the app reads from an All Orders report.
NEEDED = [
    "amazon-order-id",
    "purchase-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "product-name",
    "sku",
    "item-status",
    "quantity",
    "currency",
    "item-price",
    "ship-country",
]


def generate_amazon_report(path: Path, lines: int, seed: int = 7, price_scale: float = 1.0) -> None:
    """A year (2025) of Amazon All Orders lines, written by DuckDB in seconds. price_scale makes files tell apart."""
    import duckdb

    con = duckdb.connect()
    con.execute("SELECT setseed(?)", [seed / 100])
    # Purchase times follow an hour-of-day curve: sample a uniform minute and warp it.
    con.execute(
        f"""COPY (
        SELECT
            printf('%03d-%07d-%07d', 100 + (i % 800), (i // 2) % 10000000, i // 2) AS "amazon-order-id",
            '' AS "merchant-order-id",
            strftime(TIMESTAMP '2025-01-01' + to_seconds(CAST((i / {lines}) * 365 * 86400 AS BIGINT)),
                     '%Y-%m-%dT%H:%M:%S+00:00') AS "purchase-date",
            strftime(TIMESTAMP '2025-01-02' + to_seconds(CAST((i / {lines}) * 365 * 86400 AS BIGINT)),
                     '%Y-%m-%dT%H:%M:%S+00:00') AS "last-updated-date",
            CASE WHEN random() < 0.02 THEN 'Cancelled' WHEN random() < 0.03 THEN 'Pending' ELSE 'Shipped' END
                AS "order-status",
            CASE WHEN i % 3 = 0 THEN 'Merchant' ELSE 'Amazon' END AS "fulfillment-channel",
            'Amazon.com' AS "sales-channel", '' AS "order-channel", '' AS url, 'Standard' AS "ship-service-level",
            'Product number ' || (i % 500) || ', a fine thing with a long descriptive title' AS "product-name",
            'SKU-' || lpad(CAST(i % 500 AS VARCHAR), 5, '0') AS sku, 'B0' || lpad(CAST(i % 500 AS VARCHAR), 8, '0') AS asin,
            'Shipped' AS "item-status", 1 + (i % 3) AS quantity, 'USD' AS currency,
            printf('%.2f', (5 + (i % 500) * 0.37) * (1 + (i % 3)) * {float(price_scale)}) AS "item-price",
            '1.00' AS "item-tax", '3.99' AS "shipping-price", '0.00' AS "shipping-tax", '' AS "gift-wrap-price",
            '' AS "gift-wrap-tax", '' AS "item-promotion-discount", '' AS "ship-promotion-discount",
            'SPRINGFIELD' AS "ship-city", 'IL' AS "ship-state", '62701' AS "ship-postal-code", 'US' AS "ship-country",
            '' AS "promotion-ids", 'false' AS "is-business-order", '' AS "purchase-order-number",
            '' AS "price-designation"
        FROM range({lines}) t(i)
        ) TO '{path}' (DELIMITER '\t', HEADER, QUOTE '')"""
    )


def write_cost_inputs(folder: Path) -> tuple[Path, Path]:
    """Product costs for the generated report's 500 SKUs (a cost change mid-year for every tenth) and a year of
    hourly Amazon ad spend: the inputs of `analyze --costs --ads`, step (h)."""
    costs = folder / "product_costs.csv"
    rows = ["sku,unit_cost,valid_from,valid_to"]
    for k in range(500):
        unit = (5 + k * 0.37) * 0.45
        if k % 10 == 0:
            rows += [f"SKU-{k:05d},{unit:.2f},,2025-06-30", f"SKU-{k:05d},{unit * 1.1:.2f},2025-07-01,"]
        else:
            rows.append(f"SKU-{k:05d},{unit:.2f},,")
    costs.write_text("\n".join(rows) + "\n")
    ads = folder / "ad_spend.csv"
    day0 = date(2025, 1, 1)
    spend = ["date,hour,channel,spend"]
    spend += [f"{day0 + timedelta(days=d)},{h},amazon,{3 + (h % 7) * 0.5:.2f}" for d in range(365) for h in range(24)]
    ads.write_text("\n".join(spend) + "\n")
    return costs, ads


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """Like measure, but reaps the child itself so its own peak RSS is known."""
    elapsed, peak_mb, _, out = run_reaped(cmd)
    return elapsed, peak_mb, out


def run_reaped(cmd: list[str]) -> tuple[float, float, float, str]:
    """(seconds, peak RSS in MB, CPU seconds user + system, stdout) of one child process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd[:5])}... failed: {err.read().strip()[-800:]}")
        return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out.read()


DUCKDB_ALONE = """
import duckdb, sys
con = duckdb.connect()
cols = ", ".join('"' + c + '"' for c in sys.argv[2].split("|"))
con.execute(f"CREATE TABLE t AS SELECT {cols} FROM read_csv(?, delim='\\t', header=true)", [sys.argv[1]])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
"""

# A floor, not a product path: DuckDB's own typed read of the same columns, stored in the shape of `lines`, with
# no trimming, no checks, no line numbers, no key check and no report. What the product adds is (b) minus this.
BARE_SHAPE = """
import duckdb, sys
con = duckdb.connect()
con.execute('''CREATE TABLE t AS SELECT 'amazon' AS channel, "sales-channel" AS marketplace,
    "amazon-order-id" AS order_id, sku || '#1' AS line_key, "purchase-date"::TIMESTAMP AS purchased_at,
    'second' AS time_precision, sku, "product-name" AS product_name, quantity::DOUBLE AS quantity,
    "item-price"::DOUBLE AS revenue, currency, "order-status" AS status, "fulfillment-channel" AS fulfilment,
    NULL::TIMESTAMP AS shipped_at, NULL::TIMESTAMP AS promised_at, "ship-country" AS ship_country, 1 AS file_id
    FROM read_csv(?, delim='\\t', header=true)''', [sys.argv[1]])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
"""

PANDAS_READ = """
import pandas as pd, sys
df = pd.read_csv(sys.argv[1], sep="\\t", usecols=sys.argv[2].split("|"))
print(len(df))
"""

RERUN = """
import json, sys, time
from impact.store import session_db
from impact.ingest import ingest_files
from impact.analysis import analyze
from impact.revenue import load_history
from impact.windows import window_from_strings
con = session_db()
ingest_files(con, [sys.argv[1]])
# The app keeps the hourly aggregation of the loaded data and reuses it when only the window changes.
hist = load_history(con, tz="UTC")
analyze(con, [window_from_strings("2025-10-20T06:48:00Z", "2025-10-20T21:20:00Z")], hist=hist)
start = time.perf_counter()
analyze(con, [window_from_strings("2025-07-15T13:00:00Z", "2025-07-15T19:00:00Z")], hist=hist)
print(time.perf_counter() - start)
"""


# The app's upload path: the bytes are in memory (Streamlit holds the upload) before the import starts.
UPLOAD = """
import sys, time
from pathlib import Path
from impact.store import session_db
from impact.ingest import ingest_files
from impact.ingest.uploads import ingest_uploads
con = session_db()
if sys.argv[2] == "upload":
    data = Path(sys.argv[1]).read_bytes()
    start = time.perf_counter()
    result = ingest_uploads(con, [("orders.txt", data)], tz="UTC")
    assert not result.errors and not result.unmapped, result
else:
    start = time.perf_counter()
    ingest_files(con, [sys.argv[1]], tz="UTC")
print(time.perf_counter() - start)
"""


def paired(alone: list[str], analyze: list[str], pairs: int, as_json: bool) -> dict:
    """Run DuckDB alone and analyze one after the other `pairs` times; print each pair's ratios and the medians.
    A pair's two processes run moments apart, so a machine shared with other work disturbs both alike."""
    rows = []
    for i in range(pairs):
        a_s, a_mb, a_cpu, _ = run_reaped(alone)
        c_s, c_mb, c_cpu, _ = run_reaped(analyze)
        row = {"a_s": a_s, "a_mb": a_mb, "a_cpu": a_cpu, "c_s": c_s, "c_mb": c_mb, "c_cpu": c_cpu}
        rows.append(row | {"time": c_s / a_s, "memory": c_mb / a_mb, "cpu": c_cpu / a_cpu})
        if not as_json:
            print(
                f"pair {i + 1}: DuckDB alone {a_s:.2f} s ({a_cpu:.2f} s CPU), {a_mb:.0f} MB; analyze {c_s:.2f} s "
                f"({c_cpu:.2f} s CPU), {c_mb:.0f} MB; time {c_s / a_s:.2f}x, CPU {c_cpu / a_cpu:.2f}x, "
                f"memory {c_mb / a_mb:.2f}x",
                flush=True,
            )
    summary = {
        key: {
            "median": round(statistics.median(r[key] for r in rows), 2),
            "min": round(min(r[key] for r in rows), 2),
            "max": round(max(r[key] for r in rows), 2),
        }
        for key in ("time", "memory", "cpu")
    }
    summary["pairs"] = [{k: round(v, 2) for k, v in r.items()} for r in rows]
    if as_json:
        print(json.dumps(summary, indent=1))
    else:
        t, m, c = summary["time"], summary["memory"], summary["cpu"]
        print(
            f"analyze / DuckDB alone over {pairs} pairs: time median {t['median']}x ({t['min']}-{t['max']}), "
            f"peak memory median {m['median']}x ({m['min']}-{m['max']}), CPU time median {c['median']}x "
            f"({c['min']}-{c['max']})"
        )
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--file", type=Path, help="use this Amazon All Orders report instead of generating one")
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each step, interleaved; the fastest is kept")
    ap.add_argument("--pairs", type=int, default=0, help="only (a) and (c), alternately, this many times")
    args = ap.parse_args(argv)

    py = sys.executable
    # Into the package's own __pycache__ (ignored by git), where an installed package keeps it too.
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "impact")], check=True, cwd=ROOT)
    tmpdir = Path(tempfile.mkdtemp(prefix="impact-perf-"))
    path = args.file or tmpdir / f"amazon_all_orders_{args.lines}.txt"
    if not args.file:
        t0 = time.perf_counter()
        generate_amazon_report(path, args.lines)
        print(
            f"generated {args.lines:,} lines ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
    needed = "|".join(NEEDED)
    costs, ads = write_cost_inputs(tmpdir)
    analyze = [
        py,
        "-m",
        "impact",
        "analyze",
        str(path),
        "--window",
        "2025-10-20T06:48:00Z",
        "2025-10-20T21:20:00Z",
        "--json",
    ]
    steps = {
        "a_duckdb_alone": [py, "-c", DUCKDB_ALONE, str(path), needed],
        "b_ingest": [py, "-m", "impact", "ingest", str(path), "--json"],
        "c_analyze": analyze,
        # (c) with the cost inputs: the same command, so (h)/(c) is what they add.
        "h_analyze_costs": [*analyze, "--costs", str(costs), "--ads", str(ads)],
        "d_rerun": [py, "-c", RERUN, str(path)],
        "e_pandas": [py, "-c", PANDAS_READ, str(path), needed],
        "g_bare": [py, "-c", BARE_SHAPE, str(path)],
        "f_upload": [py, "-c", UPLOAD, str(path), "upload"],
        "f_disk": [py, "-c", UPLOAD, str(path), "disk"],
    }
    if args.pairs:
        paired(steps["a_duckdb_alone"], analyze, args.pairs, args.json)
        if not args.keep and not args.file:
            path.unlink(missing_ok=True)
        return 0
    results: dict[str, tuple] = {}
    rounds: dict[str, list[float]] = {}
    for _ in range(max(1, args.repeat)):
        for key, cmd in steps.items():
            got = run_measured(cmd)
            if key in ("d_rerun", "f_upload", "f_disk"):
                got = (float(got[2].strip()), got[1], "")
            rounds.setdefault(key, []).append(got[0])
            # the fastest time, and the highest memory seen in any run (memory is a ceiling to stay under)
            if key in results:
                got = (min(got[0], results[key][0]), max(got[1], results[key][1]), got[2])
            results[key] = got
    a = results["a_duckdb_alone"][0]
    table = {
        "lines": args.lines if not args.file else None,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "rows": {k: {"seconds": round(v[0], 2), "peak_rss_mb": round(v[1])} for k, v in results.items()},
        "ratio_ingest_vs_duckdb": round(results["b_ingest"][0] / a, 2),
        "ratio_analyze_vs_duckdb": round(results["c_analyze"][0] / a, 2),
    }
    table["ratio_bare_vs_duckdb"] = round(results["g_bare"][0] / a, 2)
    table["ratio_upload_vs_disk"] = round(results["f_upload"][0] / results["f_disk"][0], 2)
    per_round = {}
    for key, name in (("b_ingest", "ingest"), ("c_analyze", "analyze"), ("g_bare", "bare")):
        ratios = sorted(t / a_i for t, a_i in zip(rounds[key], rounds["a_duckdb_alone"], strict=True))
        per_round[name] = {
            "median": round(statistics.median(ratios), 2),
            "min": round(ratios[0], 2),
            "max": round(ratios[-1], 2),
        }
    costs_ratios = sorted(h / c for h, c in zip(rounds["h_analyze_costs"], rounds["c_analyze"], strict=True))
    per_round["costs_vs_analyze"] = {
        "median": round(statistics.median(costs_ratios), 2),
        "min": round(costs_ratios[0], 2),
        "max": round(costs_ratios[-1], 2),
    }
    table["ratio_costs_vs_analyze"] = round(results["h_analyze_costs"][0] / results["c_analyze"][0], 2)
    table["ratio_per_round"] = per_round
    if args.json:
        print(json.dumps(table, indent=1))
    else:
        labels = {
            "a_duckdb_alone": "(a) DuckDB alone: CREATE TABLE AS SELECT needed columns FROM read_csv",
            "b_ingest": "(b) python -m impact ingest",
            "c_analyze": "(c) python -m impact analyze, one window",
            "h_analyze_costs": "(h) the same analyze with --costs (500 SKUs) and --ads (a year, hourly)",
            "d_rerun": "(d) second analysis on loaded data (app re-run path)",
            "e_pandas": "(e) pandas.read_csv of the same columns",
            "g_bare": "(g) floor: DuckDB's typed read stored in the shape of `lines`, no checks at all",
            "f_upload": "(f) the app's upload path: ingest_uploads of the bytes (in process)",
            "f_disk": "(f') ingest_files of the same file on disk (in process)",
        }
        print(f"| step ({table['file_mb']} MB file) | seconds | peak RSS MB |\n|---|---|---|")
        for k, v in table["rows"].items():
            print(f"| {labels[k]} | {v['seconds']} | {v['peak_rss_mb'] if k != 'd_rerun' else '(in process)'} |")
        print(
            f"\n(b)/(a) = {table['ratio_ingest_vs_duckdb']}, (c)/(a) = {table['ratio_analyze_vs_duckdb']}, "
            f"(g)/(a) = {table['ratio_bare_vs_duckdb']}, (f)/(f') = {table['ratio_upload_vs_disk']}, "
            f"(h)/(c) = {table['ratio_costs_vs_analyze']}"
        )
        if args.repeat > 1:
            print(
                "per round, against that round's (a): "
                + ", ".join(f"{n} median {v['median']} ({v['min']}-{v['max']})" for n, v in per_round.items())
            )
    if not args.keep and not args.file:
        path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

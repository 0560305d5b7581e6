"""Speed of the HTML report and of the app's re-run path (a new window on data already aggregated).

    python -m bench.report_perf [--lines 500000] [--repeat 5]

Without --lines it uses the demo seller (data/demo); with it, a generated year of Amazon All Orders lines
(bench.perf.generate_amazon_report). Prints medians; not a unit test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import timedelta
from pathlib import Path

from bench.common import median_seconds
from impact.analysis import analyze
from impact.dataset import product_names
from impact.ingest import ingest_files
from impact.options import resolve_options
from impact.report import build_report
from impact.revenue import load_history
from impact.shipments import shipment_report
from impact.store import session_db
from impact.windows import Window, window_from_strings

ROOT = Path(__file__).resolve().parent.parent
UTC_OPTIONS = resolve_options(tz="UTC")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=0, help="generate this many Amazon lines instead of the demo")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    con = session_db()
    with tempfile.TemporaryDirectory() as tmp:
        if args.lines:
            from bench.perf import generate_amazon_report

            path = Path(tmp) / "orders.txt"
            generate_amazon_report(path, args.lines)
            files = [path]
            window = window_from_strings("2025-10-20T06:48:00Z", "2025-10-20T21:20:00Z")
        else:
            files = [
                ROOT / "data" / "demo" / "amazon_all_orders.txt",
                ROOT / "data" / "demo" / "shopify_orders_export.csv",
            ]
            window = window_from_strings("2025-10-20T06:48:00Z", "2025-10-20T21:20:00Z", "amazon")
        report = ingest_files(con, files, tz="UTC")
    print(f"data: {report.lines:,} lines, {report.orders:,} orders")
    moved = Window(window.start + timedelta(minutes=5), window.end, window.channels)
    full = median_seconds(lambda: analyze(con, [moved], UTC_OPTIONS), args.repeat)
    hist = load_history(con, tz="UTC", at=window.start)
    rerun = median_seconds(lambda: analyze(con, [moved], UTC_OPTIONS, hist=hist, shipments=False), args.repeat)
    print(
        f"window moved, analyze from scratch: {full * 1000:,.0f} ms; app re-run (cached history, no shipments): "
        f"{rerun * 1000:,.0f} ms"
    )
    result = analyze(con, [window], UTC_OPTIONS, hist=hist, shipments=False).to_json()
    ship = shipment_report(con, Window(window.start, window.end))
    names = product_names(con, [r["sku"] for r in result["windows"][0]["top_skus"]])
    doc = build_report(result, ingest=report, shipments=ship, tz="America/New_York", product_names=names)
    build = median_seconds(
        lambda: build_report(result, ingest=report, shipments=ship, tz="America/New_York", product_names=names),
        args.repeat,
    )
    print(f"report: {len(doc.encode()) / 1e6:.2f} MB, built in {build * 1000:,.0f} ms (median of {args.repeat})")


if __name__ == "__main__":
    main()

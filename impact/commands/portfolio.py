"""python -m impact portfolio SOURCE --window START END --out results.parquet : many sellers, each analysed as
`analyze` analyses one, on a local process pool or a Dask cluster."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace

from .. import present
from ..errors import InputError
from ..portfolio import RunSpec, discover, engines, summarise, write
from ..portfolio.results import paths
from . import options


def register(sub) -> None:
    p = sub.add_parser(
        "portfolio",
        help="analyse many sellers' exports at once (local processes or a Dask cluster)",
        description="Analyse every seller of a portfolio for the outage windows, each exactly as `analyze` does, and "
        "write one row per seller and window as Parquet and CSV. A seller whose files cannot be analysed gets an "
        "error row; the run goes on.",
    )
    p.add_argument(
        "source",
        metavar="SOURCE",
        help="a folder with one sub-folder of exports per seller (the folder name is the seller id), or a manifest "
        "CSV with seller_id,path rows (paths relative to the manifest; several rows per seller allowed)",
    )
    options.add_reading(p)
    options.add_window(p, required=True)
    options.add_analysis(p)
    p.add_argument(
        "--costs-dir",
        default=None,
        metavar="DIR",
        help="cost and ad files per seller in DIR/<seller_id>/ (cost files in a seller's own folder are found too)",
    )
    p.add_argument("--engine", default="local", choices=["local", "dask"], help="where sellers run (default local)")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT", help="a running Dask scheduler to use")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (local pool, or the LocalCluster started without --scheduler; default: the cores)",
    )
    options.add_out(p, "the results as Parquet (the CSV is written beside it)", stdout=False)
    p.add_argument("--progress", action="store_true", help="show the progress bar even when stderr is not a terminal")
    options.add_json(p, "the portfolio summary")
    p.set_defaults(func=run)


class ProgressBar:
    """Sellers done / total, rate and ETA on one stderr line, redrawn at most every 0.2 s (never on stdout)."""

    def __init__(self, total: int, stream=None, width: int = 28):
        self.total, self.stream, self.width = total, stream or sys.stderr, width
        self.done, self.t0, self.drawn = 0, time.monotonic(), 0.0

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.t0, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else None
        filled = round(self.width * self.done / max(self.total, 1))
        eta_text = "--:--" if eta is None else f"{int(eta // 60):d}:{int(eta % 60):02d}"
        return f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} sellers, {rate:.1f}/s, ETA {eta_text}"

    def update(self, _result=None) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self.drawn >= 0.2 or self.done == self.total:
            self.drawn = now
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def human_summary(summary: dict, source: dict, written: tuple) -> str:
    out = [f"{summary['sellers']:,} sellers, {summary['rows']:,} rows ({summary['error_rows']:,} with an error)"]
    for c in summary["currencies"]:
        cur, r = c["currency"], c["revenue_lost"]
        out.append(
            f"{cur}: revenue lost {present.format_money_ascii(r['lost'], cur)} (interval {present.format_money_ascii(r['lost_low'], cur)} to "
            f"{present.format_money_ascii(r['lost_high'], cur)}) over {c['sellers']:,} sellers; significant loss at "
            f"{c['significant']:,} ({present.percent(c['significant_share'])})"
        )
        if c["profit_lost"]:
            p = c["profit_lost"]
            out.append(f"  profit lost {present.format_money_ascii(p['lost'], cur)} ({p['rows']:,} costed rows)")
        if c["top"]:
            out.append(
                "  top: "
                + ", ".join(f"{t['seller_id']} {present.format_money_ascii(t['lost'], cur)}" for t in c["top"][:5])
            )
    if summary["failed_sellers"]:
        out.append("not analysed: " + ", ".join(summary["failed_sellers"][:10]))
    if source["rejected"]:
        out.append(
            "manifest lines rejected: "
            + ", ".join(f"{r.get('line', r.get('entry'))} ({r['reason']})" for r in source["rejected"][:10])
        )
    out.append(f"wrote {written[0]} and {written[1]}")
    return "\n".join(out)


def run(args) -> int:

    windows = options.windows(args)
    opts = options.options(args)  # checks --confidence, --home-currency... before any seller is read
    if not paths(args.out)[0].parent.is_dir():  # before the sellers run, not after
        raise InputError(f"--out: the folder of {args.out} does not exist")
    jobs, source = discover(args.source, args.costs_dir)
    if args.costs or args.ads:
        # Cost files named on the command line apply to every seller, after the ones found in its folder.

        jobs = [replace(j, costs=(*j.costs, *args.costs), ads=(*j.ads, *args.ads)) for j in jobs]
    spec = RunSpec(
        windows=tuple(windows),
        options=dict(
            tz=args.tz,  # None: each seller's zone is read from their files
            currency=opts.currency,
            confidence=opts.confidence,
            recovery_hours=opts.recovery_hours,
            sla_hours=opts.sla_hours,
            business_days=opts.business_days,
            fees=opts.fees,
            home_currency=opts.home_currency,
        ),
        mapping=options.parse_mapping(args.mapping),
        costs_mapping=options.parse_mapping(args.costs_mapping),
    )
    bar = ProgressBar(len(jobs)) if (args.progress or sys.stderr.isatty()) else None
    try:
        results = engines.run(
            jobs,
            spec,
            engine=args.engine,
            workers=args.workers,
            scheduler=args.scheduler,
            on_result=bar.update if bar else None,
        )
    finally:
        if bar:
            bar.close()
    rows = [row for r in results for row in r.rows]
    written = write(rows, args.out)
    summary = summarise(rows)
    if args.json:
        out = {"source": source.to_json(), "parquet": str(written[0]), "csv": str(written[1]), "summary": summary}
        print(json.dumps(out, indent=1))
    else:
        print(human_summary(summary, source.to_json(), written))
    return 0

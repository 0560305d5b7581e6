"""python -m impact report FILE... --window START END --out report.html : the outage report as one HTML file."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from ..dataset import result_product_names
from ..errors import InputError
from ..present import format_money
from ..report import build_report
from ..service import run_analysis, shipments
from ..views import window_view
from . import options


def register(sub) -> None:
    p = sub.add_parser(
        "report",
        help="write a self-contained HTML report of what an outage cost",
        description="Analyse one outage window and write an HTML report a seller can send to an insurer or a "
        "marketplace: the loss with its range, recapture, orders, share of the day, late shipments and "
        "the late orders, charts, the method and the data's caveats. The file opens offline.",
    )
    options.add_input(p)
    options.add_window(p, required=True, several=False)
    p.add_argument("--title", default="", help="what the outage was, e.g. 'AWS us-east-1 outage' (report heading)")
    options.add_analysis(p)
    options.add_out(p, "HTML file")
    p.set_defaults(func=run)


def _write(path: str, text: str) -> None:
    """Write via a temporary file in the same directory, so a failed run never leaves half a report."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"--out {path} is a directory; give a file name such as report.html")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=target.parent if str(target.parent) else ".")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes the file private; a report gets the usual permissions
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def run(args) -> int:
    (window,) = options.windows(args, title=args.title.strip(), several=False)
    opts = options.options(args)
    con, report, opts = options.load_from_args(args, opts)
    # The report measures shipping itself, on every channel with ship times, as the app does.
    res = window_view(run_analysis(con, [window], opts, shipments=False).to_json())
    ship = shipments(con, window, opts, every_channel=True)
    names = result_product_names(con, res)
    text = build_report(res, ingest=report, shipments=ship, tz=opts.tz, product_names=names)
    rev, cur = res["revenue"], res["currency"]
    line = (
        f"lost {format_money(rev['lost'], cur)} ({res['confidence']:.0%} range {format_money(rev['lost_low'], cur)} to "
        f"{format_money(rev['lost_high'], cur)}), net of recapture {format_money(rev['net_lost'], cur)}"
    )
    if args.out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        print(f"report written to standard output: {line}", file=sys.stderr)
    else:
        _write(args.out, text)
        print(f"report written to {args.out}: {line}")
    return 0

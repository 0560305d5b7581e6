"""python -m impact report FILE... --window START END --out report.html : the outage report as one HTML file."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from ..analysis import analyze
from ..errors import InputError
from ..overview import product_names
from ..report import build_report, money
from ..settings import load_settings
from ..shipments import shipment_report
from ..windows import Window, window_from_strings
from .ingest import add_input_arguments, load
from .late_orders import add_shipment_arguments, shipment_options


def register(sub) -> None:
    p = sub.add_parser(
        "report", help="write a self-contained HTML report of what an outage cost",
        description="Analyse one outage window and write an HTML report a seller can send to an insurer or a "
                    "marketplace: the loss with its range, recapture, orders, share of the day, late shipments and "
                    "the late orders, charts, the method and the data's caveats. The file opens offline.")  # fmt: skip
    add_input_arguments(p)
    p.add_argument("--window", nargs=2, required=True, metavar=("START", "END"),
                   help="outage start and end, ISO 8601 with Z or an offset, e.g. 2025-10-20T06:48Z "
                        "2025-10-20T21:20Z")  # fmt: skip
    p.add_argument("--channels", default="", help="affected channels, comma-separated, e.g. amazon,ebay "
                                                  "(default: all)")  # fmt: skip
    p.add_argument("--title", default="", help="what the outage was, e.g. 'AWS us-east-1 outage' (report heading)")
    p.add_argument("--recovery-hours", type=float, default=None,
                   help="hours after the window in which lost orders may come back (default 24)")  # fmt: skip
    p.add_argument("--confidence", type=float, default=None, help="range confidence level (default 0.9)")
    p.add_argument("--currency", default=None, help="analyse orders in this currency when the files have several")
    add_shipment_arguments(p)
    p.add_argument("--out", required=True, metavar="FILE", help="HTML file to write ('-' for standard output)")
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
    settings = load_settings()
    channels = [c.strip().lower() for c in args.channels.split(",") if c.strip()]
    # The window is checked before the files are read: a typo costs nothing.
    window = window_from_strings(args.window[0], args.window[1], channels, title=args.title.strip())
    if args.confidence is not None and not 0.5 <= args.confidence < 1:
        raise InputError("--confidence must be between 0.5 and 0.99, e.g. 0.9")
    tz = args.tz or settings.default_tz
    con, report = load(args)
    result = analyze(con, [window], recovery_hours=args.recovery_hours, confidence=args.confidence,
                     currency=args.currency, tz=tz, settings=settings, shipments=False).to_json()  # fmt: skip
    # Shipping is measured on every channel with ship times, as in the app: an outage stalls the warehouse's tools
    # whatever channel sold the order.
    ship = shipment_report(con, Window(window.start, window.end, title=window.title), confidence=result["confidence"],
                           **shipment_options(args))  # fmt: skip
    names = product_names(con, [r["sku"] for r in result["windows"][0]["top_skus"]])
    text = build_report(result, ingest=report, shipments=ship, tz=tz, product_names=names)
    rev = result["windows"][0]["revenue"]
    line = (f"lost {money(rev['lost'], result['currency'])} ({result['confidence']:.0%} range "
            f"{money(rev['lost_low'], result['currency'])} to {money(rev['lost_high'], result['currency'])}), "
            f"net of recapture {money(rev['net_lost'], result['currency'])}")  # fmt: skip
    if args.out == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        print(f"report written to standard output: {line}", file=sys.stderr)
    else:
        _write(args.out, text)
        print(f"report written to {args.out}: {line}")
    return 0

"""python -m impact late-orders FILE... --window S E --out affected.csv : the late-shipment appeal evidence."""

from __future__ import annotations

import json
import sys

from ..errors import InputError, WindowError
from ..settings import load_settings
from ..shipments import shipment_report
from ..windows import iso_utc, window_from_strings
from .ingest import add_input_arguments, load


def add_shipment_arguments(p) -> None:
    """The shipping-promise options shared by `late-orders` and `analyze`."""
    p.add_argument(
        "--ship-sla-hours",
        type=float,
        default=None,
        metavar="H",
        help="handling time promised to buyers, for orders whose export has no ship-by date "
        "(default 48, or IMPACT_SHIP_SLA_HOURS)",
    )
    p.add_argument(
        "--business-days",
        action="store_true",
        help="count the handling time on Monday-Friday only (UTC), e.g. 48 h = 2 business days",
    )


def shipment_options(args) -> dict:
    """Keyword arguments for shipment_impact / affected_orders from parsed command-line arguments."""
    sla = args.ship_sla_hours if getattr(args, "ship_sla_hours", None) is not None else load_settings().ship_sla_hours
    return {"sla_hours": sla, "business_days": bool(getattr(args, "business_days", False))}


def _channels(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(c.strip().lower() for c in v.split(",") if c.strip())
    return out


def register(sub) -> None:
    p = sub.add_parser(
        "late-orders",
        help="list the orders an outage made ship late, as an Excel-safe CSV for a marketplace appeal",
        description="Write the orders due to ship during or after an outage window that shipped late (or are still "
        "unshipped) as a CSV: order id, channel, purchase time, promise, shipped time, hours late (times in UTC). "
        "A summary with the expected and excess late counts is printed.",
    )
    add_input_arguments(p)
    p.add_argument(
        "--window",
        nargs=2,
        required=True,
        metavar=("START", "END"),
        help="outage start and end, ISO 8601 with Z or an offset, e.g. 2025-10-20T06:48Z 2025-10-20T21:20Z",
    )
    add_shipment_arguments(p)
    p.add_argument(
        "--channels",
        nargs="+",
        default=None,
        metavar="CHANNEL",
        help="only these channels, e.g. amazon shopify (default: every channel with ship times)",
    )
    p.add_argument(
        "--horizon-hours",
        type=float,
        default=None,
        metavar="H",
        help="count orders bought up to H hours after the window end (default: until the backlog "
        "cleared plus 24 h, 24 h to 7 days)",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="CSV file to write ('-' for standard output)")
    p.add_argument("--json", action="store_true", help="print the shipment summary as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    # csvsafe imports pandas; `analyze` imports this module for its shipment options and must not pay for that.
    from ..csvsafe import to_csv_bytes, write_csv

    window = window_from_strings(args.window[0], args.window[1], _channels(args.channels))
    con, _report = load(args)
    span = con.execute(
        "SELECT min(purchased_at), max(greatest(purchased_at, coalesce(shipped_at, purchased_at))) FROM lines"
    ).fetchone()
    if span[0] is None:
        raise InputError("the files hold no orders")
    if window.start > span[1] or window.end < span[0]:
        raise WindowError(
            f"the window {iso_utc(window.start)} to {iso_utc(window.end)} is outside the orders in the "
            f"files ({iso_utc(span[0])} to {iso_utc(span[1])})"
        )
    opts = shipment_options(args)
    summary, df = shipment_report(con, window, horizon_hours=args.horizon_hours, **opts)
    if not summary["available"]:
        raise InputError("; ".join(summary["notes"]) or "late shipments cannot be measured from these files")
    if args.out == "-":
        sys.stdout.buffer.write(to_csv_bytes(df))
        sys.stdout.flush()
        stream = sys.stderr
    else:
        try:
            write_csv(df, args.out)
        except OSError as exc:
            raise InputError(f"cannot write {args.out}: {exc.strerror or exc}") from None
        stream = sys.stdout
    if args.json:
        print(json.dumps({"out": args.out, "orders": len(df), "shipments": summary}, indent=1), file=stream)
    else:
        s = summary
        if s["late_expected"] is None:
            estimate = "expected and excess late unknown (no history outside the window)"
        else:
            estimate = (
                f"{s['late_expected']:.1f} expected anyway, excess {s['excess_late']:.1f} "
                f"({s['excess_late_low']:.1f} to {s['excess_late_high']:.1f}, {s['confidence']:.0%})"
            )
        print(
            f"{len(df):,} late order(s) written to {args.out}; {s['due']:,} orders due {s['due_from']} onwards "
            f"(bought by {s['bought_until']}), {s['late']:,} late, {estimate}; "
            f"backlog cleared {s['backlog_cleared'] or 'not measured or not by the end of the data'}",
            file=stream,
        )
        for note in s["notes"]:
            print(f"note: {note}", file=stream)
    return 0

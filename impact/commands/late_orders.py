"""python -m impact late-orders FILE... --window S E --out affected.csv : the late-shipment appeal evidence."""

from __future__ import annotations

import json
import sys

from .. import present
from ..errors import InputError
from ..service import late_orders
from . import options


def register(sub) -> None:
    p = sub.add_parser(
        "late-orders",
        help="list the orders an outage made ship late, as an Excel-safe CSV for a marketplace appeal",
        description="Write the orders due to ship during or after an outage window that shipped late (or are still "
        "unshipped) as a CSV: order id, channel, purchase time, promise, shipped time, hours late (times in UTC). "
        "A summary with the expected and excess late counts is printed.",
    )
    options.add_input(p)
    options.add_window(p, required=True, several=False)
    options.add_channels(p, "only these channels", "every channel with ship times")
    options.add_currency(
        p,
        "only check that the files hold orders in this currency: late shipments are counted "
        "in orders, whatever their currency",
    )
    options.add_confidence(p)
    options.add_shipments(p)
    p.add_argument(
        "--horizon-hours",
        type=float,
        default=None,
        metavar="H",
        help="count orders bought up to H hours after the window end (default: until the backlog "
        "cleared plus 24 h, 24 h to 7 days)",
    )
    options.add_out(p, "CSV file")
    options.add_json(p, "the shipment summary")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..csvsafe import to_csv_bytes, write_csv  # pandas: only this command pays for importing it

    (window,) = options.windows(args, several=False)
    opts = options.options(args)
    con, _report, opts = options.load_from_args(args, opts)
    (window,) = options.resolve_channels(con, [window], opts)
    summary, df = late_orders(con, window, opts, horizon_hours=args.horizon_hours)
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
        print(json.dumps({"out": args.out, "orders": len(df), "shipments": summary.to_json()}, indent=1), file=stream)
    else:
        s = summary
        if s.late_expected is None:
            estimate = present.unmeasurable("expected and excess late", "no history outside the window")
        else:
            estimate = (
                f"{s.late_expected:.1f} expected anyway, excess {s.excess_late:.1f} "
                f"({s.excess_late_low:.1f} to {s.excess_late_high:.1f}, {s.confidence:.0%})"
            )
        print(
            f"{present.plural(len(df), 'late order')} written to {args.out}; {present.plural(s.due, 'order')} due "
            f"{options.utc_text(s.due_from)} onwards (bought by {options.utc_text(s.bought_until)}), {s.late:,} late, {estimate}; "
            f"backlog cleared {options.utc_text(s.backlog_cleared) if s.backlog_cleared else 'not measured or not by the end of the data'}",
            file=stream,
        )
        for note in s.notes:
            print(f"note: {note}", file=stream)
    return 0

"""python -m impact appeal FILE... --window S E --marketplace amazon : the metrics a marketplace judges with and
without the outage's orders, and the appeal letter (for Shopify: the SLA credit request)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

from ..appeal import appeal_zip
from ..errors import InputError
from ..service import appeal_package
from ..windows import parse_utc
from . import options

MARKETPLACES = ("amazon", "ebay", "etsy", "shopify")


def register(sub) -> None:
    p = sub.add_parser(
        "appeal",
        help="the metrics a marketplace judges with and without an outage's orders, and the appeal letter",
        description="Compute the marketplace's seller metrics (Amazon Late Shipment Rate and Pre-fulfilment Cancel "
        "Rate, eBay late shipment rate, Etsy on-time dispatch) with and without the orders the outage affected, "
        "and write the appeal letter; for Shopify, the SLA service credit request.",
    )
    options.add_input(p)
    options.add_window(p, required=True, several=False)
    p.add_argument("--marketplace", required=True, metavar="|".join(MARKETPLACES), help="who the appeal goes to")
    options.add_channels(p, "channels the outage hit (their cancellations during it count as affected)")
    options.add_shipments(p)
    p.add_argument("--title", default="", help="what the outage was, e.g. 'AWS us-east-1 outage' (named in the letter)")
    p.add_argument("--url", default="", help="the provider's incident report, cited in the letter")
    p.add_argument(
        "--period-end",
        default=None,
        metavar="TIME",
        help="end of the metrics' periods, ISO 8601 with Z or an offset (default: when the outage's backlog cleared)",
    )
    p.add_argument(
        "--out", default=None, metavar="ZIP", help="write letter.txt, affected_orders.csv and metrics.csv to this zip"
    )
    options.add_json(p, "the appeal")
    p.set_defaults(func=run)


def run(args) -> int:

    marketplace = args.marketplace.strip().lower()
    if marketplace not in MARKETPLACES:  # checked before any file is read, as one line rather than a usage dump
        raise InputError(f"--marketplace: '{args.marketplace}' is not one of {', '.join(MARKETPLACES)}")
    (window,) = options.windows(args, title=args.title.strip(), several=False)
    window = replace(window, url=args.url.strip())
    period_end = parse_utc(args.period_end) if args.period_end else None
    opts = options.options(args)
    con, _report, opts = options.load_from_args(args, opts)
    result, orders = appeal_package(con, window, opts, marketplace, period_end=period_end)
    if args.out:
        data = appeal_zip(result, orders)  # refused, as one line, when there is nothing to appeal
        try:
            with open(args.out, "wb") as f:
                f.write(data)
        except OSError as exc:
            raise InputError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    if args.json:
        print(json.dumps(result | ({"out": args.out} if args.out else {}), indent=1))
        return 0
    for m in result["metrics"]:
        print(m["sentence"])
        if m.get("promise_source"):
            print(f"  ship-by dates: {m['promise_source']}")
    for note in result["for_you"]:
        print(f"For you: {note}")
    if result["metrics"] or result["for_you"]:
        print()
    if result["letter"] is None:
        print(result["no_letter"])
        return 0
    sys.stdout.write(result["letter"])
    if args.out:
        print(f"\nappeal written to {args.out} (letter.txt, affected_orders.csv, metrics.csv)")
    return 0

"""python -m impact detect FILE... : find outage windows in the seller's own orders and match them to the catalog."""

from __future__ import annotations

import json
import sys

from .. import present
from ..errors import InputError
from ..outages.detect import MAX_WINDOW_HOURS, MIN_P_EFFECT, DetectResult, detect
from ..present import format_money_ascii
from . import options


def register(sub) -> None:
    p = sub.add_parser(
        "detect",
        help="find outage windows in the orders themselves",
        description="Find spans where a channel sold far fewer orders than expected (the lost-revenue estimator's "
        "counterfactual), confirm each with the full estimate, and match them to the outage catalog. "
        "Prints a JSON list of windows with --json.",
    )
    options.add_input(p)
    options.add_channels(p, "channels to scan")
    p.add_argument(
        "--min-hours",
        type=float,
        default=2.0,
        help="shortest window reported, in hours (default 2; date-only exports work by whole days)",
    )
    p.add_argument(
        "--min-p",
        type=float,
        default=MIN_P_EFFECT,
        help=f"smallest probability of an effect for a window to be reported (default {MIN_P_EFFECT:g})",
    )
    options.add_currency(p)
    options.add_json(p, "the windows")
    p.set_defaults(func=run)


def human_summary(result: DetectResult) -> str:
    cur = result.currency
    out = []
    for d in result.detections:
        w = d.window
        # as analyze prints windows: ready to be typed back into --window
        span = f"{w.start:%Y-%m-%d %H:%M} to {w.end:%Y-%m-%d %H:%M} UTC"
        out.append(f"{span}  {d.channel}  {w.impact}  score {w.score:.2f}")
        out.append(f"  {d.message}")
        out.append(
            f"  orders {round(d.orders_actual):,} of {d.orders_expected:,.1f} expected; revenue lost "
            f"{format_money_ascii(d.lost, cur)} (interval {format_money_ascii(d.lost_low, cur)} to {format_money_ascii(d.lost_high, cur)}); "
            f"probability of an effect {present.percent(d.p_effect)}"
        )
    if not result.detections:
        out.append("no outage windows found in the orders")
    out.append(
        f"{present.plural(result.candidates, 'candidate window')} scanned, {len(result.detections)} confirmed by the "
        "full estimate"
    )
    return "\n".join(out)


def run(args) -> int:
    if not 1 <= args.min_hours <= MAX_WINDOW_HOURS:
        raise InputError(f"--min-hours must be between 1 and {MAX_WINDOW_HOURS}")
    if not 0 <= args.min_p < 1:
        raise InputError("--min-p must be between 0 and 0.99, e.g. 0.9")
    channels = options.channels(args)
    opts = options.options(args)
    con, _report, opts = options.load_from_args(args, opts)
    result = detect(
        con,
        currency=opts.currency,
        tz=opts.tz,
        channels=channels,
        min_hours=args.min_hours,
        min_p=args.min_p,
        confidence=opts.confidence,
        recovery_hours=opts.recovery_hours,
    )
    if args.json:
        print(json.dumps(result.to_json(), indent=1, ensure_ascii=False))
    else:
        print(human_summary(result))
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0

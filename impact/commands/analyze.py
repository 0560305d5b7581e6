"""python -m impact analyze FILE... --window START END : what an outage cost, from the seller's exports."""

from __future__ import annotations

import json

from ..analysis import Analysis, analyze
from ..errors import InputError
from ..settings import load_settings
from ..windows import window_from_strings
from .ingest import add_input_arguments, load
from .late_orders import add_shipment_arguments, shipment_options


def register(sub) -> None:
    p = sub.add_parser(
        "analyze", help="estimate lost revenue for outage windows",
        description="Estimate what each outage window cost: expected vs actual revenue, orders and units on the "
                    "affected channels, an interval for the loss, recapture afterwards and spill-over to other "
                    "channels.")
    add_input_arguments(p)
    p.add_argument("--window", nargs=2, action="append", metavar=("START", "END"), required=True,
                   help="outage start and end, ISO 8601 with Z or an offset, e.g. 2025-10-20T06:48Z "
                        "2025-10-20T13:15Z; repeat for several windows")
    p.add_argument("--channels", default="", help="affected channels, comma-separated, e.g. amazon,ebay "
                                                  "(default: all)")
    p.add_argument("--recovery-hours", type=float, default=None,
                   help="hours after the window in which lost orders may come back (default 24)")
    p.add_argument("--confidence", type=float, default=None, help="interval confidence level (default 0.9)")
    p.add_argument("--currency", default=None, help="analyse orders in this currency when the files have several")
    add_shipment_arguments(p)
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.set_defaults(func=run)


def _money(x: float | None, cur: str) -> str:
    return "-" if x is None else f"{x:,.2f} {cur}".strip()


def human_summary(result: Analysis) -> str:
    cur = result.currency
    pct = f"{result.confidence:.0%}"
    out = []
    for w in result.windows:
        r = w.revenue
        span = f"{w.window.start:%Y-%m-%d %H:%M} to {w.window.end:%Y-%m-%d %H:%M} UTC"
        out.append(f"{span} on {', '.join(w.estimate.affected)}:")
        out.append(f"  lost {_money(r['lost'], cur)} ({pct} interval {_money(r['lost_low'], cur)} to "
                   f"{_money(r['lost_high'], cur)}; probability of an effect "
                   f"{'-' if r['p_effect'] is None else format(r['p_effect'], '.0%')})")
        out.append(f"  expected {_money(r['expected'], cur)}, actual {_money(r['actual'], cur)}; orders "
                   f"{w.orders['actual']:,} of {w.orders['expected']:,.1f} expected")
        out.append(f"  recaptured {_money(r['recaptured'], cur)} in the next {w.recovery_hours:g} h ({pct} interval "
                   f"{_money(r['recaptured_low'], cur)} to {_money(r['recaptured_high'], cur)}); "
                   f"net lost {_money(r['net_lost'], cur)}")
        if w.spillover:
            out.append("  spill-over: " + ", ".join(f"{c} {v:+,.2f}" for c, v in w.spillover.items()))
        if w.top_skus:
            out.append("  top SKUs lost: " + ", ".join(f"{s['sku']} {s['lost']:,.2f}" for s in w.top_skus[:5]))
        sh = w.shipments or {}
        if sh.get("available"):
            excess = sh.get("excess_late")
            out.append(f"  shipments: {sh['due']:,} due, {sh['late']:,} late"
                       + ("" if excess is None else f", {excess:,.1f} more than usual ({pct} interval "
                          f"{sh['excess_late_low']:,.1f} to {sh['excess_late_high']:,.1f})")
                       + (f"; backlog cleared {sh['backlog_cleared']}" if sh.get("backlog_cleared") else ""))
        for msg in w.warnings:
            out.append(f"  note: {msg}")
    for msg in result.warnings:
        out.append(f"note: {msg}")
    if len(result.windows) > 1:
        t = result.total
        out.append(f"total: lost {_money(t['lost'], cur)} ({pct} interval {_money(t['lost_low'], cur)} to "
                   f"{_money(t['lost_high'], cur)}), net lost {_money(t['net_lost'], cur)}")
    return "\n".join(out)


def run(args) -> int:
    settings = load_settings()
    channels = [c.strip().lower() for c in args.channels.split(",") if c.strip()]
    # Windows are checked before the files are read: a typo costs nothing.
    windows = [window_from_strings(s, e, channels) for s, e in args.window]
    if args.confidence is not None and not 0.5 <= args.confidence < 1:
        raise InputError("--confidence must be between 0.5 and 0.99, e.g. 0.9")
    con, report = load(args)
    result = analyze(con, windows, recovery_hours=args.recovery_hours, confidence=args.confidence,
                     currency=args.currency, tz=args.tz or settings.default_tz, settings=settings,
                     ship_sla_hours=shipment_options(args)["sla_hours"], business_days=args.business_days)
    if args.json:
        print(json.dumps({"ingest": report.to_json(), **result.to_json()}, indent=1))
    else:
        print(human_summary(result))
    return 0

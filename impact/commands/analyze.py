"""python -m impact analyze FILE... --window START END : what an outage cost, from the seller's exports."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .. import present
from ..present import format_money_ascii
from ..service import run_analysis
from . import options

if TYPE_CHECKING:
    from ..analysis import Analysis


def register(sub) -> None:
    p = sub.add_parser(
        "analyze",
        help="estimate lost revenue for outage windows",
        description="Estimate what each outage window cost: expected vs actual revenue, orders and units on the "
        "affected channels, an interval for the loss, recapture afterwards and spill-over to other "
        "channels.",
    )
    options.add_input(p)
    options.add_window(p, required=True)
    options.add_analysis(p)
    options.add_json(p, "the full result")
    p.set_defaults(func=run)


def _recovery_span(w) -> str:
    """'in the next 24 h', or for a recovery period that ends when sales are back to normal, how long it ran."""
    if w.recovery_mode != "until-normal":
        return f"in the next {w.recovery_hours:g} h"
    return f"in the {w.recovery_used_hours:.0f} h until sales were back to normal (at most {w.recovery_hours:g})"


def _after_hours(w) -> float:
    return round(w.recovery_used_hours, 1) if w.recovery_mode == "until-normal" else w.recovery_hours


def _header(w, span: str) -> list[str]:
    """The window's first line, and why these channels when the service's rule chose them (not --channels)."""
    choice = w.window.extra.get("channel_choice")
    reason = choice.reason if choice is not None and choice.source != "given" else ""
    return [f"{span} on {', '.join(w.estimate.affected)}:", *([f"  channels: {reason}"] if reason else [])]


def human_summary(result: Analysis) -> str:
    cur = result.currency
    pct = present.percent(result.confidence)
    out = []
    for w in result.windows:
        r = w.revenue
        # ISO-like times in UTC and channel codes: what a terminal user types back into --window and --channels.
        span = f"{w.window.start:%Y-%m-%d %H:%M} to {w.window.end:%Y-%m-%d %H:%M} UTC"
        out += _header(w, span)
        out.append(
            f"  lost {format_money_ascii(r.lost, cur)} ({pct} interval {format_money_ascii(r.lost_low, cur)} to "
            f"{format_money_ascii(r.lost_high, cur)}; probability of an effect {present.percent(r.p_effect)})"
        )
        out.append(
            f"  expected {format_money_ascii(r.expected, cur)}, actual {format_money_ascii(r.actual, cur)}; orders "
            f"{w.orders.actual:,} of {w.orders.expected:,.1f} expected"
        )
        # A negative recapture is sales below normal after the outage: said so, not as "recaptured -$294".
        recaptured = (
            f"recaptured {format_money_ascii(r.recaptured, cur)} {_recovery_span(w)} ({pct} interval "
            if r.recaptured >= 0
            else f"nothing recaptured {_recovery_span(w)}: sales ran {format_money_ascii(-r.recaptured, cur)} below "
            f"normal ({pct} interval of the recapture "
        )
        out.append(
            f"  {recaptured}"
            f"{format_money_ascii(r.recaptured_low, cur)} to {format_money_ascii(r.recaptured_high, cur)}); "
            f"net lost {format_money_ascii(r.net_lost, cur)} ({pct} interval {format_money_ascii(r.net_lost_low, cur)} to "
            f"{format_money_ascii(r.net_lost_high, cur)})"
        )
        # How much of a climb back was counted; a shortfall was said in full on the line above.
        if r.recapture_share_counted is not None and r.recapture_share_counted < 1 and r.recaptured >= 0:
            excess = r.recovery_actual - r.recovery_expected
            out.append(
                f"  (the {_after_hours(w):g} h after ran {format_money_ascii(abs(excess), cur)} {'below' if excess < 0 else 'above'} "
                f"normal; the first "
                f"{r.recapture_hours:g} h were read and {present.percent(r.recapture_share_counted)} of their "
                "excess counted, the part beyond normal variation)"
            )
        if w.profit is not None:
            out += _profit_lines(w.profit, cur, pct)
        if w.spillover:
            out.append(
                "  spill-over: "
                + ", ".join(f"{c} {'+' if v > 0 else ''}{format_money_ascii(v, cur)}" for c, v in w.spillover.items())
            )
        if w.top_skus:
            out.append(
                "  top SKUs lost: "
                + ", ".join(f"{present.sku_name(s.sku)} {format_money_ascii(s.lost, cur)}" for s in w.top_skus[:5])
            )
        if w.shipments is not None and w.shipments.available:
            out.append(_shipment_line(w.shipments, pct))
        for msg in w.warnings:
            out.append(f"  note: {msg}")
    for msg in result.warnings:
        out.append(f"note: {msg}")
    if len(result.windows) > 1:
        t = result.total
        out.append(
            f"total: lost {format_money_ascii(t.lost, cur)} ({pct} interval {format_money_ascii(t.lost_low, cur)} to "
            f"{format_money_ascii(t.lost_high, cur)}), net lost {format_money_ascii(t.net_lost, cur)}"
        )
    return "\n".join(out)


def _profit_lines(pr, cur: str, pct: str) -> list[str]:
    margin = "not known" if pr.margin_pct is None else f"{pr.margin_pct:.1f}%"
    out = [
        f"  profit lost {format_money_ascii(pr.lost, cur)} ({pct} interval {format_money_ascii(pr.lost_low, cur)} to "
        f"{format_money_ascii(pr.lost_high, cur)}; margin {margin}), net of recapture "
        f"{format_money_ascii(pr.net_lost, cur)}; costs saved {format_money_ascii(pr.costs_saved, cur)}, fees saved "
        f"{format_money_ascii(pr.fees_saved, cur)}, ad spend wasted {format_money_ascii(pr.ad_spend_wasted, cur)}"
    ]
    if pr.costed_share is not None and pr.costed_share < 1:
        out.append(
            f"  {present.percent(pr.costed_share)} of the lost revenue had a known product cost; "
            f"without one: {', '.join(pr.uncosted_skus[:8])}"
        )
    return out


def _shipment_line(sh, pct: str) -> str:
    excess = sh.excess_late
    line = f"  shipments: {sh.due:,} due, {sh.late:,} late"
    if excess is not None:
        line += (
            f", {excess:,.1f} more than usual ({pct} interval {sh.excess_late_low:,.1f} to {sh.excess_late_high:,.1f})"
        )
    if sh.backlog_cleared:
        line += f"; backlog cleared {options.utc_text(sh.backlog_cleared)}"
    return line


def run(args) -> int:
    windows = options.windows(args)
    opts = options.options(args)
    con, report, opts = options.load_from_args(args, opts, keep_groups=True)
    options.check_covered(con, report, windows, opts)
    windows = options.resolve_channels(con, windows, opts, report.groups)
    result = run_analysis(con, windows, opts, groups=report.groups)
    if args.json:
        print(json.dumps({"ingest": report.to_json(), "zone": opts.zone.to_json(), **result.to_json()}, indent=1))
    else:
        # The zone first: the figures below are measured on its hours and days.
        print(options.zone_line(opts))
        print(human_summary(result))
    return 0

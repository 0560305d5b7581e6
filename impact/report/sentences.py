"""The plain-language sentences of an analysis (summary, recapture, share of the day, late shipments). The
dashboard uses them too, so the app and the report say the same thing in the same words."""

from __future__ import annotations

from ..present import (
    DAY_FORMAT,
    channel_name,
    currency_digits,
    format_channels,
    format_money,
    hours_between,
    local_days,
    local_window,
    number,
    percent,
    plural,
    sentence,
    unmeasurable,
    value_range,
)
from ..settings import Settings


def lost_pct_shown(res: dict) -> float | None:
    """The loss as a percentage of the expected revenue, unless the expectation shows as nothing in its currency: a
    store expecting $0.004 read "Expected $0.00 ..., actual $0.00: 100.0% below expected"."""
    rev = res["revenue"]
    if rev.get("lost_pct") is None or round(rev["expected"], currency_digits(res.get("currency"))) == 0:
        return None
    return rev["lost_pct"]


def recapture_status(revenue: dict) -> str:
    """How to read the recapture: 'came_back' (sales measurably above normal after the outage), 'stayed_low'
    (measurably below: the loss went on), or 'none' (within normal variation: no measurable recapture)."""
    rec = revenue.get("recaptured")
    low, high = revenue.get("recaptured_low"), revenue.get("recaptured_high")
    if rec is None:
        return "none"
    if low is None or high is None:
        return "came_back" if rec > 0 else "none"
    if low > 0:
        return "came_back"
    if high < 0:
        return "stayed_low"
    return "none"


def recapture_text(res: dict) -> tuple[str, str]:
    """(a short caption for the net-loss figure, the plain sentence for the summary), with **bold** markers."""
    rev, cur = res["revenue"], res.get("currency") or "USD"
    hours = res.get("recovery_hours", Settings.recovery_hours)

    def m(v):
        return format_money(v, cur, 0)

    rec, net = rev.get("recaptured") or 0.0, rev.get("net_lost")
    ra, re_ = rev.get("recovery_actual"), rev.get("recovery_expected")
    excess = ra - re_ if ra is not None and re_ is not None else rec
    rng = value_range(
        rev.get("recaptured_low"), rev.get("recaptured_high"), m, confidence=res.get("confidence", Settings.confidence)
    )
    rng = f" ({rng})" if rng else ""
    status = recapture_status(rev)
    if status == "came_back":
        return (
            f"after {m(rec)} recaptured",
            f"In the {hours:g} hours after, buyers came back: **{m(rec)}** of sales above normal{rng}. "
            f"That leaves a net loss of **{m(net)}**.",
        )
    if status == "stayed_low":
        return (
            f"sales stayed {m(-rec)} below normal after",
            f"Sales stayed below normal in the {hours:g} hours after as well (**{m(-rec)}** below{rng}): no buyers "
            f"came back and the loss went on, for a net loss of **{m(net)}**.",
        )
    side = "below" if excess < 0 else "above"
    if abs(rec) < 0.005:
        # A difference that prints as nothing is no side of normal ("ran £0 above normal" on a quiet store).
        ran = f"ran {m(abs(excess))} {side} normal" if m(abs(excess)) != m(0.0) else "ran at their normal level"
        detail = (
            f"Those hours {ran}, which is within normal day-to-day variation{rng}, so the net loss is the loss "
            f"itself: **{m(net)}**."
        )
    else:
        # Only the part of the excess that normal variation does not explain is counted (Recapture in
        # impact.revenue.event), so the sentence says both.
        counted = f"{m(abs(rec))} {'more' if rec < 0 else 'less'}"
        detail = (
            f"Those hours ran {m(abs(excess))} {side} normal, which is mostly within normal day-to-day "
            f"variation{rng}; counting only the part beyond it, the net loss is **{m(net)}** ({counted} than the "
            f"outage hours alone)."
        )
    return (
        "no measurable recapture",
        f"There is no measurable recapture in the {hours:g} hours after the outage: no clear sign that buyers "
        f"came back later. {detail}",
    )


def share_of_day_text(res: dict, tz: str) -> tuple[str, str] | None:
    """('37%', "of Mon 20 Oct's expected Amazon sales") from the window's share_of_day, or None without one."""
    share = res.get("share_of_day")
    if share is None:
        return None
    days = local_days(res.get("start"), res.get("end"), tz)
    names = format_channels(res.get("channels"))
    if len(days) <= 1:
        when = f"{days[0]:{DAY_FORMAT}}'s" if days else "the day's"
        return percent(share), f"of {when} expected {names} sales"
    return percent(share), f"of the expected {names} sales of {days[0]:{DAY_FORMAT}} to {days[-1]:{DAY_FORMAT}}"


# Why a late-shipment figure is missing, keyed by what the shipments summary lacks.
NO_SHIP_TIMES = "the exports carry no ship times for seller-fulfilled orders"
NO_LATE_RATE = "there are too few orders outside the outage to know the seller's usual late rate"


def late_shipments_text(ship: dict | None, confidence: float | None = None) -> str | None:
    """The summary's sentence on late shipments, with **bold** markers: the outage's share of them with its range,
    or why they could not be measured; None when shipments were not looked at (an empty summary)."""
    if not ship:
        return None
    if not ship.get("available"):
        # The shipments summary says which channels lack ship times and which report would carry them.
        why = [n for n in ship.get("notes") or () if "carry no ship times" in n or "fulfilled by the marketplace" in n]
        return (
            sentence(f"late shipments: {'; '.join(why)}")
            if why
            else sentence(unmeasurable("late shipments", NO_SHIP_TIMES))
        )
    if ship.get("excess_late") is None:
        return sentence(unmeasurable("late shipments caused by the outage", NO_LATE_RATE)) + (
            f" {number(ship.get('late', 0))} of {plural(ship.get('due', 0), 'order')} due to ship went out late."
        )
    conf = ship.get("confidence", Settings.confidence) if confidence is None else confidence
    rng = value_range(ship.get("excess_late_low"), ship.get("excess_late_high"), confidence=conf)
    return (
        f"Shipping: the outage caused about **{plural(ship['excess_late'], 'late shipment')}**"
        + (f" ({rng})" if rng else "")
        + f" of {plural(ship.get('due', 0), 'order')} due to ship, {number(ship.get('late', 0))} of which went out "
        "late."
    )


def profit_text(res: dict) -> str | None:
    """What the loss means in profit: one paragraph, or None without cost inputs."""
    p = res.get("profit")
    if not p or p.get("lost") is None:
        return None
    cur, conf = res.get("currency") or "USD", res.get("confidence", Settings.confidence)

    def m(v):
        return format_money(v, cur, 0)

    rng = value_range(p.get("lost_low"), p.get("lost_high"), m, confidence=conf)
    margin = f" at a margin of {number(p['margin_pct'], 1)}%" if p.get("margin_pct") is not None else ""
    if p["lost"] < 0:
        text = f"In profit that is about **{m(-p['lost'])} more** than expected{margin}" + (
            f" ({rng})." if rng else "."
        )
    else:
        text = (
            f"In profit that is about **{m(p['lost'])} lost**{margin}" + (f" ({rng})" if rng else "") + ": the goods"
            f" those orders would have used ({m(p['costs_saved'])}) and their fees ({m(p['fees_saved'])}) were not "
            "spent."
        )
    # Said as the recapture sentence says it, so the two never disagree on whether buyers came back.
    status = recapture_status(res["revenue"])
    if status == "came_back":
        text += f" After the sales that came back, the profit lost is **{m(p['net_lost'])}**."
    elif status == "stayed_low":
        text += f" With sales staying low after the outage too, the profit lost comes to **{m(p['net_lost'])}**."
    elif m(p["net_lost"]) != m(p["lost"]):
        text += f" Counting the hours after the outage, the profit lost is **{m(p['net_lost'])}**."
    if p.get("ad_spend_wasted"):
        text += f" Ads kept spending meanwhile: about {m(p['ad_spend_wasted'])} bought clicks that could not convert."
    share = p.get("costed_share")
    if share is not None and share < 0.995:
        text += (
            f" {percent(share)} of the lost revenue had a known product cost; the rest uses the channel's typical "
            "margin."
        )
    return text


def rates_text(res: dict) -> str | None:
    """Which exchange rates turned the amounts into the home currency, or None when nothing was converted."""
    rates = res.get("fx") or []
    if not rates:
        return None
    parts = [
        f"{r['currency']} at {r['min_rate']:.4f}"
        + (f" to {r['max_rate']:.4f}" if r["max_rate"] != r["min_rate"] else "")
        + f" ({r['first_day']} to {r['last_day']})"
        for r in rates
    ]
    return (
        f"Amounts are converted to {rates[0]['home']} at the ECB euro reference rate of each day: {'; '.join(parts)}."
    )


def summary_lines(res: dict, ship: dict | None, tz: str) -> list[str]:
    """The plain-language summary of one window's analysis JSON (currency, confidence, recovery_hours merged in),
    one paragraph per item, key figures in **bold**."""
    rev, orders, cur = res["revenue"], res["orders"], res.get("currency") or "USD"
    conf = res.get("confidence", Settings.confidence)
    start, end = res["start"], res["end"]

    def m(v):
        return format_money(v, cur, 0)

    opening = (
        f"During the outage ({local_window(start, end, tz, zone=True)}, {plural(hours_between(start, end), 'hour', digits=None)})"
        f" your {format_channels(res.get('channels'))} sales were **{m(rev['actual'])}**, where your own history "
        f"predicts **{m(rev['expected'])}** for those hours"
    )
    rng = value_range(rev.get("lost_low"), rev.get("lost_high"), m, confidence=conf)
    if rev["lost"] >= 0:
        orders_lost = f"about {plural(max(orders['lost'], 0), 'order')}" if orders.get("lost") is not None else ""
        detail = "; ".join(x for x in (rng, orders_lost) if x)
        lines = [
            f"{opening}: about **{m(rev['lost'])} lost**"
            + (f", {number(lost_pct_shown(res))}% of normal sales" if lost_pct_shown(res) is not None else "")
            + (f" ({detail})." if detail else ".")
        ]
        share = share_of_day_text(res, tz)
        if share:
            lines[0] += f" That is {share[0]} {share[1]}."
    else:
        # Sales above the expectation: say so rather than report a negative loss.
        lines = [
            f"{opening}: **{m(-rev['lost'])} more** than expected, so no loss shows in the window"
            + (f" ({rng})." if rng else ".")
        ]
    lines.append(recapture_text(res)[1])
    profit = profit_text(res)
    if profit:
        lines.append(profit)
    rates = rates_text(res)
    if rates:
        lines.append(rates)
    for channel, extra in (res.get("spillover") or {}).items():
        if extra is None:
            continue
        word = "more" if extra > 0 else "less"
        meaning = "some buyers may have switched to it" if extra > 0 else "it was quieter than usual too"
        lines.append(f"{channel_name(channel)} (not affected) sold {m(abs(extra))} {word} than expected: {meaning}.")
    if rev.get("p_effect") is not None:
        lines.append(f"Chance that this drop is more than normal day-to-day variation: **{percent(rev['p_effect'])}**.")
    late = late_shipments_text(ship, conf)
    if late:
        lines.append(late)
    return lines

"""Short plain-text appeal letters: to Amazon, eBay and Etsy asking to exclude the outage's orders from the seller's
metrics, and to Shopify asking for the SLA service credit. The seller edits and sends them; nothing here is sent.

The letter is pasted into web forms and e-mails and may be opened from the zip in a spreadsheet, so it holds no HTML
and no line starts with a character a spreadsheet runs as a formula (see `safe_text`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import present
from ..csvsafe import neutralise_runnable
from ..terminal import UNSAFE_CHARACTERS
from ..windows import Window

# Times in the zone each marketplace's seller pages show: Amazon and eBay the seller's own, Etsy UTC ship-by days.
LETTER_ZONE = {"amazon": None, "ebay": None, "etsy": "UTC", "shopify": None}
_TEAM = {
    "amazon": "Hello Seller Performance team,",
    "ebay": "Hello eBay Customer Service,",
    "etsy": "Hello Etsy Support,",
    "shopify": "Hello Shopify Support,",
}
_ASK = {
    "amazon": "I ask you to exclude these orders from my Account Health metrics, as Amazon did for orders affected by "
    "earlier platform outages.",
    "ebay": "I ask you to remove the late shipment defects tied to this incident so that they do not count against "
    "my seller level and Top Rated status.",
    "etsy": "I ask you to leave these orders out of my Star Seller dispatch figures: they could not be dispatched on "
    "time because of the outage.",
}
_TAG = re.compile(r"<[^<>]*>")
_MARKUP = re.compile(r"[<>]")
# Control, zero-width and bidi characters (impact.terminal's set): a letter is read in a mail client that obeys them.
# A Markdown link [text](url) reads as its text in a letter.
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")


def safe_text(text: str) -> str:
    """Text for a plain-text letter: tags, stray angle brackets, control and bidi characters dropped and Markdown
    links reduced to their text (no markup can survive), whitespace runs collapsed."""
    text = UNSAFE_CHARACTERS.sub(" ", str(text or ""))
    text = _MD_LINK.sub(r"\1", _TAG.sub(" ", text))
    return " ".join(_MARKUP.sub("", text).split())


def outage_name(window: Window, tz: str) -> str:
    """'the AWS us-east-1 outage of 20 Oct 2025' (the window's title), or 'the platform outage of 20 Oct 2025'."""
    title = safe_text(window.title) or "platform outage"
    day = present.local_time(window.start, tz, "%d %b %Y").lstrip("0")
    return f"{'' if title.lower().startswith('the ') else 'the '}{title} of {day}"


def _finish(lines: Sequence[str]) -> str:
    # The last guard: whatever a title or a figure put at a line's start, no line can be read as a formula.
    return "\n".join(neutralise_runnable(line) for line in lines).rstrip() + "\n"


def _count(n: int) -> str:
    """A count that opens a sentence: '1', '1,234' (a letter is only written when some order was affected)."""
    return present.number(n)


def _metric_line(m: dict) -> str:
    if not m["available"]:
        # Why it could not be measured is said to the seller beside the letter (seller_notes), not to the reader.
        return f"* {m['name']}: not measured from the exports I hold."
    without = present.percent(m["without_outage"], 1) if m["without_outage"] is not None else "no orders left"
    return (
        f"* {m['name']}: {present.percent(m['with_outage'], 1)} with these orders, {without} without them "
        f"({present.plural(m['orders_considered'], 'order')} counted, {m['orders_affected']:,} of them affected)."
    )


def appeal_letter(marketplace: str, window: Window, tz: str, affected: int, metrics: Sequence[dict]) -> str:
    """The letter to Amazon, eBay or Etsy: the outage, its window in the marketplace's time, the affected orders and
    each metric with and without them."""
    zone = LETTER_ZONE[marketplace] or tz or "UTC"
    shop = present.channel_name(marketplace)
    name = outage_name(window, tz)
    url = safe_text(window.url)
    lines = [
        f"Subject: Orders affected by {name}",
        "",
        _TEAM[marketplace],
        "",
        f"My {shop} orders were disrupted by {name}, from {present.local_window(window.start, window.end, zone)} "
        f"({zone} time).",
    ]
    if url:
        lines.append(f"The provider's incident report: {url}")
    lines += [
        "",
        f"{_count(affected)} of my seller-fulfilled {shop} orders {'was' if affected == 1 else 'were'} affected: "
        "due to ship during the outage or the backlog it left, they shipped after their ship-by date or have not "
        "shipped yet, or they were bought during the outage and cancelled. The attached affected_orders.csv lists "
        "each order with its purchase, ship-by and ship times (UTC).",
        "",
        "How these orders change my metrics:",
        *[_metric_line(m) for m in metrics],
    ]
    lines += ["", _ASK[marketplace], "", "Thank you,", "[your name and seller account]"]
    return _finish(lines)


def _unmeasured(metrics: Sequence[dict]) -> list[str]:
    """'A and B cannot be measured: why', once per reason."""
    by_reason: dict[str, list[str]] = {}
    for m in metrics:
        if not m["available"]:
            by_reason.setdefault(m["reason"], []).append(m["name"])
    return [f"{present.join_names(names)} cannot be measured: {why}" for why, names in by_reason.items()]


def seller_notes(metrics: Sequence[dict]) -> list[str]:
    """What the seller should know before sending, said to them beside the letter, never inside it."""
    notes = [f"{u}." for u in _unmeasured(metrics)]
    notes += [f"{m['note'][0].upper()}{m['note'][1:]}." for m in metrics if m.get("note") and m["available"]]
    return list(dict.fromkeys(notes))


def nothing_to_appeal(marketplace: str, window: Window, tz: str, metrics: Sequence[dict] = ()) -> str:
    """Why no letter is written when no order of the marketplace can be shown affected by the outage."""
    shop = present.channel_name(marketplace)
    unmeasured = _unmeasured(metrics)
    if unmeasured:
        return (
            f"There is no letter to write to {shop}: no {shop} order can be shown affected by "
            f"{outage_name(window, tz)}. {'; '.join(unmeasured)}; and none of the orders bought during the outage "
            "was cancelled by you."
        )
    return (
        f"There is nothing to appeal to {shop}: none of your seller-fulfilled {shop} orders was affected by "
        f"{outage_name(window, tz)}. No order due to ship during the outage or its backlog shipped late or is still "
        "unshipped, and none bought during the outage was cancelled by you, so the outage did not touch the metrics "
        f"{shop} judges you by."
    )


def shopify_letter(incident: Window, tz: str, affected: int, sla: dict, *, passed: bool) -> str:
    """The SLA credit request to Shopify for a Shopify incident: its times, minutes in the month, the month's
    uptime and the credit tier; the 30-day deadline is claimed only while it has not passed."""
    zone = tz or "UTC"
    name = outage_name(incident, tz)
    url = safe_text(incident.url)
    credit = (
        f"a service credit of {present.percent(sla['credit'])} of that month's subscription fee"
        if sla["credit"] > 0
        else "a review: by my count the uptime stayed at or above 99.99%, where no credit tier applies"
    )
    lines = [
        f"Subject: SLA service credit request for {name}",
        "",
        _TEAM["shopify"],
        "",
        f"My store was affected by {name}, from {present.local_window(incident.start, incident.end, zone)} "
        f"({zone} time)"
        + ("." if zone == "UTC" else f"; in UTC from {present.local_window(incident.start, incident.end, 'UTC')}."),
    ]
    if url:
        lines.append(f"Incident report: {url}")
    lines += [
        "",
        f"That is {present.plural(sla['outage_minutes'], 'minute', digits=None)} of downtime in "
        f"{sla['month_name']}, an uptime of {present.percent(sla['uptime'], 3)} for the month.",
    ]
    if affected:
        lines.append(
            f"{_count(affected)} of my Shopify orders {'was' if affected == 1 else 'were'} affected (shipped late, "
            "not shipped yet, or bought during the outage and cancelled)."
        )
    ask = f"Under the SLA I request {credit}."
    if not passed:
        ask += f" This request is made within the 30 days the SLA allows (by {_day(sla['request_by'], zone)})."
    lines += ["", ask, "", "Thank you,", "[your name and store address]"]
    return _finish(lines)


def _day(iso: str, zone: str) -> str:
    return present.local_time(iso, zone, "%d %b %Y").lstrip("0")


def shopify_notes(sla: dict, zone: str, *, passed: bool) -> list[str]:
    """What the seller should know before sending the SLA request."""
    notes = [f"Before sending: {sla['notes'][0]}."]
    notes += [f"{n[0].upper()}{n[1:]}." for n in sla["notes"][1:]]
    if passed:
        notes.insert(
            0,
            f"The 30 days Shopify's SLA allows for a credit request ended on {_day(sla['request_by'], zone)}: "
            "this request is late, and Shopify may refuse it.",
        )
    return notes


def not_a_shopify_incident(window: Window, tz: str) -> str:
    """Why no SLA request is written when the outage was not Shopify's."""
    return (
        f"There is no Shopify SLA credit to request: Shopify's SLA credits Shopify's own downtime, and no Shopify "
        f"incident in the outage catalog overlaps {outage_name(window, tz)}. If Shopify's status history lists one "
        "for these hours, choose it as the outage window."
    )

"""Short plain-text appeal letters: to Amazon, eBay and Etsy asking to exclude the outage's orders from the seller's
metrics, and to Shopify asking for the SLA service credit. The seller edits and sends them; nothing here is sent.

The letter is pasted into web forms and e-mails and may be opened from the zip in a spreadsheet, so it holds no HTML
and no line starts with a character a spreadsheet runs as a formula (see `safe_text`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import present
from ..csvsafe import neutralise
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


def safe_text(text: str) -> str:
    """Text for a plain-text letter: tags and stray angle brackets dropped (no markup can survive), whitespace runs
    collapsed."""
    return " ".join(_MARKUP.sub("", _TAG.sub(" ", str(text or ""))).split())


def outage_name(window: Window, tz: str) -> str:
    """'the AWS us-east-1 outage of 20 Oct 2025' (the window's title), or 'the platform outage of 20 Oct 2025'."""
    title = safe_text(window.title) or "platform outage"
    day = present.local_time(window.start, tz, "%d %b %Y").lstrip("0")
    return f"{'' if title.lower().startswith('the ') else 'the '}{title} of {day}"


def _finish(lines: Sequence[str]) -> str:
    # The last guard: whatever a title or a figure put at a line's start, no line can be read as a formula.
    return "\n".join(neutralise(line) for line in lines).rstrip() + "\n"


def _count(n: int) -> str:
    """A count that can open a sentence: 'None', '1', '1,234'."""
    return "None" if n == 0 else present.number(n)


def _metric_line(m: dict) -> str:
    if not m["available"]:
        return f"* {m['name']}: not measured ({m['reason']})."
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
    notes = [m["note"] for m in metrics if m.get("note") and m["available"]]
    for note in dict.fromkeys(notes):
        lines.append(f"Note: {note}.")
    lines += ["", _ASK[marketplace], "", "Thank you,", "[your name and seller account]"]
    return _finish(lines)


def shopify_letter(window: Window, tz: str, affected: int, sla: dict) -> str:
    """The SLA credit request to Shopify: outage times, minutes in the month, the month's uptime and the credit tier."""
    zone = tz or "UTC"
    name = outage_name(window, tz)
    url = safe_text(window.url)
    credit = (
        f"a service credit of {present.percent(sla['credit'])} of that month's subscription fee"
        if sla["credit"] > 0
        else "a review: by my count the uptime stayed at or above 99.99%, where no credit tier applies"
    )
    lines = [
        f"Before sending: {sla['notes'][0]}.",
        "",
        f"Subject: SLA service credit request for {name}",
        "",
        _TEAM["shopify"],
        "",
        f"My store was affected by {name}, from {present.local_window(window.start, window.end, zone)} ({zone} time)"
        + ("." if zone == "UTC" else f"; in UTC from {present.local_window(window.start, window.end, 'UTC')}."),
    ]
    if url:
        lines.append(f"Incident report: {url}")
    lines += [
        "",
        f"That is {present.plural(sla['outage_minutes'], 'minute', digits=None)} of downtime in {sla['month']}, "
        f"an uptime of {present.percent(sla['uptime'], 3)} for the month.",
        f"{_count(affected)} of my Shopify orders {'was' if affected == 1 else 'were'} affected (shipped late, "
        "not shipped yet, or bought during the outage and cancelled).",
        *[f"Note: {n}." for n in sla["notes"][1:]],
        "",
        f"Under the SLA I request {credit}. This request is made within 30 days of the incident "
        f"(by {present.local_time(sla['request_by'], zone, '%d %b %Y')}).",
        "",
        "Thank you,",
        "[your name and store address]",
    ]
    return _finish(lines)

"""Shopify's SLA service credit for an outage: the outage minutes in its calendar month (UTC), that month's uptime and
the credit tier it falls in. The tiers are as reported in the costs-claims-appeals reference (99.99% / 99.9% / 99% for
10% / 25% / 100% credits) and must be checked against Shopify's current SLA text before a request is sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..windows import Window, iso_utc

# (uptime below this, credit share of the month's fee), tightest first: the lowest uptime band that applies wins.
TIERS = ((0.99, 1.00), (0.999, 0.25), (0.9999, 0.10))
REQUEST_DAYS = 30
TIERS_NOTE = (
    "the credit tiers (below 99.99% uptime 10%, below 99.9% 25%, below 99% 100% of the month's fee) are as reported, "
    "not read from Shopify's current SLA: check them there before sending"
)


def _month(day: datetime) -> tuple[datetime, datetime]:
    first = day.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first, (first + timedelta(days=32)).replace(day=1)


def credit_tier(uptime: float) -> float:
    """The credit share of the monthly fee for a month's uptime: 0.0 at or above 99.99%."""
    for below, credit in TIERS:
        if uptime < below:
            return credit
    return 0.0


def sla_credit(window: Window) -> dict:
    """Outage minutes, uptime and credit tier of the month the window starts in (UTC); a window that runs into the
    next month counts only its minutes in the first one, and says so."""
    first, nxt = _month(window.start)
    end = window.end
    outage_minutes = (min(end, nxt) - window.start).total_seconds() / 60
    month_minutes = (nxt - first).total_seconds() / 60
    uptime = 1 - outage_minutes / month_minutes
    notes = [TIERS_NOTE]
    if end > nxt:
        notes.append(f"the outage ran on into the next month: its minutes after {iso_utc(nxt)} belong to that month")
    return {
        "month": first.strftime("%Y-%m"),
        "month_name": first.strftime("%B %Y"),
        "outage_minutes": round(outage_minutes, 1),
        "month_minutes": round(month_minutes),
        "uptime": uptime,
        "credit": credit_tier(uptime),
        "request_by": iso_utc(end + timedelta(days=REQUEST_DAYS)),
        "notes": notes,
    }

"""The base period of a business-interruption claim: the turnover of the corresponding hours a year before the
outage, and the trend between then and now, read from the seller's own orders (`lines`).

"A year before" is 52 weeks (364 days), so the same clock hours fall on the same weekday: a Monday outage is
compared with a Monday, whose sales follow the same weekly pattern. The trend is the ratio of the 4 weeks before
the outage to the same 4 weeks 52 weeks earlier, as BI wordings adjust standard turnover "for the trend of the
business".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from ..windows import iso_utc

YEAR = timedelta(days=364)
TREND = timedelta(days=28)


def _turnover(con, start: datetime, end: datetime, channels: Sequence[str], currency: str | None) -> float:
    # Summed as DECIMAL (exact), as the analysis sums revenue; cancelled lines never were turnover.
    row = con.execute(
        """SELECT coalesce(sum(revenue), 0)::DOUBLE FROM lines
           WHERE status IS DISTINCT FROM 'cancelled' AND currency IS NOT DISTINCT FROM $cur
             AND purchased_at >= $a AND purchased_at < $b AND (len($ch) = 0 OR list_contains($ch, channel))""",
        {"cur": currency, "a": start, "b": end, "ch": list(channels)},
    ).fetchone()
    return round(float(row[0]), 2)


def prior_year(con, start: datetime, end: datetime, channels: Sequence[str], currency: str | None) -> dict:
    """The previous year's turnover for [start, end) and the trend, or {'available': False, 'reason': ...} when
    the history does not reach back 52 weeks and 4 weeks before the outage (or the year-before weeks sold
    nothing, which leaves no trend to measure)."""
    first = con.execute(
        """SELECT min(purchased_at) FROM lines WHERE status IS DISTINCT FROM 'cancelled'
             AND currency IS NOT DISTINCT FROM $cur AND (len($ch) = 0 OR list_contains($ch, channel))""",
        {"cur": currency, "ch": list(channels)},
    ).fetchone()[0]
    need = start - YEAR - TREND
    base = {"start": iso_utc(start - YEAR), "end": iso_utc(end - YEAR), "needs_orders_from": iso_utc(need)}
    if first is None or first > need:
        have = "no orders" if first is None else f"orders from {iso_utc(first)}"
        return base | {
            "available": False,
            "reason": f"the history ({have}) does not reach the corresponding period a year before plus 4 weeks "
            f"of trend ({iso_utc(need)})",
        }
    recent = _turnover(con, start - TREND, start, channels, currency)
    year_before = _turnover(con, start - TREND - YEAR, start - YEAR, channels, currency)
    out = base | {
        "turnover": _turnover(con, start - YEAR, end - YEAR, channels, currency),
        "trend_recent": recent,
        "trend_year_before": year_before,
        "trend_period": [iso_utc(start - TREND), iso_utc(start)],
        "trend_period_year_before": [iso_utc(start - TREND - YEAR), iso_utc(start - YEAR)],
    }
    if year_before <= 0:
        return out | {"available": False, "reason": "the 4 weeks a year before the outage sold nothing: no trend"}
    return out | {"available": True}

"""One grouped scan of `lines` that the readers of one call flow share, instead of one scan each.

    groups = line_groups(con)
    load_history(con, groups=groups)       # currencies, channels, marketplaces, date-only shares, spans
    shipment_impact(con, window, groups=groups)   # fulfilment values, ship times, each channel's end of data
    summary(con, groups)                   # the import report's line count, span, currencies and revenue

On the 2 M-line benchmark report the import report's scan, the analysis's currency groups and the shipments'
fulfilment groups cost 0.10, 0.21 and 0.10 CPU seconds; this one scan costs 0.22 (its filters are grouping keys, not
FILTER clauses). A result describes `lines` as it was when scanned: it is handed down within one call flow, never
kept across calls (the import, the home-currency conversion and the tests all rewrite `lines`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class LineGroup:
    """The lines of one currency, channel, marketplace, fulfilment, cancelled flag and date-only flag."""

    currency: str | None
    channel: str | None
    marketplace: str | None
    fulfilment: str | None
    cancelled: bool | None  # status = 'cancelled'; None for a line without a status
    dated: bool | None  # time_precision = 'day'
    lines: int
    timed: int  # lines with a purchase time
    first: datetime | None  # the earliest and latest purchase time
    last: datetime | None
    revenue_timed: Decimal | None  # the revenue of the lines with a purchase time (None: none has an amount)
    revenue: Decimal | None
    shipped: int  # lines with a ship time
    last_event: datetime | None  # the latest purchase or shipment

    @property
    def live(self) -> bool:
        """Not cancelled (`status IS DISTINCT FROM 'cancelled'`: a line without a status counts)."""
        return self.cancelled is not True


@dataclass(frozen=True)
class LineGroups:
    """Every line of `lines` in its group (see LineGroup), in no particular order."""

    groups: tuple[LineGroup, ...]

    def where(self, keep: Callable[[LineGroup], bool]) -> list[LineGroup]:
        return [g for g in self.groups if keep(g)]

    def channels(self) -> tuple[str | None, ...]:
        """The channels of the lines in name order (NULL last, as SQL's ORDER BY puts it)."""
        found = {g.channel for g in self.groups}
        return (*sorted(found - {None}), *([None] if None in found else []))


def line_groups(con) -> LineGroups:
    """Scan `lines` once into its groups (a few dozen for a seller's exports)."""
    rows = con.execute(
        """SELECT currency, channel, marketplace, fulfilment, status = 'cancelled', time_precision = 'day',
                  count(*), count(purchased_at), min(purchased_at), max(purchased_at),
                  sum(revenue) FILTER (purchased_at IS NOT NULL), sum(revenue), count(shipped_at),
                  max(greatest(purchased_at, coalesce(shipped_at, purchased_at)))
           FROM lines GROUP BY ALL"""
    ).fetchall()
    return LineGroups(tuple(LineGroup(*row) for row in rows))


def total(values) -> Decimal | None:
    """The exact sum of amounts, NULLs left out as SQL's sum() leaves them (None when every one is None)."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def earliest(values) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def latest(values) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None

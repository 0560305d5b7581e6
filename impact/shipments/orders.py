"""The per-order table every shipment figure is read from: one row per seller-fulfilled order of the window's
channels with its ship-by promise (from the file, else purchase + SLA), its shipment and whether it was late."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import duckdb

from ..linegroups import LineGroups, latest
from ..present import channel_name, format_channels, plural
from ..settings import Settings
from ..windows import Window, iso_utc

DEFAULT_SLA_HOURS = Settings.ship_sla_hours  # the one default, declared in Settings
MAX_SLA_HOURS = 24.0 * 60
# Baseline history on each side of the window; older behaviour says little about this week's warehouse.
HISTORY_DAYS = 91
# Fulfilment channels run by the marketplace (FBA, WFS): they never count against the seller's late shipment rate.
MARKETPLACE_FULFILLED_SQL = (
    "(regexp_matches(lower(coalesce(fulfilment, '')), 'fba|afn|wfs|fulfilled by amazon|walmart fulfil')"
    " OR lower(coalesce(fulfilment, '')) IN ('amazon', 'amazon.com'))"
)

_EPOCH_MONDAY_US = 345_600_000_000  # 1970-01-05T00:00Z, a Monday, in microseconds since the Unix epoch
_WEEK_US = 7 * 86_400_000_000
_WORKWEEK_US = 5 * 86_400_000_000
HOUR_US = 3_600_000_000


def promise_sql(business_days: bool) -> str:
    """SQL for the SLA promise of an order from purchased_at, in UTC; $sla_us is the SLA in microseconds.

    Business days: the SLA clock only runs Monday to Friday (UTC). Time is mapped to a count of working
    microseconds since a Monday, the SLA is added there and the sum is mapped back; a promise that lands exactly at
    the end of a Friday becomes the following Monday 00:00, i.e. the weekend is never counted against the seller.
    """
    if not business_days:
        return "make_timestamp(epoch_us(purchased_at) + $sla_us)"
    since = f"(epoch_us(purchased_at) - {_EPOCH_MONDAY_US})"
    worked = f"(({since} // {_WEEK_US}) * {_WORKWEEK_US} + least({since} % {_WEEK_US}, {_WORKWEEK_US}))"
    target = f"({worked} + $sla_us)"
    return f"make_timestamp({_EPOCH_MONDAY_US} + ({target} // {_WORKWEEK_US}) * {_WEEK_US} + {target} % {_WORKWEEK_US})"


@dataclass
class Prepared:
    """The per-order table of one analysis plus what was learnt while building it."""

    table: str
    channels: list[str]
    start: datetime
    end: datetime
    data_end: datetime | None  # earliest per-channel end of data: the open-order series stops there
    notes: list[str] = field(default_factory=list)
    no_ship_times: list[str] = field(default_factory=list)
    marketplace_fulfilled: int = 0


# The export that carries ship times, per channel: what a seller whose orders export has none should add.
SHIP_TIME_REPORTS = {
    "amazon": "Amazon's Fulfilled Shipments report (Reports > Fulfillment), or a ShipStation shipments export",
    "shopify": "a Shopify orders export with the Fulfilled at column (Orders > Export > All orders)",
    "ebay": "eBay's Orders report from Seller Hub (it has Shipped On Date)",
    "etsy": "Etsy's Sold Orders CSV (it has Date Shipped)",
    "woocommerce": "a WooCommerce export with the completed date, or a ShipStation shipments export",
}


def no_ship_times_note(channel: str) -> str:
    """Why late shipments cannot be measured on `channel`, and which report to export so that they can."""
    report = SHIP_TIME_REPORTS.get(
        channel,
        "a shipments export with a ship date per order (ShipStation, or any CSV mapped with order_id and shipped_at)",
    )
    return (
        f"the {channel_name(channel)} orders carry no ship times, so late shipments cannot be measured there: add "
        f"{report}"
    )


@dataclass
class _Channels:
    """Per channel: seller-fulfilled lines, how many carry a ship time, marketplace-fulfilled lines, the end of its
    data; and the fulfilment values that mean the marketplace ships."""

    seller: dict[str, int] = field(default_factory=dict)
    shipped: dict[str, int] = field(default_factory=dict)
    marketplace: dict[str, int] = field(default_factory=dict)
    end: dict[str, datetime | None] = field(default_factory=dict)
    marketplace_values: set[str] = field(default_factory=set)


def _channel_rows(con: duckdb.DuckDBPyConnection, groups: LineGroups | None) -> list[tuple]:
    """(channel, fulfilment, lines, lines with a ship time, end of data, marketplace-fulfilled) per channel and
    fulfilment value, from the analysis's grouped scan (impact.linegroups) when it has one."""
    if groups is None:
        return con.execute(
            f"""WITH g AS (SELECT channel, fulfilment, count(*) AS n, count(shipped_at) AS n_shipped,
                                  max(greatest(purchased_at, coalesce(shipped_at, purchased_at))) AS last
                           FROM lines WHERE channel IS NOT NULL GROUP BY ALL)
                SELECT channel, fulfilment, n, n_shipped, last, {MARKETPLACE_FULFILLED_SQL} AS mf FROM g"""
        ).fetchall()
    merged: dict[tuple, list] = {}
    for g in groups.where(lambda g: g.channel is not None):
        merged.setdefault((g.channel, g.fulfilment), []).append(g)
    # The rule is SQL (DuckDB's lower() and regexp): it runs once per distinct value here too.
    values = list({f for _, f in merged})
    mf = dict(
        con.execute(
            f"SELECT fulfilment, {MARKETPLACE_FULFILLED_SQL} FROM (SELECT unnest($v::VARCHAR[]) AS fulfilment)",
            {"v": values},
        ).fetchall()
    )
    return [
        (
            channel,
            value,
            sum(g.lines for g in parts),
            sum(g.shipped for g in parts),
            latest(g.last_event for g in parts),
            mf[value],
        )
        for (channel, value), parts in merged.items()
    ]


def _channels(con: duckdb.DuckDBPyConnection, groups: LineGroups | None = None) -> _Channels:
    # An export holds a handful of distinct fulfilment values: the regexp runs once per (channel, value), not per line.
    # The same pass finds each channel's end of data (last purchase or shipment, whatever the line's status).
    ch = _Channels()
    for channel, value, n, n_shipped, last, mf in _channel_rows(con, groups):
        prev = ch.end.get(channel)
        ch.end[channel] = last if prev is None else prev if last is None else max(prev, last)
        ch.seller[channel] = ch.seller.get(channel, 0) + (0 if mf else n)
        ch.shipped[channel] = ch.shipped.get(channel, 0) + (0 if mf else n_shipped)
        ch.marketplace[channel] = ch.marketplace.get(channel, 0) + (n if mf else 0)
        if mf:  # never NULL: MARKETPLACE_FULFILLED_SQL reads a NULL fulfilment as '', which is seller-fulfilled
            ch.marketplace_values.add(value)
    return ch


def _scope(ch: _Channels, wanted: list[str], notes: list[str]) -> tuple[list[str], list[str], int]:
    """(the channels whose shipping can be measured, those without ship times, marketplace-fulfilled lines left
    out), with a note for each channel left out and why."""
    scope = [c for c in (wanted or sorted(ch.seller)) if c in ch.seller]
    missing = [c for c in wanted if c not in ch.seller]
    if missing:
        notes.append(f"no {format_channels(missing)} orders in the files")
    for c in (c for c in scope if ch.seller[c] == 0):
        notes.append(
            f"every {channel_name(c)} order is fulfilled by the marketplace (FBA/WFS): its late shipments never "
            "count against you"
        )
    # Ship times must come from the seller-fulfilled lines themselves: FBA ship dates say nothing about them.
    no_times = [c for c in scope if ch.seller[c] > 0 and ch.shipped[c] == 0]
    for c in no_times:
        notes.append(no_ship_times_note(c))
    scope = [c for c in scope if ch.shipped[c] > 0]
    fba = sum(ch.marketplace.get(c, 0) for c in scope)
    if fba:
        notes.append(
            f"{plural(fba, 'marketplace-fulfilled order line')} (FBA/WFS) left out: they never count against you"
        )
    return scope, no_times, fba


def _window_end(window: Window, ends: dict, notes: list[str]) -> tuple[datetime, datetime | None]:
    """(the window's end, the earliest end of the channels' data); an open window ends where the data does."""
    end = window.end
    data_end = min((v for v in ends.values() if v is not None), default=None)
    if end is None:
        end = max((v for v in ends.values() if v is not None), default=window.start + timedelta(hours=1))
        end = max(end, window.start + timedelta(hours=1))
        notes.append(f"the outage is still open: the window is taken to end at the end of the data ({iso_utc(end)})")
    return end, data_end


def _create_table(con, table: str, scope: list[str], span: tuple, terms: tuple, mf: list[str], ends: dict) -> None:
    """The per-order table: each order's purchase, shipment, promise and lateness, for `scope`'s channels."""
    (lo, hi), (sla_hours, business_days) = span, terms
    con.execute(
        f"""CREATE TEMP TABLE "{table}" AS
        WITH l AS (
            SELECT channel, order_id, purchased_at, promised_at, ship_precision,
                   CASE WHEN shipped_at < purchased_at THEN purchased_at ELSE shipped_at END AS shipped_at
            FROM lines
            WHERE list_contains($ch, channel) AND order_id IS NOT NULL AND purchased_at IS NOT NULL
              AND purchased_at BETWEEN $lo AND $hi
              AND coalesce(status, '') <> 'cancelled'
              AND NOT (status = 'refunded' AND shipped_at IS NULL)
              AND NOT list_contains($mf::VARCHAR[], coalesce(fulfilment, ''))
        ), o AS (
            SELECT channel, order_id, min(purchased_at) AS purchased_at,
                   CASE WHEN count(shipped_at) = count(*) THEN max(shipped_at) END AS shipped_at,
                   -- the confirmation (the last line's) has a date only: lateness is then counted in days
                   coalesce(count(shipped_at) = count(*) AND arg_max(ship_precision, shipped_at) = 'day', false)
                       AS ship_day,
                   max(promised_at) AS file_promise
            FROM l GROUP BY channel, order_id
        ), e AS (
            SELECT unnest($e_ch::VARCHAR[]) AS channel, unnest($e_end::TIMESTAMP[]) AS data_end
        ), p AS (
            SELECT o.*, e.data_end, file_promise IS NOT NULL AS promise_from_file,
                   coalesce(file_promise, {promise_sql(business_days)}) AS promise
            FROM o JOIN e USING (channel)
        )
        SELECT *, promise < data_end AS due_known,
               promise < data_end AND (shipped_at IS NULL OR shipped_at > promise) AS late,
               CASE WHEN promise < data_end AND (shipped_at IS NULL OR shipped_at > promise)
                    THEN (epoch_us(coalesce(shipped_at, data_end)) - epoch_us(promise)) / {HOUR_US}.0 END AS hours_late,
               isodow(purchased_at) AS dow, hour(purchased_at) AS hr, hour(purchased_at) // 6 AS blk,
               least(greatest((epoch_us(promise) - epoch_us(purchased_at)) // 86400000000, 0), 7)::INTEGER AS lead
        FROM p""",
        {
            "ch": scope or [""],
            "lo": lo,
            "hi": hi,
            "sla_us": int(round(float(sla_hours) * HOUR_US)),
            "mf": mf,
            "e_ch": list(ends),
            "e_end": list(ends.values()),
        },
    )


@contextmanager
def order_table(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    sla_hours: float,
    business_days: bool,
    groups: LineGroups | None = None,
):
    """Build a temporary per-order table for the window's channels; dropped when the block ends. `groups`: the
    caller's grouped scan of `lines` (impact.linegroups), if it has one."""
    table = f"_ship_orders_{uuid.uuid4().hex[:12]}"
    notes: list[str] = []
    ch = _channels(con, groups)
    scope, no_times, fba = _scope(ch, list(window.base_channels), notes)
    ends = {c: ch.end[c] for c in scope}
    end, data_end = _window_end(window, ends, notes)
    span = (window.start - timedelta(days=HISTORY_DAYS + 14), end + timedelta(days=HISTORY_DAYS))
    _create_table(con, table, scope, span, (sla_hours, business_days), sorted(ch.marketplace_values), ends)
    try:
        yield Prepared(table, scope, window.start, end, data_end, notes, no_times, fba)
    finally:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
        con.execute(f'DROP TABLE IF EXISTS "{table}_rates"')

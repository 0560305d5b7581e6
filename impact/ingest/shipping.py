"""Shipping files: ship confirmations, ship-by promises and buyer cancellation requests for orders already imported.

A shipping file never creates an order. Its rows are matched to the order lines of the `lines` table by channel +
order id and fill in what the order exports lack:

* ShipStation's shipments export (one row per shipment: order number, ship date, carrier, tracking, store);
* Amazon's seller-fulfilled order reports (Unshipped Orders, the order report with `latest-ship-date`): the ship-by
  promise Amazon's Late Shipment Rate is measured against, and `is-buyer-requested-cancellation`;
* any other CSV through a column mapping with order_id and shipped_at (carrier, tracking, channel optional).

Every row is accounted for: loaded (matched to an order), skipped with a reason (a voided label, an order the order
exports do not hold) or rejected with its line number (no order id, an unreadable date, an order number that
several channels use when the file does not say which). An order with several shipments gets the earliest ship
confirmation. Only the order id, times, carrier and the cancellation flag are read: names and addresses of the
file never reach the database.
"""

from __future__ import annotations

from .. import present
from ..store import CHANNELS
from . import sqlexpr
from .base import Cols, Format

NOT_IN_ORDERS = "order not in the order exports"
VOIDED = "voided label"
NOTHING = "no ship date, promise or cancellation request"


def channel_from_text(col: str) -> str:
    """A channel from a store or marketplace name ('Amazon.com', 'My eBay Store'), NULL when none is named."""
    v = f"lower(coalesce({sqlexpr.clean(col)}, ''))"
    named = [ch for ch in CHANNELS if ch != "other"]
    cases = " ".join(f"WHEN {v} LIKE '%{ch}%' THEN '{ch}'" for ch in named)
    return f"(CASE {cases} WHEN {v} LIKE '%woo%' THEN 'woocommerce' ELSE NULL END)"


# ---------------------------------------------------------------------------------------------------------------
# ShipStation shipments export


def _shipstation(c: Cols) -> dict[str, str]:
    # The marketplace column names the channel; a store name often does too ('My Amazon Store').
    named = [channel_from_text(c(n)) for n in ("Marketplace", "Store", "Store Name", "Order Source") if c.has(n)]
    return {
        "order_id": sqlexpr.clean(c("Order Number", "Order #", "Order - Number", "Order No")),
        "channel": f"coalesce({', '.join(named)})" if named else "NULL",
        "shipped_at": c("Ship Date", "Shipped Date", "Date Shipped"),
        "promised_at": c("Ship By Date", "Ship By"),
        "carrier": sqlexpr.clean(c("Carrier", "Provider")),
        "cancelled_by": "NULL",
    }


def _shipstation_skips(c: Cols) -> list[tuple[str, str]]:
    rules = []
    if c.has("voided"):
        rules.append((sqlexpr.truthy(c("Voided")), VOIDED))
    if c.has("void date"):
        rules.append((f"{sqlexpr.clean(c('Void Date'))} IS NOT NULL", VOIDED))
    if c.has("status"):
        rules.append((f"lower(coalesce({sqlexpr.clean(c('Status'))}, '')) LIKE 'void%'", VOIDED))
    return rules


SHIPSTATION = Format(
    name="shipstation_shipments",
    label="ShipStation shipments export",
    channel="",
    required=frozenset({"ship date"}),
    any_of=(
        frozenset({"order number", "order #", "order - number", "order no"}),
        frozenset({"carrier", "provider"}),
        frozenset({"tracking number", "tracking #"}),
    ),
    forbidden=frozenset({"sale date"}),  # eBay's orders report also has Order Number and Tracking Number
    fields=_shipstation,
    skips=_shipstation_skips,
    kind="shipping",
)


# ---------------------------------------------------------------------------------------------------------------
# Amazon seller-fulfilled order reports (Unshipped Orders, order report): keyed by order-id, not amazon-order-id


def _amazon_orders(c: Cols) -> dict[str, str]:
    return {
        "order_id": sqlexpr.clean(c("order-id")),
        "channel": "'amazon'",
        "shipped_at": c("ship-date", "shipment-date"),
        "promised_at": c("latest-ship-date", "promise-date"),
        "carrier": sqlexpr.clean(c("carrier", "ssa-carrier")),
        "cancelled_by": sqlexpr.cancel_requested_by(c("is-buyer-requested-cancellation")),
    }


def _amazon_skips(c: Cols) -> list[tuple[str, str]]:
    return [(f"{sqlexpr.clean(c('sales-channel'))} = 'Non-Amazon'", "multi-channel fulfilment order (sold elsewhere)")]


AMAZON_SELLER_ORDERS = Format(
    name="amazon_seller_fulfilled_orders",
    label="Amazon seller-fulfilled order report",
    channel="amazon",
    required=frozenset({"order-id", "order-item-id", "purchase-date"}),
    any_of=(frozenset({"promise-date", "latest-ship-date", "is-buyer-requested-cancellation", "ship-date"}),),
    forbidden=frozenset({"amazon-order-id"}),
    fields=_amazon_orders,
    skips=_amazon_skips,
    quote="",  # Amazon's flat files never quote (see Format.quote)
    kind="shipping",
)

FORMATS = (AMAZON_SELLER_ORDERS, SHIPSTATION)


# ---------------------------------------------------------------------------------------------------------------
# A mapped CSV of shipments


def is_shipping_mapping(mapping: dict) -> bool:
    """A mapping with a ship date and an order id but no purchase date or amount reads shipments, not orders."""
    return (
        bool(mapping.get("order_id"))
        and bool(mapping.get("shipped_at"))
        and not any(mapping.get(k) for k in ("purchased_at", "revenue", "price"))
    )


def build_format(mapping: dict) -> Format:
    m = mapping

    def fields(c: Cols) -> dict[str, str]:
        def col(key: str) -> str:
            return c(m[key]) if key in m else "NULL"

        if "channel" in m:
            channel = f"coalesce({channel_from_text(col('channel'))}, {_value(m.get('channel_value'))})"
        else:
            channel = _value(m.get("channel_value"))
        return {
            "order_id": sqlexpr.clean(col("order_id")),
            "channel": channel,
            "shipped_at": col("shipped_at"),
            "promised_at": col("promised_at"),
            "carrier": sqlexpr.clean(col("carrier")),
            "cancelled_by": "NULL",
        }

    return Format(
        name="generic_shipping_csv",
        label="shipping CSV with a column mapping",
        channel=m.get("channel_value") or "",
        required=frozenset(),
        fields=fields,
        kind="shipping",
    )


def _value(channel: str | None) -> str:
    """A constant channel (checked against CHANNELS by the mapping's validation), or NULL: found by order id."""
    return f"'{channel}'" if channel and channel in CHANNELS else "NULL"


# ---------------------------------------------------------------------------------------------------------------
# Matching and applying


def match_rows(con) -> None:
    """Give each row of _parsed still to load its order's channel and exact order id, or a skip/reject reason.

    The channel is the row's own (a store column, the format's) when it names one; otherwise the channel whose
    orders use that order number. Order numbers match with or without a leading '#' (Shopify's '#1001')."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _owners AS
        SELECT ltrim(order_id, '#') AS k, channel, any_value(order_id) AS order_id FROM lines
        WHERE ltrim(order_id, '#') IN (SELECT DISTINCT ltrim(order_id, '#') FROM _parsed
                                       WHERE _skip IS NULL AND _reject IS NULL)
        GROUP BY ALL"""
    )
    con.execute(
        f"""UPDATE _parsed SET
            channel = coalesce(_parsed.channel, m.only_channel),
            order_id = coalesce(m.exact_id, _parsed.order_id),
            _skip = CASE WHEN m.n = 0 THEN '{NOT_IN_ORDERS}' END,
            _reject = CASE WHEN m.n > 1 THEN 'order number "' || left(_parsed.order_id, 40)
                || '" is in the orders of several channels (' || m.names
                || '): export the shipments with their Store or Marketplace column' END
        FROM (
            SELECT p.rowid AS rid, count(o.channel) AS n, string_agg(o.channel, ', ' ORDER BY o.channel) AS names,
                   CASE WHEN count(o.channel) = 1 THEN any_value(o.channel) END AS only_channel,
                   CASE WHEN count(o.channel) = 1 THEN any_value(o.order_id) END AS exact_id
            FROM _parsed p LEFT JOIN _owners o
                 ON o.k = ltrim(p.order_id, '#') AND (p.channel IS NULL OR o.channel = p.channel)
            WHERE p._skip IS NULL AND p._reject IS NULL
            GROUP BY p.rowid
        ) m
        WHERE _parsed.rowid = m.rid"""
    )
    con.execute("DROP TABLE IF EXISTS _owners")


def apply_rows(con) -> dict[str, int]:
    """Add the matched rows of _parsed (flagged rows already deleted) to their orders' lines.

    Per order: the earliest ship confirmation (and its carrier), the earliest promise, 'buyer' if any row says the
    buyer asked to cancel ('seller' if the rows say the buyer did not). A ship time replaces the line's own when the line has none, when the file's has a time of
    day where the line's is a date, or when it is earlier at the same precision; a promise only fills a missing one.
    Ship times go to lines not cancelled, cancellation requests to cancelled lines. Returns counts for the report."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _ship AS
        SELECT channel, order_id, count(*) AS rows, count(shipped_at) AS shipments,
               min(shipped_at) AS shipped_at, arg_min(ship_precision, shipped_at) AS ship_precision,
               arg_min(carrier, shipped_at) AS carrier, min(promised_at) AS promised_at,
               CASE WHEN bool_or(cancelled_by = 'buyer') THEN 'buyer'
                    WHEN bool_or(cancelled_by = 'seller') THEN 'seller' END AS cancelled_by
        FROM _parsed GROUP BY channel, order_id"""
    )
    orders, several = con.execute("SELECT count(*), count(*) FILTER (WHERE shipments > 1) FROM _ship").fetchone()
    take = """(s.shipped_at IS NOT NULL AND l.status IS DISTINCT FROM 'cancelled' AND (
                   l.shipped_at IS NULL
                   OR (l.ship_precision = 'day' AND s.ship_precision = 'second')
                   OR (coalesce(l.ship_precision, 'second') = s.ship_precision AND s.shipped_at < l.shipped_at)))"""
    con.execute(
        f"""UPDATE lines l SET
            shipped_at = CASE WHEN {take} THEN s.shipped_at ELSE l.shipped_at END,
            ship_precision = CASE WHEN {take} THEN s.ship_precision ELSE l.ship_precision END,
            carrier = CASE WHEN {take} THEN coalesce(s.carrier, l.carrier) ELSE coalesce(l.carrier, s.carrier) END,
            promised_at = coalesce(l.promised_at, s.promised_at),
            cancelled_by = CASE WHEN l.status = 'cancelled' THEN coalesce(s.cancelled_by, l.cancelled_by)
                                ELSE l.cancelled_by END
        FROM _ship s WHERE l.channel = s.channel AND l.order_id = s.order_id"""
    )
    con.execute("DROP TABLE IF EXISTS _ship")
    return {"orders": int(orders), "several_shipments": int(several)}


def notes(counts: dict[str, int]) -> list[str]:
    out = [f"{present.plural(counts['orders'], 'order')} matched"]
    if counts["several_shipments"]:
        out.append(
            f"{present.plural(counts['several_shipments'], 'order')} with several shipments: the earliest ship confirmation counts"
        )
    return out

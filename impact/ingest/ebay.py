"""eBay Seller Hub orders report: blank line before the header, footer rows, '$1,249.00' amounts, MMM-DD-YY dates."""

from __future__ import annotations

from . import sqlexpr
from .base import Cols, Format


def _fields(c: Cols) -> dict[str, str]:
    return {
        "order_id": sqlexpr.clean(c("Order Number", "Sales Record Number")),
        "line_key": f"coalesce({sqlexpr.clean(c('Transaction ID'))}, {sqlexpr.clean(c('Item Number'))}, '')",
        "purchased_at": c("Sale Date", "Paid On Date"),
        "sku": f"coalesce({sqlexpr.clean(c('Custom Label'))}, {sqlexpr.clean(c('Item Number'))})",
        "product_name": sqlexpr.clean(c("Item Title")),
        "quantity": sqlexpr.quantity(c("Quantity")),
        "revenue": f"{sqlexpr.amount(c('Sold For'))} * coalesce({sqlexpr.quantity(c('Quantity'))}, 1)",
        "revenue_text": c("Sold For"),
        "currency": f"coalesce({sqlexpr.currency_from_symbol(c('Sold For'))}, {sqlexpr.currency_from_symbol(c('Total Price'))})",
        "status": "'completed'",
        "fulfilment": sqlexpr.clean(c("eBay Fulfillment Program")),
        "shipped_at": c("Shipped On Date"),
        "promised_at": c("Ship By Date"),
        "ship_country": sqlexpr.clean(c("Ship To Country", "Buyer Country")),
        "marketplace": "'eBay'",
    }


def _skips(c: Cols) -> list[tuple[str, str]]:
    first = sqlexpr.clean(c("Sales Record Number", "Order Number"))
    return [
        (
            f"{first} SIMILAR TO '[0-9]+' AND {sqlexpr.clean(c('Order Number'))} LIKE 'record(s) downloaded%'",
            "eBay footer",
        ),
        (f"{first} ILIKE 'Seller ID%' OR {first} ILIKE '%record(s) downloaded%'", "eBay footer"),
        # A multi-item order has a summary row (totals, no item) before its item rows.
        (
            f"{sqlexpr.clean(c('Item Number'))} IS NULL AND {sqlexpr.clean(c('Quantity'))} IS NULL",
            "eBay order summary row",
        ),
    ]


ORDERS = Format(
    name="ebay_orders",
    label="eBay Seller Hub orders report",
    channel="ebay",
    required=frozenset({"order number", "sale date", "sold for", "quantity"}),
    fields=_fields,
    skips=_skips,
    skip_raw=((r"record\(s\) downloaded", "eBay footer"), (r"^\W*Seller ID", "eBay footer")),
)

"""eBay Seller Hub orders report: blank line before the header, footer rows, '$1,249.00' amounts, MMM-DD-YY dates."""

from __future__ import annotations

from . import sqlexpr as X
from .base import Cols, Format


def _fields(c: Cols) -> dict[str, str]:
    return {
        "order_id": X.clean(c("Order Number", "Sales Record Number")),
        "line_key": f"coalesce({X.clean(c('Transaction ID'))}, {X.clean(c('Item Number'))}, '')",
        "purchased_at": c("Sale Date", "Paid On Date"),
        "sku": f"coalesce({X.clean(c('Custom Label'))}, {X.clean(c('Item Number'))})",
        "product_name": X.clean(c("Item Title")),
        "quantity": X.quantity(c("Quantity")),
        "revenue": f"{X.amount(c('Sold For'))} * coalesce({X.quantity(c('Quantity'))}, 1)",
        "revenue_text": c("Sold For"),
        "currency": f"coalesce({X.currency_from_symbol(c('Sold For'))}, {X.currency_from_symbol(c('Total Price'))})",
        "status": "'completed'",
        "fulfilment": X.clean(c("eBay Fulfillment Program")),
        "shipped_at": c("Shipped On Date"),
        "promised_at": c("Ship By Date"),
        "ship_country": X.clean(c("Ship To Country", "Buyer Country")),
        "marketplace": "'eBay'",
    }


def _skips(c: Cols) -> list[tuple[str, str]]:
    first = X.clean(c("Sales Record Number", "Order Number"))
    return [
        (f"{first} SIMILAR TO '[0-9]+' AND {X.clean(c('Order Number'))} LIKE 'record(s) downloaded%'", "eBay footer"),
        (f"{first} ILIKE 'Seller ID%' OR {first} ILIKE '%record(s) downloaded%'", "eBay footer"),
        # A multi-item order has a summary row (totals, no item) before its item rows.
        (f"{X.clean(c('Item Number'))} IS NULL AND {X.clean(c('Quantity'))} IS NULL", "eBay order summary row"),
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

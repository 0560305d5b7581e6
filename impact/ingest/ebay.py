"""eBay Seller Hub orders report, and the older Selling Manager sales history it replaced (`Sales Record Number`,
`Sale Price`, no order number): blank line before the header, footer rows, '$1,249.00' amounts, MMM-DD-YY dates."""

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
        # Sold For (Sale Price in the sales history) is the unit price; shipping and taxes are columns apart.
        "revenue": f"{X.amount(c('Sold For', 'Sale Price'))} * coalesce({X.quantity(c('Quantity'))}, 1)",
        "revenue_text": c("Sold For", "Sale Price"),
        "currency": f"coalesce({X.currency_from_symbol(c('Sold For', 'Sale Price'))}, "
        f"{X.currency_from_symbol(c('Total Price'))})",
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
        # The sales history writes "4, record(s) downloaded, from ..." across its first two columns.
        (f"{X.clean(c('User Id', 'Buyer Username'))} ILIKE '%record(s) downloaded%'", "eBay footer"),
        # Rows of bare commas around the header and the footer.
        (f"{first} IS NULL AND {X.clean(c('Item Number'))} IS NULL AND {X.clean(c('Quantity'))} IS NULL", "empty row"),
        # A multi-item order has a summary row (totals, no item) before its item rows.
        (f"{X.clean(c('Item Number'))} IS NULL AND {X.clean(c('Quantity'))} IS NULL", "eBay order summary row"),
    ]


ORDERS = Format(
    name="ebay_orders",
    label="eBay Seller Hub orders report",
    channel="ebay",
    required=frozenset({"sale date", "quantity"}),
    any_of=(frozenset({"order number", "sales record number"}), frozenset({"sold for", "sale price"})),
    fields=_fields,
    skips=_skips,
    skip_raw=((r"record\(s\) downloaded", "eBay footer"), (r"^\W*Seller ID", "eBay footer")),
)

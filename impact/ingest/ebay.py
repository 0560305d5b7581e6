"""eBay Seller Hub orders report, and the older Selling Manager sales history it replaced (`Sales Record Number`,
`Sale Price`, no order number): blank line before the header, footer rows, '$1,249.00' amounts, MMM-DD-YY dates."""

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
        # Sold For (Sale Price in the sales history) is the unit price; shipping and taxes are columns apart.
        "revenue": f"{sqlexpr.amount(c('Sold For', 'Sale Price'))} * coalesce({sqlexpr.quantity(c('Quantity'))}, 1)",
        "revenue_text": c("Sold For", "Sale Price"),
        "currency": f"coalesce({sqlexpr.currency_from_symbol(c('Sold For', 'Sale Price'))}, "
        f"{sqlexpr.currency_from_symbol(c('Total Price'))})",
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
        # The sales history writes "4, record(s) downloaded, from ..." across its first two columns.
        (f"{sqlexpr.clean(c('User Id', 'Buyer Username'))} ILIKE '%record(s) downloaded%'", "eBay footer"),
        # Rows of bare commas around the header and the footer.
        (
            f"{first} IS NULL AND {sqlexpr.clean(c('Item Number'))} IS NULL AND {sqlexpr.clean(c('Quantity'))} IS NULL",
            "empty row",
        ),
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
    required=frozenset({"sale date", "quantity"}),
    any_of=(frozenset({"order number", "sales record number"}), frozenset({"sold for", "sale price"})),
    fields=_fields,
    skips=_skips,
    skip_raw=((r"record\(s\) downloaded", "eBay footer"), (r"^\W*Seller ID", "eBay footer")),
)

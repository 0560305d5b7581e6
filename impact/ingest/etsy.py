"""Etsy sold order items and sold orders: dates without a time of day, so their precision is 'day'."""

from __future__ import annotations

from . import sqlexpr
from .base import Cols, Format


def _items(c: Cols) -> dict[str, str]:
    return {
        "order_id": sqlexpr.clean(c("Order ID")),
        "line_key": f"coalesce({sqlexpr.clean(c('Transaction ID'))}, {sqlexpr.clean(c('Listing ID'))}, '')",
        "purchased_at": c("Sale Date"),
        "sku": f"coalesce({sqlexpr.clean(c('SKU'))}, {sqlexpr.clean(c('Listing ID'))})",
        "product_name": sqlexpr.clean(c("Item Name")),
        "quantity": sqlexpr.quantity(c("Quantity")),
        # The item's price x quantity less the coupon discount on it: merchandise as the buyer paid it.
        "revenue": f"{sqlexpr.amount(c('Price'))} * coalesce({sqlexpr.quantity(c('Quantity'))}, 1)"
        f" - coalesce({sqlexpr.amount(c('Discount Amount'))}, 0)",
        "revenue_text": c("Price"),
        "currency": f"upper({sqlexpr.clean(c('Currency'))})",
        "status": "'completed'",
        "fulfilment": "NULL",
        "shipped_at": c("Date Shipped"),
        "promised_at": "NULL",
        "ship_country": sqlexpr.clean(c("Ship Country")),
        "marketplace": "'Etsy'",
    }


SOLD_ORDER_ITEMS = Format(
    name="etsy_sold_order_items",
    label="Etsy sold order items",
    channel="etsy",
    required=frozenset({"sale date", "item name", "quantity", "price", "order id", "transaction id"}),
    fields=_items,
    date_order="month_first",
)


def _orders(c: Cols) -> dict[str, str]:
    status = f"lower(coalesce({sqlexpr.clean(c('Status'))}, ''))"
    return {
        "order_id": sqlexpr.clean(c("Order ID")),
        "line_key": "'order'",
        "purchased_at": c("Sale Date"),
        "sku": sqlexpr.clean(c("SKU")),
        "product_name": "NULL",
        "quantity": sqlexpr.quantity(c("Number of Items")),
        # Order Value is the merchandise before the coupon; shipping and sales tax are apart.
        "revenue": f"{sqlexpr.amount(c('Order Value'))} - coalesce({sqlexpr.amount(c('Discount Amount'))}, 0)",
        "revenue_text": c("Order Value"),
        "currency": f"upper({sqlexpr.clean(c('Currency'))})",
        "status": f"""(CASE WHEN {status} LIKE 'cancel%' THEN 'cancelled' WHEN {status} LIKE 'refund%' THEN 'refunded'
            ELSE 'completed' END)""",
        "fulfilment": "NULL",
        "shipped_at": c("Date Shipped"),
        "promised_at": "NULL",
        "ship_country": sqlexpr.clean(c("Ship Country")),
        "marketplace": "'Etsy'",
    }


SOLD_ORDERS = Format(
    name="etsy_sold_orders",
    label="Etsy sold orders",
    channel="etsy",
    required=frozenset({"sale date", "order id", "number of items", "order value"}),
    fields=_orders,
    date_order="month_first",
)

"""Etsy sold order items and sold orders: dates without a time of day, so their precision is 'day'."""

from __future__ import annotations

from . import sqlexpr as X
from .base import Cols, Format


def _items(c: Cols) -> dict[str, str]:
    return {
        "order_id": X.clean(c("Order ID")),
        "line_key": f"coalesce({X.clean(c('Transaction ID'))}, {X.clean(c('Listing ID'))}, '')",
        "purchased_at": c("Sale Date"),
        "sku": f"coalesce({X.clean(c('SKU'))}, {X.clean(c('Listing ID'))})",
        "product_name": X.clean(c("Item Name")),
        "quantity": X.quantity(c("Quantity")),
        # The item's price x quantity less the coupon discount on it: merchandise as the buyer paid it.
        "revenue": f"{X.amount(c('Price'))} * coalesce({X.quantity(c('Quantity'))}, 1)"
        f" - coalesce({X.amount(c('Discount Amount'))}, 0)",
        "revenue_text": c("Price"),
        "currency": f"upper({X.clean(c('Currency'))})",
        "status": "'completed'",
        "fulfilment": "NULL",
        "shipped_at": c("Date Shipped"),
        "promised_at": "NULL",
        "ship_country": X.clean(c("Ship Country")),
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
    status = f"lower(coalesce({X.clean(c('Status'))}, ''))"
    return {
        "order_id": X.clean(c("Order ID")),
        "line_key": "'order'",
        "purchased_at": c("Sale Date"),
        "sku": X.clean(c("SKU")),
        "product_name": "NULL",
        "quantity": X.quantity(c("Number of Items")),
        # Order Value is the merchandise before the coupon; shipping and sales tax are apart.
        "revenue": f"{X.amount(c('Order Value'))} - coalesce({X.amount(c('Discount Amount'))}, 0)",
        "revenue_text": c("Order Value"),
        "currency": f"upper({X.clean(c('Currency'))})",
        "status": f"""(CASE WHEN {status} LIKE 'cancel%' THEN 'cancelled' WHEN {status} LIKE 'refund%' THEN 'refunded'
            ELSE 'completed' END)""",
        "fulfilment": "NULL",
        "shipped_at": c("Date Shipped"),
        "promised_at": "NULL",
        "ship_country": X.clean(c("Ship Country")),
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

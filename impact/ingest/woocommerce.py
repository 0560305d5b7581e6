"""WooCommerce Analytics > Orders download: one row per order, 'Net sales' excludes tax and shipping."""

from __future__ import annotations

from . import sqlexpr
from .base import Cols, Format


def _fields(c: Cols) -> dict[str, str]:
    status = f"lower(coalesce({sqlexpr.clean(c('Status'))}, ''))"
    return {
        "order_id": sqlexpr.clean(c("Order #")),
        "line_key": "'order'",
        "purchased_at": c("Date"),
        "sku": "NULL",
        "product_name": sqlexpr.clean(c("Product(s)")),
        "quantity": sqlexpr.quantity(c("Items sold")),
        "revenue": sqlexpr.amount(c("Net sales", "Net Sales")),
        "revenue_text": c("Net sales", "Net Sales"),
        "currency": sqlexpr.currency_from_symbol(c("Net sales", "Net Sales")),
        "status": f"""(CASE
            WHEN {status} IN ('cancelled', 'failed', 'trash') THEN 'cancelled'
            WHEN {status} = 'refunded' THEN 'refunded'
            WHEN {status} IN ('pending', 'pending payment', 'on hold', 'on-hold', 'draft', 'checkout-draft')
                THEN 'pending'
            ELSE 'completed' END)""",
        "fulfilment": "NULL",
        "shipped_at": "NULL",
        "promised_at": "NULL",
        "ship_country": "NULL",
        "marketplace": "'WooCommerce'",
    }


ANALYTICS_ORDERS = Format(
    name="woocommerce_orders",
    label="WooCommerce Analytics orders download",
    channel="woocommerce",
    required=frozenset({"date", "order #", "status", "net sales"}),
    fields=_fields,
)

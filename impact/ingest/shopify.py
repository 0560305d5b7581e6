"""Shopify orders export: one row per line item; order-level fields only on an order's first row."""

from __future__ import annotations

from . import sqlexpr
from .base import Cols, Format

# Filled on an order's first row only; continuation rows inherit them.
ORDER_LEVEL = (
    "Created at",
    "Financial Status",
    "Fulfillment Status",
    "Fulfilled at",
    "Cancelled at",
    "Currency",
    "Shipping Country",
    "Source",
)


def _fields(c: Cols) -> dict[str, str]:
    fin = f"lower(coalesce({sqlexpr.clean(c('Financial Status'))}, ''))"
    return {
        "order_id": sqlexpr.clean(c("Name")),
        "line_key": f"coalesce({sqlexpr.clean(c('Lineitem sku'))}, {sqlexpr.clean(c('Lineitem name'))}, '')",
        "purchased_at": c("Created at"),
        "sku": sqlexpr.clean(c("Lineitem sku")),
        "product_name": sqlexpr.clean(c("Lineitem name")),
        "quantity": sqlexpr.quantity(c("Lineitem quantity")),
        "revenue": f"{sqlexpr.amount(c('Lineitem price'))} * coalesce({sqlexpr.quantity(c('Lineitem quantity'))}, 1)",
        "revenue_text": c("Lineitem price"),
        "currency": f"upper({sqlexpr.clean(c('Currency'))})",
        "status": f"""(CASE
            WHEN {sqlexpr.clean(c("Cancelled at"))} IS NOT NULL OR {fin} = 'voided' THEN 'cancelled'
            WHEN {fin} = 'refunded' THEN 'refunded'
            WHEN {fin} IN ('pending', 'authorized', 'expired') THEN 'pending'
            ELSE 'completed' END)""",
        "fulfilment": sqlexpr.clean(c("Lineitem fulfillment status", "Fulfillment Status")),
        "shipped_at": c("Fulfilled at"),
        "promised_at": "NULL",
        "ship_country": sqlexpr.clean(c("Shipping Country")),
        "marketplace": "'Shopify'",
    }


ORDERS = Format(
    name="shopify_orders",
    label="Shopify orders export",
    channel="shopify",
    required=frozenset({"name", "created at", "lineitem quantity", "lineitem price"}),
    fields=_fields,
    inherit=ORDER_LEVEL,
)

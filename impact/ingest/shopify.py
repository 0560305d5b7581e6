"""Shopify orders export: one row per line item; order-level fields only on an order's first row.

Revenue is what buyers paid for the merchandise: each line's `Lineitem price` x quantity less its `Lineitem
discount`, tip lines at 0, then scaled within its order so that the lines add up to the order's `Subtotal` (which is
after order-level discounts, before shipping and taxes, and without tips): order discounts land on the lines pro rata
and an order discounted to 100% counts 0 (see impact.ingest.loader's allocation and docs/formats.md).
"""

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
    "Subtotal",
)


# `Source` values that name a marketplace selling through the store (its orders synced into Shopify), as the
# marketplace the analysis can tell apart; the store's own sources (web, pos, shopify_draft_order, an app's id...)
# stay 'Shopify'.
SOURCES = {
    "tiktok": "TikTok Shop",
    "tiktok_shop": "TikTok Shop",
    "sell-on-amazon": "Amazon (synced)",
    "amazon": "Amazon (synced)",
    "ebay": "eBay (synced)",
    "etsy": "Etsy (synced)",
    "walmart": "Walmart (synced)",
    "facebook": "Facebook & Instagram",
    "instagram": "Facebook & Instagram",
    "google": "Google",
}


def _marketplace(col: str) -> str:
    if col == "NULL":
        return "'Shopify'"
    source = f"lower({sqlexpr.clean(col)})"
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in SOURCES.items())
    return f"(CASE {source} {cases} ELSE 'Shopify' END)"


def _fields(c: Cols) -> dict[str, str]:
    fin = f"lower(coalesce({sqlexpr.clean(c('Financial Status'))}, ''))"
    return {
        "order_id": sqlexpr.clean(c("Name")),
        "line_key": f"coalesce({sqlexpr.clean(c('Lineitem sku'))}, {sqlexpr.clean(c('Lineitem name'))}, '')",
        "purchased_at": c("Created at"),
        "sku": sqlexpr.clean(c("Lineitem sku")),
        "product_name": sqlexpr.clean(c("Lineitem name")),
        "quantity": sqlexpr.quantity(c("Lineitem quantity")),
        "revenue": f"""(CASE WHEN lower({sqlexpr.clean(c("Lineitem name"))}) = 'tip' THEN 0
            ELSE {sqlexpr.amount(c("Lineitem price"))} * coalesce({sqlexpr.quantity(c("Lineitem quantity"))}, 1)
                 - coalesce({sqlexpr.amount(c("Lineitem discount"))}, 0) END)""",
        # What the order's lines add up to once order discounts are spread over them (NULL: the lines as they are).
        "order_net": sqlexpr.amount(c("Subtotal")),
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
        "marketplace": _marketplace(c("Source")),
    }


ORDERS = Format(
    name="shopify_orders",
    label="Shopify orders export",
    channel="shopify",
    required=frozenset({"name", "created at", "lineitem quantity", "lineitem price"}),
    fields=_fields,
    inherit=ORDER_LEVEL,
)

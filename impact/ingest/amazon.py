"""Amazon Seller Central exports: the All Orders report (any version, matched by name) and Fulfilled Shipments."""

from __future__ import annotations

from . import sqlexpr
from .base import Cols, Format

# lower(...) = rather than ILIKE: the same test at a third of the cost on every line.
_STATUS = """(CASE
    WHEN lower({item_status}) = 'cancelled' OR lower({order_status}) = 'cancelled' THEN 'cancelled'
    WHEN starts_with(lower({order_status}), 'pending') THEN 'pending'
    ELSE 'completed' END)"""


def _all_orders(c: Cols) -> dict[str, str]:
    return {
        "order_id": sqlexpr.clean(c("amazon-order-id")),
        "line_key": f"coalesce({sqlexpr.clean(c('sku'))}, {sqlexpr.clean(c('asin'))}, {sqlexpr.clean(c('product-name'))}, '')",
        "purchased_at": c("purchase-date"),
        "sku": sqlexpr.clean(c("sku")),
        "product_name": sqlexpr.clean(c("product-name")),
        "quantity": sqlexpr.quantity(c("quantity", "quantity-purchased")),
        # item-price is the line before promotions; Amazon writes item-promotion-discount as a negative amount
        # (some versions as a positive one), taken off either way.
        "revenue": f"{sqlexpr.amount(c('item-price'))} - abs(coalesce({sqlexpr.amount(c('item-promotion-discount'))}, 0))",
        "revenue_text": c("item-price"),
        "currency": f"upper({sqlexpr.clean(c('currency'))})",
        "status": _STATUS.format(
            item_status=sqlexpr.clean(c("item-status")), order_status=sqlexpr.clean(c("order-status"))
        ),
        "fulfilment": sqlexpr.clean(c("fulfillment-channel")),
        "shipped_at": c("shipment-date", "ship-date"),
        "promised_at": c("latest-ship-date", "promise-date"),
        "ship_country": sqlexpr.clean(c("ship-country")),
        "marketplace": sqlexpr.clean(c("sales-channel")),
        # Some versions carry the seller-fulfilled reports' flag; buyer-requested cancellations do not count for
        # Amazon's cancellation rate.
        "cancelled_by": sqlexpr.cancel_requested_by(c("is-buyer-requested-cancellation")),
    }


def _mcf_skip(c: Cols) -> list[tuple[str, str]]:
    # Multi-channel fulfilment orders were sold on another channel; that channel's export counts them.
    return [(f"{sqlexpr.clean(c('sales-channel'))} = 'Non-Amazon'", "multi-channel fulfilment order (sold elsewhere)")]


ALL_ORDERS = Format(
    name="amazon_all_orders",
    label="Amazon All Orders report",
    channel="amazon",
    required=frozenset({"amazon-order-id", "purchase-date", "sku", "item-price"}),
    forbidden=frozenset({"shipment-id", "shipment-item-id"}),
    fields=_all_orders,
    skips=_mcf_skip,
    quote="",  # Amazon's flat files never quote (see Format.quote)
)


def _shipments(c: Cols) -> dict[str, str]:
    return {
        "order_id": sqlexpr.clean(c("amazon-order-id")),
        "line_key": f"coalesce({sqlexpr.clean(c('sku'))}, {sqlexpr.clean(c('product-name'))}, '')",
        "purchased_at": c("purchase-date"),
        "sku": sqlexpr.clean(c("sku")),
        "product_name": sqlexpr.clean(c("product-name")),
        "quantity": sqlexpr.quantity(c("quantity-shipped")),
        # item-price is the line before promotions; Amazon writes item-promotion-discount as a negative amount
        # (some versions as a positive one), taken off either way.
        "revenue": f"{sqlexpr.amount(c('item-price'))} - abs(coalesce({sqlexpr.amount(c('item-promotion-discount'))}, 0))",
        "revenue_text": c("item-price"),
        "currency": f"upper({sqlexpr.clean(c('currency'))})",
        "status": "'completed'",
        "fulfilment": sqlexpr.clean(c("fulfillment-channel")),
        "shipped_at": c("shipment-date"),
        "promised_at": c("latest-ship-date", "promise-date"),
        "ship_country": sqlexpr.clean(c("ship-country")),
        "marketplace": sqlexpr.clean(c("sales-channel")),
    }


FULFILLED_SHIPMENTS = Format(
    name="amazon_fulfilled_shipments",
    label="Amazon Fulfilled Shipments report",
    channel="amazon",
    required=frozenset({"amazon-order-id", "shipment-id", "purchase-date", "shipment-date", "sku", "item-price"}),
    fields=_shipments,
    skips=_mcf_skip,
    quote="",
)

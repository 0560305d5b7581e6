"""The registry of export detectors: the header decides the format, never column positions."""

from __future__ import annotations

from . import amazon, ebay, etsy, shipping, shopify, woocommerce
from .base import Format

# Most specific first: Fulfilled Shipments also has the All Orders key columns.
DETECTORS: tuple[Format, ...] = (
    amazon.FULFILLED_SHIPMENTS,
    amazon.ALL_ORDERS,
    shopify.ORDERS,
    ebay.ORDERS,
    etsy.SOLD_ORDER_ITEMS,
    etsy.SOLD_ORDERS,
    woocommerce.ANALYTICS_ORDERS,
    # Shipping files add to the orders above (kind 'shipping'), never create any.
    *shipping.FORMATS,
)


def detect(header: list[str]) -> Format | None:
    for fmt in DETECTORS:
        if fmt.matches(header):
            return fmt
    return None

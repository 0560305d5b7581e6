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


# Header names as the exports write them (detection compares lower-case), for messages.
_SPELLING = {
    n.lower(): n
    for n in (
        "Created at",
        "Lineitem price",
        "Lineitem quantity",
        "Name",
        "Item Name",
        "Number of Items",
        "Order ID",
        "Order Value",
        "Price",
        "Quantity",
        "Sale Date",
        "Transaction ID",
        "Order Number",
        "Sales Record Number",
        "Sold For",
        "Sale Price",
        "Date",
        "Order #",
        "Status",
        "Net sales",
        "Ship Date",
        "Carrier",
        "Tracking Number",
    )
}


def near_miss(header: list[str]) -> tuple[Format, list[str]] | None:
    """The known export this header is, less some of the columns that export always has: (format, the missing
    columns as the export spells them). None when no export is close (fewer of its columns present than missing)."""
    names = {h.strip().lower() for h in header}
    best: tuple[int, Format, list[str]] | None = None
    for fmt in DETECTORS:
        if fmt.forbidden & names:
            continue
        groups = [frozenset({r}) for r in sorted(fmt.required)] + list(fmt.any_of)
        missing = [g for g in groups if not g & names]
        present = len(groups) - len(missing)
        if missing and present >= 2 and len(missing) <= present and (best is None or present - len(missing) > best[0]):
            spelled = [" or ".join(_SPELLING.get(n, n) for n in sorted(g)) for g in missing]
            best = (present - len(missing), fmt, spelled)
    return (best[1], best[2]) if best else None

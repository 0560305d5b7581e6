"""Blank files the app offers for download, so a seller can fill in costs and ad spend in the layout we read."""

from __future__ import annotations

TEMPLATES: dict[str, tuple[str, str]] = {
    "product_costs": (
        "product_costs_template.csv",
        "sku,unit_cost,currency,valid_from,valid_to,category\n"
        "MUG-BLUE-350,4.20,USD,,2025-08-31,Home & Kitchen\n"
        "MUG-BLUE-350,4.65,USD,2025-09-01,,Home & Kitchen\n",
    ),
    "ad_spend": (
        "ad_spend_template.csv",
        "date,hour,channel,spend,currency\n2025-10-20,,amazon,85.40,USD\n2025-10-20,14,shopify,6.25,USD\n",
    ),
}

"""Paths and constants the tests share (imported as `testdata`: two conftest.py files cannot both be imported as
`conftest`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout
DATA = Path(__file__).parent / "data"

WALMART_MAPPING = {
    "order_id": "Order Ref",
    "purchased_at": "When",
    "price": "Unit Price",
    "quantity": "Qty",
    "sku": "Item",
    "status": "State",
    "channel_value": "walmart",
    "date_order": "day_first",
}

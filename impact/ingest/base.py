"""What a format detector/reader declares: how to recognise an export and how its columns become canonical lines."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# A file's column i is read as "c{i}" (the loader names them so); field SQL refers to columns only this way.
IDENT = re.compile(r'"c(\d+)"')


class Cols:
    """Header name -> quoted staging identifier; a column the file lacks reads as NULL."""

    def __init__(self, mapping: dict[str, str]):
        self._m = {k.strip().lower(): v for k, v in mapping.items()}

    def __call__(self, *names: str) -> str:
        for n in names:
            ident = self._m.get(n.lower())
            if ident:
                return ident
        return "NULL"

    def has(self, name: str) -> bool:
        return name.lower() in self._m


@dataclass(frozen=True)
class Format:
    name: str  # stable identifier, e.g. amazon_all_orders
    label: str  # what the user sees, e.g. "Amazon All Orders report"
    channel: str
    required: frozenset[str]  # lower-case header names that must all be present
    forbidden: frozenset[str] = frozenset()  # names whose presence means another format
    # canonical field -> SQL over the staging table. Keys: order_id, line_key, purchased_at (a column: parsed as a
    # timestamp), sku, product_name, quantity, revenue, currency, status, fulfilment, shipped_at, promised_at
    # (columns), ship_country, marketplace.
    fields: Callable[[Cols], dict[str, str]] = field(default=lambda c: {})
    # Header names of order-level columns left blank on an order's continuation rows (Shopify).
    inherit: tuple[str, ...] = ()
    # (SQL condition on the parsed row, reason): rows that are not orders, skipped and counted.
    skips: Callable[[Cols], list[tuple[str, str]]] = field(default=lambda c: [])
    # (regex on the raw text of a line the CSV reader rejected, reason): e.g. report footers.
    skip_raw: tuple[tuple[str, str], ...] = ()
    # Mapping from the raw header columns that the reader needs (everything referenced by fields/skips).
    columns_used: tuple[str, ...] = ()
    # The quote character, or '' for exports that never quote: Amazon's flat files write a product name such as
    # `"Best" Mug` as it is, which a CSV reader would take for a quoted value and reject the order's line.
    quote: str = '"'
    # 'orders' (rows are order lines) or 'shipping' (rows add ship times, promises or cancellation requests to the
    # order lines already imported, matched by channel + order id; see impact.ingest.shipping)
    kind: str = "orders"
    # Groups of alternative header names (lower-case): the header must hold at least one name of each group.
    any_of: tuple[frozenset[str], ...] = ()
    # How the export writes slash dates when its values cannot tell ('month_first' for Etsy's MM/DD/YY), else None
    # (see impact.ingest.dates).
    date_order: str | None = None

    def matches(self, header: list[str]) -> bool:
        names = {h.strip().lower() for h in header}
        return self.required <= names and not (self.forbidden & names) and all(group & names for group in self.any_of)

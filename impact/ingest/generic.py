"""Any other CSV: the user maps its columns; the CLI remembers the mapping for files with the same header (the app keeps it in the session)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from pathlib import Path

from ..errors import MappingError
from ..store import CHANNELS
from . import sqlexpr
from .base import Cols, Format

# Mapping keys that name a column of the file.
COLUMN_KEYS = (
    "order_id",
    "purchased_at",
    "revenue",
    "price",
    "quantity",
    "channel",
    "sku",
    "product_name",
    "status",
    "shipped_at",
    "promised_at",
    "currency",
    "marketplace",
    "line_key",
    "ship_country",
    # shipping mappings (order_id + shipped_at, no purchase date): see impact.ingest.shipping
    "carrier",
    "tracking",
)
# Mapping keys that hold a constant value.
VALUE_KEYS = ("channel_value", "currency_value", "date_order")

_STATUS_WORDS = {
    "cancelled": ("cancel", "void", "failed", "declined", "rejected"),
    "refunded": ("refund", "return"),
    "pending": ("pending", "on hold", "on-hold", "unpaid", "awaiting", "authorized", "draft"),
}


def header_fingerprint(header: list[str]) -> str:
    norm = "\x1f".join(h.strip().lower() for h in header)
    return hashlib.sha256(norm.encode()).hexdigest()[:16]


def names_columns(mapping: dict | None) -> bool:
    """The mapping names columns (a mapping of `date_order` alone only says how a known export is read)."""
    return any(k in COLUMN_KEYS and v not in (None, "") for k, v in (mapping or {}).items())


def mapping_fits(mapping: dict, header: list[str]) -> bool:
    """The mapping names columns, and every column it names is in the header."""
    names = {h.strip().lower() for h in header}
    return names_columns(mapping) and all(
        str(v).strip().lower() in names for k, v in mapping.items() if k in COLUMN_KEYS and v not in (None, "")
    )


def validate_mapping(mapping: dict, header: list[str]) -> dict:
    """Check that every mapped column exists and the essentials are there; return the cleaned mapping."""
    names = {h.strip().lower() for h in header}
    clean = {}
    for key, value in mapping.items():
        if value in (None, ""):
            continue
        if key in COLUMN_KEYS:
            if str(value).strip().lower() not in names:
                raise MappingError(f"the mapping names column '{value}' for {key}, but the file has no such column")
            clean[key] = str(value)
        elif key in VALUE_KEYS:
            clean[key] = str(value)
        else:
            raise MappingError(f"unknown mapping field '{key}'")
    if "order_id" in clean and "shipped_at" in clean and not {"purchased_at", "revenue", "price"} & set(clean):
        # Shipments, not orders: they add ship times to the orders of that order id (in the given channel, else
        # the channel whose orders have it).
        value = clean.get("channel_value", "").lower()
        if value and value not in CHANNELS:
            raise MappingError(f"channel must be one of {', '.join(CHANNELS)}")
        if value:
            clean["channel_value"] = value
        return clean
    missing = [k for k in ("order_id", "purchased_at") if k not in clean]
    if missing:
        raise MappingError("the mapping needs a column for " + " and ".join(missing).replace("_", " "))
    if "revenue" not in clean and "price" not in clean:
        raise MappingError("the mapping needs either an amount column or a unit price column (with quantity)")
    channel_value = clean.get("channel_value", "other").lower()
    if channel_value not in CHANNELS:
        raise MappingError(f"channel must be one of {', '.join(CHANNELS)}")
    clean["channel_value"] = channel_value
    if clean.get("date_order", "auto") not in ("auto", "month_first", "day_first"):
        raise MappingError("date order must be auto, month_first or day_first")
    return clean


def _status_sql(col: str) -> str:
    v = f"lower(coalesce({sqlexpr.clean(col)}, ''))"
    cases = " ".join(
        f"WHEN {' OR '.join(f'{v} LIKE ' + repr('%' + w + '%') for w in words)} THEN '{status}'"
        for status, words in _STATUS_WORDS.items()
    )
    return f"(CASE {cases} ELSE 'completed' END)"


def _channel_sql(col: str, default: str) -> str:
    v = f"lower(coalesce({sqlexpr.clean(col)}, ''))"
    cases = " ".join(f"WHEN {v} LIKE '%{ch}%' THEN '{ch}'" for ch in CHANNELS if ch != "other")
    return f"(CASE {cases} WHEN {v} = '' THEN '{default}' ELSE 'other' END)"


def build_format(mapping: dict) -> Format:
    """A Format whose fields come from the user's column mapping."""
    m = mapping

    def fields(c: Cols) -> dict[str, str]:
        def col(key: str) -> str:
            return c(m[key]) if key in m else "NULL"

        qty = sqlexpr.quantity(col("quantity")) if "quantity" in m else "1"
        if "revenue" in m:
            revenue, revenue_text = sqlexpr.amount(col("revenue")), col("revenue")
        else:
            revenue, revenue_text = f"{sqlexpr.amount(col('price'))} * coalesce({qty}, 1)", col("price")
        currency = (
            f"upper({sqlexpr.clean(col('currency'))})"
            if "currency" in m
            else f"'{m['currency_value'].upper()}'"
            if m.get("currency_value", "").isalpha()
            else sqlexpr.currency_from_symbol(revenue_text)
        )
        line_key = (
            sqlexpr.clean(col("line_key"))
            if "line_key" in m
            else f"coalesce({sqlexpr.clean(col('sku'))}, {sqlexpr.clean(col('product_name'))}, '')"
        )
        return {
            "order_id": sqlexpr.clean(col("order_id")),
            "line_key": line_key,
            "purchased_at": col("purchased_at"),
            "sku": sqlexpr.clean(col("sku")),
            "product_name": sqlexpr.clean(col("product_name")),
            "quantity": qty,
            "revenue": revenue,
            "revenue_text": revenue_text,
            "currency": currency,
            "status": _status_sql(col("status")) if "status" in m else "'completed'",
            "fulfilment": "NULL",
            "shipped_at": col("shipped_at"),
            "promised_at": col("promised_at"),
            "ship_country": sqlexpr.clean(col("ship_country")),
            "marketplace": sqlexpr.clean(col("marketplace")) if "marketplace" in m else "NULL",
            "channel": _channel_sql(col("channel"), m["channel_value"])
            if "channel" in m
            else f"'{m['channel_value']}'",
        }

    return Format(
        name="generic_csv",
        label="CSV with a column mapping",
        channel=m["channel_value"],
        required=frozenset(),
        fields=fields,
    )


class MappingStore:
    """Remembered mappings, keyed by header fingerprint, in a small JSON file: the CLI operator's store.

    Several processes may remember at once: each change is read, made and written under an exclusive lock on a
    file beside the store, through a temporary file of its own, so no change is lost and a reader never sees half a
    file. `MappingStore(None)` remembers nothing: the app's uploads keep their mappings in their own session, so one
    seller's mapping is never applied to another's file with the same columns.
    """

    def __init__(self, path: Path | None):
        self.path = Path(path) if path is not None else None

    def _load(self) -> dict:
        if self.path is None:
            return {}
        try:
            return json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}

    def get(self, header: list[str]) -> dict | None:
        return self._load().get(header_fingerprint(header))

    def remember(self, header: list[str], mapping: dict) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self._load()
            data[header_fingerprint(header)] = mapping
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w") as out:
                    out.write(json.dumps(data, indent=1, sort_keys=True))
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise

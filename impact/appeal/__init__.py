"""Appeals after an outage: the metrics each marketplace judges with and without the orders the outage affected, a
plain-text letter asking to exclude them (or, for Shopify, an SLA credit request) and the files that go with it.

    result, orders = build_appeal(con, window, "amazon", summary, evidence, tz=..., sla_hours=48)
    zip_bytes = appeal_zip(result, orders)

The affected orders come from the late-shipment analysis (impact.shipments) of the same window; see affected.py.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING

from ..errors import InputError
from ..windows import Window, iso_utc
from .affected import affected_orders
from .letter import appeal_letter, outage_name, shopify_letter
from .metrics import MARKETPLACES, marketplace_metrics
from .sla import sla_credit

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MARKETPLACES", "appeal_zip", "build_appeal", "default_period_end"]

METRIC_COLUMNS = [
    "name",
    "period_days",
    "period_start",
    "period_end",
    "threshold",
    "with_outage",
    "without_outage",
    "orders_considered",
    "orders_affected",
    "promise_source",
    "reason",
    "sentence",
]


def default_period_end(window: Window, summary: dict) -> tuple[datetime, str]:
    """(period end, why): when the backlog of unshipped orders cleared, else the window's end."""
    cleared = summary.get("backlog_cleared")
    if cleared:
        at = datetime.fromisoformat(cleared.replace("Z", "+00:00")).replace(tzinfo=None)
        if at > window.end:
            return at, "the end of the outage's backlog of unshipped orders"
    return window.end, "the end of the outage window (no backlog measured after it)"


def build_appeal(
    con,
    window: Window,
    marketplace: str,
    summary: dict,
    evidence: pd.DataFrame,
    *,
    tz: str,
    sla_hours: float,
    business_days: bool = False,
    period_end: datetime | None = None,
) -> tuple[dict, pd.DataFrame]:
    """(the appeal's JSON, its affected orders) for one marketplace, from shipment_report's summary and evidence of
    the window."""
    marketplace = (marketplace or "").strip().lower()
    if marketplace not in MARKETPLACES:
        raise InputError(f"an appeal goes to one of {', '.join(MARKETPLACES)}, not '{marketplace}'")
    if window.end is None:
        raise InputError("an appeal needs the outage's end time: give the window's end")
    if period_end is None:
        period_end, why = default_period_end(window, summary)
    else:
        why = "the period end you gave"
    orders = affected_orders(con, window, evidence)
    mine = orders[orders["channel"] == marketplace].reset_index(drop=True)
    name = outage_name(window, tz)
    metrics = marketplace_metrics(
        con,
        marketplace,
        mine["order_id"].astype(str).tolist(),
        period_end,
        name,
        sla_hours=sla_hours,
        business_days=business_days,
    )
    result = {
        "marketplace": marketplace,
        "outage": name,
        "window": window.to_json() | {"url": window.url},
        "period_end": iso_utc(period_end),
        "period_end_reason": why,
        "metrics": metrics,
        "affected_orders": len(mine),
        "affected_by_reason": {str(k): int(v) for k, v in mine["reason"].value_counts().sort_index().items()},
    }
    if marketplace == "shopify":
        result["sla"] = sla_credit(window)
        result["letter"] = shopify_letter(window, tz, len(mine), result["sla"])
    else:
        result["letter"] = appeal_letter(marketplace, window, tz, len(mine), metrics)
    return result, mine


def _entry(name: str) -> zipfile.ZipInfo:
    # A fixed date: the same appeal gives the same bytes, as every other download of the product does.
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def appeal_zip(result: dict, orders: pd.DataFrame) -> bytes:
    """letter.txt, affected_orders.csv and metrics.csv (both Excel-safe CSV) in one zip."""
    # pandas (and csvsafe, which imports it) only when an appeal zip is written.
    import pandas as pd

    from ..csvsafe import to_csv_bytes

    metrics = pd.DataFrame(result["metrics"], columns=METRIC_COLUMNS)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(_entry("letter.txt"), result["letter"].encode("utf-8"))
        z.writestr(_entry("affected_orders.csv"), to_csv_bytes(orders))
        z.writestr(_entry("metrics.csv"), to_csv_bytes(metrics))
    return buf.getvalue()

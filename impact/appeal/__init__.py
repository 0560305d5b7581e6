"""Appeals after an outage: the metrics each marketplace judges with and without the orders the outage affected, a
plain-text letter asking to exclude them (or, for Shopify, an SLA credit request) and the files that go with it.

    result, orders = build_appeal(con, window, "amazon", summary, evidence, tz=..., sla_hours=48)
    zip_bytes = appeal_zip(result, orders)

The affected orders come from the late-shipment analysis (impact.shipments) of the same window; see affected.py.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..errors import InputError
from ..present import english_document
from ..shipments.result import ShipmentResult
from ..windows import Window, iso_utc
from .affected import affected_orders
from .letter import (
    appeal_letter,
    not_a_shopify_incident,
    nothing_to_appeal,
    outage_name,
    seller_notes,
    shopify_letter,
    shopify_notes,
)
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


def default_period_end(window: Window, summary: ShipmentResult) -> tuple[datetime, str]:
    """(period end, why): when the backlog of unshipped orders cleared, else the window's end."""
    cleared = summary.backlog_cleared
    if cleared:
        at = datetime.fromisoformat(cleared.replace("Z", "+00:00")).replace(tzinfo=None)
        if at > window.end:
            return at, "the end of the outage's backlog of unshipped orders"
    return window.end, "the end of the outage window (no backlog measured after it)"


@english_document
def build_appeal(
    con,
    window: Window,
    marketplace: str,
    summary: ShipmentResult,
    evidence: pd.DataFrame,
    *,
    tz: str,
    sla_hours: float,
    business_days: bool = False,
    period_end: datetime | None = None,
    catalog: Sequence[Window] = (),
    today: datetime | None = None,
) -> tuple[dict, pd.DataFrame]:
    """(the appeal's JSON, its affected orders) for one marketplace, from shipment_report's summary and evidence of
    the window. "letter" is None when there is nothing to send, and "no_letter" then says why; "for_you" holds what
    the seller should know before sending (never inside the letter). catalog: the outage catalog, where a Shopify
    SLA request finds the Shopify incident; today (naive UTC, default now): whether its 30 days have passed."""
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
    result |= {"letter": None, "no_letter": None, "for_you": seller_notes(metrics)}
    if marketplace == "shopify":
        _shopify(result, window, catalog, tz, len(mine), today)
    elif len(mine) == 0:
        result["no_letter"] = nothing_to_appeal(marketplace, window, tz, metrics)
    else:
        result["letter"] = appeal_letter(marketplace, window, tz, len(mine), metrics)
    return result, mine


def shopify_incident(window: Window, catalog: Sequence[Window]) -> Window | None:
    """The Shopify incident of the window: the window itself when it is one (chosen from the catalog), else the
    Shopify entry of the catalog overlapping it most; None when Shopify was not down."""
    if "shopify" in (window.extra.get("providers") or ()):
        return window
    end = window.end or window.start

    def overlap(c: Window) -> float:
        return (min(c.end, end) - max(c.start, window.start)).total_seconds() if c.end else 0.0

    hits = [c for c in catalog if "shopify" in (c.extra.get("providers") or ()) and overlap(c) > 0]
    return max(hits, key=overlap, default=None)


def _shopify(result: dict, window: Window, catalog, tz: str, affected: int, today: datetime | None) -> None:
    """The SLA credit request on the Shopify incident's own window, or why there is none."""
    incident = shopify_incident(window, catalog)
    if incident is None or incident.end is None:
        result["no_letter"] = not_a_shopify_incident(window, tz)
        return
    sla = sla_credit(incident)
    now = today or datetime.now(UTC).replace(tzinfo=None)
    passed = now > datetime.fromisoformat(sla["request_by"].replace("Z", "+00:00")).replace(tzinfo=None)
    result["sla"] = sla | {"incident": incident.to_json() | {"url": incident.url}, "deadline_passed": passed}
    result["letter"] = shopify_letter(incident, tz, affected, sla, passed=passed)
    result["for_you"] = shopify_notes(sla, tz or "UTC", passed=passed) + result["for_you"]


def _entry(name: str) -> zipfile.ZipInfo:
    # A fixed date: the same appeal gives the same bytes, as every other download of the product does.
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def appeal_zip(result: dict, orders: pd.DataFrame) -> bytes:
    """letter.txt, affected_orders.csv and metrics.csv (both Excel-safe CSV) in one zip; refused when there is no
    letter (nothing to appeal)."""
    # pandas (and csvsafe, which imports it) only when an appeal zip is written.
    import pandas as pd

    if not result.get("letter"):
        raise InputError(result.get("no_letter") or "there is no letter to send")

    from ..csvsafe import to_csv_bytes  # imports pandas: only a zip being written pays for it

    metrics = pd.DataFrame(result["metrics"], columns=METRIC_COLUMNS)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(_entry("letter.txt"), result["letter"].encode("utf-8"))
        z.writestr(_entry("affected_orders.csv"), to_csv_bytes(orders))
        z.writestr(_entry("metrics.csv"), to_csv_bytes(metrics))
    return buf.getvalue()

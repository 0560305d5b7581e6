"""Late shipments an outage caused, and the order list a seller needs to appeal them.

Marketplaces hold late shipments against a seller (Amazon's Late Shipment Rate) but have forgiven them after
platform outages when the seller listed the affected orders. This package answers, for one outage window:

* due: orders whose ship-by promise is at or after the window start and that were bought before the backlog cleared
  (plus a margin), i.e. the orders waiting to ship or arriving while shipping was disrupted (see ``definition``);
* late: how many of those shipped after the promise, or were still unshipped at the end of the data;
* late_expected: how many would have been late anyway, from the same seller's late rate outside the window;
* excess_late: late - late_expected, with an interval that is calibrated on placebo windows in the history;
* backlog_cleared / extra_handling_hours: when the pile of unshipped orders got back to its usual size, and the
  order-hours of extra waiting it cost.

Orders are the lines of the canonical ``lines`` table grouped by channel + order_id. All heavy lifting is DuckDB SQL;
Python only touches per-hour and per-stratum aggregates. pandas is imported only where a DataFrame is returned (the
evidence list): the summary path, which every `analyze` run takes, stays free of its import cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from ..errors import InputError
from ..linegroups import LineGroups
from ..settings import Settings
from ..windows import Window
from .estimate import estimate_late
from .evidence import evidence_rows
from .orders import DEFAULT_SLA_HOURS, MAX_SLA_HOURS, order_table
from .result import ShipmentChannel, ShipmentResult

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_SLA_HOURS",
    "MAX_SLA_HOURS",
    "ShipmentChannel",
    "ShipmentResult",
    "affected_orders",
    "shipment_impact",
    "shipment_report",
]


def _validate(sla_hours: float, confidence: float, horizon_hours: float | None) -> None:
    try:
        sla = float(sla_hours)
    except (TypeError, ValueError):
        raise InputError(f"the shipping SLA must be a number of hours, not '{sla_hours}'") from None
    if not (0 < sla <= MAX_SLA_HOURS):
        raise InputError(f"the shipping SLA must be between 0 and {MAX_SLA_HOURS:g} hours, not {sla:g}")
    try:
        conf = float(confidence)
    except (TypeError, ValueError):
        raise InputError(f"the confidence level must be a number between 0 and 1, not '{confidence}'") from None
    if not (0 < conf < 1):
        raise InputError(f"the confidence level must be between 0 and 1, not {confidence}")
    try:
        horizon = None if horizon_hours is None else float(horizon_hours)
    except (TypeError, ValueError):
        raise InputError(f"the aftermath horizon must be a number of hours, not '{horizon_hours}'") from None
    if horizon is not None and not (0 <= horizon <= 24 * 31):
        raise InputError(f"the aftermath horizon must be between 0 and {24 * 31} hours, not {horizon_hours}")


def _analyse(
    con, window: Window, sla_hours, business_days, confidence, horizon_hours, evidence: bool, tz="UTC", groups=None
):
    _validate(sla_hours, confidence, horizon_hours)
    with order_table(con, window, sla_hours, business_days, groups) as prep:
        result, until = estimate_late(con, prep, float(sla_hours), business_days, float(confidence), horizon_hours)
        orders = evidence_rows(con, prep, until, tz) if evidence else None
    return result, orders


def shipment_impact(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    *,
    sla_hours: float = DEFAULT_SLA_HOURS,
    business_days: bool = False,
    confidence: float = Settings.confidence,
    horizon_hours: float | None = None,
    groups: LineGroups | None = None,
) -> ShipmentResult:
    """Late shipments the outage in `window` caused, with an interval, the backlog and the definition used.

    window.channels limits the analysis to those channels (empty: every channel with ship times). The due set is the
    orders whose promise is at or after the window start and that were bought by window end + horizon_hours; by
    default the horizon runs until the backlog cleared plus 24 h, between 24 h and 7 days. `groups`: the caller's
    grouped scan of `lines` (impact.linegroups), if it has one.
    """
    return _analyse(con, window, sla_hours, business_days, confidence, horizon_hours, evidence=False, groups=groups)[0]


def affected_orders(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    *,
    sla_hours: float = DEFAULT_SLA_HOURS,
    business_days: bool = False,
    horizon_hours: float | None = None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """The evidence list: every order of shipment_impact's due set that shipped late or is still unshipped.

    Columns: order_id, channel, purchased_utc, promise_utc, shipped_utc (empty while unshipped), hours_late (to the
    shipment, or to the end of the data for unshipped orders), sorted by promise; and days_late when some ship
    confirmations have a date only (their hours_late is empty: see evidence_rows; days counted in `tz`).
    """
    # The evidence list does not depend on the confidence level: Settings' default stands in for it.
    confidence = Settings().confidence
    return _analyse(con, window, sla_hours, business_days, confidence, horizon_hours, evidence=True, tz=tz)[1]


def shipment_report(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    *,
    sla_hours: float = DEFAULT_SLA_HOURS,
    business_days: bool = False,
    confidence: float = Settings.confidence,
    horizon_hours: float | None = None,
    tz: str = "UTC",
) -> tuple[ShipmentResult, pd.DataFrame]:
    """shipment_impact and affected_orders from one pass: the summary and the evidence rows of the same order set."""
    return _analyse(con, window, sla_hours, business_days, confidence, horizon_hours, evidence=True, tz=tz)

"""The evidence list: the late orders of the due set, one row each, as a seller sends them with an appeal."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .orders import Prepared

if TYPE_CHECKING:
    import pandas as pd

_ORDER_COLUMNS = ["order_id", "channel", "purchased_utc", "promise_utc", "shipped_utc", "hours_late"]


def _local_day(ts: str) -> str:
    return f"CAST(timezone($tz, timezone('UTC', {ts})) AS DATE)"


def evidence_rows(con, prep: Prepared, until: datetime, tz: str = "UTC") -> pd.DataFrame:
    """The late orders of the due set. An order whose ship confirmation has a date only (Etsy, eBay, a ShipStation
    date) shipped at an unknown time of that day: hours late would be meaningless (a date-only shipment the day after
    its end-of-day promise is 'late by 0.0 h'), so its hours_late is empty and a days_late column gives the calendar
    days in `tz` (the zone the dates were read in) from the ship-by day to the ship day. The column is there only
    when some order needs it."""
    if not prep.channels:
        return _empty_orders()
    df = con.execute(
        f"""SELECT order_id, channel, date_trunc('second', purchased_at) AS purchased_utc,
                   date_trunc('second', promise) AS promise_utc, date_trunc('second', shipped_at) AS shipped_utc,
                   CASE WHEN NOT ship_day THEN round(hours_late, 2) END AS hours_late,
                   CASE WHEN ship_day THEN date_diff('day', {_local_day("promise")}, {_local_day("shipped_at")})
                   END AS days_late
            FROM "{prep.table}"
            WHERE late AND due_known AND promise >= $s AND purchased_at <= $u
            ORDER BY promise, channel, order_id""",
        {"s": prep.start, "u": until, "tz": tz},
    ).df()
    if df["days_late"].notna().any():
        return df[[*_ORDER_COLUMNS, "days_late"]]
    return df[_ORDER_COLUMNS]


def _empty_orders() -> pd.DataFrame:
    import pandas as pd  # only callers that want the evidence frame pay for importing pandas

    return pd.DataFrame(
        {
            "order_id": pd.Series(dtype="str"),
            "channel": pd.Series(dtype="str"),
            "purchased_utc": pd.Series(dtype="datetime64[us]"),
            "promise_utc": pd.Series(dtype="datetime64[us]"),
            "shipped_utc": pd.Series(dtype="datetime64[us]"),
            "hours_late": pd.Series(dtype="float64"),
        }
    )

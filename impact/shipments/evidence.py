"""The evidence list: the late orders of the due set, one row each, as a seller sends them with an appeal."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .orders import Prepared

if TYPE_CHECKING:
    import pandas as pd

_ORDER_COLUMNS = ["order_id", "channel", "purchased_utc", "promise_utc", "shipped_utc", "hours_late"]


def evidence_rows(con, prep: Prepared, until: datetime) -> pd.DataFrame:
    if not prep.channels:
        return _empty_orders()
    df = con.execute(
        f"""SELECT order_id, channel, date_trunc('second', purchased_at) AS purchased_utc,
                   date_trunc('second', promise) AS promise_utc, date_trunc('second', shipped_at) AS shipped_utc,
                   round(hours_late, 2) AS hours_late
            FROM "{prep.table}"
            WHERE late AND due_known AND promise >= $s AND purchased_at <= $u
            ORDER BY promise, channel, order_id""",
        {"s": prep.start, "u": until},
    ).df()
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

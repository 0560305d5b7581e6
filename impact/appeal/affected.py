"""The orders an outage affected, as an appeal lists them: the late-shipment evidence of the window (orders due to
ship during the disruption or its backlog that shipped late or are unshipped) plus the seller-fulfilled orders bought
during the window on the affected channels that were cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..shipments.orders import MARKETPLACE_FULFILLED_SQL
from ..windows import Window

if TYPE_CHECKING:
    import pandas as pd  # the evidence is a frame; importing appeal/ stays free of pandas

COLUMNS = ["order_id", "channel", "reason", "purchased_utc", "promise_utc", "shipped_utc", "hours_late"]


def outage_could_delay(evidence: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The late-shipment rows the outage could have made late: on the window's channels (all when it names none),
    and bought before the outage ended. An order bought after it ended met a working platform: its lateness is the
    seller's ordinary business, and a marketplace would rightly refuse it (the demo's list held one bought 39 hours
    after the outage)."""
    import pandas as pd  # the evidence is a frame already: pandas is loaded by whoever built it

    keep = pd.Series(True, index=evidence.index)
    if window.channels:
        keep &= evidence["channel"].isin(list(window.base_channels))
    if window.end is not None and "purchased_utc" in evidence.columns:
        keep &= pd.to_datetime(evidence["purchased_utc"]) <= pd.Timestamp(window.end)
    return evidence[keep].reset_index(drop=True)


def affected_orders(con, window: Window, evidence: pd.DataFrame) -> pd.DataFrame:
    """Evidence rows with a reason ('shipped late', 'not shipped') and the window's cancelled orders ('cancelled'),
    but not those the export says the buyer asked to cancel: they never count against the seller.

    The exports carry no cancellation time, so a cancelled order counts when it was bought during the window: orders
    bought before it and cancelled during it cannot be told apart from ordinary cancellations and are left out rather
    than claimed."""
    import pandas as pd  # the evidence is a frame; importing appeal/ stays free of pandas

    late = outage_could_delay(evidence, window).copy()
    late.insert(2, "reason", ["not shipped" if pd.isna(s) else "shipped late" for s in late["shipped_utc"]])
    cancelled = con.execute(
        f"""SELECT order_id, channel, 'cancelled' AS reason, date_trunc('second', min(purchased_at)) AS purchased_utc,
                   date_trunc('second', max(promised_at)) AS promise_utc, NULL::TIMESTAMP AS shipped_utc,
                   NULL::DOUBLE AS hours_late
            FROM lines
            WHERE status = 'cancelled' AND cancelled_by IS DISTINCT FROM 'buyer'
              AND order_id IS NOT NULL AND NOT {MARKETPLACE_FULFILLED_SQL}
              AND purchased_at BETWEEN $s AND $e AND (len($ch::VARCHAR[]) = 0 OR list_contains($ch, channel))
            GROUP BY channel, order_id
            ORDER BY purchased_utc, channel, order_id""",
        {"s": window.start, "e": window.end, "ch": list(window.base_channels)},
    ).df()
    # days_late only when some late order's ship confirmation has a date only (see shipments.evidence)
    columns = COLUMNS + (["days_late"] if "days_late" in late.columns else [])
    if "days_late" in columns:
        cancelled["days_late"] = None
    frames = [f for f in (late[columns], cancelled[columns]) if len(f)]
    if not frames:
        return late[columns]
    both = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    # An order with a late line and a cancelled line is listed once, for its late shipment.
    return both.drop_duplicates(["channel", "order_id"], keep="first").reset_index(drop=True)

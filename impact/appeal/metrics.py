"""The seller metrics the marketplaces judge, each over the period the marketplace uses and computed twice: with every
order, and without the orders the outage affected (what the marketplace would show after granting the appeal).

Every figure is counted in DuckDB over the canonical ``lines`` table, per order (lines grouped by channel + order id):

* Amazon Late Shipment Rate, 10 and 30 days, threshold 4%: seller-fulfilled orders whose ship-by date falls in the
  period, late when the shipment was confirmed after the ship-by date (or is still unconfirmed at the end of the data).
* Amazon Pre-fulfilment Cancel Rate, 7 days, threshold 2.5%: seller-fulfilled orders bought in the period that were
  cancelled by the seller. Amazon leaves out buyer-requested cancellations: those the exports mark so (Amazon's
  is-buyer-requested-cancellation, in lines.cancelled_by) are not counted, the others are; see cancel_note.
* eBay late shipment rate, 30 days, threshold 3%: see EBAY_THRESHOLD_NOTE.
* Etsy on-time dispatch, 90 days, Star Seller aims at 95%: ship-by dates are whole UTC days and an order shipped at
  any time of its ship-by UTC day is on time.

The ship-by date is the export's own where it has one; otherwise purchase time + the handling time (SLA) the seller
promises, and each metric says which it used. A metric that cannot be computed says why instead of giving a number.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import present
from ..shipments.orders import MARKETPLACE_FULFILLED_SQL, promise_sql
from ..windows import iso_utc

# Most exports say that an order was cancelled but not who cancelled it: buyer-requested cancellations do not count
# towards Amazon's rate, so counting every such cancellation can only overstate it. Amazon's seller-fulfilled order
# reports (Unshipped Orders...) say it in is-buyer-requested-cancellation (lines.cancelled_by): those are left out.
CANCEL_ASSUMPTION = (
    "the exports do not say who cancelled an order, so every cancelled order (or order with a cancelled line) is "
    "counted as cancelled by the seller; buyer-requested cancellations do not count for Amazon, so the real rate can "
    "only be lower"
)


def cancel_note(buyer: int, unknown: int, known: int) -> str:
    """What the cancellation rate assumed about who cancelled, from the cancelled orders of its period: `buyer`
    requested by the buyer (left out), `unknown` without a word on who cancelled (counted), `known` with one."""
    if not known:
        return CANCEL_ASSUMPTION
    left_out = (
        f"{present.plural(buyer, 'buyer-requested cancellation')} left out, as Amazon does"
        if buyer
        else "no cancellation was requested by the buyer"
    )
    if not unknown:
        return f"the exports say who cancelled every cancelled order: {left_out}"
    return (
        f"{left_out}; {present.plural(unknown, 'cancelled order')} whose exports do not say who cancelled "
        f"{'is' if unknown == 1 else 'are'} counted as cancelled by the seller, so the real rate can only be lower"
    )


# eBay's Top Rated Seller standard (US) allows a late shipment rate of at most 3% (and no more than five late
# shipments) over its evaluation period: the last 3 months, or 12 months for sellers with fewer than 400
# transactions. 3% is the bar a seller loses Top Rated status at, hence the threshold here; the brief's 30-day period
# is kept because it is where one outage weighs most. eBay also counts a shipment late only when tracking was
# uploaded late and the parcel arrived late; the exports hold ship times only, so this figure can only overstate.
EBAY_THRESHOLD_NOTE = (
    "eBay's Top Rated standard allows at most 3% late shipments over its 3-month (or 12-month) evaluation; eBay also "
    "needs the parcel to arrive late, which the exports do not show, so this rate can only overstate eBay's"
)


@dataclass(frozen=True)
class Spec:
    """One metric as a marketplace defines it."""

    key: str
    name: str  # as the marketplace writes it, used inside sentences
    channel: str
    kind: str  # 'late' (late share), 'on_time' (on-time share, UTC days) or 'cancel' (cancelled share)
    period_days: int
    threshold: float
    note: str = ""

    @property
    def higher_is_better(self) -> bool:
        return self.kind == "on_time"


SPECS: dict[str, tuple[Spec, ...]] = {
    "amazon": (
        Spec("amazon_lsr_10", "Late Shipment Rate", "amazon", "late", 10, 0.04),
        Spec("amazon_lsr_30", "Late Shipment Rate", "amazon", "late", 30, 0.04),
        Spec("amazon_pfcr_7", "Pre-fulfilment Cancel Rate", "amazon", "cancel", 7, 0.025, CANCEL_ASSUMPTION),
    ),
    "ebay": (Spec("ebay_lsr_30", "late shipment rate", "ebay", "late", 30, 0.03, EBAY_THRESHOLD_NOTE),),
    # Star Seller reviews the last 3 months of orders.
    "etsy": (Spec("etsy_dispatch_90", "on-time dispatch rate", "etsy", "on_time", 90, 0.95),),
    "shopify": (),
}
MARKETPLACES = tuple(SPECS)


def threshold_text(spec: Spec) -> str:
    """'threshold 4%', 'threshold 2.5%' or 'Star Seller aims at 95%'."""
    value = present.percent(spec.threshold, 1).replace(".0%", "%")
    return f"Star Seller aims at {value}" if spec.channel == "etsy" else f"threshold {value}"


def _order_table(con, table: str, channel: str, sla_hours: float, business_days: bool, affected: list[str]) -> None:
    """One row per order of the channel: purchase, ship-by promise, shipment, cancellation, fulfilment, affected."""
    con.execute(
        f"""CREATE TEMP TABLE "{table}" AS
        WITH l AS (
            SELECT order_id, purchased_at, promised_at, shipped_at, status, cancelled_by,
                   {MARKETPLACE_FULFILLED_SQL} AS mf
            FROM lines WHERE channel = $ch AND order_id IS NOT NULL AND purchased_at IS NOT NULL
        ), o AS (
            SELECT order_id, min(purchased_at) AS purchased_at, max(promised_at) AS file_promise,
                   -- shipped when every line that was not cancelled has shipped: the last of them confirms it
                   CASE WHEN count(shipped_at) FILTER (WHERE status <> 'cancelled')
                             = count(*) FILTER (WHERE status <> 'cancelled')
                        THEN max(shipped_at) FILTER (WHERE status <> 'cancelled') END AS shipped_at,
                   bool_or(status = 'cancelled') AS any_cancelled,
                   -- cancelled by the seller unless the export says the buyer asked (cancelled_by = 'buyer')
                   bool_or(status = 'cancelled' AND cancelled_by IS DISTINCT FROM 'buyer') AS seller_cancelled,
                   bool_or(status = 'cancelled' AND cancelled_by = 'buyer') AS buyer_cancelled,
                   bool_or(status = 'cancelled' AND cancelled_by IS NULL) AS cancel_unknown,
                   bool_and(status = 'cancelled') AS all_cancelled,
                   bool_and(status IN ('cancelled', 'refunded')) AND count(shipped_at) = 0 AS never_shipped,
                   NOT bool_or(mf) AS seller
            FROM l GROUP BY order_id
        )
        SELECT o.*, file_promise IS NOT NULL AS promise_from_file,
               coalesce(file_promise, {promise_sql(business_days)}) AS promise,
               list_contains($aff::VARCHAR[], order_id) AS affected
        FROM o""",
        {"ch": channel, "sla_us": int(round(float(sla_hours) * 3_600_000_000)), "aff": affected},
    )


def _counts(con, table: str, spec: Spec, start: datetime, end: datetime, data_end: datetime) -> tuple:
    """(considered, counted, affected considered, affected counted, promises from the file) for one metric."""
    if spec.kind == "cancel":
        base = "seller AND purchased_at > $s AND purchased_at <= $e"
        hit = "seller_cancelled"
        params = {"s": start, "e": end}
    else:
        # An unshipped order is only judged once its ship-by date has passed within the data.
        base = (
            "seller AND NOT all_cancelled AND NOT never_shipped AND promise > $s AND promise <= $e "
            "AND (shipped_at IS NOT NULL OR promise < $d)"
        )
        if spec.kind == "late":
            hit = "(shipped_at IS NULL OR shipped_at > promise)"
        else:  # Etsy: on time when shipped on or before the ship-by UTC day (the session runs in UTC)
            hit = "(shipped_at IS NOT NULL AND CAST(shipped_at AS DATE) <= CAST(promise AS DATE))"
        params = {"s": start, "e": end, "d": data_end}
    return con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE {hit}), count(*) FILTER (WHERE affected),
                   count(*) FILTER (WHERE affected AND {hit}), count(*) FILTER (WHERE promise_from_file),
                   count(*) FILTER (WHERE buyer_cancelled AND NOT seller_cancelled),
                   count(*) FILTER (WHERE any_cancelled AND cancel_unknown),
                   count(*) FILTER (WHERE any_cancelled AND NOT cancel_unknown)
            FROM "{table}" WHERE {base}""",
        params,
    ).fetchone()


def _sentence(spec: Spec, with_rate: float, without_rate: float | None, affected: int, outage: str) -> str:
    head = f"Your {spec.period_days}-day {spec.name} is {present.percent(with_rate, 1)} ({threshold_text(spec)})"
    if affected == 0:
        return f"{head}; none of the orders it counts were affected by {outage}."
    if without_rate is None:
        return f"{head}; every order it counts was affected by {outage}, so it has no value without them."
    return (
        f"{head}; without the {present.plural(affected, 'order')} affected by {outage} it is "
        f"{present.percent(without_rate, 1)}."
    )


def _promise_source(spec: Spec, from_file: int, considered: int, sla_hours: float, business_days: bool) -> str:
    sla = f"purchase + {sla_hours:g} {'business ' if business_days else ''}hours"
    if spec.kind == "cancel":
        return ""
    if from_file == considered:
        return "ship-by dates from the export"
    if from_file == 0:
        return f"{sla} (the export has no ship-by dates)"
    return f"ship-by dates from the export for {from_file:,} of {considered:,} orders, {sla} for the rest"


def _blank_row(spec, who: str, channel: str, start: datetime, period_end: datetime) -> dict:
    """A metric's row before anything is measured: its name, period and threshold, unavailable."""
    return {
        "key": spec.key,
        "name": f"{who} {spec.period_days}-day {spec.name}",
        "channel": channel,
        "period_days": spec.period_days,
        "period_start": iso_utc(start),
        "period_end": iso_utc(period_end),
        "threshold": spec.threshold,
        "higher_is_better": spec.higher_is_better,
        "with_outage": None,
        "without_outage": None,
        "orders_considered": 0,
        "orders_affected": 0,
        "counted_with": None,
        "counted_without": None,
        "available": False,
        "reason": "",
        "promise_source": "",
        "note": spec.note,
    }


def _unmeasurable(spec, who: str, orders: int, seller: int, shipped: int) -> str:
    """Why the files cannot measure this metric at all, or '' when they can."""
    if not orders:
        return f"the files hold no {who} orders"
    if not seller:
        return f"every {who} order is fulfilled by the marketplace, whose shipments never count against you"
    if spec.kind != "cancel" and not shipped:
        return f"the {who} export has no ship times for seller-fulfilled orders (export one with ship dates)"
    return ""


def _measure(con, table: str, spec, row: dict, start, period_end, data_end, outage: str, who: str, terms) -> str:
    """Fill `row` with the metric with and without the affected orders; the reason it cannot be, or ''."""
    sla_hours, business_days = terms
    n, k, n_aff, k_aff, from_file, buyer, unknown, known = _counts(con, table, spec, start, period_end, data_end)
    if spec.kind == "cancel":
        row["note"] = cancel_note(buyer, unknown, known)
    if n == 0:
        what = "bought" if spec.kind == "cancel" else "due to ship"
        return (
            f"no seller-fulfilled {who} orders were {what} in the {spec.period_days} days to "
            f"{present.local_time(period_end, 'UTC', zone=True)}"
        )
    kept = n - n_aff
    row.update(
        available=True,
        orders_considered=n,
        orders_affected=n_aff,
        counted_with=k,
        counted_without=k - k_aff,
        with_outage=k / n,
        without_outage=(k - k_aff) / kept if kept else None,
        promise_source=_promise_source(spec, from_file, n, sla_hours, business_days),
    )
    row["sentence"] = _sentence(spec, row["with_outage"], row["without_outage"], n_aff, outage)
    return ""


def marketplace_metrics(
    con,
    marketplace: str,
    affected: list[str],
    period_end: datetime,
    outage: str,
    *,
    sla_hours: float,
    business_days: bool = False,
) -> list[dict]:
    """The marketplace's metrics with and without the `affected` order ids (of its channel), for the periods that end
    at `period_end` (naive UTC). `outage` names the outage in sentences, e.g. 'the AWS outage of 20 Oct 2025'."""
    specs = SPECS[marketplace]
    if not specs:
        return []
    channel = specs[0].channel
    orders, seller, shipped, data_end = con.execute(
        f"""SELECT count(DISTINCT order_id), count(DISTINCT order_id) FILTER (WHERE NOT {MARKETPLACE_FULFILLED_SQL}),
                   count(shipped_at) FILTER (WHERE NOT {MARKETPLACE_FULFILLED_SQL}),
                   max(greatest(purchased_at, coalesce(shipped_at, purchased_at)))
            FROM lines WHERE channel = $ch AND order_id IS NOT NULL AND purchased_at IS NOT NULL""",
        {"ch": channel},
    ).fetchone()
    who = present.channel_name(channel)
    table = f"_appeal_orders_{uuid.uuid4().hex[:12]}"
    if seller:
        _order_table(con, table, channel, sla_hours, business_days, sorted(set(affected)))
    try:
        out = []
        for spec in specs:
            start = period_end - timedelta(days=spec.period_days)
            row = _blank_row(spec, who, channel, start, period_end)
            reason = _unmeasurable(spec, who, orders, seller, shipped) or _measure(
                con, table, spec, row, start, period_end, data_end, outage, who, (sla_hours, business_days)
            )
            if reason:
                row["reason"] = reason
                row["sentence"] = present.sentence(
                    present.unmeasurable(f"your {spec.period_days}-day {who} {spec.name}", reason)
                )
            out.append(row)
        return out
    finally:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')

"""Due, late, expected late and excess late for one window, with an interval calibrated on placebo periods, plus
the backlog figures and the plain-language definition of what was counted."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from .. import present
from ..windows import iso_utc
from .backlog import AFTERMATH_PAD_HOURS, WARMUP_HOURS, due_horizon, horizon_reason, measure_backlog, purchase_cutoff
from .orders import HISTORY_DAYS, Prepared
from .rates import CELL, due_ctes, rates_cte
from .result import ShipmentChannel, ShipmentResult

MIN_PLACEBOS = 5
# Below this many orders outside the window a "normal" late rate is a guess: expected late is then left unknown.
MIN_BASELINE_ORDERS = 20


def _round(value: float | None, digits: int = 2) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return round(float(value), digits)


def _definition(
    sla_hours: float, business_days: bool, start: datetime, until: datetime, horizon: float, reason: str
) -> str:
    sla = f"{sla_hours:g} {'business (Mon-Fri UTC) ' if business_days else ''}hours after purchase"
    return (
        f"Due: non-cancelled, seller-fulfilled orders (lines grouped by channel + order id) whose ship-by promise is "
        f"at or after the window start {iso_utc(start)} and before the end of the data, and that were bought by "
        f"{iso_utc(until)} (window end + {horizon:g} h: {reason}): the orders "
        f"waiting to ship, or arriving, while shipping was disrupted. Promise: the ship-by date in the file where "
        f"there is one, otherwise {sla}. Late: shipped (last line) after the promise, or still unshipped at the end "
        f"of the data. Expected late: the seller's own late rate for orders of the same channel, purchase weekday "
        f"and hour and days of lead time to the promise, from the orders outside that set."
    )


def _placebo_offsets(prep: Prepared, first_promise: datetime | None, until: datetime, ex_end: datetime) -> list[int]:
    """Whole-day shifts (in hours) of the due set that stay inside the data and clear of the window's own set."""
    if first_promise is None or prep.data_end is None:
        return []
    lo = first_promise + timedelta(hours=WARMUP_HOURS)
    hi = prep.data_end - timedelta(hours=WARMUP_HOURS)
    out = []
    for k in range(-HISTORY_DAYS, HISTORY_DAYS + 1):
        s, u = prep.start + timedelta(days=k), until + timedelta(days=k)
        if k == 0 or s < lo or u > hi:
            continue
        if u >= prep.start and s <= ex_end:  # bought during the window's own disrupted span
            continue
        out.append(k * 24)
    return out


class _PerChannel(NamedTuple):
    """One row of the per-channel due-set query in estimate_late."""

    channel: str
    m: int
    late: int
    e: float
    v1: float
    unshipped: int
    hours_late: float
    p_c: float
    n_c: int
    from_file: float


def _empty_result(prep: Prepared, backlog, until: datetime, horizon: float, terms: tuple, horizon_hours) -> dict:
    """The result's keys, counts at zero: what is reported when nothing can be measured."""
    sla_hours, business_days, confidence = terms
    return {
        "due": 0,
        "late": 0,
        "late_expected": 0.0,
        "excess_late": 0.0,
        "excess_late_low": 0.0,
        "excess_late_high": 0.0,
        "backlog_cleared": iso_utc(backlog.cleared),
        "extra_handling_hours": _round(backlog.extra_handling_hours, 1),
        "peak_backlog_orders": _round(backlog.peak_orders, 1),
        "unshipped_late": 0,
        "hours_late_total": 0.0,
        "due_from": iso_utc(prep.start),
        "bought_until": iso_utc(until),
        "horizon_hours": _round(horizon, 1),
        "sla_hours": sla_hours,
        "business_days": bool(business_days),
        "confidence": confidence,
        "channels": prep.channels,
        "by_channel": {},
        "placebos": 0,
        "overdispersion": None,
        "available": bool(prep.channels),
        "definition": _definition(
            sla_hours, business_days, prep.start, until, horizon, horizon_reason(backlog, horizon_hours, horizon)
        ),
        "notes": list(prep.notes),
    }


def _pending(con, prep: Prepared, until: datetime, backlog, notes: list[str]) -> int:
    """Orders bought in the period but not yet due at the end of their channel's data; the backlog's notes."""
    pending = con.execute(
        f"""SELECT count(*) FROM "{prep.table}" WHERE NOT due_known AND promise >= $s AND purchased_at <= $u""",
        {"s": prep.start, "u": until},
    ).fetchone()[0]
    if pending:
        notes.append(
            f"{present.plural(pending, 'order')} bought in the period were not yet due at the end of their channel's data:"
            " whether they ship on time is not known yet, so they are not counted"
        )
    if backlog.cleared is None and backlog.band is not None:
        notes.append("the unshipped-order backlog had not cleared by the end of the data")
    elif backlog.band is None:
        notes.append("too little history to tell the usual number of unshipped orders: backlog not measured")
    return int(pending)


def _per_channel(con, prep: Prepared, params: dict) -> tuple[str, list[tuple], dict]:
    """(the rates CTE, each channel's due/late/expected counts, each channel's estimation variance)."""
    # Three queries read the strata rates: computing them once instead of per query saves ~25% of the analysis time
    # on large histories. order_table drops it with the order table.
    con.execute(
        f'CREATE TEMP TABLE "{prep.table}_rates" AS WITH {rates_cte(prep.table)} SELECT * FROM rates',
        {"s": params["s"], "ex": params["ex"]},
    )
    rates = f'{due_ctes(prep.table)},\n    rates AS (SELECT * FROM "{prep.table}_rates")\n'
    per = con.execute(
        f"""WITH {rates}
        SELECT t.channel, count(*) AS m, sum(late::INT) AS late, sum(p) AS e, sum(p * (1 - p)) AS v1,
               sum(CASE WHEN late AND shipped_at IS NULL THEN 1 ELSE 0 END) AS unshipped,
               coalesce(sum(hours_late), 0) AS hours_late, any_value(p_c) AS p_c, any_value(n_c) AS n_c,
               avg(promise_from_file::INT) AS from_file
        FROM t JOIN rates USING ({CELL})
        WHERE promise >= $s AND purchased_at <= $u GROUP BY t.channel ORDER BY t.channel""",
        params,
    ).fetchall()
    # Estimation variance of the expected count: strata are estimated separately, so squares add per stratum.
    v2 = dict(
        con.execute(
            f"""WITH {rates}, d AS (
                SELECT {CELL}, count(*) AS m FROM t WHERE promise >= $s AND purchased_at <= $u GROUP BY ALL)
            SELECT d.channel, sum(m * m * pv * (1 - pv) / n_eff) FROM d JOIN rates USING ({CELL})
            GROUP BY d.channel""",
            params,
        ).fetchall()
    )
    return rates, per, v2


def _overdispersion(con, prep: Prepared, rates: str, params: dict) -> tuple[float, int]:
    """(phi, placebo sets read): how lumpy lateness is for this seller, from placebo sets of whole-day shifts."""
    first_promise = con.execute(f'SELECT min(promise) FROM "{prep.table}"').fetchone()[0]
    offsets = _placebo_offsets(prep, first_promise, params["u"], params["ex"])
    if not offsets:
        return 1.0, 0
    # Placebo sets: the same shape shifted by whole days, restricted to baseline orders. The spread of their
    # late-minus-expected, against the binomial variance, measures how lumpy lateness is for this seller (a
    # warehouse that misses a whole day's cut-off makes a batch late at once).
    plac = con.execute(
        f"""WITH {rates}, off AS (SELECT unnest($offs::INTEGER[]) AS o),
        x AS (SELECT off.o, b.channel, b.dow, b.hr, b.lead, b.late FROM off JOIN base b
              ON b.promise >= $s + to_hours(off.o) AND b.purchased_at <= $u + to_hours(off.o)),
        g AS (SELECT o, {CELL}, count(*) AS m, sum(late::INT) AS k FROM x GROUP BY ALL)
        SELECT o, sum(k) - sum(m * p) AS resid, sum(m * p * (1 - p)) + sum(m * m * pv * (1 - pv) / n_eff) AS v
        FROM g JOIN rates USING ({CELL}) GROUP BY o""",
        {**params, "offs": offsets},
    ).fetchall()
    z2 = {o: r * r / v for o, r, v in plac if v and v > 0}
    phi = 1.0
    if len(z2) >= MIN_PLACEBOS:
        phi = max(1.0, float(np.mean(list(z2.values()))))
        # Lateness often clusters on particular weekdays (the Monday after a weekend): shifts by whole weeks compare
        # like with like, so when there are enough of them they may only widen the interval.
        weekly = [v for o, v in z2.items() if o % 168 == 0]
        if len(weekly) >= MIN_PLACEBOS:
            phi = max(phi, float(np.mean(weekly)))
    return phi, len(z2)


def _baseline_orders(con, prep: Prepared, ex_end: datetime) -> int:
    """Orders with a known due time outside the window and its aftermath: the normal late rate's sample."""
    return con.execute(
        f"""SELECT count(*) FROM "{prep.table}" WHERE due_known AND NOT (promise >= $s AND purchased_at <= $ex)""",
        {"s": prep.start, "ex": ex_end},
    ).fetchone()[0]


class _Excess(NamedTuple):
    """What the outage added to a late count, given the spread of lateness (phi) and the interval's z."""

    known: bool
    phi: float
    z: float

    def of(self, late: float, e: float, v: float) -> dict:
        if not self.known:
            return dict.fromkeys(
                ("late_expected", "excess_late", "excess_late_low", "excess_late_high", "excess_late_raw")
            )
        raw = late - e
        sd = math.sqrt(max(self.phi * v, 0.0))
        return {
            "late_expected": _round(e),
            # Physically 0 <= excess <= late: an outage cannot un-late an order, nor cause more lates than exist.
            "excess_late": _round(min(max(raw, 0.0), late)),
            "excess_late_low": _round(min(max(raw - self.z * sd, 0.0), late)),
            "excess_late_high": _round(min(max(raw + self.z * sd, 0.0), late)),
            "excess_late_raw": _round(raw),
        }


def _channel_notes(row: _PerChannel, notes: list[str]) -> None:
    if row.n_c == 0:
        notes.append(
            f"no {row.channel} orders outside the window: its expected late count uses the other channels' late rate"
        )
    elif row.n_c < 30:
        notes.append(f"only {int(row.n_c)} {row.channel} orders outside the window: its expected late count is rough")


def _add_channels(result: dict, per: list[tuple], v2: dict, excess: _Excess, notes: list[str]) -> None:
    """Each channel's counts into result['by_channel'], and their totals into the result."""
    tot = {"m": 0, "late": 0, "e": 0.0, "v": 0.0, "unshipped": 0, "hours": 0.0}
    for row in map(_PerChannel._make, per):  # one row per channel
        v = float(row.v1) + float(v2.get(row.channel, 0.0))
        result["by_channel"][row.channel] = ShipmentChannel(
            due=int(row.m),
            late=int(row.late),
            **excess.of(float(row.late), float(row.e), v),
            baseline_late_rate=_round(row.p_c, 4),
            baseline_orders=int(row.n_c),
            promise_from_file_share=_round(row.from_file, 3),
            unshipped_late=int(row.unshipped),
        )
        if excess.known:
            _channel_notes(row, notes)
        tot["m"] += int(row.m)
        tot["late"] += int(row.late)
        tot["e"] += float(row.e)
        tot["v"] += v
        tot["unshipped"] += int(row.unshipped)
        tot["hours"] += float(row.hours_late)
    result.update(
        {
            "due": tot["m"],
            "late": tot["late"],
            **excess.of(float(tot["late"]), tot["e"], tot["v"]),
            "unshipped_late": tot["unshipped"],
            "hours_late_total": _round(tot["hours"], 1),
        }
    )
    if tot["m"] == 0:
        notes.append("no order was due to ship in the window or its aftermath")


def estimate_late(con, prep: Prepared, sla_hours, business_days, confidence, horizon_hours):
    """(ShipmentResult, purchase cut-off of the due set). The figures are gathered step by step in a dict whose keys
    are ShipmentResult's fields: a misspelt one fails when the result is built."""
    backlog = measure_backlog(con, prep)
    horizon = due_horizon(prep, backlog, horizon_hours)
    until = purchase_cutoff(prep, horizon)
    ex_end = until + timedelta(hours=AFTERMATH_PAD_HOURS)
    result = _empty_result(prep, backlog, until, horizon, (sla_hours, business_days, confidence), horizon_hours)
    notes = result["notes"]
    if not prep.channels:
        if not notes:  # order_table's notes already say why, channel by channel, when it has any
            notes.append("no seller-fulfilled order in the data has a ship time: late shipments cannot be measured")
        return ShipmentResult(**result), until
    result["not_yet_due"] = _pending(con, prep, until, backlog, notes)
    params = {"s": prep.start, "u": until, "ex": ex_end}
    rates, per, v2 = _per_channel(con, prep, params)
    phi, n_placebo = _overdispersion(con, prep, rates, params)
    n_base = _baseline_orders(con, prep, ex_end)
    result["baseline_orders"] = int(n_base)
    known = n_base >= MIN_BASELINE_ORDERS
    if not known:
        # Without enough orders outside the window there is no normal late rate to compare with: say so, guess nothing.
        notes.append(
            f"only {present.plural(n_base, 'order')} outside the window and its aftermath (at least {MIN_BASELINE_ORDERS} needed):"
            " the late count cannot be compared with a normal late rate, so expected and excess late are unknown"
        )
    elif n_placebo < MIN_PLACEBOS:
        notes.append("too few placebo windows in the history: the interval assumes binomial variation only")
    result["placebos"] = n_placebo
    result["overdispersion"] = _round(phi, 3)
    _add_channels(result, per, v2, _Excess(known, phi, NormalDist().inv_cdf(0.5 + confidence / 2)), notes)
    return ShipmentResult(**result), until

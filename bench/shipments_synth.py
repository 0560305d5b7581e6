"""Synthetic seller order histories with a fulfilment outage of known effect, for the late-shipments benchmark.

A warehouse ships orders first-in first-out during working hours (local time) at a random hourly capacity. An outage
stops (or slows) shipping for its hours, so a backlog builds and drains afterwards. Every history is simulated twice
from the same random draws, with and without the outage; the true number of late shipments the outage caused is the
difference in late orders between the two runs, counted with the same promise rule the estimator uses.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

HOUR = np.timedelta64(1, "h")


@dataclass
class Scenario:
    name: str
    outage_start: datetime  # naive UTC
    outage_hours: float
    orders_per_day: float = 120.0
    # channel -> (share of orders, whether its export carries a ship-by promise)
    channels: dict = field(default_factory=lambda: {"amazon": (0.6, True), "shopify": (0.4, False)})
    sla_hours: float = 48.0
    business_days: bool = False
    outage_capacity: float = 0.0  # share of normal shipping capacity left during the outage
    capacity_factor: float = 1.5  # hourly capacity / mean arrivals per working hour
    work_days: tuple = (0, 1, 2, 3, 4)  # local weekdays, Monday = 0
    work_hours: tuple = (8, 17)  # local [from, to)
    tz_offset_hours: int = -5  # the warehouse's local time = UTC + offset
    handling_days: int = 2  # marketplace ship-by: end of the local day this many business days after purchase
    delay_prob: float = 0.03  # orders held back (stock, address checks) for 1-4 days whatever the outage
    cancel_prob: float = 0.02
    history_days: int = 70
    after_days: int = 14
    seed: int = 0


@dataclass
class Synth:
    lines: pd.DataFrame  # rows in the canonical `lines` schema, ready for INSERT INTO lines BY NAME
    true_excess_late: int
    late_with: int
    late_without: int
    orders: int
    # Per order: id, and whether it was late with / without the outage (for diagnosing the estimator).
    outcomes: pd.DataFrame | None = None


def _arrivals(sc: Scenario, rng: np.random.Generator, t0: np.datetime64, hours: int) -> np.ndarray:
    """Purchase times: Poisson per hour with a daily cycle peaking in the local evening and busier weekends."""
    h = t0 + np.arange(hours) * HOUR
    local = h + np.timedelta64(sc.tz_offset_hours, "h")
    hod = (local - local.astype("datetime64[D]")).astype("timedelta64[h]").astype(int)
    dow = (local.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    daily = 1 + 0.6 * np.sin((hod - 14) / 24 * 2 * np.pi) + 0.25 * np.exp(-((hod - 20) ** 2) / 8)
    daily[hod < 6] *= 0.4
    weekly = np.where(dow >= 5, 1.15, 1.0)
    lam = daily * weekly
    lam = lam / lam.mean() * sc.orders_per_day / 24
    counts = rng.poisson(lam)
    starts = np.repeat(h, counts)
    offs = (rng.random(counts.sum()) * 3600e6).astype("int64").astype("timedelta64[us]")
    return np.sort(starts.astype("datetime64[us]") + offs)


def _capacity(sc: Scenario, rng: np.random.Generator, t0: np.datetime64, hours: int) -> np.ndarray:
    h = t0 + np.arange(hours) * HOUR
    local = h + np.timedelta64(sc.tz_offset_hours, "h")
    hod = (local - local.astype("datetime64[D]")).astype("timedelta64[h]").astype(int)
    dow = (local.astype("datetime64[D]").view("int64") - 4) % 7
    working = np.isin(dow, sc.work_days) & (hod >= sc.work_hours[0]) & (hod < sc.work_hours[1])
    per_hour = sc.orders_per_day * 7 / (len(sc.work_days) * (sc.work_hours[1] - sc.work_hours[0]))
    return np.where(working, rng.poisson(per_hour * sc.capacity_factor, hours), 0).astype(float)


def _ship(purchase: np.ndarray, ready: np.ndarray, cap: np.ndarray, t0: np.datetime64, jitter: np.ndarray):
    """First-in first-out shipping: each hour ships up to its capacity of the orders ready by the hour's end."""
    n = len(purchase)
    shipped = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    ready_h = ((ready - t0) / HOUR).astype(float)
    order = np.argsort(ready_h, kind="stable")
    heap: list = []
    j = 0
    for hour, c in enumerate(cap):  # simulation of the warehouse, hour by hour: a benchmark, not product code
        while j < n and ready_h[order[j]] < hour + 1:
            i = order[j]
            heapq.heappush(heap, (ready_h[i], i))
            j += 1
        k = int(c)
        while k > 0 and heap:
            _, i = heapq.heappop(heap)
            start = max(hour, ready_h[i])
            shipped[i] = t0 + np.timedelta64(int((start + jitter[i] * (hour + 1 - start)) * 3600e6), "us")
            k -= 1
    return shipped


def _business_promise(purchase: np.ndarray, sla_hours: float) -> np.ndarray:
    """Same rule as impact.shipments: the SLA clock runs Monday to Friday UTC only."""
    e0 = np.datetime64("1970-01-05T00:00", "us")
    week, work = 7 * 86_400_000_000, 5 * 86_400_000_000
    since = (purchase - e0).astype("int64")
    worked = (since // week) * work + np.minimum(since % week, work)
    target = worked + int(round(sla_hours * 3600e6))
    return e0 + ((target // work) * week + target % work).astype("timedelta64[us]")


def _marketplace_promise(sc: Scenario, purchase: np.ndarray) -> np.ndarray:
    """Ship-by: end of the local day `handling_days` local business days after the purchase day."""
    off = np.timedelta64(sc.tz_offset_hours, "h")
    local_day = (purchase + off).astype("datetime64[D]")
    due = np.busday_offset(local_day, sc.handling_days, roll="forward")
    return (due + np.timedelta64(1, "D")).astype("datetime64[us]") - np.timedelta64(1, "s") - off


def generate(sc: Scenario) -> Synth:
    rng = np.random.default_rng(sc.seed)
    start = np.datetime64(sc.outage_start, "us")
    t0 = (start - np.timedelta64(sc.history_days, "D")).astype("datetime64[h]").astype("datetime64[us]")
    hours = (sc.history_days + sc.after_days) * 24
    data_end = t0 + hours * HOUR
    purchase = _arrivals(sc, rng, t0, hours)
    n = len(purchase)
    names = list(sc.channels)
    shares = np.array([sc.channels[c][0] for c in names], dtype=float)
    channel = np.array(names)[rng.choice(len(names), n, p=shares / shares.sum())]
    delayed = rng.random(n) < sc.delay_prob
    delay_h = np.where(delayed, rng.uniform(24, 96, n), 0.0)
    ready = purchase + (delay_h * 3600e6).astype("int64").astype("timedelta64[us]")
    cancelled = rng.random(n) < sc.cancel_prob
    jitter = rng.random(n)
    cap = _capacity(sc, rng, t0, hours)
    cap_out = cap.copy()
    hour_start = t0 + np.arange(hours) * HOUR
    o0, o1 = start, start + np.timedelta64(int(sc.outage_hours * 3600e6), "us")
    overlap = (np.minimum(hour_start + HOUR, o1) - np.maximum(hour_start, o0)) / HOUR
    overlap = np.clip(overlap.astype(float), 0, 1)
    cap_out = np.floor(cap * (1 - overlap * (1 - sc.outage_capacity)))
    live = ~cancelled
    idx = np.flatnonzero(live)
    ship_with = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    ship_without = ship_with.copy()
    ship_with[idx] = _ship(purchase[idx], ready[idx], cap_out, t0, jitter[idx])
    ship_without[idx] = _ship(purchase[idx], ready[idx], cap, t0, jitter[idx])

    file_promise = np.array([sc.channels[c][1] for c in channel])
    sla = (
        _business_promise(purchase, sc.sla_hours)
        if sc.business_days
        else purchase + np.timedelta64(int(sc.sla_hours * 3600e6), "us")
    )
    promise = np.where(file_promise, _marketplace_promise(sc, purchase), sla)
    # Exports stop at data_end: anything shipped later is still unshipped in the file.
    ship_with = np.where(ship_with > data_end, np.datetime64("NaT"), ship_with)
    ship_without = np.where(ship_without > data_end, np.datetime64("NaT"), ship_without)
    due = live & (promise <= data_end)

    def late(ship):
        return due & (np.isnat(ship) | (ship > promise))

    late_with, late_without = int(late(ship_with).sum()), int(late(ship_without).sum())

    order_ids = np.array([f"{c[:2].upper()}-{i:07d}" for i, c in enumerate(channel)])
    two = rng.random(n) < 0.2
    rep = np.where(two, 2, 1)
    rows = np.repeat(np.arange(n), rep)
    line_no = np.concatenate([np.arange(r) for r in rep]) if n else np.array([], dtype=int)
    qty = rng.integers(1, 3, len(rows)).astype(float)
    price = np.round(rng.uniform(8, 60, len(rows)), 2)
    ch = channel[rows]
    lines = pd.DataFrame(
        {
            "channel": ch,
            "marketplace": np.where(ch == "amazon", "Amazon.com", ch),
            "order_id": order_ids[rows],
            "line_key": line_no.astype(str),
            "purchased_at": purchase[rows],
            "time_precision": "second",
            "sku": "SKU-" + rng.integers(1, 40, len(rows)).astype(str),
            "product_name": "Item",
            "quantity": qty,
            "revenue": qty * price,
            "currency": "USD",
            "status": np.where(
                cancelled[rows], "cancelled", np.where(np.isnat(ship_with[rows]), "pending", "completed")
            ),
            "fulfilment": "Merchant",
            "shipped_at": ship_with[rows],
            "promised_at": np.where(file_promise[rows], promise[rows], np.datetime64("NaT")),
            "ship_country": "US",
            "file_id": np.where(ch == "amazon", 1, 2).astype("int32"),
        }
    )
    outcomes = pd.DataFrame(
        {"order_id": order_ids, "late_with": late(ship_with), "late_without": late(ship_without), "due": due}
    )
    return Synth(lines, late_with - late_without, late_with, late_without, n, outcomes)


def load_scenario(con, sc: Scenario) -> Synth:
    """Generate a scenario and insert it into the `lines` table of con."""
    syn = generate(sc)
    con.register("_synth_lines", syn.lines)
    con.execute("INSERT INTO lines BY NAME SELECT * FROM _synth_lines")
    con.unregister("_synth_lines")
    return syn


def outage_end(sc: Scenario) -> datetime:
    return sc.outage_start + timedelta(hours=sc.outage_hours)

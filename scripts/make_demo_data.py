"""Write the demo seller's order exports and cost inputs into data/demo/ (deterministic: same seed, same bytes).

The demo seller sells kitchen goods on Amazon.com (FBA and merchant-fulfilled) and on a Shopify store, with
~90 days of history before the AWS us-east-1 outage of 2025-10-20 06:48-21:20 UTC and ~10 days after it.
Demand follows US-Eastern hour-of-day and day-of-week seasonality. During the outage Amazon orders collapse
(worst in the DynamoDB DNS phase, 06:48-09:40 UTC), part of the lost demand comes back in the evening after,
and the Shopify store gains a little spill-over. The seller's label printing ran on AWS, so Shopify orders
waiting to ship on the outage day were fulfilled late.

Beside the orders: unit costs per SKU (one SKU's cost changes mid-history), an Amazon Ads Sponsored Products
daily campaign report and an hourly Google Ads report for the Shopify store, over the same days.

Every personal column holds a fake placeholder (e.g. "Buyer 123"); ingest drops those columns anyway.

    python scripts/make_demo_data.py [--out data/demo]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

# The first seed from 20251020 whose outage-day draw is typical (each channel's actual orders within one Poisson
# s.d. of the expectation in truth.json), so the demo shows the modelled effect, not a lucky or unlucky day.
SEED = 20251021
SHOP_TZ = ZoneInfo("America/New_York")
START = datetime(2025, 7, 26)  # naive UTC, inclusive
END = datetime(2025, 10, 31)  # naive UTC, exclusive: ~90 days before and ~10 after the outage
REPORT_AT = END  # when the exports were downloaded: newer orders are still unshipped

OUTAGE_START = datetime(2025, 10, 20, 6, 48)
OUTAGE_END = datetime(2025, 10, 20, 21, 20)

# Share of normal Amazon demand that still converts, by phase of the outage (UTC, from the AWS summary).
AMAZON_PHASES = [
    (datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 9, 40), 0.10),  # DynamoDB DNS: near total
    (datetime(2025, 10, 20, 9, 40), datetime(2025, 10, 20, 12, 30), 0.20),  # EC2 launches impaired
    (datetime(2025, 10, 20, 12, 30), datetime(2025, 10, 20, 17, 36), 0.30),  # NLB health checks
    (datetime(2025, 10, 20, 17, 36), datetime(2025, 10, 20, 21, 20), 0.55),  # long tail
]
RECAPTURE_HOURS = 6  # after the outage, deferred buyers come back, fading linearly
RECAPTURE_PEAK = 0.35  # extra demand right after recovery, as a share of normal
SHOPIFY_SPILLOVER = 1.12  # some Amazon shoppers buy from the seller's own store instead

AMAZON_ORDERS_PER_DAY = 42.0
SHOPIFY_ORDERS_PER_DAY = 15.0

# Relative demand by US-Eastern hour of day (night trough, lunch and evening peaks).
HOUR_PROFILE = np.array(
    [
        0.40,
        0.25,
        0.16,
        0.12,
        0.12,
        0.18,
        0.34,
        0.58,
        0.82,
        0.98,
        1.08,
        1.14,
        1.20,
        1.18,
        1.12,
        1.08,
        1.08,
        1.14,
        1.26,
        1.42,
        1.52,
        1.42,
        1.08,
        0.70,
    ]
)
# Relative demand by weekday, Monday first: weekends are busier for household goods.
DOW_PROFILE = np.array([1.00, 0.96, 0.94, 0.97, 0.92, 1.06, 1.16])

# (sku, asin, product name, price in USD, popularity weight)
CATALOG = [
    ("KB-BAM-L", "B0C1KX4T2A", "Bamboo Cutting Board, Large", 34.99, 9.0),
    ("KB-BAM-S", "B0C1KX7Q9M", "Bamboo Cutting Board, Small", 19.99, 7.0),
    ("KN-CHEF-8", "B0B8R2M4LD", "Chef Knife 8 in, High-Carbon Steel", 59.99, 6.0),
    ("KN-PAR-3", "B0B8R5T1QW", "Paring Knife 3.5 in", 14.99, 4.0),
    ("KN-SET-5", "B0B9A7H2KE", "Knife Set, 5 Pieces with Block", 129.00, 2.0),
    ("SP-SIL-6", "B0D2C6N8VP", "Silicone Spatula Set, 6 Pieces", 17.49, 8.0),
    ("SP-WOOD-3", "B0D2C9F3TX", "Olive Wood Spoons, Set of 3", 24.99, 5.0),
    ("PN-CI-10", "B0A7M3K5RZ", "Cast Iron Skillet 10 in", 39.95, 5.0),
    ("PN-CI-12", "B0A7M6P2HB", "Cast Iron Skillet 12 in", 49.95, 3.0),
    ("MS-CUP-SS", "B0CF4L8W1N", "Stainless Measuring Cups, 7 Pieces", 21.99, 6.0),
    ("MS-SPN-SS", "B0CF4P2Y6D", "Stainless Measuring Spoons, 9 Pieces", 12.99, 6.0),
    ("SC-DIG-1", "B09XK1V7TS", "Digital Kitchen Scale", 26.99, 5.0),
    ("TH-INST-1", "B09XK3R5NU", "Instant-Read Meat Thermometer", 18.99, 7.0),
    ("ST-GLS-10", "B0BN7J2C4F", "Glass Food Storage Containers, 10 Pack", 44.99, 4.0),
    ("ST-BAG-12", "B0BN7M6D8G", "Reusable Silicone Bags, 12 Pack", 22.49, 5.0),
    ("TW-LIN-4", "B0C5E8Q1XH", "Linen Tea Towels, 4 Pack", 19.95, 4.0),
    ("MT-OVN-2", "B0C5E2W9ZJ", "Oven Mitts, Pair", 15.99, 4.0),
    ("GR-GAR-1", "B0AJ9H4S3K", "Garlic Press, Stainless", 13.49, 3.0),
    ("GR-ZES-1", "B0AJ9K7T6L", "Microplane Zester", 16.99, 3.0),
    ("BW-MIX-5", "B0DQ3R1V5M", "Nesting Mixing Bowls, 5 Pieces", 32.99, 3.0),
]

AMAZON_HEADER = (
    "amazon-order-id merchant-order-id purchase-date last-updated-date order-status fulfillment-channel "
    "sales-channel order-channel url ship-service-level product-name sku asin item-status quantity currency "
    "item-price item-tax shipping-price shipping-tax gift-wrap-price gift-wrap-tax item-promotion-discount "
    "ship-promotion-discount ship-city ship-state ship-postal-code ship-country promotion-ids is-business-order "
    "purchase-order-number price-designation"
).split()

SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
    "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,"
    "Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,"
    "Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,"
    "Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,"
    "Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,"
    "Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,"
    "Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,"
    "Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
).split(",")

# Destination states with a weight; a city and ZIP prefix that are public, not anybody's address.
STATES = [
    ("CA", "California", "Los Angeles", "900", 12),
    ("TX", "Texas", "Austin", "787", 9),
    ("FL", "Florida", "Orlando", "328", 7),
    ("NY", "New York", "Buffalo", "142", 6),
    ("PA", "Pennsylvania", "Pittsburgh", "152", 4),
    ("IL", "Illinois", "Chicago", "606", 4),
    ("OH", "Ohio", "Columbus", "432", 4),
    ("GA", "Georgia", "Atlanta", "303", 3),
    ("NC", "North Carolina", "Raleigh", "276", 3),
    ("WA", "Washington", "Seattle", "981", 3),
    ("MA", "Massachusetts", "Boston", "021", 2),
    ("CO", "Colorado", "Denver", "802", 2),
]

TAX_RATE = 0.07
STOCK_HOLD_RATE = 0.03
WAREHOUSE_OPEN_UTC = (13, 22)  # 09:00-18:00 New York time in summer; closed on Sundays


def _amazon_multiplier(t: np.ndarray) -> np.ndarray:
    """Share of normal Amazon demand at each minute (UTC datetime64)."""
    m = np.ones(len(t))
    for start, end, factor in AMAZON_PHASES:
        m[(t >= np.datetime64(start)) & (t < np.datetime64(end))] = factor
    after = (t >= np.datetime64(OUTAGE_END)) & (t < np.datetime64(OUTAGE_END + timedelta(hours=RECAPTURE_HOURS)))
    elapsed_h = (t[after] - np.datetime64(OUTAGE_END)) / np.timedelta64(1, "h")
    m[after] = 1.0 + RECAPTURE_PEAK * (1.0 - elapsed_h / RECAPTURE_HOURS)
    return m


def _shopify_multiplier(t: np.ndarray) -> np.ndarray:
    m = np.ones(len(t))
    m[(t >= np.datetime64(OUTAGE_START)) & (t < np.datetime64(OUTAGE_END))] = SHOPIFY_SPILLOVER
    return m


def _local_profile(minutes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eastern-time hour, weekday and local date index for each UTC minute (DST handled by zoneinfo)."""
    hours_utc = minutes.astype("datetime64[h]")
    uniq, inverse = np.unique(hours_utc, return_inverse=True)
    local = [uniq_h.astype(datetime).replace(tzinfo=UTC).astimezone(SHOP_TZ) for uniq_h in uniq]
    hour = np.array([x.hour for x in local])[inverse]
    dow = np.array([x.weekday() for x in local])[inverse]
    day = np.array([x.toordinal() for x in local])[inverse]
    return hour, dow, day - day.min()


def order_times(
    rng: np.random.Generator, per_day: float, multiplier, hour_shift: int = 0, truth: dict | None = None
) -> list[datetime]:
    """Poisson arrivals per minute with seasonality, a gentle trend and day-level noise; sorted naive UTC.

    truth, when given, receives the simulation's own expected order counts around the outage (what an
    estimator should recover, up to Poisson noise)."""
    minutes = np.arange(np.datetime64(START, "m"), np.datetime64(END, "m"))
    hour, dow, day = _local_profile(minutes)
    hourly = np.roll(HOUR_PROFILE, hour_shift)
    hourly = hourly / hourly.mean()
    day_noise = rng.lognormal(0.0, 0.06, day.max() + 1)  # busy and quiet days beyond pure Poisson noise
    trend = 1.0 + 0.0015 * (day - day.max() / 2)
    rate = per_day / 1440.0 * hourly[hour] * DOW_PROFILE[dow] / DOW_PROFILE.mean() * trend * day_noise[day]
    mult = multiplier(minutes)
    if truth is not None:
        during = (minutes >= np.datetime64(OUTAGE_START)) & (minutes < np.datetime64(OUTAGE_END))
        after = (minutes >= np.datetime64(OUTAGE_END)) & (mult > 1.0)
        truth["orders_expected_no_outage"] = round(float(rate[during].sum()), 2)
        truth["orders_expected_with_outage"] = round(float((rate * mult)[during].sum()), 2)
        truth["orders_recaptured_expected"] = round(float((rate * (mult - 1.0))[after].sum()), 2)
    rate *= mult
    counts = rng.poisson(rate)
    stamps = np.repeat(minutes, counts).astype("datetime64[s]")
    stamps = stamps + rng.integers(0, 60, len(stamps)).astype("timedelta64[s]")
    stamps.sort()
    return [s.astype(datetime) for s in stamps]


def _pick_items(rng: np.random.Generator, weights: np.ndarray) -> list[tuple[int, int]]:
    """(catalog index, quantity) for each line of one order."""
    n_lines = int(rng.choice([1, 2, 3], p=[0.86, 0.12, 0.02]))
    idx = rng.choice(len(CATALOG), size=n_lines, replace=False, p=weights)
    return [(int(i), int(rng.choice([1, 2, 3], p=[0.88, 0.10, 0.02]))) for i in idx]


def _money(x: float) -> str:
    return f"{x:.2f}"


def _amazon_iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _summarise(truth: dict, orders: list[tuple[datetime, float]]) -> None:
    """Add realised revenue figures (non-cancelled orders) to a channel's truth."""
    values = [v for _, v in orders]
    aov = sum(values) / len(values)
    in_window = [v for t, v in orders if OUTAGE_START <= t < OUTAGE_END]
    truth["orders_actual"] = len(in_window)
    truth["revenue_actual"] = round(sum(in_window), 2)
    truth["mean_order_revenue"] = round(aov, 2)
    # Share of orders that are cancelled in this simulation: expected lost revenue excludes them too.
    truth["revenue_expected_no_outage"] = round(truth["orders_expected_no_outage"] * aov, 2)
    truth["revenue_lost_expected"] = round(
        (truth["orders_expected_no_outage"] - truth["orders_expected_with_outage"]) * aov, 2
    )


def amazon_report(rng: np.random.Generator, truth: dict) -> str:
    weights = np.array([c[4] for c in CATALOG])
    weights = weights / weights.sum()
    state_w = np.array([s[4] for s in STATES], dtype=float)
    state_w /= state_w.sum()
    out = io.StringIO()
    out.write("\t".join(AMAZON_HEADER) + "\n")
    kept: list[tuple[datetime, float]] = []
    for t in order_times(rng, AMAZON_ORDERS_PER_DAY, _amazon_multiplier, truth=truth):
        order_id = f"11{rng.integers(1, 5)}-{rng.integers(1_000_000, 9_999_999)}-{rng.integers(1_000_000, 9_999_999)}"
        fba = rng.random() < 0.72
        age_h = (REPORT_AT - t).total_seconds() / 3600
        cancelled = rng.random() < 0.025
        if cancelled:
            status, item_status = "Cancelled", "Cancelled"
            updated = t + timedelta(hours=float(rng.uniform(0.2, 20)))
        elif age_h < 2 and rng.random() < 0.6:
            status, item_status = "Pending", "Unshipped"
            updated = t + timedelta(minutes=float(rng.uniform(1, 30)))
        elif age_h < (20 if fba else 30):
            status, item_status = "Unshipped", "Unshipped"
            updated = t + timedelta(hours=float(rng.uniform(0.0, min(age_h, 2.0))))
        else:
            status, item_status = "Shipped", "Shipped"
            updated = t + timedelta(hours=float(rng.uniform(6, 40 if fba else 52)))
        updated = min(updated, REPORT_AT - timedelta(minutes=5))
        st = STATES[int(rng.choice(len(STATES), p=state_w))]
        zip_code = f"{st[3]}{rng.integers(10, 99)}"
        business = "true" if rng.random() < 0.04 else "false"
        level = "Expedited" if rng.random() < 0.15 else "Standard"
        items = _pick_items(rng, weights)
        if not cancelled:
            kept.append((t, sum(CATALOG[i][3] * q for i, q in items)))
        for i, qty in items:
            sku, asin, name, price, _ = CATALOG[i]
            if cancelled:
                qty_s, price_s, tax_s, ship_s, ship_tax_s = "0", "", "", "", ""
            else:
                qty_s = str(qty)
                price_s = _money(price * qty)
                tax_s = _money(round(price * qty * TAX_RATE, 2))
                ship_s = "0.00" if fba or price * qty >= 25 else "4.99"
                ship_tax_s = "0.00"
            promo = "" if rng.random() > 0.05 else _money(round(price * qty * 0.1, 2))
            row = [
                order_id,
                "",
                _amazon_iso(t),
                _amazon_iso(updated),
                status,
                "Amazon" if fba else "Merchant",
                "Amazon.com",
                "",
                "",
                level,
                name,
                sku,
                asin,
                item_status,
                qty_s,
                "USD",
                price_s,
                tax_s,
                ship_s,
                ship_tax_s,
                "",
                "",
                promo and f"-{promo}",
                "",
                "",
                st[0],
                zip_code,
                "US",
                "",
                business,
                "",
                "",
            ]
            out.write("\t".join(row) + "\n")
    _summarise(truth, kept)
    return out.getvalue()


def _open_at(t: datetime, outage: bool = True) -> bool:
    local_day = t.replace(tzinfo=UTC).astimezone(SHOP_TZ).weekday()
    in_outage = outage and OUTAGE_START <= t < OUTAGE_END  # label printing and the carrier API ran on us-east-1
    return local_day != 6 and WAREHOUSE_OPEN_UTC[0] <= t.hour < WAREHOUSE_OPEN_UTC[1] and not in_outage


def _next_open(t: datetime, outage: bool = True) -> datetime:
    """The first minute at or after t when the warehouse can ship."""
    t = t.replace(second=0, microsecond=0)
    while not _open_at(t, outage):
        t = t + timedelta(minutes=10)
        t = t.replace(minute=t.minute - t.minute % 10)
    return t


def fulfilment_draws(rng: np.random.Generator) -> tuple[float, ...]:
    """The random numbers one order's fulfilment uses, drawn once so the same order can be replayed without the
    outage (that replay is the truth for late shipments)."""
    return (*(float(u) for u in rng.random(4)), float(rng.exponential(40)))


def fulfilled_time(draws: tuple[float, ...], created: datetime, outage: bool = True) -> datetime:
    """Ready a few hours after purchase, shipped at the next open slot; backlogs clear over the first hours.

    A few orders wait for stock or an address check for one to four days: the seller's normal late rate."""
    u_ready, u_hold, u_hold_len, u_backlog, fast_minutes = draws
    ready = created + timedelta(hours=1.0 + 5.0 * u_ready)
    if u_hold < STOCK_HOLD_RATE:
        ready += timedelta(hours=24.0 + 72.0 * u_hold_len)
    slot = _next_open(ready, outage)
    if slot > ready + timedelta(minutes=10):
        # Orders that waited overnight (or through the outage) go out over the first hours of the next shift.
        # The outage backlog is bigger (a weekend plus the outage day), so it takes longer to clear.
        longest = 6.0 if outage and slot.date() == OUTAGE_END.date() else 3.5
        return _after_open_time(slot, timedelta(hours=longest * u_backlog), outage)
    return ready + timedelta(minutes=fast_minutes)


def _after_open_time(t: datetime, span: timedelta, outage: bool = True) -> datetime:
    """t plus span of warehouse opening hours: work left at closing time carries over to the next shift."""
    step = timedelta(minutes=10)
    while span > step:
        if _open_at(t, outage):
            span -= step
        t += step
    return _next_open(t, outage) + span


def _late(created: datetime, shipped: datetime | None, sla: timedelta = timedelta(hours=48)) -> bool:
    """Late against a 48 h handling promise: shipped after it, or still unshipped when the data ends past it."""
    if shipped is None or shipped >= REPORT_AT:
        return created + sla < REPORT_AT
    return shipped - created > sla


def _shop_time(t: datetime | None) -> str:
    if t is None:
        return ""
    return t.replace(tzinfo=UTC).astimezone(SHOP_TZ).strftime("%Y-%m-%d %H:%M:%S %z")


def shopify_export(rng: np.random.Generator, truth: dict) -> str:
    # The own store sells relatively more of the premium items.
    weights = np.array([c[4] * (1.6 if c[3] >= 40 else 1.0) for c in CATALOG])
    weights = weights / weights.sum()
    state_w = np.array([s[4] for s in STATES], dtype=float)
    state_w /= state_w.sum()
    orders = []
    times = order_times(rng, SHOPIFY_ORDERS_PER_DAY, _shopify_multiplier, hour_shift=1, truth=truth)
    for n, t in enumerate(times):
        items = _pick_items(rng, weights)
        subtotal = sum(CATALOG[i][3] * q for i, q in items)
        discount = round(subtotal * 0.1, 2) if rng.random() < 0.08 else 0.0
        shipping = 0.0 if subtotal >= 50 else 5.99
        taxes = round((subtotal - discount) * TAX_RATE, 2)
        cancelled = rng.random() < 0.02
        draws = fulfilment_draws(rng)
        shipped = None if cancelled else fulfilled_time(draws, t)
        if shipped is not None and shipped >= REPORT_AT:
            shipped = None
        shipped_no_outage = None if cancelled else fulfilled_time(draws, t, outage=False)
        buyer = int(rng.integers(100, 99_999))
        st = STATES[int(rng.choice(len(STATES), p=state_w))]
        orders.append(
            dict(
                name=f"#{1001 + n}",
                id=str(6_100_000_000_000 + n * 7919 + int(rng.integers(0, 7000))),
                created=t,
                items=items,
                subtotal=subtotal - discount,
                discount=discount,
                shipping=shipping,
                taxes=taxes,
                cancelled=cancelled,
                shipped=shipped,
                buyer=buyer,
                state=st,
                cancelled_at=t + timedelta(hours=float(rng.uniform(0.3, 12))) if cancelled else None,
                paid=t + timedelta(seconds=int(rng.integers(2, 40))),
                shipped_no_outage=shipped_no_outage,
            )
        )
    # Revenue as buyers paid it: the Subtotal, after the order's discount (as impact.ingest reads the export).
    _summarise(truth, [(o["created"], o["subtotal"]) for o in orders if not o["cancelled"]])
    live = [o for o in orders if not o["cancelled"]]
    late_with = sum(_late(o["created"], o["shipped"]) for o in live)
    late_without = sum(_late(o["created"], o["shipped_no_outage"]) for o in live)
    truth["late_48h_with_outage"] = late_with
    truth["late_48h_without_outage"] = late_without
    truth["excess_late_48h"] = late_with - late_without
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SHOPIFY_HEADER)
    col = {name: k for k, name in enumerate(SHOPIFY_HEADER)}
    for o in reversed(orders):  # Shopify exports list the newest order first
        total = o["subtotal"] + o["shipping"] + o["taxes"]
        if o["cancelled"]:
            fin, ful = "voided", "unfulfilled"
        else:
            fin, ful = "paid", "fulfilled" if o["shipped"] else "unfulfilled"
        for k, (i, qty) in enumerate(o["items"]):
            sku, _, name, price, _ = CATALOG[i]
            row = [""] * len(SHOPIFY_HEADER)
            row[col["Name"]] = o["name"]
            row[col["Email"]] = f"buyer{o['buyer']}@example.com"
            row[col["Lineitem quantity"]] = str(qty)
            row[col["Lineitem name"]] = name
            row[col["Lineitem price"]] = _money(price)
            row[col["Lineitem sku"]] = sku
            row[col["Lineitem requires shipping"]] = "true"
            row[col["Lineitem taxable"]] = "true"
            row[col["Lineitem fulfillment status"]] = "fulfilled" if o["shipped"] else "pending"
            row[col["Vendor"]] = "Demo Kitchen Co"
            if k == 0:  # order-level fields are filled on the first row only
                st = o["state"]
                values = {
                    "Financial Status": fin,
                    "Paid at": _shop_time(o["paid"]),
                    "Fulfillment Status": ful,
                    "Fulfilled at": _shop_time(o["shipped"]),
                    "Accepts Marketing": "no",
                    "Currency": "USD",
                    "Subtotal": _money(o["subtotal"]),
                    "Shipping": _money(o["shipping"]),
                    "Taxes": _money(o["taxes"]),
                    "Total": _money(total),
                    "Discount Code": "WELCOME10" if o["discount"] else "",
                    "Discount Amount": _money(o["discount"]),
                    "Shipping Method": "Free Shipping" if not o["shipping"] else "Standard",
                    "Created at": _shop_time(o["created"]),
                    "Shipping Name": f"Buyer {o['buyer']}",
                    "Shipping Province": st[0],
                    "Shipping Country": "US",
                    "Cancelled at": _shop_time(o["cancelled_at"]),
                    "Payment Method": "Shopify Payments",
                    "Refunded Amount": "0.00",
                    "Vendor": "Demo Kitchen Co",
                    "Outstanding Balance": "0.00",
                    "Id": o["id"],
                    "Risk Level": "Low",
                    "Source": "web",
                }
                for key, value in values.items():
                    row[col[key]] = value
            writer.writerow(row)
    return out.getvalue()


# Cost inputs of the same seller (issue 19): unit costs, Amazon Sponsored Products spend, hourly Google Ads spend.
COST_SHARE = (0.35, 0.55)  # unit cost as a share of the price
COST_CHANGE = ("KN-CHEF-8", datetime(2025, 9, 15), 1.08)  # the supplier raised this SKU's cost by 8% on that day
AMAZON_CAMPAIGNS = [  # (name, portfolio, spend per day in USD, cost per click)
    ("SP - Cutting Boards - Auto", "Boards", 18.0, 0.52),
    ("SP - Knives - Exact", "Knives", 24.0, 0.88),
    ("SP - Kitchen Tools - Broad", "Tools", 11.0, 0.41),
]
GOOGLE_CAMPAIGN = ("Shopping - Kitchen Store", 21.0, 0.63)  # (name, spend per day in USD, cost per click)
AMAZON_ADS_HEADER = [
    "Date",
    "Portfolio name",
    "Currency",
    "Campaign Name",
    "Impressions",
    "Clicks",
    "Click-Thru Rate (CTR)",
    "Cost Per Click (CPC)",
    "Spend",
    "7 Day Total Sales ",
    "Total Advertising Cost of Sales (ACOS) ",
    "Total Return on Advertising Spend (ROAS)",
    "7 Day Total Orders (#)",
    "7 Day Total Units (#)",
    "7 Day Conversion Rate",
]


def _demo_days() -> list[datetime]:
    """The local days the order history covers."""
    return [START + timedelta(days=d) for d in range((END - START).days)]


def product_costs(rng: np.random.Generator) -> str:
    """Generic sku,unit_cost file: one cost per SKU, and one SKU whose cost changes inside the history."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["sku", "unit_cost", "currency", "valid_from", "valid_to", "category"])
    for sku, _, _, price, _ in CATALOG:
        cost = round(price * float(rng.uniform(*COST_SHARE)), 2)
        if sku == COST_CHANGE[0]:
            change = COST_CHANGE[1]
            writer.writerow([sku, f"{cost:.2f}", "USD", "", (change - timedelta(days=1)).date().isoformat(), "Kitchen"])
            writer.writerow([sku, f"{cost * COST_CHANGE[2]:.2f}", "USD", change.date().isoformat(), "", "Kitchen"])
        else:
            writer.writerow([sku, f"{cost:.2f}", "USD", "", "", "Kitchen"])
    return out.getvalue()


def amazon_ads(rng: np.random.Generator) -> str:
    """Amazon Ads Sponsored Products campaign report, one row per campaign and day (comma-separated, as downloaded)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AMAZON_ADS_HEADER)
    for day in _demo_days():
        for name, portfolio, per_day, cpc in AMAZON_CAMPAIGNS:
            spend = round(per_day * float(rng.lognormal(0.0, 0.15)), 2)
            clicks = max(1, round(spend / cpc))
            impressions = int(clicks * float(rng.uniform(90, 140)))
            orders = int(rng.binomial(clicks, 0.12))
            sales = round(orders * float(rng.uniform(20, 60)), 2)
            writer.writerow(
                [
                    day.strftime("%b %d, %Y"),
                    portfolio,
                    "USD",
                    name,
                    impressions,
                    clicks,
                    f"{100 * clicks / impressions:.4f}%",
                    f"${spend / clicks:.2f}",
                    f"${spend:,.2f}",
                    f"${sales:,.2f}",
                    f"{100 * spend / sales:.2f}%" if sales else "",
                    f"{sales / spend:.2f}",
                    orders,
                    orders,
                    f"{100 * orders / clicks:.4f}%",
                ]
            )
    return out.getvalue()


def google_ads(rng: np.random.Generator) -> str:
    """Google Ads campaign report segmented by hour of day (the account's Eastern time), with the two title lines
    and the Total rows the download has. Hours without impressions are left out, as Google does."""
    name, per_day, cpc = GOOGLE_CAMPAIGN
    days = _demo_days()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Campaign report"])
    first, last = days[0], days[-1]
    writer.writerow([f"{first:%B} {first.day}, {first.year} - {last:%B} {last.day}, {last.year}"])
    writer.writerow(["Day", "Hour of day", "Campaign", "Currency code", "Cost", "Impr.", "Clicks"])
    shares = HOUR_PROFILE / HOUR_PROFILE.sum()
    total_cost, total_impr, total_clicks = 0.0, 0, 0
    for day in days:
        for hour in range(24):
            clicks = int(rng.poisson(per_day * shares[hour] / cpc))
            if not clicks:
                continue
            cost = round(clicks * cpc * float(rng.uniform(0.8, 1.2)), 2)
            impressions = int(clicks * float(rng.uniform(40, 70)))
            writer.writerow([day.date().isoformat(), hour, name, "USD", f"{cost:,.2f}", impressions, clicks])
            total_cost, total_impr, total_clicks = total_cost + cost, total_impr + impressions, total_clicks + clicks
    for label in ("Total: Account", "Total: Shopping"):
        writer.writerow([label, "--", "--", "USD", f"{total_cost:,.2f}", total_impr, total_clicks])
    return out.getvalue()


AMAZON_FILE = "amazon_all_orders.txt"
SHOPIFY_FILE = "shopify_orders_export.csv"
TRUTH_FILE = "truth.json"
COSTS_FILE = "product_costs.csv"
AMAZON_ADS_FILE = "amazon_ads.csv"
GOOGLE_ADS_FILE = "google_ads.csv"


def generate() -> dict[str, bytes]:
    """File name -> exact bytes of each demo export."""
    # Children 0 and 1 draw the orders, as they always have; the cost files draw from children of their own so the
    # order files stay byte-identical.
    amazon_rng, shopify_rng, cost_rng, amazon_ads_rng, google_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(SEED).spawn(5)
    )
    truth: dict = {
        "note": "What the simulation put in: expected counts are the model's rates, actual ones the drawn orders.",
        "window": {"start": "2025-10-20T06:48:00Z", "end": "2025-10-20T21:20:00Z"},
        "amazon": {},
        "shopify": {},
    }
    files = {
        AMAZON_FILE: amazon_report(amazon_rng, truth["amazon"]).encode("utf-8"),
        SHOPIFY_FILE: shopify_export(shopify_rng, truth["shopify"]).encode("utf-8"),
    }
    files[TRUTH_FILE] = (json.dumps(truth, indent=2, sort_keys=True) + "\n").encode("utf-8")
    files[COSTS_FILE] = product_costs(cost_rng).encode("utf-8")
    files[AMAZON_ADS_FILE] = amazon_ads(amazon_ads_rng).encode("utf-8")
    files[GOOGLE_ADS_FILE] = google_ads(google_rng).encode("utf-8")
    return files


def write(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in generate().items():
        path = out_dir / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data" / "demo")
    args = parser.parse_args(argv)
    for path in write(args.out):
        print(f"{path} {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

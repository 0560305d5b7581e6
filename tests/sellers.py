"""Seller exports generated for tests that need a realistic volume (hundreds of orders a day) and a known outage."""

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from bench.perf import AMAZON_HEADER  # the All Orders columns, as the speed benchmark writes them

# Orders by hour of day (UTC), a US seller's evening peak.
HOUR_SHAPE = np.array(
    [2, 1.5, 1, 0.8, 0.7, 0.8, 1.2, 2, 3, 4, 4.5, 5, 5.2, 5.4, 5.5, 5.6, 5.8, 6, 6.2, 6.4, 6, 5, 4, 3]
)


def amazon_seller(
    path: Path,
    *,
    start: datetime,
    days: int,
    per_day: float,
    outage: tuple[datetime, datetime],
    kept: float = 0.03,
    seed: int = 3,
) -> Path:
    """An Amazon All Orders report with Poisson orders per hour; inside `outage` only `kept` of them arrive."""
    rng = np.random.default_rng(seed)
    shape = HOUR_SHAPE / HOUR_SHAPE.sum()
    rows = ["\t".join(AMAZON_HEADER)]
    for d in range(days):
        day = start + timedelta(days=d)
        for h in range(24):
            for second in np.sort(rng.integers(0, 3600, rng.poisson(per_day * shape[h]))):
                t = day + timedelta(hours=h, seconds=int(second))
                if outage[0] <= t < outage[1] and rng.random() > kept:
                    continue
                sku, qty = int(rng.integers(0, 40)), 1 + int(rng.random() < 0.2)
                stamp = t.strftime("%Y-%m-%dT%H:%M:%S+00:00")
                row = dict.fromkeys(AMAZON_HEADER, "")
                row.update(
                    {
                        "amazon-order-id": f"111-{len(rows):07d}-{d:07d}",
                        "purchase-date": stamp,
                        "last-updated-date": stamp,
                        "order-status": "Shipped",
                        "fulfillment-channel": "Amazon",
                        "sales-channel": "Amazon.com",
                        "product-name": f"Product {sku}",
                        "sku": f"SKU-{sku:03d}",
                        "asin": f"B0{sku:08d}",
                        "item-status": "Shipped",
                        "quantity": str(qty),
                        "currency": "USD",
                        "item-price": f"{(12 + sku * 0.75) * qty:.2f}",
                        "ship-country": "US",
                        "is-business-order": "false",
                    }
                )
                rows.append("\t".join(row[k] for k in AMAZON_HEADER))
    path.write_text("\n".join(rows) + "\n")
    return path


def september_outage_seller(path: Path) -> Path:
    """300 orders a day from 7 Jul to 14 Oct 2025; Amazon down on 29 Sep 2025, 18:00-23:00 UTC (97% of orders lost)."""
    return amazon_seller(
        path,
        start=datetime(2025, 7, 7),
        days=100,
        per_day=300,
        outage=(datetime(2025, 9, 29, 18), datetime(2025, 9, 29, 23)),
    )


EBAY_HEADER = [
    "Sales Record Number",
    "Order Number",
    "Item Number",
    "Item Title",
    "Custom Label",
    "Quantity",
    "Sold For",
    "Sale Date",
    "Paid On Date",
    "Ship By Date",
    "Shipped On Date",
    "Transaction ID",
    "Ship To Country",
]
# Days from sale to shipment: most go out the next day or on the ship-by day (sale + 2); a few miss it.
EBAY_SHIP_DAYS = {0: 0.10, 1: 0.36, 2: 0.50, 3: 0.04}


def ebay_stalled_seller(
    path: Path, *, start: date, days: int, per_day: float, stall: date, handling_days: int = 2, seed: int = 11
) -> int:
    """An eBay orders report with dates only (as eBay exports them) in which nothing ships on `stall`.

    Ship-by is the sale day + `handling_days`. Orders that would have shipped on the stall day go out the next day
    instead. Returns the true number of orders the stall made late: late with the stall and on time without it,
    judged by day (shipped after the ship-by day is late), from the same draws.
    """
    rng = np.random.default_rng(seed)
    offsets, shares = list(EBAY_SHIP_DAYS), list(EBAY_SHIP_DAYS.values())
    last = start + timedelta(days=days - 1)
    fmt = "%b-%d-%y"
    rows = [",".join(f'"{h}"' for h in EBAY_HEADER)]
    made_late = 0
    for d in range(days):
        sold = start + timedelta(days=d)
        due = sold + timedelta(days=handling_days)
        for _ in range(rng.poisson(per_day)):
            planned = sold + timedelta(days=int(rng.choice(offsets, p=shares)))
            shipped = planned + timedelta(days=1) if planned == stall else planned
            # The report ends on its last day: later shipments have no date yet, and no ship-by past it is judged.
            if due < last:
                made_late += int(shipped > due >= planned)
            sku, qty = int(rng.integers(0, 30)), 1 + int(rng.random() < 0.15)
            n = len(rows)
            rows.append(
                ",".join(
                    [
                        str(1000 + n),
                        f"12-{n:05d}-{d:05d}",
                        str(300000 + sku),
                        f"Item {sku}",
                        f"SKU-{sku:02d}",
                        str(qty),
                        f'"${9.5 + sku * 1.25:,.2f}"',
                        sold.strftime(fmt),
                        sold.strftime(fmt),
                        due.strftime(fmt),
                        shipped.strftime(fmt) if shipped <= last else "",
                        f"T{n}",
                        "United States",
                    ]
                )
            )
    rows.append(f"{len(rows) - 1},record(s) downloaded,from {start:{fmt}} to {last:{fmt}}")
    path.write_text("\n" + "\n".join(rows) + "\n")
    return made_late


AMAZON_SHIP_COLUMNS = ["shipment-date", "latest-ship-date"]


def merchant_fulfilled_seller(
    path: Path,
    *,
    start: datetime,
    days: int,
    per_day: float,
    stalled: tuple[datetime, datetime],
    late_share: float = 0.02,
    fba_share: float = 0.2,
    seed: int = 5,
) -> list[dict]:
    """An Amazon All Orders report with ship times (shipment-date, latest-ship-date: 24 h after purchase) for a seller
    who ships most orders themselves. `late_share` of orders ship 5 h after their ship-by date; no shipment can be
    confirmed during `stalled`, so those ship at its end. Returns the orders as written, for cross-checks."""
    rng = np.random.default_rng(seed)
    shape = HOUR_SHAPE / HOUR_SHAPE.sum()
    header = AMAZON_HEADER + AMAZON_SHIP_COLUMNS
    rows, orders = ["\t".join(header)], []
    fmt = "%Y-%m-%dT%H:%M:%S+00:00"
    for d in range(days):
        for h in range(24):
            for second in np.sort(rng.integers(0, 3600, rng.poisson(per_day * shape[h]))):
                bought = start + timedelta(days=d, hours=h, seconds=int(second))
                promise = bought + timedelta(hours=24)
                fba = rng.random() < fba_share
                shipped = bought + timedelta(hours=float(rng.uniform(2, 20)))
                if rng.random() < late_share:
                    shipped = promise + timedelta(hours=5)
                if not fba and stalled[0] <= shipped < stalled[1]:
                    shipped = stalled[1]
                order = {
                    "order_id": f"112-{len(rows):07d}-{d:07d}",
                    "bought": bought,
                    "promise": promise,
                    "shipped": shipped,
                    "fba": fba,
                }
                row = dict.fromkeys(header, "")
                row.update(
                    {
                        "amazon-order-id": order["order_id"],
                        "purchase-date": bought.strftime(fmt),
                        "last-updated-date": bought.strftime(fmt),
                        "order-status": "Shipped",
                        "fulfillment-channel": "Amazon" if fba else "Merchant",
                        "sales-channel": "Amazon.com",
                        "product-name": "Mug",
                        "sku": "MUG-1",
                        "item-status": "Shipped",
                        "quantity": "1",
                        "currency": "USD",
                        "item-price": "18.00",
                        "ship-country": "US",
                        "shipment-date": shipped.strftime(fmt),
                        "latest-ship-date": promise.strftime(fmt),
                    }
                )
                rows.append("\t".join(row[k] for k in header))
                orders.append(order)
    path.write_text("\n".join(rows) + "\n")
    return orders


SHOPIFY_HEADER = ["Name", "Financial Status", "Currency", "Subtotal", "Created at", "Lineitem quantity"]
SHOPIFY_HEADER += ["Lineitem name", "Lineitem price", "Lineitem sku", "Source"]


def shopify_tiktok_seller(
    path: Path,
    *,
    start: datetime,
    days: int,
    per_day: tuple[float, float],
    tiktok_outage: tuple[datetime, datetime],
    seed: int = 5,
) -> Path:
    """A Shopify orders export with the store's own orders (Source 'web') and TikTok Shop orders synced into it
    (Source 'tiktok'), `per_day` of each with Poisson arrivals; inside `tiktok_outage` no TikTok order arrives."""
    rng = np.random.default_rng(seed)
    shape = HOUR_SHAPE / HOUR_SHAPE.sum()
    rows = [",".join(SHOPIFY_HEADER)]
    for d in range(days):
        day = start + timedelta(days=d)
        for h in range(24):
            for source, rate in zip(("web", "tiktok"), per_day, strict=True):
                for second in np.sort(rng.integers(0, 3600, rng.poisson(rate * shape[h]))):
                    t = day + timedelta(hours=h, seconds=int(second))
                    if source == "tiktok" and tiktok_outage[0] <= t < tiktok_outage[1]:
                        continue
                    sku, qty = int(rng.integers(0, 30)), 1 + int(rng.random() < 0.2)
                    price = f"{18 + sku * 0.5:.2f}"
                    total = f"{(18 + sku * 0.5) * qty:.2f}"
                    stamp = t.strftime("%Y-%m-%d %H:%M:%S +0000")
                    rows.append(
                        f"#{len(rows) + 1000},paid,USD,{total},{stamp},{qty},Dress {sku},{price},DR-{sku:03d},{source}"
                    )
    path.write_text("\n".join(rows) + "\n")
    return path

"""A synthetic seller's orders written as the exports a seller downloads, in each format's own clock.

Amazon's All Orders report carries UTC (`+00:00`); Shopify's orders export the shop's offset on every order
(`2025-03-09 01:15:02 -0500`, then `-0400` after the clock change); eBay's Seller Hub report and WooCommerce's
Analytics download carry local times without an offset (eBay's report also the buyers' country). Headers are the
real ones (/work/shared/reference/export-formats.md), so the files go through impact.ingest as a seller's would.

    sim = simulate(rng, make_seller(rng, 300, tz="America/New_York"))
    paths = write_exports(sim, folder)        # amazon_all_orders.txt, orders_export_1.csv, ... per channel
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bench.perf import AMAZON_HEADER

from .synth import Simulated

SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
    "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,"
    "Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,"
    "Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,"
    "Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,"
    "Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,"
    "Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source"
).split(",")
EBAY_HEADER = (
    "Sales Record Number,Order Number,Buyer Username,Buyer Name,Buyer Email,Buyer Note,Buyer Address 1,"
    "Buyer Address 2,Buyer City,Buyer State,Buyer Zip,Buyer Country,Buyer Tax Identifier Name,"
    "Buyer Tax Identifier Value,Ship To Name,Ship To Phone,Ship To Address 1,Ship To Address 2,Ship To City,"
    "Ship To State,Ship To Zip,Ship To Country,Item Number,Item Title,Custom Label,Sold Via Promoted Listings,"
    "Quantity,Sold For,Shipping And Handling,Item Location,Item Zip Code,Item Country,Total Price,Payment Method,"
    "Sale Date,Paid On Date,Ship By Date,Shipped On Date,Transaction ID"
).split(",")
WOOCOMMERCE_HEADER = (
    "Date,Order #,Status,Customer,Customer type,Product(s),Items sold,Coupon(s),Net sales,Origin".split(",")
)
FILE_NAMES = {
    "amazon": "amazon_all_orders.txt",
    "shopify": "orders_export_1.csv",
    "ebay": "ebay_orders.csv",
    "woocommerce": "woocommerce_orders.csv",
}


def _lines(sim: Simulated, channel: str) -> pd.DataFrame:
    """The channel's order lines: order id, UTC time, the seller's local time, sku, quantity, unit price."""
    idx = list(sim.seller.channels).index(channel)
    o = sim.line_order
    mine = sim.channel[o] == idx
    o = o[mine]
    utc = (pd.Timestamp(sim.seller.start) + pd.to_timedelta(sim.hours[o], unit="h")).floor("s")
    utc = pd.DatetimeIndex(utc).tz_localize("UTC")
    return pd.DataFrame(
        {
            "order": sim.order_id[o],
            "utc": utc,
            "local": utc.tz_convert(sim.seller.tz),
            "sku": np.char.add("SKU-", sim.line_sku[mine].astype(str)),
            "qty": sim.line_qty[mine].astype(int),
            "price": sim.line_price[mine],
        }
    )


def _table(header: list[str], columns: dict[str, object], n: int) -> pd.DataFrame:
    return pd.DataFrame({h: columns.get(h, [""] * n) for h in header})


def amazon_all_orders(sim: Simulated, path: Path, channel: str = "amazon") -> Path:
    """The All Orders report (tab-separated): purchase-date in UTC with +00:00, as Amazon writes it."""
    d = _lines(sim, channel)
    stamp = d["utc"].dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    cols = {
        "amazon-order-id": "111-" + d["order"].astype(str),
        "purchase-date": stamp,
        "last-updated-date": stamp,
        "order-status": "Shipped",
        "fulfillment-channel": "Amazon",
        "sales-channel": "Amazon.com",
        "product-name": "Product " + d["sku"],
        "sku": d["sku"],
        "item-status": "Shipped",
        "quantity": d["qty"].astype(str),
        "currency": "USD",
        "item-price": (d["price"] * d["qty"]).map("{:.2f}".format),
        "ship-country": "US",
    }
    _table(AMAZON_HEADER, cols, len(d)).to_csv(path, sep="\t", index=False)
    return path


def shopify_orders(sim: Simulated, path: Path, channel: str = "shopify", country: str = "US") -> Path:
    """Shopify's orders export: Created at in the shop's zone with its offset, on each order's first row only."""
    d = _lines(sim, channel)
    first = ~d["order"].duplicated()
    created = d["local"].dt.strftime("%Y-%m-%d %H:%M:%S %z").where(first, "")
    cols = {
        "Name": "#" + d["order"].astype(str),
        "Financial Status": np.where(first, "paid", ""),
        "Currency": np.where(first, "USD", ""),
        "Created at": created,
        "Lineitem quantity": d["qty"].astype(str),
        "Lineitem name": "Product " + d["sku"],
        "Lineitem price": d["price"].map("{:.2f}".format),
        "Lineitem sku": d["sku"],
        "Shipping Country": np.where(first, country, ""),
        "Source": np.where(first, "web", ""),
    }
    _table(SHOPIFY_HEADER, cols, len(d)).to_csv(path, index=False)
    return path


def ebay_orders(sim: Simulated, path: Path, channel: str = "ebay", country: str = "United States") -> Path:
    """eBay's Seller Hub report: a blank first line, local sale times without an offset, the footer rows."""
    d = _lines(sim, channel)
    cols = {
        "Sales Record Number": (np.arange(len(d)) + 1).astype(str),
        "Order Number": "12-" + d["order"].astype(str),
        "Ship To Country": country,
        "Item Number": d["sku"].str[4:],
        "Item Title": "Product " + d["sku"],
        "Custom Label": d["sku"],
        "Quantity": d["qty"].astype(str),
        "Sold For": d["price"].map("${:,.2f}".format),
        "Item Country": country,
        "Sale Date": d["local"].dt.strftime("%b-%d-%y %H:%M:%S"),
        "Transaction ID": (np.arange(len(d)) + 9000).astype(str),
    }
    body = _table(EBAY_HEADER, cols, len(d)).to_csv(index=False)
    footer = f"\n{len(d)},record(s) downloaded,from {d['local'].min():%b-%d-%y} to {d['local'].max():%b-%d-%y}\n"
    path.write_text("\n" + body + footer + "Seller ID : synthetic_seller\n")
    return path


def woocommerce_orders(sim: Simulated, path: Path, channel: str = "ebay") -> Path:
    """WooCommerce's Analytics > Orders download: one row per order, local times without an offset, no country."""
    d = _lines(sim, channel)
    d["net"] = d["price"] * d["qty"]
    orders = d.groupby("order", sort=False).agg(local=("local", "first"), items=("qty", "sum"), net=("net", "sum"))
    cols = {
        "Date": orders["local"].dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
        "Order #": orders.index.astype(str),
        "Status": "Completed",
        "Customer": "",
        "Customer type": "returning",
        "Product(s)": "Products",
        "Items sold": orders["items"].astype(str).to_numpy(),
        "Net sales": orders["net"].map("{:.2f}".format).to_numpy(),
        "Origin": "Direct",
    }
    _table(WOOCOMMERCE_HEADER, cols, len(orders)).to_csv(path, index=False)
    return path


WRITERS = {"amazon": amazon_all_orders, "shopify": shopify_orders, "ebay": ebay_orders}


def write_exports(sim: Simulated, folder: Path) -> list[Path]:
    """Each channel of the seller as its own export, in the folder: Amazon (UTC), Shopify (offsets), eBay (local)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [WRITERS[ch](sim, folder / FILE_NAMES[ch]) for ch in sim.seller.channels]

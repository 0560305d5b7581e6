"""Tests for scripts/make_demo_data.py: the committed demo exports are reproducible and look like real exports."""

import csv
import io
import json
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
SCRIPT = ROOT / "scripts" / "make_demo_data.py"
REFERENCE_AMAZON_HEADER = (
    "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\t"
    "sales-channel\torder-channel\turl\tship-service-level\tproduct-name\tsku\tasin\titem-status\tquantity\tcurrency\t"
    "item-price\titem-tax\tshipping-price\tshipping-tax\tgift-wrap-price\tgift-wrap-tax\titem-promotion-discount\t"
    "ship-promotion-discount\tship-city\tship-state\tship-postal-code\tship-country\tpromotion-ids\tis-business-order\t"
    "purchase-order-number\tprice-designation"
)
REFERENCE_SHOPIFY_HEADER_START = "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,"
REFERENCE_SHOPIFY_HEADER_END = "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
OUTAGE_START = datetime(2025, 10, 20, 6, 48, tzinfo=UTC)
OUTAGE_END = datetime(2025, 10, 20, 21, 20, tzinfo=UTC)


@pytest.fixture(scope="module")
def amazon_rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO((DEMO / "amazon_all_orders.txt").read_text("utf-8")), delimiter="\t"))


@pytest.fixture(scope="module")
def shopify_rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO((DEMO / "shopify_orders_export.csv").read_text("utf-8"))))


def test_committed_files_equal_a_fresh_run(tmp_path):
    """Regenerating into a temporary directory gives byte-identical files to the committed ones."""
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, capture_output=True)
    fresh = sorted(p.name for p in tmp_path.iterdir())
    assert fresh == sorted(p.name for p in DEMO.iterdir())
    for name in fresh:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_demo_stays_small():
    """The demo directory stays small enough to live in git."""
    assert sum(p.stat().st_size for p in DEMO.iterdir()) < 1_800_000


def test_headers_match_the_reference_exports():
    """The Amazon header is the exact 32-column one and the Shopify header is the full current one."""
    amazon_header = (DEMO / "amazon_all_orders.txt").read_text("utf-8").split("\n", 1)[0]
    assert amazon_header == REFERENCE_AMAZON_HEADER
    shopify_header = (DEMO / "shopify_orders_export.csv").read_text("utf-8").split("\n", 1)[0]
    assert shopify_header.startswith(REFERENCE_SHOPIFY_HEADER_START)
    assert shopify_header.endswith(REFERENCE_SHOPIFY_HEADER_END)
    assert len(shopify_header.split(",")) == 79


def test_amazon_rows_have_realistic_variety(amazon_rows):
    """Amazon lines use +00:00 offsets, mix FBA and MFN, and cancelled lines have an empty item-price."""
    assert all(r["purchase-date"].endswith("+00:00") for r in amazon_rows)
    assert {r["fulfillment-channel"] for r in amazon_rows} == {"Amazon", "Merchant"}
    assert {r["sales-channel"] for r in amazon_rows} == {"Amazon.com"}
    cancelled = [r for r in amazon_rows if r["order-status"] == "Cancelled"]
    assert cancelled and all(r["item-price"] == "" for r in cancelled)
    lines_per_order = defaultdict(int)
    for r in amazon_rows:
        lines_per_order[r["amazon-order-id"]] += 1
    assert max(lines_per_order.values()) >= 2


def test_amazon_volume_and_outage_dip(amazon_rows):
    """Amazon has ~40-60 orders a day and far fewer orders in the outage window than the same hours a week before."""
    first_seen = {}
    for r in amazon_rows:
        first_seen.setdefault(r["amazon-order-id"], datetime.fromisoformat(r["purchase-date"]))
    per_day = defaultdict(int)
    for t in first_seen.values():
        per_day[t.date()] += 1
    full_days = sorted(per_day.values())[1:-1]
    assert 35 <= sorted(full_days)[len(full_days) // 2] <= 60
    assert len(per_day) >= 95  # ~90 days before the outage and ~10 after

    def in_window(shift_days: int) -> int:
        lo, hi = OUTAGE_START - timedelta(days=shift_days), OUTAGE_END - timedelta(days=shift_days)
        return sum(lo <= t < hi for t in first_seen.values())

    typical = sum(in_window(d) for d in (7, 14, 21, 28)) / 4
    assert in_window(0) < 0.7 * typical


def test_shopify_rows_follow_the_export_conventions(shopify_rows):
    """Shopify continuation rows leave order-level fields blank; dates carry a -0400 offset; some are cancelled."""
    seen = set()
    for r in shopify_rows:
        if r["Name"] in seen:
            assert r["Created at"] == r["Financial Status"] == r["Fulfilled at"] == r["Total"] == ""
        else:
            seen.add(r["Name"])
            assert r["Created at"].endswith(" -0400")
            datetime.strptime(r["Created at"], "%Y-%m-%d %H:%M:%S %z")
    assert len(shopify_rows) > len(seen)  # some multi-item orders
    assert any(r["Cancelled at"] for r in shopify_rows)


def test_shopify_shipments_are_late_mostly_around_the_outage(shopify_rows):
    """Orders waiting to ship at the outage went late far more often than the seller's normal few percent."""
    near, elsewhere = [], []
    for r in shopify_rows:
        if r["Created at"] and r["Fulfilled at"]:
            created = datetime.strptime(r["Created at"], "%Y-%m-%d %H:%M:%S %z")
            shipped = datetime.strptime(r["Fulfilled at"], "%Y-%m-%d %H:%M:%S %z")
            assert shipped > created
            late = shipped - created > timedelta(hours=48)
            (near if OUTAGE_START - timedelta(days=2) < created < OUTAGE_START else elsewhere).append(late)
    assert sum(near) >= 8 and sum(near) / len(near) > 0.3
    assert 0.005 < sum(elsewhere) / len(elsewhere) < 0.06


def test_no_personal_data_beyond_placeholders(shopify_rows):
    """Every e-mail is an example.com placeholder and names are 'Buyer N'; street columns are empty."""
    for r in shopify_rows:
        assert r["Email"].endswith("@example.com")
        assert r["Shipping Name"] in ("",) or r["Shipping Name"].startswith("Buyer ")
        assert r["Billing Street"] == r["Shipping Street"] == r["Shipping Address1"] == r["Phone"] == ""


def test_truth_records_the_simulated_loss():
    """truth.json says what the simulation did: Amazon loses orders in the window, Shopify gains a little."""
    truth = json.loads((DEMO / "truth.json").read_text("utf-8"))
    amazon, shopify = truth["amazon"], truth["shopify"]
    assert amazon["orders_expected_with_outage"] < 0.6 * amazon["orders_expected_no_outage"]
    assert amazon["revenue_lost_expected"] > 0
    assert shopify["orders_expected_with_outage"] > shopify["orders_expected_no_outage"]
    assert shopify["excess_late_48h"] == shopify["late_48h_with_outage"] - shopify["late_48h_without_outage"] > 5


def test_cost_files_cover_the_catalog_and_the_history(shopify_rows):
    """Every SKU sold has a cost of 35-60% of its price, one cost changes mid-history, and both ad reports span the
    order history's days."""
    costs = list(csv.DictReader(io.StringIO((DEMO / "product_costs.csv").read_text("utf-8"))))
    price = {r["Lineitem sku"]: float(r["Lineitem price"]) for r in shopify_rows}
    assert {r["sku"] for r in costs} == set(price)
    assert all(0.35 <= float(r["unit_cost"]) / price[r["sku"]] <= 0.6 for r in costs)
    changed = [r for r in costs if r["valid_from"] or r["valid_to"]]
    assert len(changed) == 2 and changed[0]["sku"] == changed[1]["sku"]
    start = datetime(2025, 7, 26)
    days = {(start + timedelta(days=d)).date() for d in range(97)}
    amazon = list(csv.DictReader(io.StringIO((DEMO / "amazon_ads.csv").read_text("utf-8"))))
    assert {datetime.strptime(r["Date"], "%b %d, %Y").date() for r in amazon} == days
    google = (DEMO / "google_ads.csv").read_text("utf-8").splitlines()
    assert google[0] == "Campaign report" and google[-1].startswith("Total: ")
    rows = list(csv.DictReader(io.StringIO("\n".join(google[2:-2]))))
    assert {datetime.strptime(r["Day"], "%Y-%m-%d").date() for r in rows} == days

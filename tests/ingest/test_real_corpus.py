"""Tests on real exports that sellers published (tests/data/real/README.md names their sources): every file's counts
and revenue pinned, and the revenue equal to the export's own net figure, worked out here from the file itself."""

import csv
from collections import defaultdict
from decimal import Decimal

import pytest
from testdata import DATA

from impact.errors import UnknownFormatError
from impact.ingest import ingest_files

REAL = DATA / "real"

# file, format, lines, loaded, skipped, rejected, orders (excl. cancelled), revenue (excl. cancelled), currency
CASES = [
    ("shopify_pt_eur.csv", "shopify_orders", 143, 143, 0, 0, 134, "14807.98", "EUR"),
    ("shopify_gb_tiktok.csv", "shopify_orders", 61, 61, 0, 0, 52, "1903.40", "GBP"),
    ("shopify_be_eur.csv", "shopify_orders", 39, 39, 0, 0, 39, "209.58", "EUR"),
    ("shopify_us_usd.csv", "shopify_orders", 98, 98, 0, 0, 81, "2956.00", "USD"),
    ("shopify_pk_pkr.csv", "shopify_orders", 182, 182, 0, 0, 131, "4457850.00", "PKR"),
    ("shopify_us_draft_and_amazon_sources.csv", "shopify_orders", 322, 322, 0, 0, 226, "19505.76", "USD"),
    ("shopify_us_excel_month_first.csv", "shopify_orders", 130, 130, 0, 0, 94, "7250.00", "USD"),
    ("etsy_sold_order_items_2020.csv", "etsy_sold_order_items", 70, 70, 0, 0, 57, "259.84", "USD"),
    ("etsy_sold_order_items_2021.csv", "etsy_sold_order_items", 136, 136, 0, 0, 109, "568.30", "USD"),
    ("etsy_sold_order_items_2022.csv", "etsy_sold_order_items", 56, 56, 0, 0, 49, "218.50", "USD"),
    ("etsy_sold_orders_2022.csv", "etsy_sold_orders", 250, 250, 0, 0, 250, "6118.45", "USD"),
    ("etsy_sold_orders_2023_tabs.csv", "etsy_sold_orders", 250, 250, 0, 0, 250, "4114.00", "USD"),
    ("ebay_sales_history_2016.csv", "ebay_orders", 9, 4, 5, 0, 4, "46.30", "USD"),
]


def _money(text: str) -> Decimal:
    return Decimal((text or "0").replace("$", "").replace(",", "") or "0")


def _rows(name: str) -> list[dict]:
    text = (REAL / name).read_text(encoding="utf-8-sig")
    delimiter = "\t" if text.split("\n", 1)[0].count("\t") > 1 else ","
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if any(c.isalpha() for c in line))  # eBay's line of commas
    return list(csv.DictReader(lines[start:], delimiter=delimiter))


def _shopify_net(rows: list[dict]) -> Decimal:
    """The orders' Subtotal (after discounts, before shipping and taxes, without tips), cancelled orders aside."""
    first: dict[str, dict] = {}
    for r in rows:
        first.setdefault(r["Name"], r)
    return sum(
        (
            _money(r["Subtotal"])
            for r in first.values()
            if not r.get("Cancelled at") and r["Financial Status"] != "voided"
        ),
        Decimal(0),
    )


def _etsy_orders_net(rows: list[dict]) -> Decimal:
    """Order Value less the coupon, cancelled orders aside."""
    live = [r for r in rows if not r.get("Status", "").lower().startswith("cancel")]
    return sum((_money(r["Order Value"]) - _money(r["Discount Amount"]) for r in live), Decimal(0))


def _etsy_items_net(rows: list[dict]) -> Decimal:
    """Each item's price x quantity less its discount."""
    return sum((_money(r["Price"]) * int(r["Quantity"]) - _money(r["Discount Amount"]) for r in rows), Decimal(0))


def _ebay_net(rows: list[dict]) -> Decimal:
    """Sale price x quantity of the rows that are sales (the footer and the empty rows have no item number)."""
    sales = [r for r in rows if (r.get("Item Number") or "").strip()]
    return sum((_money(r["Sale Price"]) * int(r["Quantity"]) for r in sales), Decimal(0))


NET = {
    "shopify_orders": _shopify_net,
    "etsy_sold_orders": _etsy_orders_net,
    "etsy_sold_order_items": _etsy_items_net,
    "ebay_orders": _ebay_net,
}


@pytest.mark.parametrize("name,fmt,lines,loaded,skipped,rejected,orders,revenue,currency", CASES)
def test_real_export_counts_and_revenue(con, name, fmt, lines, loaded, skipped, rejected, orders, revenue, currency):
    """A real export loads with pinned counts, and its revenue is the export's own net figure to the cent."""
    report = ingest_files(con, [REAL / name])
    f = report.files[0]
    assert (f.format, f.lines, f.loaded, f.skipped, f.rejected) == (fmt, lines, loaded, skipped, rejected)
    assert f.lines == f.loaded + f.duplicates + f.skipped + f.rejected
    assert report.orders == orders
    assert report.currency == [currency]
    total = con.execute("SELECT sum(revenue) FILTER (status <> 'cancelled') FROM lines").fetchone()[0]
    assert total == Decimal(revenue)
    assert total == NET[fmt](_rows(name))


def test_shopify_revenue_is_the_subtotal_not_the_list_price(con):
    """Discounts and tips: the real Portuguese store's lines add up to its Subtotal, 3.7% under price x quantity."""
    ingest_files(con, [REAL / "shopify_pt_eur.csv"])
    orders = defaultdict(list)
    for r in _rows("shopify_pt_eur.csv"):
        orders[r["Name"]].append(r)
    gross = sum(
        (
            _money(r["Lineitem price"]) * int(r["Lineitem quantity"])
            for lines in orders.values()
            if not lines[0]["Cancelled at"]
            for r in lines
        ),
        Decimal(0),
    )
    total = con.execute("SELECT sum(revenue) FILTER (status <> 'cancelled') FROM lines").fetchone()[0]
    assert (gross, total) == (Decimal("15362.83"), Decimal("14807.98"))
    # The tip line of order #1107 counts 0; its other line carries the order's Subtotal.
    assert con.execute("SELECT product_name, revenue FROM lines WHERE order_id = '#1107' ORDER BY 1").fetchall() == [
        ("Jetski Rental - 20 minutes", Decimal("66.2900")),
        ("Tip", Decimal("0.0000")),
    ]


@pytest.mark.parametrize("name", ["shopify_ca_excel_day_first.csv", "shopify_ca_excel_last_rows_decide.csv"])
def test_shopify_export_without_prices_is_named(con, name):
    """A real Shopify export whose price columns were removed says so instead of 'no known export'."""
    with pytest.raises(UnknownFormatError) as err:
        ingest_files(con, [REAL / name])
    assert str(err.value) == (
        f"{name}: a Shopify orders export without Lineitem price: export it again with all its columns, or map its "
        "columns (order id, date, amount) to import it"
    )


@pytest.mark.parametrize("name,loaded", [("shopify_us_usd.csv", 98), ("etsy_sold_orders_2022.csv", 250)])
def test_line_ends_that_change_halfway_load_every_order(con, tmp_path, name, loaded):
    """A real export whose first half ends lines with LF and second half with CR LF (two saves pasted) loads all."""
    lines = (REAL / name).read_bytes().split(b"\n")
    half = len(lines) // 2
    path = tmp_path / name
    path.write_bytes(b"\n".join(lines[:half]) + b"\n" + b"\r\n".join(lines[half:]))
    before = _rows(name)
    report = ingest_files(con, [path])
    assert (report.files[0].loaded, report.files[0].rejected) == (loaded, 0)
    fmt = report.files[0].format
    assert con.execute("SELECT sum(revenue) FILTER (status <> 'cancelled') FROM lines").fetchone()[0] == NET[fmt](
        before
    )


def test_corpus_holds_every_file_its_readme_names():
    """Every file under tests/data/real/ is listed with its source in the README, and every listed file exists."""
    readme = (REAL / "README.md").read_text()
    files = sorted(p.name for p in REAL.iterdir() if p.suffix in (".csv", ".txt"))
    listed = sorted({w.strip("`") for w in readme.split() if w.strip("`").endswith((".csv", ".txt"))} & set(files))
    assert listed == files and len(files) >= 12


def test_shopify_source_is_kept_as_the_marketplace(con):
    """59 of the real UK store's 60 orders came from TikTok Shop (Source = tiktok): that is their marketplace."""
    ingest_files(con, [REAL / "shopify_gb_tiktok.csv"])
    assert con.execute(
        "SELECT marketplace, count(DISTINCT order_id) FROM lines WHERE channel = 'shopify' GROUP BY 1 ORDER BY 1"
    ).fetchall() == [("Shopify", 1), ("TikTok Shop", 59)]

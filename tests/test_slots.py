"""Files in the wrong upload slot: each gets the one sentence saying where it goes (impact.slots)."""

import pytest

from impact.slots import guess_columns, kind_of, wrong_slot
from tests.testdata import ROOT

DATA = ROOT / "tests" / "data"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (DATA / "costs" / "shopify_products_export.csv", "costs"),
        (DATA / "costs" / "product_costs.csv", "costs"),
        (DATA / "costs" / "google_ads_hourly.csv", "ads"),
        (DATA / "shopify_orders_export.csv", "orders"),
        (DATA / "amazon_all_orders_32.txt", "orders"),
        (DATA / "shipstation_shipments.csv", "shipping"),
        (DATA / "bad" / "workbook.xlsx", "spreadsheet"),
    ],
)
def test_kind_of_reads_the_head(path, kind):
    """Each sample is recognised by its first bytes and header alone."""
    assert kind_of(path, path.name) == kind


def test_wrong_slot_sentences(tmp_path):
    """A products export as orders, orders as costs, a PDF and a prose file each get their one sentence."""
    products = DATA / "costs" / "shopify_products_export.csv"
    assert wrong_slot("products.csv", products, "orders") == (
        "products.csv is a product cost or fee file: add it under Costs and fees (Product costs and fee reports)."
    )
    orders = DATA / "shopify_orders_export.csv"
    assert wrong_slot("orders.csv", orders, "costs") == (
        "orders.csv is an order export: add it under Your orders (Order exports)."
    )
    assert wrong_slot("orders.csv", orders, "orders") is None
    assert wrong_slot("products.csv", products, "costs") is None
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert wrong_slot("report.pdf", pdf, "orders") == (
        "report.pdf is a PDF: Outage Impact reads the report as a file of rows (CSV or tab-separated text); "
        "download that version of the report and add it here."
    )
    prose = tmp_path / "notes.txt"
    prose.write_text("My Shopify store went down on Tuesday afternoon.\nSales were slow all evening.\n")
    assert wrong_slot("notes.txt", prose, "orders") == (
        "notes.txt reads as text, not as a table: an export starts with a row of column names (such as Order ID, "
        "Date, Amount) separated by commas or tabs."
    )


def test_the_mapping_form_starts_from_the_obvious_columns():
    """Order#, Order Date, Qty and SKU are guessed; a column is used once; nothing is guessed for odd names."""
    header = ["Order#", "Order Date", "Customer", "SKU", "Qty", "Unit Price", "Line Total", "Status"]
    assert guess_columns(header) == {
        "order_id": "Order#",
        "purchased_at": "Order Date",
        "revenue": "Line Total",
        "price": "Unit Price",
        "quantity": "Qty",
        "sku": "SKU",
        "status": "Status",
    }
    assert guess_columns(["Ref", "When", "Money"]) == {}

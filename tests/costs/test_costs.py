"""Tests for impact/costs/__init__.py: load_costs, its report, its errors and the tables it keeps."""

import pytest
from testdata import DATA, ROOT

from impact.costs import CostReport, ensure_cost_tables, load_costs
from impact.errors import InputError, NoOrdersError, UnknownFormatError
from impact.ingest import ingest_files

COSTS = DATA / "costs"
DEMO = ROOT / "data" / "demo"


def test_tables_exist_empty_with_the_agreed_columns(con):
    """ensure_cost_tables creates product_costs, sku_fees and ad_spend with exactly the columns the engine uses."""
    ensure_cost_tables(con)
    ensure_cost_tables(con)  # twice is harmless

    def columns(table):
        return [r[0] + " " + r[1] for r in con.execute(f"DESCRIBE {table}").fetchall()]

    assert columns("product_costs") == [
        "sku VARCHAR",
        "unit_cost DECIMAL(18,4)",
        "currency VARCHAR",
        "valid_from DATE",
        "valid_to DATE",
        "category VARCHAR",
        "file_id INTEGER",
        "line INTEGER",
    ]
    assert columns("sku_fees") == [
        "sku VARCHAR",
        "referral_fee DECIMAL(18,4)",
        "fulfilment_fee DECIMAL(18,4)",
        "currency VARCHAR",
        "file_id INTEGER",
        "line INTEGER",
    ]
    assert columns("ad_spend") == [
        "channel VARCHAR",
        "day DATE",
        "hour INTEGER",
        "spend DECIMAL(18,4)",
        "currency VARCHAR",
        "source VARCHAR",
        "file_id INTEGER",
        "line INTEGER",
    ]
    assert con.execute("SELECT count(*) FROM product_costs").fetchone() == (0,)


def test_every_file_adds_up_and_the_report_serialises(con):
    """Across all sample files loaded together, loaded + skipped + rejected equals the lines of each."""
    costs = ["shopify_products_export.csv", "product_costs.csv", "fba_fee_preview_us.txt"]
    ads = ["amazon_sp_campaigns.csv", "shopify=" + str(COSTS / "google_ads_hourly.csv"), "ad_spend_generic.csv"]
    report = load_costs(con, [COSTS / c for c in costs], [a if "=" in a else COSTS / a for a in ads])
    assert isinstance(report, CostReport) and len(report.files) == 6
    for f in report.files:
        assert f.lines == f.loaded + f.skipped + f.rejected, f.name
        assert all(set(r) == {"line", "reason", "text"} for r in f.rejects)
    data = report.to_json()
    assert data["currencies"] == ["EUR", "USD"]
    assert [f["kind"] for f in data["files"]] == ["product_costs"] * 2 + ["fba_fees"] + ["ad_spend"] * 3


def test_unknown_skus_are_those_no_order_line_has(con):
    """Cost SKUs that never appear in the orders are listed, sorted."""
    ingest_files(con, [DATA / "shopify_orders_export.csv"])
    report = load_costs(con, [COSTS / "hostile_skus.csv", COSTS / "cost_overlaps.csv"])
    assert "KB-BAM-L" in report.unknown_skus and report.unknown_skus == sorted(report.unknown_skus)
    assert len(report.unknown_skus) == 5


def test_display_names_come_with_the_path(con):
    """A (display_name, path) pair reports the upload's name, not the temporary file's."""
    report = load_costs(con, [("my costs.csv", COSTS / "cost_overlaps.csv")])
    assert report.files[0].name == "my costs.csv"


def test_a_file_of_no_known_format_names_what_was_expected(con):
    """An order export given as a cost file is refused, naming the file and the kinds of file expected."""
    with pytest.raises(UnknownFormatError, match="shopify_orders_export.csv.*sku,unit_cost"):
        load_costs(con, [DATA / "shopify_orders_export.csv"])


def test_a_file_whose_rows_all_fail_says_why(con, tmp_path):
    """A cost file with nothing loadable raises with its first reasons and line numbers."""
    path = tmp_path / "bad.csv"
    path.write_text("sku,unit_cost\nA,abc\nB,-1\n")
    with pytest.raises(
        NoOrdersError, match='line 2: unreadable cost "abc": write a number such as 12.50; line 3: negative cost'
    ):
        load_costs(con, [path])


def test_a_failing_file_loads_nothing_of_the_call(con, tmp_path):
    """Load is all or nothing: a bad second file leaves the tables as they were."""
    path = tmp_path / "bad.csv"
    path.write_text("sku,unit_cost\nA,abc\n")
    with pytest.raises(InputError):
        load_costs(con, [COSTS / "cost_overlaps.csv", path])
    assert con.execute("SELECT count(*) FROM product_costs").fetchone() == (0,)


def test_demo_cost_files_load_with_no_rejects(con):
    """The demo seller's costs and ads load completely beside its orders, every SKU known."""
    ingest_files(con, [DEMO / "amazon_all_orders.txt", DEMO / "shopify_orders_export.csv"])
    report = load_costs(con, [DEMO / "product_costs.csv"], [DEMO / "amazon_ads.csv", DEMO / "google_ads.csv"])
    for f in report.files:
        assert f.rejected == 0 and f.warnings == [], f.name
        assert f.lines == f.loaded + f.skipped, f.name
    google = report.files[2]
    assert google.skipped_reasons == {"report title line above the header": 2, "total row": 2}
    assert report.unknown_skus == [] and report.currencies == ["USD"]
    assert con.execute("SELECT DISTINCT channel FROM ad_spend ORDER BY 1").fetchall() == [("amazon",), ("shopify",)]
    assert con.execute("SELECT count(*) FROM product_costs WHERE sku = 'KN-CHEF-8'").fetchone() == (2,)

"""Tests for impact/costs/fba_fees.py: the FBA fee preview report in its US and European shapes."""

from decimal import Decimal

from testdata import DATA

from impact.costs import load_costs

COSTS = DATA / "costs"


def test_us_fee_preview_loads_per_unit_fees(con):
    """Referral and fulfilment fees per unit load by SKU; '--' fees skip, a text fee is rejected on its line."""
    f = load_costs(con, [COSTS / "fba_fee_preview_us.txt"]).files[0]
    assert (f.kind, f.format, f.lines, f.loaded, f.skipped, f.rejected) == (
        "fba_fees",
        "amazon_fba_fee_preview",
        5,
        2,
        2,
        1,
    )
    assert f.skipped_reasons == {
        'no fee given ("--" or empty)': 1,
        "SKU repeated on a later line (that line is used)": 1,
    }
    assert [(r["line"], r["reason"]) for r in f.rejects] == [
        (5, 'unreadable fulfilment fee "abc": write a number such as 12.50')
    ]
    assert con.execute("SELECT * FROM sku_fees ORDER BY sku").fetchall() == [
        # the repeated SKU keeps its last line (6), whose fulfilment fee differs
        ("KB-BAM-L", Decimal("5.25"), Decimal("5.71"), "USD", 1, 6),
        ("KN-CHEF-8", Decimal("9.00"), Decimal("4.91"), "USD", 1, 3),
    ]


def test_a_quote_in_a_product_name_is_text(con):
    """Amazon's flat files never quote, so a product name starting with a quote does not swallow the line."""
    f = load_costs(con, [COSTS / "fba_fee_preview_us.txt"]).files[0]
    assert f.lines == f.loaded + f.skipped + f.rejected == 5


def test_european_columns_and_decimal_commas(con):
    """The domestic fulfilment fee is used over the cross-border ones, and 4,95 reads as 4.95 EUR."""
    report = load_costs(con, [COSTS / "fba_fee_preview_de.txt"])
    assert report.currencies == ["EUR"]
    assert con.execute("SELECT sku, referral_fee, fulfilment_fee FROM sku_fees ORDER BY sku").fetchall() == [
        ("KB-BAM-L", Decimal("4.95"), Decimal("4.17")),
        ("KN-CHEF-8", Decimal("8.25"), Decimal("3.76")),
    ]


def test_a_later_file_replaces_the_fees_of_its_skus(con):
    """One row per SKU: a second fee report replaces the SKUs it lists and says so."""
    load_costs(con, [COSTS / "fba_fee_preview_us.txt"])
    f = load_costs(con, [COSTS / "fba_fee_preview_de.txt"]).files[0]
    assert f.warnings == ["2 SKUs already had fees from an earlier file; this file's fees replace them"]
    assert con.execute("SELECT count(*), count(DISTINCT sku), min(currency) FROM sku_fees").fetchone() == (2, 2, "EUR")

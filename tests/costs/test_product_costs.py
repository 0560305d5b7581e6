"""Tests for impact/costs/product_costs.py: Shopify and generic cost files, mapping, overlapping ranges."""

from datetime import date
from decimal import Decimal

import pytest
from testdata import DATA

from impact.costs import load_costs
from impact.errors import MappingError

COSTS = DATA / "costs"


def _rows(con, sku):
    return con.execute(
        "SELECT unit_cost, valid_from, valid_to, line FROM product_costs WHERE sku = $s ORDER BY valid_from NULLS FIRST",
        {"s": sku},
    ).fetchall()


def test_shopify_products_export_loads_variants_and_skips_the_rest(con):
    """Variants with a cost load; image rows and empty costs are skipped; a text cost is rejected on its line."""
    f = load_costs(con, [COSTS / "shopify_products_export.csv"]).files[0]
    assert (f.format, f.lines, f.loaded, f.skipped, f.rejected) == ("shopify_products", 6, 3, 2, 1)
    assert f.skipped_reasons == {"no SKU": 1, "no cost given": 1}
    # The first product's description spans two lines, so the rejected row is on line 8, not 7.
    assert f.rejects == [
        {"line": 8, "reason": 'unreadable cost "n/a": write a number such as 12.50', "text": f.rejects[0]["text"]},
    ]
    assert "KN-PAR-3" in f.rejects[0]["text"]
    assert con.execute("SELECT sku, unit_cost, currency FROM product_costs ORDER BY sku").fetchall() == [
        ("KB-BAM-L", Decimal("14.2"), None),
        ("KB-BAM-S", Decimal("8.1"), None),
        ("KN-CHEF-8", Decimal("24.5"), None),
    ]


def test_generic_file_accounts_for_every_line_with_reasons(con):
    """Each bad value of the generic file is rejected with its line number, and the counts add up."""
    f = load_costs(con, [COSTS / "product_costs.csv"]).files[0]
    assert f.lines == f.loaded + f.skipped + f.rejected == 14
    assert (f.loaded, f.skipped, f.rejected) == (7, 1, 6)
    assert [(r["line"], r["reason"].split(" ")[0]) for r in f.rejects] == [
        (7, "negative"),
        (8, "unreadable"),
        (9, "unreadable"),
        (10, "valid_to"),
        (11, "ambiguous"),
        (12, "missing"),
    ]
    assert f.rejects[0]["text"].startswith("SP-SIL-6,-3.00")
    costs = dict(con.execute("SELECT sku, unit_cost FROM product_costs WHERE valid_from IS NULL").fetchall())
    assert costs["KN-CHEF-8"] == Decimal("1234.5") and costs["PN-CI-10"] == Decimal("12.5")
    assert costs["KB-BAM-S"] == Decimal("8.1")


def test_a_cost_change_splits_the_history(con):
    """A cost valid until a date and the next one valid from the day after both load as written."""
    load_costs(con, [COSTS / "product_costs.csv"])
    assert _rows(con, "KB-BAM-L") == [
        (Decimal("14.2"), None, date(2025, 8, 31), 2),
        (Decimal("15.1"), date(2025, 9, 1), None, 3),
    ]


def test_overlapping_ranges_are_reported_and_resolved(con):
    """Overlaps are warned about with both lines, and the later valid_from wins, cutting the longer range around it."""
    f = load_costs(con, [COSTS / "cost_overlaps.csv"]).files[0]
    assert f.rejected == 0
    assert (
        "SKU KB-BAM-L: cost ranges from line 2 and line 3 overlap (2025-03-01 to 2025-03-31); "
        "line 3 is used there (its valid_from is later)" in f.warnings
    )
    assert any(w.startswith("SKU KN-PAR-3: cost ranges from line 5 and line 6 overlap") for w in f.warnings)
    assert _rows(con, "KB-BAM-L") == [
        (Decimal("10"), date(2025, 1, 1), date(2025, 2, 28), 2),
        (Decimal("12"), date(2025, 3, 1), date(2025, 3, 31), 3),
        (Decimal("10"), date(2025, 4, 1), date(2025, 5, 31), 2),
        (Decimal("11"), date(2025, 6, 1), None, 4),
    ]
    assert _rows(con, "KN-PAR-3") == [(Decimal("5.4"), None, None, 6)]


def test_at_most_one_cost_per_sku_and_day_whatever_the_load_order(con):
    """Loading the files one by one or together gives the same non-overlapping table."""
    files = [COSTS / "product_costs.csv", COSTS / "cost_overlaps.csv", COSTS / "shopify_products_export.csv"]
    load_costs(con, files)
    together = con.execute("SELECT * EXCLUDE (file_id) FROM product_costs ORDER BY ALL").fetchall()
    overlapping = con.execute(
        """SELECT count(*) FROM product_costs a JOIN product_costs b ON a.sku = b.sku AND a.rowid < b.rowid
        AND coalesce(a.valid_from, DATE '0001-01-01') <= coalesce(b.valid_to, DATE '9999-12-31')
        AND coalesce(b.valid_from, DATE '0001-01-01') <= coalesce(a.valid_to, DATE '9999-12-31')"""
    ).fetchone()[0]
    assert overlapping == 0
    con.execute("DELETE FROM product_costs; DELETE FROM product_cost_entries; DELETE FROM cost_files")
    for path in files:
        load_costs(con, [path])
    assert con.execute("SELECT * EXCLUDE (file_id) FROM product_costs ORDER BY ALL").fetchall() == together


def test_a_mapping_reads_a_file_with_other_headers(con):
    """A semicolon file with its own column names loads through a mapping, decimal commas and all."""
    mapping = {"sku": "Item code", "unit_cost": "Cost", "currency": "Cost currency", "valid_from": "From"}
    f = load_costs(con, [COSTS / "item_costs_mapped.csv"], mapping=mapping).files[0]
    assert (f.loaded, f.rejected, f.format_label) == (2, 0, "product cost CSV with a column mapping")
    assert con.execute("SELECT sku, unit_cost, currency, valid_from FROM product_costs ORDER BY sku").fetchall() == [
        ("KB-BAM-L", Decimal("14.2"), "EUR", date(2025, 7, 1)),
        ("KN-CHEF-8", Decimal("24.5"), "EUR", None),
    ]


def test_a_mapping_naming_a_missing_column_is_refused(con):
    """A mapping that names a column the file lacks is a MappingError naming that column."""
    with pytest.raises(MappingError, match="'Price'"):
        load_costs(con, [COSTS / "item_costs_mapped.csv"], mapping={"sku": "Item code", "unit_cost": "Price"})


def test_formula_and_sql_looking_skus_are_stored_as_text(con):
    """SKUs that look like spreadsheet formulas or SQL are kept verbatim and nothing is executed."""
    load_costs(con, [COSTS / "hostile_skus.csv"])
    skus = {r[0] for r in con.execute("SELECT sku FROM product_costs").fetchall()}
    assert skus == {'=HYPERLINK("http://evil.example","x")', "x'); DROP TABLE lines; --", "@SUM(A1:A9)"}
    assert con.execute("SELECT count(*) FROM lines").fetchone()[0] == 0  # the table is still there


def test_a_products_export_whose_every_cost_is_zero_loads_with_a_warning(con, tmp_path):
    """Every 'Cost per item' 0.00 loads (a real zero is allowed) but warns that the costs were never filled in."""
    path = tmp_path / "products_export.csv"
    path.write_text("Handle,Variant SKU,Cost per item\nmug,MUG-1,0.00\nmug,MUG-2,0\nbowl,BOWL-1,0.00\n", "utf-8")
    f = load_costs(con, costs=[path]).files[0]
    assert (f.loaded, f.rejected) == (3, 0)
    assert f.warnings == [
        "products_export.csv: every cost is 0.00 (3 SKUs), so profit would count the products as free; fill in "
        "the costs (Shopify's Cost per item) and load the file again, or leave it out"
    ]
    filled = tmp_path / "filled.csv"
    filled.write_text("Handle,Variant SKU,Cost per item\nlid,LID-1,0.00\nlid,LID-2,4.10\n", "utf-8")
    assert load_costs(con, costs=[filled]).files[0].warnings == []

"""Tests for importing every supported export into the canonical lines table."""

import csv
import json

import pytest
from testdata import DATA, WALMART_MAPPING

from impact.errors import MappingError, UnknownFormatError, UnreadableFileError
from impact.ingest import MappingStore, ingest_files
from impact.store import session_db

# file, format, lines, loaded, skipped, rejected, orders (excl. cancelled), revenue (excl. cancelled), currency
CASES = [
    ("amazon_all_orders_32.txt", "amazon_all_orders", 8, 6, 1, 1, 4, 131.44, "USD"),
    ("amazon_all_orders_29_jp.txt", "amazon_all_orders", 3, 3, 0, 0, 2, 13560.0, "JPY"),
    ("amazon_all_orders_de_cp1252.txt", "amazon_all_orders", 2, 2, 0, 0, 2, 1068.99, "EUR"),
    ("amazon_all_orders_utf16.txt", "amazon_all_orders", 3, 3, 0, 0, 2, 13560.0, "JPY"),
    ("amazon_fulfilled_shipments.txt", "amazon_fulfilled_shipments", 3, 3, 0, 0, 2, 51.96, "USD"),
    ("shopify_orders_export.csv", "shopify_orders", 6, 6, 0, 0, 3, 118.96, "USD"),
    ("ebay_orders.csv", "ebay_orders", 10, 4, 6, 0, 3, 1314.49, "USD"),
    ("etsy_sold_order_items.csv", "etsy_sold_order_items", 3, 3, 0, 0, 2, 108.0, "USD"),
    ("etsy_sold_orders.csv", "etsy_sold_orders", 3, 3, 0, 0, 2, 108.0, "USD"),
    ("woocommerce_orders.csv", "woocommerce_orders", 4, 3, 0, 1, 2, 72.98, "USD"),
]


@pytest.mark.parametrize("name,fmt,lines,loaded,skipped,rejected,orders,revenue,currency", CASES)
def test_each_format_loads_with_exact_counts(
    con, name, fmt, lines, loaded, skipped, rejected, orders, revenue, currency
):
    """Each sample export is detected and its lines, orders and revenue come out exactly."""
    report = ingest_files(con, [DATA / name]).to_json()
    f = report["files"][0]
    assert (f["format"], f["lines"], f["loaded"], f["skipped"], f["rejected"]) == (
        fmt,
        lines,
        loaded,
        skipped,
        rejected,
    )
    assert f["lines"] == f["loaded"] + f["duplicates"] + f["skipped"] + f["rejected"]
    assert report["orders"] == orders
    assert report["currency"] == [currency]
    assert sum(ch["revenue"] for ch in report["channels"].values()) == pytest.approx(revenue, abs=0.005)


def test_generic_mapping_loads_and_is_remembered(con):
    """A generic CSV loads with a mapping, and the next file with the same header needs none."""
    report = ingest_files(con, [DATA / "generic_walmart.csv"], mapping=WALMART_MAPPING).to_json()
    assert report["channels"] == {"walmart": {"orders": 2, "revenue": 59.0}}
    assert report["first"] == "2025-10-20T08:00:00Z"  # day-first date read as 20 October
    again = ingest_files(con, [DATA / "generic_walmart.csv"]).to_json()
    assert [f["duplicates"] for f in again["files"]] == [3, 0] and again["lines"] == 3


def test_unknown_header_asks_for_a_mapping(con):
    """A CSV that matches no export raises UnknownFormatError carrying its header for the mapping form."""
    with pytest.raises(UnknownFormatError) as err:
        ingest_files(con, [DATA / "generic_walmart.csv"])
    assert "Order Ref" in err.value.header


def test_incomplete_mapping_is_refused(con):
    """A mapping without an amount column is refused with a message."""
    with pytest.raises(MappingError, match="amount column"):
        ingest_files(con, [DATA / "generic_walmart.csv"], mapping={"order_id": "Order Ref", "purchased_at": "When"})


def test_offsets_become_utc(con):
    """+09:00, -04:00 and -07:00 offsets are converted to UTC."""
    ingest_files(con, [DATA / "amazon_all_orders_29_jp.txt", DATA / "shopify_orders_export.csv"])
    got = dict(con.execute("SELECT order_id, min(purchased_at)::VARCHAR FROM lines GROUP BY 1").fetchall())
    assert got["503-0000001-0000001"] == "2025-10-20 06:52:11"
    assert got["#1001"] == "2025-10-20 06:48:13"
    assert got["#1004"] == "2025-10-20 18:00:00"  # Excel serial 45950.75


def test_local_times_use_the_given_zone(con):
    """Offset-less WooCommerce times are read in the seller's zone."""
    ingest_files(con, [DATA / "woocommerce_orders.csv"], tz="America/New_York")
    first = con.execute("SELECT min(purchased_at)::VARCHAR FROM lines").fetchone()[0]
    assert first == "2025-10-20 12:15:00"


def test_etsy_dates_keep_day_precision(con):
    """Date-only Etsy rows are flagged with day precision."""
    ingest_files(con, [DATA / "etsy_sold_order_items.csv"])
    assert con.execute("SELECT DISTINCT time_precision FROM lines").fetchall() == [("day",)]


def test_shopify_continuation_rows_inherit_order_fields(con):
    """Continuation rows take Created at, status and currency from the order's first row."""
    ingest_files(con, [DATA / "shopify_orders_export.csv"])
    rows = con.execute(
        "SELECT purchased_at, status, currency, revenue::DOUBLE FROM lines WHERE order_id = '#1001' ORDER BY line_key"
    ).fetchall()
    assert len(rows) == 3
    assert (
        {r[0] for r in rows} == {rows[0][0]}
        and {r[1] for r in rows} == {"completed"}
        and {r[2] for r in rows} == {"USD"}
    )
    assert sorted(r[3] for r in rows) == [12.99, 25.0, 25.98]


def test_cancelled_orders_are_kept_but_not_counted(con):
    """A cancelled order stays in the table, flagged, and adds no revenue."""
    report = ingest_files(con, [DATA / "shopify_orders_export.csv"]).to_json()
    assert con.execute("SELECT status FROM lines WHERE order_id = '#1002'").fetchone() == ("cancelled",)
    assert report["channels"]["shopify"]["orders"] == 3


def test_windows_1252_text_is_decoded(con):
    """Amazon.de files in Windows-1252 keep their umlauts, euro signs and curly quotes."""
    ingest_files(con, [DATA / "amazon_all_orders_de_cp1252.txt"])
    names = {r[0] for r in con.execute("SELECT product_name FROM lines").fetchall()}
    assert names == {"Kaffeebecher Größe L – €-Edition", "Teekanne “Bäckerei”"}
    assert con.execute("SELECT DISTINCT marketplace FROM lines").fetchall() == [("Amazon.de",)]


def test_personal_data_is_never_stored(con):
    """Buyer names, e-mails, phones and addresses from the exports appear nowhere in the database."""
    files = [
        DATA / n
        for n in (
            "amazon_fulfilled_shipments.txt",
            "shopify_orders_export.csv",
            "ebay_orders.csv",
            "etsy_sold_order_items.csv",
            "etsy_sold_orders.csv",
            "woocommerce_orders.csv",
        )
    ]
    ingest_files(con, files)
    dump = json.dumps(con.execute("SELECT * FROM lines").fetchall(), default=str)
    dump += json.dumps(con.execute("SELECT * FROM import_rejects").fetchall(), default=str)
    for secret in ("Jane", "Doe", "example.com", "Main St", "555", "Springfield", "janed", "buyer1"):
        assert secret not in dump


def test_overlapping_exports_never_double_count(con):
    """Re-importing a file counts its lines as duplicates, and overlapping exports merge by order line."""
    ingest_files(con, [DATA / "amazon_all_orders_32.txt"])
    report = ingest_files(con, [DATA / "amazon_all_orders_32.txt", DATA / "amazon_fulfilled_shipments.txt"]).to_json()
    assert report["lines"] == 7
    assert [f["duplicates"] for f in report["files"]] == [6, 2, 0]
    # the shipments file is newer and wins; its ship dates are kept
    shipped = con.execute("SELECT count(*) FROM lines WHERE shipped_at IS NOT NULL").fetchone()[0]
    assert shipped == 3
    for f in report["files"]:
        assert f["lines"] == f["loaded"] + f["duplicates"] + f["skipped"] + f["rejected"]


def test_mixed_currencies_are_never_summed(con):
    """With USD and JPY lines, revenue is reported per currency, not added up."""
    report = ingest_files(con, [DATA / "amazon_all_orders_32.txt", DATA / "amazon_all_orders_29_jp.txt"]).to_json()
    assert report["currency"] == ["JPY", "USD"]
    amazon = report["channels"]["amazon"]
    assert amazon["revenue"] is None
    assert amazon["revenue_by_currency"] == {"JPY": 13560.0, "USD": 131.44}


def test_rejected_lines_carry_line_number_and_reason(con):
    """A bad date is rejected with its physical line number, and the eBay footer is skipped, not rejected."""
    report = ingest_files(con, [DATA / "amazon_all_orders_32.txt", DATA / "ebay_orders.csv"]).to_json()
    assert report["files"][0]["rejects"] == [{"line": 8, "reason": 'unreadable purchase date "not a date"'}]
    assert report["files"][1]["skipped_reasons"] == {"blank line": 3, "eBay footer": 2, "eBay order summary row": 1}


def test_reject_line_numbers_count_blank_lines(con, tmp_path):
    """After blank lines before and after the header, a rejected eBay row is numbered as a text editor shows it."""
    lines = (DATA / "ebay_orders.csv").read_text().split("\n")
    assert "HOLDER" in lines[6]
    lines[6] = lines[6].replace("$15.50", "fifteen")  # line 7 in an editor
    path = tmp_path / "ebay_bad_amount.csv"
    path.write_text("\n".join(lines))
    report = ingest_files(con, [path]).to_json()["files"][0]
    assert report["rejects"] == [
        {
            "line": 7,
            "reason": 'unreadable amount "fifteen": write a plain number such as 1234.50 (no hex, exponent or '
            "underscore; commas only between groups of three digits)",
        }
    ]
    assert sorted(r[0] for r in con.execute("SELECT sku FROM lines").fetchall()) == ["3003", "CANDLE", "LAMP-1"]


def test_unreadable_input_has_a_clear_message(con, tmp_path):
    """Empty and binary files raise UnreadableFileError with a plain sentence."""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFileError, match="empty"):
        ingest_files(con, [empty])
    xlsx = tmp_path / "orders.csv"
    xlsx.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(UnreadableFileError, match="zip archive"):
        ingest_files(con, [xlsx])


@pytest.mark.parametrize(
    "files",
    [
        ("amazon_all_orders_32.txt", "shopify_orders_export.csv"),
        ("shopify_orders_export.csv", "amazon_all_orders_32.txt"),
    ],
)
def test_lines_keeps_its_schema_whichever_way_a_file_is_added(con, files):
    """`lines` has exactly the documented columns, types and order after a first file and after a merged second one,
    whether the first has shipping columns (Shopify) or none (an All Orders report, parsed without them)."""
    from impact.store import LINES_COLUMNS

    def schema():
        return con.execute("SELECT column_name, column_type FROM (DESCRIBE lines)").fetchall()

    ingest_files(con, [DATA / files[0]])
    assert schema() == list(LINES_COLUMNS.items())
    ingest_files(con, [DATA / files[1]])
    assert schema() == list(LINES_COLUMNS.items())
    assert con.execute("SELECT count(DISTINCT file_id) FROM lines").fetchone()[0] == 2


def test_same_sku_twice_in_an_order_keeps_both_lines(con, tmp_path):
    """Two lines of one order with the same sku both load, told apart by occurrence, and re-import dedupes them."""
    text = (DATA / "amazon_all_orders_32.txt").read_text().splitlines()
    path = tmp_path / "repeat.txt"
    path.write_text("\n".join([text[0], text[1], text[1], text[2]]) + "\n")
    report = ingest_files(con, [path]).to_json()
    assert report["files"][0]["loaded"] == 3
    keys = [r[0] for r in con.execute("SELECT line_key FROM lines ORDER BY line_key").fetchall()]
    assert keys == ["MUG-BLUE#1", "MUG-BLUE#2", "MUG-RED#1"]
    again = ingest_files(con, [path]).to_json()
    assert again["lines"] == 3 and again["files"][0]["duplicates"] == 3


def test_repeated_key_among_three_lines_of_an_order_gets_occurrence_numbers(con, tmp_path):
    """An order of three lines whose first and last share a sku keeps all three, numbered in file order."""
    text = (DATA / "amazon_all_orders_32.txt").read_text().splitlines()
    path = tmp_path / "three.txt"
    path.write_text(
        "\n".join([text[0], text[1], text[2].replace(text[2].split("\t")[0], text[1].split("\t")[0]), text[1]]) + "\n"
    )
    report = ingest_files(con, [path]).to_json()
    assert report["files"][0]["loaded"] == 3 and report["orders"] == 1
    keys = sorted(r[0] for r in con.execute("SELECT line_key FROM lines").fetchall())
    assert keys == ["MUG-BLUE#1", "MUG-BLUE#2", "MUG-RED#1"]


def test_order_counts_of_a_single_import_match_a_fresh_count(con, data_dir):
    """The order counts an import reports equal those counted afresh from `lines`, file by file and merged."""
    from impact.ingest import summary

    for name in ("amazon_all_orders_32.txt", "shopify_orders_export.csv", "etsy_sold_order_items.csv"):
        one = session_db()
        try:
            got = ingest_files(one, [data_dir / name]).to_json()
            fresh = summary(one).to_json()
            assert (got["orders"], got["channels"]) == (fresh["orders"], fresh["channels"]) and got["orders"] > 0
        finally:
            one.close()
    merged = ingest_files(con, [data_dir / "amazon_all_orders_32.txt", data_dir / "shopify_orders_export.csv"])
    assert merged.to_json()["channels"] == summary(con).to_json()["channels"]


def test_amazon_product_names_with_quotes_load_as_written(con, tmp_path):
    """Amazon's flat files never quote, so a name that starts with a quote or holds inch marks is text, not a
    quoted value: every such line loads, with the name exactly as the report wrote it."""
    header, *rows = (DATA / "amazon_all_orders_32.txt").read_text().splitlines()
    names = ['"Best" Mug', 'Samsung 55" TV', 'Poster 24"x36"', '"Unclosed quote']
    cols = header.split("\t")
    out = [header]
    for i, name in enumerate(names):
        row = rows[0].split("\t")
        row[cols.index("amazon-order-id")] = f"111-0000009-000000{i}"
        row[cols.index("product-name")] = name
        out.append("\t".join(row))
    path = tmp_path / "quotes.txt"
    path.write_text("\n".join(out) + "\n")
    f = ingest_files(con, [path]).to_json()["files"][0]
    assert (f["lines"], f["loaded"], f["rejected"]) == (4, 4, 0)
    got = [r[0] for r in con.execute("SELECT product_name FROM lines ORDER BY order_id").fetchall()]
    assert got == names


def _remember_many(args) -> None:
    path, worker = args
    store = MappingStore(path)
    for i in range(15):
        store.remember([f"w{worker}", f"col{i}"], {"order_id": f"w{worker}", "revenue": f"col{i}"})


def test_sixteen_parallel_processes_keep_every_mapping(tmp_path):
    """16 processes remembering 15 mappings each into one store keep all 240, leave no temporary file and raise
    nothing (each change is made under the store's lock through a temporary file of its own)."""
    from concurrent.futures import ProcessPoolExecutor

    path = tmp_path / "mappings.json"
    with ProcessPoolExecutor(16) as pool:
        list(pool.map(_remember_many, [(path, w) for w in range(16)]))
    store = MappingStore(path)
    assert len(json.loads(path.read_text())) == 240
    assert store.get(["w7", "col3"]) == {"order_id": "w7", "revenue": "col3"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mappings.json", "mappings.json.lock"]


def test_a_second_store_numbering_its_orders_alike_is_not_a_re_export(con, tmp_path):
    """A real US Shopify export and a second store's with the same order numbers and SKUs, bought three years later
    in EUR: all 196 lines load (the second store had replaced the first's 98 as duplicates); the same export given
    twice still loads once."""
    real = DATA / "real" / "shopify_us_usd.csv"
    rows = list(csv.reader(real.open(newline="", encoding="utf-8")))
    at, cur = rows[0].index("Created at"), rows[0].index("Currency")
    for r in rows[1:]:
        r[at] = r[at].replace("2022", "2025").replace("2021", "2024").replace("2020", "2023")
        r[cur] = "EUR" if r[cur] else r[cur]
    other = tmp_path / "orders_export_1.csv"
    with other.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    report = ingest_files(con, [real, other]).to_json()
    assert [(f["loaded"], f["duplicates"]) for f in report["files"]] == [(98, 0), (98, 0)]
    assert report["lines"] == 196
    again = ingest_files(session_db(), [real, real]).to_json()
    assert [(f["loaded"], f["duplicates"]) for f in again["files"]] == [(0, 98), (98, 0)]

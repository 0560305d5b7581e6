"""Shipping files (ShipStation shipments, Amazon seller-fulfilled order reports, mapped shipments CSVs) add ship
confirmations, promises and buyer cancellation requests to the orders already imported; every row accounted for."""

from datetime import datetime

import pytest
from testdata import DATA

from impact.errors import NoOrdersError
from impact.ingest import file_kind, ingest_files
from impact.ingest.uploads import ingest_uploads

ORDERS = [DATA / "amazon_all_orders_mfn.txt", DATA / "ebay_orders.csv"]
SHIPSTATION = DATA / "shipstation_shipments.csv"
UNSHIPPED = DATA / "amazon_unshipped_orders.txt"
# Planted in the name, address and phone columns of both shipping samples: none may reach the database.
PLANTED = ("Zyxplanted", "555-0100", "zyxplanted@marketplace.amazon.com", "1Z999AA1000000000")


def _file(report, fmt):
    (f,) = [f for f in report.files if f.format == fmt]
    return f


def _order(con, channel, order_id):
    return con.execute(
        """SELECT min(shipped_at), any_value(ship_precision), any_value(carrier), min(promised_at),
                  any_value(cancelled_by), count(*)
           FROM lines WHERE channel = $c AND order_id = $o""",
        {"c": channel, "o": order_id},
    ).fetchone()


def test_shipstation_rows_enrich_orders_and_are_all_accounted_for(con):
    """9 shipment rows: 6 matched (one order twice: the earliest counts), a voided label, an order the exports do
    not hold, an unreadable ship date on line 10."""
    report = ingest_files(con, [*ORDERS, SHIPSTATION])
    f = _file(report, "shipstation_shipments")
    assert f.format_label == "ShipStation shipments export"
    assert (f.lines, f.loaded, f.skipped, f.rejected, f.duplicates) == (9, 6, 2, 1, 0)
    assert f.skipped_reasons == {"voided label": 1, "order not in the order exports": 1}
    assert f.rejects == [{"line": 10, "reason": 'unreadable ship date "sometime"'}]
    assert f.notes == [
        "5 orders matched",
        "1 order with several shipments: the earliest ship confirmation counts",
    ]
    assert f.lines == f.loaded + f.skipped + f.rejected + f.duplicates
    # Its Marketplace column names Amazon; the timed ship date is read in the seller's zone (UTC here).
    assert _order(con, "amazon", "112-0000001-0000001")[:3] == (datetime(2025, 10, 21, 14, 15), "second", "UPS")
    # Two shipments (Oct 22 10:00 by USPS, Oct 21 09:00 by UPS): the earliest confirmation, with its carrier, on
    # both of the order's lines.
    assert _order(con, "amazon", "112-0000002-0000002")[:3] == (datetime(2025, 10, 21, 9), "second", "UPS")
    # A ship date without a time of day keeps its day precision.
    assert _order(con, "amazon", "112-0000005-0000005")[:2] == (datetime(2025, 10, 22), "day")
    # Only a voided label: still unshipped.
    assert _order(con, "amazon", "112-0000006-0000006")[0] is None
    # eBay by its Marketplace column, and an order number without a store found in the eBay orders.
    assert _order(con, "ebay", "12-34567-89013")[:3] == (datetime(2025, 10, 21, 11), "second", "USPS")
    assert _order(con, "ebay", "12-34567-89013")[5] == 2  # both item lines of the order
    assert _order(con, "ebay", "12-34567-89014")[:2] == (datetime(2025, 10, 22, 16, 30), "second")


def test_a_shipping_file_creates_no_order_and_may_come_first(con):
    """Given before the order exports, the shipping file is still applied after them; orders and lines unchanged."""
    alone = ingest_files(con, ORDERS)
    again = ingest_files(con.cursor(), [])  # the same database, nothing new
    assert (alone.orders, alone.lines) == (again.orders, again.lines)
    from impact.store import session_db

    other = session_db()
    both = ingest_files(other, [SHIPSTATION, UNSHIPPED, *ORDERS])
    assert (both.orders, both.lines) == (alone.orders, alone.lines)
    assert [f.format for f in both.files][-2:] == ["shipstation_shipments", "amazon_seller_fulfilled_orders"]
    assert both.channels == alone.channels
    assert _order(other, "amazon", "112-0000002-0000002")[0] == datetime(2025, 10, 21, 9)
    other.close()


def test_a_shipping_file_without_orders_says_to_import_them(con):
    with pytest.raises(NoOrdersError, match="no order export has been imported"):
        ingest_files(con, [SHIPSTATION])


def test_amazon_seller_fulfilled_report_gives_promises_and_buyer_cancellations(con):
    """The Unshipped Orders report: promise-date per order (a date only is the end of that day in the seller's
    zone), is-buyer-requested-cancellation on cancelled orders; MCF rows skipped, a row without order id rejected."""
    report = ingest_files(con, [*ORDERS, UNSHIPPED], tz="America/New_York")
    f = _file(report, "amazon_seller_fulfilled_orders")
    assert (f.lines, f.loaded, f.skipped, f.rejected) == (10, 7, 2, 1)
    assert f.skipped_reasons == {
        "multi-channel fulfilment order (sold elsewhere)": 1,
        "order not in the order exports": 1,
    }
    assert f.rejects == [{"line": 10, "reason": "missing order id"}]
    assert _order(con, "amazon", "112-0000001-0000001")[3] == datetime(2025, 10, 21, 6, 59, 59)
    # "2025-10-21" allows the whole day in New York (EDT, UTC-4): 23:59:59.999999 there.
    assert _order(con, "amazon", "112-0000005-0000005")[3] == datetime(2025, 10, 22, 3, 59, 59, 999999)
    assert _order(con, "amazon", "112-0000003-0000003")[4] == "buyer"
    assert _order(con, "amazon", "112-0000004-0000004")[4] == "seller"
    # Not cancelled: the flag says nothing about it.
    assert _order(con, "amazon", "112-0000001-0000001")[4] is None


def test_reimporting_files_changes_nothing(con):
    ingest_files(con, [*ORDERS, SHIPSTATION, UNSHIPPED])
    query = "SELECT * EXCLUDE (file_id) FROM lines ORDER BY channel, order_id, line_key"
    before = con.execute(query).fetchall()
    ingest_files(con, [SHIPSTATION, UNSHIPPED, *ORDERS])
    assert con.execute(query).fetchall() == before


def test_no_buyer_personal_data_reaches_the_database(con):
    """Names, addresses, phones, e-mails and tracking numbers of the shipping files are never stored."""
    ingest_files(con, [*ORDERS, SHIPSTATION, UNSHIPPED])
    tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    assert "lines" in tables and "import_files" in tables
    for table in tables:
        rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
        text = repr(rows)
        for planted in PLANTED:
            assert planted not in text, f"{planted!r} found in table {table}"


def test_an_order_number_of_several_channels_is_rejected_unless_the_file_names_one(con, tmp_path):
    for channel in ("amazon", "ebay"):
        con.execute(
            """INSERT INTO lines (channel, order_id, line_key, purchased_at, quantity, revenue, currency, status)
               VALUES ($c, '1001', 'x#1', TIMESTAMP '2025-10-20 08:00', 1, 10, 'USD', 'completed')""",
            {"c": channel},
        )
    path = tmp_path / "shipments.csv"
    path.write_text(
        "Order,Shipped,Carrier,Tracking,Where\n"
        "1001,2025-10-21 10:00,UPS,1Z1,\n"
        "#1001,2025-10-21 11:00,UPS,1Z2,eBay\n"
        "2002,2025-10-21 12:00,UPS,1Z3,\n"
    )
    mapping = {
        "order_id": "Order",
        "shipped_at": "Shipped",
        "carrier": "Carrier",
        "tracking": "Tracking",
        "channel": "Where",
    }
    assert file_kind(path, mapping=mapping) == "shipping"
    report = ingest_files(con, [path], mapping=mapping)
    (f,) = report.files
    assert f.format == "generic_shipping_csv"
    assert (f.lines, f.loaded, f.skipped, f.rejected) == (3, 1, 1, 1)
    assert f.rejects[0]["line"] == 2 and "several channels (amazon, ebay)" in f.rejects[0]["reason"]
    assert f.skipped_reasons == {"order not in the order exports": 1}
    assert _order(con, "ebay", "1001")[0] == datetime(2025, 10, 21, 11)
    assert _order(con, "amazon", "1001")[0] is None


def test_a_shipping_upload_waits_for_the_order_exports_of_the_same_upload(con):
    uploads = [(p.name, p.read_bytes()) for p in (SHIPSTATION, *ORDERS)]
    result = ingest_uploads(con, uploads, tz="UTC")
    assert result.errors == [] and result.unmapped == []
    assert _order(con, "amazon", "112-0000001-0000001")[0] == datetime(2025, 10, 21, 14, 15)


def test_the_import_report_json_lists_a_shipping_file_with_its_counts_and_notes(con):
    report = ingest_files(con, [*ORDERS, SHIPSTATION]).to_json()
    f = report["files"][-1]
    assert f["format"] == "shipstation_shipments" and f["loaded"] == 6 and f["skipped"] == 2 and f["rejected"] == 1
    assert f["notes"][0] == "5 orders matched"
    assert "notes" not in report["files"][0]

"""Ship-by promises as exports write them: a date without a time of day allows the whole of that day."""

from datetime import datetime

import pytest
from testdata import DATA

from impact.ingest import ingest_files

AMAZON_HEADER = [
    "amazon-order-id",
    "purchase-date",
    "order-status",
    "sku",
    "item-price",
    "currency",
    "latest-ship-date",
]


def _promises(con) -> dict:
    return dict(con.execute("SELECT order_id, promised_at FROM lines WHERE promised_at IS NOT NULL").fetchall())


@pytest.mark.parametrize(
    "tz,bought,end",
    [
        ("America/New_York", datetime(2025, 10, 20, 4), datetime(2025, 10, 23, 3, 59, 59, 999999)),
        ("Europe/Berlin", datetime(2025, 10, 19, 22), datetime(2025, 10, 22, 21, 59, 59, 999999)),
        ("UTC", datetime(2025, 10, 20), datetime(2025, 10, 22, 23, 59, 59, 999999)),
    ],
)
def test_ebay_date_only_ship_by_is_the_end_of_its_day_in_the_seller_zone(con, tz, bought, end):
    """eBay's 'Ship By Date' Oct-22-25 is stored as the last instant of 22 October in the zone the file is read in."""
    ingest_files(con, [DATA / "ebay_orders.csv"], tz=tz)
    assert _promises(con) == {"12-34567-89012": end}
    # The sale date on the same line still means the start of its day.
    assert con.execute("SELECT purchased_at FROM lines WHERE order_id = '12-34567-89012'").fetchone()[0] == bought


def test_generic_mapping_date_only_promise_is_end_of_day_and_a_timed_one_is_kept(con, tmp_path):
    """A mapped promise_at column: '2025-10-22' becomes the end of that local day, '2025-10-22 14:30' stays as it is."""
    path = tmp_path / "orders.csv"
    path.write_text(
        "Order,Date,Total,ShipBy\n"
        "G-1,2025-10-20 09:00,10.00,2025-10-22\n"
        "G-2,2025-10-20 09:05,12.00,2025-10-22 14:30\n"
        "G-3,2025-10-20 09:10,12.00,\n"
    )
    mapping = {"order_id": "Order", "purchased_at": "Date", "revenue": "Total", "promised_at": "ShipBy"}
    ingest_files(con, [path], tz="America/Chicago", mapping=mapping)
    assert _promises(con) == {
        "G-1": datetime(2025, 10, 23, 4, 59, 59, 999999),
        "G-2": datetime(2025, 10, 22, 19, 30),
    }


def test_amazon_latest_ship_date_without_a_time_is_end_of_day(con, tmp_path):
    """Amazon's latest-ship-date is read as the end of the day when it is a bare date, and as written otherwise."""
    rows = [
        ["111-1", "2025-10-20T05:10:00+00:00", "Shipped", "A", "9.99", "USD", "2025-10-22"],
        ["111-2", "2025-10-20T05:20:00+00:00", "Shipped", "B", "9.99", "USD", "2025-10-22T06:59:59+00:00"],
    ]
    path = tmp_path / "amazon.txt"
    path.write_text("\n".join("\t".join(r) for r in [AMAZON_HEADER, *rows]) + "\n")
    ingest_files(con, [path], tz="America/Los_Angeles")
    assert _promises(con) == {
        "111-1": datetime(2025, 10, 23, 6, 59, 59, 999999),
        "111-2": datetime(2025, 10, 22, 6, 59, 59),
    }

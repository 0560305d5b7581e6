"""Late shipments judged against date-only ship-by promises, which allow the whole of their day."""

import csv
import json
from datetime import date, datetime

from sellers import ebay_stalled_seller

from impact.__main__ import main
from impact.ingest import ingest_files
from impact.shipments import affected_orders
from impact.windows import Window

TZ = "America/New_York"


def test_an_order_shipped_on_its_due_day_is_not_late(con, tmp_path):
    """Shipped in the afternoon of its ship-by day is on time; shipped the next morning is late."""
    path = tmp_path / "orders.csv"
    path.write_text(
        "Order,Date,Total,Shipped,ShipBy\n"
        "ON-TIME,2025-10-20 09:00,10.00,2025-10-22 16:45,2025-10-22\n"
        "DATE-ONLY,2025-10-20 09:10,10.00,2025-10-22,2025-10-22\n"
        "LATE,2025-10-20 09:30,10.00,2025-10-23 08:10,2025-10-22\n"
    )
    mapping = {
        "order_id": "Order",
        "purchased_at": "Date",
        "revenue": "Total",
        "shipped_at": "Shipped",
        "promised_at": "ShipBy",
    }
    ingest_files(con, [path], tz=TZ, mapping=mapping)
    late = affected_orders(con, Window(datetime(2025, 10, 21, 13), datetime(2025, 10, 21, 21)), horizon_hours=24)
    assert list(late.order_id) == ["LATE"]
    assert late.promise_utc.iloc[0] == datetime(2025, 10, 23, 3, 59, 59)


def test_ebay_day_dates_one_day_shipping_stall_excess_late_matches_the_orders_made_late(tmp_path, capsys):
    """The issue's case: 60 days of a 120-order-a-day eBay seller whose shipping stalled for a day; analyze's excess
    late shipments hold the number of orders the stall made late, within 15%, and the appeal list carries them."""
    path = tmp_path / "ebay.csv"
    stall = date(2025, 10, 14)
    made_late = ebay_stalled_seller(path, start=date(2025, 8, 25), days=60, per_day=120, stall=stall)
    # The platform was down from 10:00 to 18:00 New York time that day.
    window = ["--window", "2025-10-14T14:00Z", "2025-10-14T22:00Z"]
    assert main(["analyze", str(path), "--tz", TZ, *window, "--json"]) == 0
    ship = json.loads(capsys.readouterr().out)["windows"][0]["shipments"]
    assert ship["excess_late_low"] <= made_late <= ship["excess_late_high"]
    assert abs(ship["excess_late"] - made_late) <= 0.15 * made_late

    out = tmp_path / "late.csv"
    assert main(["late-orders", str(path), "--tz", TZ, *window, "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    # Every order due on the stall day that shipped the day after is on the list, due at the end of that day.
    due_on_stall_day = [r for r in rows if r["promise_utc"] == "2025-10-15 03:59:59"]
    assert len(due_on_stall_day) >= made_late

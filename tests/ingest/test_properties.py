"""Property-based tests: whatever the orders, ingest preserves revenue and accounts for every line."""

import csv
import io
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from impact.ingest import ingest_files
from impact.store import session_db

HEADER = [
    "Date",
    "Order #",
    "Status",
    "Customer",
    "Customer type",
    "Product(s)",
    "Items sold",
    "Coupon(s)",
    "Net sales",
    "Origin",
]

order = st.fixed_dictionaries(
    {
        "minutes": st.integers(0, 60 * 24 * 365),
        "cents": st.integers(0, 10_000_000),
        "items": st.integers(1, 50),
        "status": st.sampled_from(["Completed", "Processing", "Cancelled", "Refunded", "On hold"]),
        "product": st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30),
        "money": st.sampled_from(["{:.2f}", "${:,.2f}", "{:,.2f} €".replace("€", "USD")]),
    }
)


def _write(tmp_path, orders, crlf):
    buf = io.StringIO()
    # Quote every text field: a bare CR in an unquoted field is a line break in CSV, not text.
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_NONNUMERIC)
    w.writerow(HEADER)
    start = datetime(2025, 1, 1)
    for i, o in enumerate(orders):
        when = start + timedelta(minutes=o["minutes"])
        w.writerow(
            [
                when.strftime("%Y-%m-%d %H:%M:%S"),
                f"{1000 + i}",
                o["status"],
                "x",
                "new",
                o["product"],
                o["items"],
                "",
                o["money"].format(o["cents"] / 100),
                "Direct",
            ]
        )
    path = tmp_path / "woo.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(orders=st.lists(order, min_size=1, max_size=40), crlf=st.booleans())
def test_revenue_and_counts_are_preserved(tmp_path, orders, crlf):
    """Sum of revenue and number of orders after ingest equal those of the generated file."""
    path = _write(tmp_path, orders, crlf)
    con = session_db()
    report = ingest_files(con, [path]).to_json()
    f = report["files"][0]
    assert f["lines"] == len(orders) == f["loaded"] + f["duplicates"] + f["skipped"] + f["rejected"]
    assert f["rejected"] == 0
    live = [o for o in orders if o["status"] != "Cancelled"]
    assert report["orders"] == len(live)
    got = float(con.execute("SELECT coalesce(sum(revenue) FILTER (status <> 'cancelled'), 0) FROM lines").fetchone()[0])
    assert abs(got - sum(o["cents"] for o in live) / 100) < 0.005 * max(1, len(live))
    con.close()

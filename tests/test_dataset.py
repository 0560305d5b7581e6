"""Tests for impact.dataset: daily revenue and window coverage from the lines table."""

from datetime import date, datetime

from impact.dataset import coverage, daily_revenue, product_names
from impact.store import LINES_COLUMNS


def _insert(con, rows: list[dict]) -> None:
    cols = list(LINES_COLUMNS)
    con.executemany(
        f"INSERT INTO lines ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [[r.get(c) for c in cols] for r in rows],
    )


def _line(order: str, at: datetime, revenue: float, channel: str = "amazon", status: str = "completed") -> dict:
    return {
        "channel": channel,
        "order_id": order,
        "line_key": "1",
        "purchased_at": at,
        "revenue": revenue,
        "currency": "USD",
        "status": status,
        "quantity": 1.0,
    }


def test_daily_revenue_uses_local_days_and_skips_cancelled(con):
    """An order at 02:00 UTC belongs to the previous day in New York; cancelled lines do not count."""
    _insert(
        con,
        [
            _line("A", datetime(2025, 10, 20, 2, 0), 10.0),
            _line("B", datetime(2025, 10, 20, 15, 0), 20.0),
            _line("C", datetime(2025, 10, 20, 16, 0), 99.0, status="cancelled"),
            _line("D", datetime(2025, 10, 20, 16, 0), 5.0, channel="shopify"),
        ],
    )
    utc = {(r["day"], r["channel"]): r["revenue"] for r in daily_revenue(con)}
    assert utc == {(date(2025, 10, 20), "amazon"): 30.0, (date(2025, 10, 20), "shopify"): 5.0}
    ny = {(r["day"], r["channel"]): (r["revenue"], r["orders"]) for r in daily_revenue(con, "America/New_York")}
    assert ny[(date(2025, 10, 19), "amazon")] == (10.0, 1)
    assert ny[(date(2025, 10, 20), "amazon")] == (20.0, 1)


def test_coverage_counts_orders_in_window_and_warns_on_short_history(con):
    """Orders inside the window are counted; a window with little history before it gets a warning."""
    _insert(
        con,
        [
            _line("A", datetime(2025, 10, 10, 12, 0), 10.0),
            _line("B", datetime(2025, 10, 20, 8, 0), 20.0),
            _line("C", datetime(2025, 10, 20, 9, 0), 20.0, status="cancelled"),
            _line("D", datetime(2025, 10, 25, 9, 0), 20.0),
        ],
    )
    cov = coverage(con, datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20))
    assert cov["orders_in_window"] == 1
    assert cov["history_days"] == 9.8
    assert any("four weeks" in w for w in cov["warnings"])
    outside = coverage(con, datetime(2025, 11, 1), datetime(2025, 11, 2))
    assert any("not fully inside" in w for w in outside["warnings"])


def test_coverage_of_an_empty_database_says_so(con):
    """With nothing loaded, coverage reports it instead of failing."""
    cov = coverage(con, datetime(2025, 10, 20, 6, 48), None)
    assert cov["orders_in_window"] == 0 and cov["warnings"] == ["No orders are loaded."]


def test_product_names_takes_the_newest_name(con):
    """Each SKU maps to its most recent product name; unknown SKUs are absent."""
    rows = [
        _line("A", datetime(2025, 10, 1), 1.0) | {"sku": "S1", "product_name": "Old name"},
        _line("B", datetime(2025, 10, 5), 1.0) | {"sku": "S1", "product_name": "New name"},
        _line("C", datetime(2025, 10, 2), 1.0) | {"sku": "S2", "product_name": "Other"},
    ]
    _insert(con, rows)
    assert product_names(con, ["S1", "S2", "S3"]) == {"S1": "New name", "S2": "Other"}
    assert product_names(con, []) == {}

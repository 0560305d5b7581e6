"""impact.linegroups: one grouped scan of `lines`, and the readers that take it giving what their own scans give."""

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal

import pytest

from impact.ingest import summary
from impact.linegroups import line_groups
from impact.revenue.history import _currency_groups, load_history
from impact.service import seller_channels
from impact.shipments.orders import _channels

# channel, marketplace, order, purchased_at, precision, revenue, currency, status, fulfilment, shipped_at
ROWS = [
    ("amazon", "Amazon.com", "A1", "2025-03-01 10:15:00", "second", "10.5000", "USD", "Shipped", "Merchant", None),
    ("amazon", "Amazon.com", "A2", "2025-03-02 11:00:00", "second", "4.2500", "USD", "Shipped", "Amazon", None),
    ("amazon", "Amazon.com", "A3", "2025-03-03 12:00:00", "second", "7.0000", "USD", "Cancelled", "Merchant", None),
    ("amazon", "Amazon.ca", "A4", "2025-03-04 00:00:00", "day", "3.3300", "CAD", "Shipped", "Merchant", None),
    ("amazon", "Amazon.com", "A5", None, "second", "1.0000", "USD", "Shipped", "Merchant", None),
    ("shopify", "Online Store", "S1", "2025-03-01 09:00:00", "second", None, "USD", None, None, "2025-03-05 08:00:00"),
    ("shopify", "TikTok Shop", "S2", "2025-03-06 00:00:00", "day", "20.0000", "USD", "paid", None, None),
    ("shopify", "Online Store", "S3", "2025-03-07 18:30:00", "second", "0.0100", None, "cancelled", None, None),
]


@pytest.fixture
def lines(con):
    for ch, mk, order, at, precision, rev, cur, status, ful, shipped in ROWS:
        con.execute(
            """INSERT INTO lines (channel, marketplace, order_id, line_key, purchased_at, time_precision, sku,
                                  quantity, revenue, currency, status, fulfilment, shipped_at, file_id)
               VALUES ($ch, $mk, $o, '1#1', $at, $p, 'SKU', 1, $rev, $cur, lower($status), $ful, $shipped, 1)""",
            {"ch": ch, "mk": mk, "o": order, "at": at, "p": precision, "rev": rev, "cur": cur, "status": status}
            | {"ful": ful, "shipped": shipped},
        )
    return con


def test_the_scan_groups_every_line_once(lines):
    """The groups hold the 8 lines, the cancelled and date-only flags as keys, the revenue to the cent."""
    groups = line_groups(lines).groups
    assert sum(g.lines for g in groups) == 8
    assert sum(g.timed for g in groups) == 7
    assert sum(g.lines for g in groups if g.cancelled) == 2
    assert sum(g.lines for g in groups if g.cancelled is None) == 1
    assert sum(g.lines for g in groups if g.dated) == 2
    assert sum(g.revenue for g in groups if g.revenue is not None) == Decimal("46.0900")
    merchant = [g for g in groups if g.channel == "amazon" and g.fulfilment == "Merchant" and g.cancelled is False]
    usd = next(g for g in merchant if g.currency == "USD")
    assert (usd.lines, usd.timed, usd.revenue_timed, usd.revenue) == (2, 1, Decimal("10.5000"), Decimal("11.5000"))
    s1 = next(g for g in groups if g.marketplace == "Online Store" and g.cancelled is None)
    assert (s1.shipped, s1.last_event, s1.revenue) == (1, datetime(2025, 3, 5, 8), None)


def test_the_import_report_is_the_same_from_the_groups(lines):
    """summary() gives the same report from the grouped scan as from its own query, and keeps the scan."""
    own, shared = summary(lines), summary(lines, line_groups(lines))
    assert shared.to_json() == own.to_json()
    assert (shared.first, shared.last, shared.day_precision_lines) == (own.first, own.last, own.day_precision_lines)
    assert own.to_json()["currency"] == ["CAD", "USD"]
    assert own.day_precision_lines == 2
    assert shared.groups is not None and own.groups is None


def test_the_shipments_channel_groups_are_the_same_from_the_groups(lines):
    """The shipments' per-channel counts, ends of data and marketplace-fulfilled values agree on both paths."""
    own, shared = _channels(lines), _channels(lines, line_groups(lines))
    assert asdict(shared) == asdict(own)
    assert own.seller == {"amazon": 4, "shopify": 3}
    assert own.marketplace == {"amazon": 1, "shopify": 0}
    assert own.marketplace_values == {"Amazon"}
    assert own.end == {"amazon": datetime(2025, 3, 4), "shopify": datetime(2025, 3, 7, 18, 30)}


def test_the_currency_groups_add_up_per_marketplace(lines):
    """The analysis's USD groups: live lines per channel and marketplace, their timed and date-only counts."""
    cur, mine = _currency_groups(line_groups(lines), "USD")
    assert cur == "USD"
    got = {(g[1], g[2]): g[3:] for g in mine}
    assert got == {
        ("amazon", "Amazon.com"): (
            3,
            2,
            0,
            datetime(2025, 3, 1, 10, 15),
            datetime(2025, 3, 2, 11),
            Decimal("14.7500"),
        ),
        ("shopify", "Online Store"): (1, 1, 0, datetime(2025, 3, 1, 9), datetime(2025, 3, 1, 9), 0),
        ("shopify", "TikTok Shop"): (1, 1, 1, datetime(2025, 3, 6), datetime(2025, 3, 6), Decimal("20.0000")),
    }
    hist = load_history(lines, currency="USD")
    assert hist.channels["shopify"].marketplaces == ["TikTok Shop", "Online Store"]


def test_the_channels_are_the_sellers_channels(lines):
    """LineGroups.channels() lists what service.seller_channels' own query lists, a NULL channel last."""
    lines.execute("UPDATE lines SET channel = NULL WHERE order_id = 'S3'")
    assert line_groups(lines).channels() == seller_channels(lines) == ("amazon", "shopify", None)

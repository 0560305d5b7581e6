"""The appeal letters: plain text, no formula-like line starts, the window in each marketplace's time."""

import re
from datetime import datetime

import pytest

from impact import service
from impact.appeal.letter import _finish, safe_text
from impact.windows import Window

HOSTILE = Window(
    datetime(2025, 10, 20, 22),
    datetime(2025, 10, 21, 3),
    title='=HYPERLINK("http://x.example","y") <script>alert(1)</script>\n-2+3',
    url="https://status.example/<img src=x onerror=alert(1)>",
)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def shop(con):
    """One order per channel, shipped late during the window, so every letter has an affected order."""
    for channel in ("amazon", "ebay", "etsy", "shopify"):
        con.execute(
            """INSERT INTO lines (channel, order_id, line_key, purchased_at, quantity, revenue, currency, status,
                                  fulfilment, shipped_at, promised_at)
               VALUES (?, ?, 'k', TIMESTAMP '2025-10-20 12:00', 1, 5, 'USD', 'completed', NULL,
                       TIMESTAMP '2025-10-23 09:00', TIMESTAMP '2025-10-21 00:00')""",
            [channel, f"{channel}-1"],
        )
    return con


@pytest.mark.parametrize("marketplace", ["amazon", "ebay", "etsy", "shopify"])
def test_no_line_starts_like_a_formula_and_no_html_survives(shop, marketplace):
    """A hostile outage title and link leave no markup and no line a spreadsheet would run."""
    opts = service.resolve_options(tz="America/New_York")
    result = service.appeal_package(shop, HOSTILE, opts, marketplace)[0]
    letter = result["letter"]
    assert result["affected_orders"] == 1
    assert not re.search(r"<\s*/?\s*[a-zA-Z!]", letter) and "<" not in letter and ">" not in letter
    for line in letter.splitlines():
        assert not line.lstrip(" ").startswith(TRIGGERS), line


def test_amazon_and_ebay_letters_use_the_sellers_zone_and_etsy_utc(shop):
    """22:00 UTC is 18:00 in New York: Amazon and eBay show that, Etsy the UTC time of its ship-by days."""
    opts = service.resolve_options(tz="America/New_York")
    window = Window(HOSTILE.start, HOSTILE.end, title="Stripe outage", url="https://status.stripe.com/x")
    for marketplace in ("amazon", "ebay"):
        letter = service.appeal_package(shop, window, opts, marketplace)[0]["letter"]
        assert "Mon 20 Oct 2025 18:00 to 23:00 (America/New_York time)" in letter
        assert "https://status.stripe.com/x" in letter and "the Stripe outage of 20 Oct 2025" in letter
    etsy = service.appeal_package(shop, window, opts, "etsy")[0]["letter"]
    assert "Mon 20 Oct 2025 22:00 to Tue 21 Oct 03:00 (UTC time)" in etsy


def test_shopify_letter_requests_the_credit_tier_and_warns_to_check_it(shop):
    """Five hours in October is 99.33% uptime, the 25% tier; the letter names it and the check of the SLA text."""
    result = service.appeal_package(shop, HOSTILE, service.resolve_options(tz="UTC"), "shopify")[0]
    assert result["metrics"] == [] and result["sla"]["credit"] == 0.25
    assert "300 minutes of downtime in 2025-10" in result["letter"]
    assert "a service credit of 25% of that month's subscription fee" in result["letter"]
    assert result["letter"].startswith("Before sending:") and "current SLA" in result["letter"]


def test_the_last_guard_neutralises_any_formula_like_line():
    """Whatever reaches a line's start, the letter's writer quotes it; tags become spaces."""
    assert _finish(["=1+1", "@SUM(A1)", "fine"]).splitlines() == ["'=1+1", "'@SUM(A1)", "fine"]
    assert safe_text("a<b>c</b> d\n e") == "a c d e"

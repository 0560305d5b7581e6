"""The appeal letters: plain text, no formula-like line starts, the window in each marketplace's time."""

import re
from dataclasses import replace
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
    window = HOSTILE if marketplace != "shopify" else replace(HOSTILE, extra={"providers": ("shopify",)})
    result = service.appeal_package(shop, window, opts, marketplace)[0]
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


def test_a_german_browser_gets_the_letters_dates_in_english(shop):
    """The letters are English: a de_DE browser changes none of their dates (no 'Mo. 20 Okt. 2025')."""
    from impact import present

    opts = service.resolve_options(tz="America/New_York")
    window = Window(HOSTILE.start, HOSTILE.end, title="Stripe outage", url="https://status.stripe.com/x")
    try:
        present.use_locale("de_DE")
        letter = service.appeal_package(shop, window, opts, "amazon")[0]["letter"]
    finally:
        present.use_locale(None)
    assert "Mon 20 Oct 2025 18:00 to 23:00 (America/New_York time)" in letter
    assert "the Stripe outage of 20 Oct 2025" in letter and "Okt" not in letter


SHOPIFY = Window(datetime(2025, 12, 1, 14, 8), datetime(2025, 12, 1, 19, 20), title="Shopify log-in outage")


def test_shopify_request_is_for_the_shopify_incident_with_its_own_window(shop):
    """A window overlapping the catalog's Shopify incident of 1 Dec 2025 (14:08-19:20 UTC): the request names that
    incident and its 312 minutes (99.30% uptime in December, the 25% tier), and claims the 30 days (to 31 Dec 2025)
    only while they run; the check of the SLA text is said to the seller, not written in the letter."""
    shop.execute(
        """INSERT INTO lines (channel, order_id, line_key, purchased_at, quantity, revenue, currency, status,
                              fulfilment, shipped_at, promised_at)
           VALUES ('shopify', 's-2', 'k', TIMESTAMP '2025-12-01 10:00', 1, 5, 'USD', 'completed', NULL,
                   TIMESTAMP '2025-12-03 09:00', TIMESTAMP '2025-12-02 00:00')"""
    )
    opts = service.resolve_options(tz="UTC")
    seller_window = Window(datetime(2025, 12, 1, 15), datetime(2025, 12, 1, 18), title="My store was down")
    early = service.appeal_package(shop, seller_window, opts, "shopify", today=datetime(2025, 12, 10))[0]
    assert early["sla"]["credit"] == 0.25 and early["sla"]["outage_minutes"] == 312
    letter = early["letter"]
    assert "the Shopify Cyber Monday log-in outage of 1 Dec 2025" in letter
    assert "from Mon 01 Dec 2025 14:08 to 19:20 (UTC time)" in letter
    assert "312 minutes of downtime in December 2025" in letter
    assert "a service credit of 25% of that month's subscription fee" in letter
    assert "within the 30 days the SLA allows (by 31 Dec 2025)" in letter
    assert "Before sending" not in letter and "Note:" not in letter
    assert early["for_you"][0].startswith("Before sending:") and "current SLA" in early["for_you"][0]
    late = service.appeal_package(shop, seller_window, opts, "shopify", today=datetime(2026, 12, 7))[0]
    assert "within the 30 days" not in late["letter"] and late["sla"]["deadline_passed"]
    assert late["for_you"][0].startswith("The 30 days Shopify's SLA allows for a credit request ended on 31 Dec 2025")


def test_no_shopify_request_for_an_outage_that_was_not_shopifys(shop):
    """The AWS-type window of October overlaps no Shopify incident: no request, and a sentence saying why."""
    result = service.appeal_package(shop, HOSTILE, service.resolve_options(tz="UTC"), "shopify")[0]
    assert result["letter"] is None and "sla" not in result
    assert result["no_letter"].startswith("There is no Shopify SLA credit to request")


def test_no_letter_when_no_order_was_affected(con):
    """No order of the marketplace affected: no letter, no pack, and a sentence saying there is nothing to appeal."""
    from impact.appeal import appeal_zip
    from impact.errors import InputError

    con.execute(
        """INSERT INTO lines (channel, order_id, line_key, purchased_at, quantity, revenue, currency, status,
                              fulfilment, shipped_at, promised_at)
           VALUES ('amazon', 'a-1', 'k', TIMESTAMP '2025-10-20 12:00', 1, 5, 'USD', 'completed', NULL,
                   TIMESTAMP '2025-10-20 13:00', TIMESTAMP '2025-10-21 00:00'),
                  ('amazon', 'a-2', 'k', TIMESTAMP '2025-10-22 12:00', 1, 5, 'USD', 'completed', NULL,
                   TIMESTAMP '2025-10-22 13:00', TIMESTAMP '2025-10-23 00:00')"""
    )
    result, orders = service.appeal_package(con, HOSTILE, service.resolve_options(tz="UTC"), "amazon")
    assert result["affected_orders"] == 0 and result["letter"] is None and len(orders) == 0
    assert result["no_letter"].startswith("There is nothing to appeal to Amazon: none of your seller-fulfilled")
    with pytest.raises(InputError, match="nothing to appeal"):
        appeal_zip(result, orders)


def test_the_last_guard_neutralises_any_formula_like_line():
    """Whatever reaches a line's start, the letter's writer quotes it; tags become spaces."""
    assert _finish(["=1+1", "@SUM(A1)", "fine"]).splitlines() == ["'=1+1", "'@SUM(A1)", "fine"]
    assert safe_text("a<b>c</b> d\n e") == "a c d e"

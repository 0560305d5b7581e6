"""Tests for impact/costs/ads.py: Amazon, Google, Meta and generic ad reports, and which channel spend counts for."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from testdata import DATA

from impact.costs import AdsFile, ads_file, default_ad_channel, load_costs
from impact.errors import InputError

COSTS = DATA / "costs"


def _spend(con):
    return con.execute("SELECT channel, day, hour, spend, currency, source, line FROM ad_spend ORDER BY ALL").fetchall()


def test_amazon_sponsored_products_report_is_daily_amazon_spend(con):
    """Spend with dollar signs and thousands commas loads per day for amazon; bad rows are rejected by line."""
    f = load_costs(con, ads=[COSTS / "amazon_sp_campaigns.csv"]).files[0]
    assert (f.kind, f.format, f.lines, f.loaded, f.rejected) == ("ad_spend", "amazon_ads_sp", 6, 4, 2)
    assert [(r["line"], r["reason"]) for r in f.rejects] == [
        (6, 'negative spend "-$2.00": it cannot be below zero; correct it or remove the line'),
        (7, 'unreadable date "Oct 2025": write the day as 2025-10-20'),
    ]
    rows = _spend(con)
    assert {r[0] for r in rows} == {"amazon"} and {r[2] for r in rows} == {None}
    assert (
        "amazon",
        date(2025, 10, 20),
        None,
        Decimal("1015.47"),
        "USD",
        "amazon_ads_sp",
        5,
    ) in rows


def test_google_hourly_report_skips_title_and_total_rows(con):
    """The two title lines and the Total rows are skipped with reasons; hours load for the channel given."""
    f = load_costs(con, ads=["shopify=" + str(COSTS / "google_ads_hourly.csv")]).files[0]
    assert f.lines == f.loaded + f.skipped + f.rejected == 9
    assert f.skipped_reasons == {
        "report title line above the header": 2,
        "total row": 2,
        "no spend given": 1,
    }
    assert [(r["line"], r["reason"]) for r in f.rejects] == [(7, 'hour must be 0 to 23, not "24"')]
    assert [(r[0], r[2], r[3]) for r in _spend(con)] == [
        ("shopify", 0, Decimal("0.84")),
        ("shopify", 1, Decimal("0.42")),
        ("shopify", 13, Decimal("1021.30")),
    ]


def test_meta_export_takes_currency_from_the_header_and_hour_from_time_of_day(con):
    """'Amount spent (USD)' gives the currency, the time-of-day bucket the hour; a week-long row is rejected."""
    f = load_costs(con, ads=[("woocommerce", COSTS / "meta_ads.csv")]).files[0]
    assert (f.loaded, f.rejected) == (2, 1)
    assert "export the report broken down by day" in f.rejects[0]["reason"]
    assert [(r[0], r[2], r[3], r[4]) for r in _spend(con)] == [
        ("woocommerce", 0, Decimal("1.85"), "USD"),
        ("woocommerce", 13, Decimal("6.30"), "USD"),
    ]


def test_generic_ad_file_checks_channels(con):
    """A generic file names its channels; unknown or missing ones are rejected when no channel is given."""
    f = load_costs(con, ads=[COSTS / "ad_spend_generic.csv"]).files[0]
    assert [r["line"] for r in f.rejects] == [4, 5]
    assert [(r[0], r[2]) for r in _spend(con)] == [("amazon", None), ("shopify", 14)]


def test_google_ads_take_the_own_store_from_the_orders(con):
    """Without CHANNEL=FILE, Google spend counts for the Shopify store the orders show."""
    load_costs(con, ads=[COSTS / "google_ads_hourly.csv"], order_channels=["amazon", "shopify"])
    assert {r[0] for r in _spend(con)} == {"shopify"}


def test_google_ads_without_an_own_store_ask_for_a_channel(con):
    """With only Amazon orders the seller is asked for CHANNEL=FILE, and nothing is loaded."""
    with pytest.raises(InputError, match="CHANNEL=FILE"):
        load_costs(con, ads=[COSTS / "google_ads_hourly.csv"], order_channels=["amazon"])
    assert _spend(con) == []


def test_amazon_ads_cannot_be_given_another_channel(con):
    """Amazon Ads spend always buys Amazon sales."""
    with pytest.raises(InputError, match="Amazon Ads"):
        load_costs(con, ads=["shopify=" + str(COSTS / "amazon_sp_campaigns.csv")])


def test_default_ad_channel_prefers_shopify_then_woocommerce():
    """The first own store present wins; no own store is an InputError."""
    assert default_ad_channel(["amazon", "woocommerce", "shopify"]) == "shopify"
    assert default_ad_channel(["woocommerce"]) == "woocommerce"
    with pytest.raises(InputError):
        default_ad_channel([])


def test_ads_arguments_have_one_representation():
    """A path, CHANNEL=PATH, (channel, path) and AdsFile all become an AdsFile; '=' in a path is not a channel."""
    assert ads_file("g.csv") == AdsFile(Path("g.csv"))
    assert ads_file("Shopify=g.csv") == AdsFile(Path("g.csv"), "shopify")
    assert ads_file(("etsy", "g.csv")) == AdsFile(Path("g.csv"), "etsy")
    assert ads_file("/tmp/a=b.csv") == AdsFile(Path("/tmp/a=b.csv"))
    with pytest.raises(InputError):
        ads_file(("tiktok", "g.csv"))


def test_loading_a_report_twice_adds_and_warns(con):
    """A second file with the same days of the same report is appended, with a warning to remove a duplicate."""
    load_costs(con, ads=[COSTS / "amazon_sp_campaigns.csv"])
    f = load_costs(con, ads=[COSTS / "amazon_sp_campaigns.csv"]).files[0]
    assert "2 days already had spend" in f.warnings[0]
    assert len(_spend(con)) == 8


def test_google_excel_csv_in_utf16_with_tabs_loads(con, tmp_path):
    """Google's "Excel CSV" download (UTF-16, tab-separated) reads like the plain CSV one."""
    text = (COSTS / "google_ads_hourly.csv").read_text("utf-8").replace('"1,021.30"', "1021.30").replace(",", "\t")
    path = tmp_path / "google_excel.csv"
    path.write_bytes(text.replace('"1\t022.56"', "1022.56").encode("utf-16"))
    f = load_costs(con, ads=[("shopify", path)]).files[0]
    assert (f.lines, f.loaded, f.rejected) == (9, 3, 1)
    assert con.execute("SELECT sum(spend) FROM ad_spend").fetchone() == (Decimal("1022.56"),)

"""Tests for matching windows against the outage catalog."""

from __future__ import annotations

from datetime import datetime, timedelta

from impact.outages import describe_match, load_catalog, match_catalog, overlap_hours
from impact.windows import Window


def window(start, end, channels=()):
    return Window(start=start, end=end, channels=tuple(channels), title="drop", source="detected")


def test_amazon_drop_matches_the_aws_outage():
    """An Amazon drop on 2025-10-20 07:00-13:00 matches the AWS us-east-1 outage, and says so in one sentence."""
    drop = window(datetime(2025, 10, 20, 7), datetime(2025, 10, 20, 13), ["amazon"])
    matches = match_catalog(drop)
    assert [m.extra["id"] for m in matches] == ["aws-us-east-1-2025-10-20"]
    text = describe_match(drop, matches, drop_pct=91)
    assert text.startswith(
        "your Amazon orders dropped 91% on 2025-10-20 07:00–13:00 UTC — matches the AWS us-east-1 outage"
    )
    assert "phases: DynamoDB DNS" in text  # the catalog's precision note travels with the match


def test_channel_must_overlap():
    """An Etsy drop during the AWS outage does not match it: AWS entries do not list Etsy."""
    drop = window(datetime(2025, 10, 20, 7), datetime(2025, 10, 20, 13), ["etsy"])
    assert match_catalog(drop) == []
    assert describe_match(drop, []).endswith("no known outage in the catalog matches")


def test_window_for_all_channels_matches_any_entry():
    """A window without channels (all) overlaps entries of any channel."""
    drop = window(datetime(2025, 12, 1, 15), datetime(2025, 12, 1, 16))
    assert [m.extra["id"] for m in match_catalog(drop)] == ["shopify-2025-12-01"]


def test_all_channel_entry_matches_every_channel():
    """The CrowdStrike entry (all channels) matches an eBay window at that time."""
    drop = window(datetime(2024, 7, 19, 4), datetime(2024, 7, 19, 6), ["ebay"])
    assert [m.extra["id"] for m in match_catalog(drop)] == ["crowdstrike-2024-07-19"]


def test_touching_is_not_overlapping_but_slack_widens():
    """A window ending exactly at an entry's start does not match, unless slack widens the entry."""
    drop = window(datetime(2025, 11, 18, 9), datetime(2025, 11, 18, 11, 20), ["other"])
    assert match_catalog(drop) == []
    assert [m.extra["id"] for m in match_catalog(drop, slack=timedelta(minutes=30))] == ["cloudflare-2025-11-18"]


def test_largest_overlap_comes_first():
    """With several matches, the entry sharing the most hours is first and the sentence names them all."""
    catalog = [
        Window(start=datetime(2025, 1, 1, 10), end=datetime(2025, 1, 1, 11), channels=("amazon",), title="small blip"),
        Window(start=datetime(2025, 1, 1, 9), end=datetime(2025, 1, 1, 18), channels=(), title="big outage"),
    ]
    drop = window(datetime(2025, 1, 1, 10), datetime(2025, 1, 1, 16), ["amazon"])
    matches = match_catalog(drop, catalog)
    assert [m.title for m in matches] == ["big outage", "small blip"]
    assert "matches the big outage and the small blip" in describe_match(drop, matches)


def test_open_window_overlaps_until_now():
    """An open window (end None) counts as lasting until `now`."""
    entry = Window(start=datetime(2025, 1, 1, 10), end=datetime(2025, 1, 1, 12), title="e")
    still_open = window(datetime(2025, 1, 1, 11), None)
    assert overlap_hours(still_open, entry, now=datetime(2025, 1, 1, 11, 30)) == 0.5
    assert match_catalog(still_open, [entry], now=datetime(2025, 1, 1, 11, 30)) == [entry]
    assert "since 2025-01-01 11:00 UTC" in describe_match(still_open, [entry])


def test_multi_day_window_sentence_and_other_date():
    """A window over midnight names both dates, and a match starting on another day gives its date."""
    drop = window(datetime(2021, 12, 7, 20), datetime(2021, 12, 8, 2), ["amazon", "woocommerce"])
    matches = match_catalog(drop, load_catalog())
    assert [m.extra["id"] for m in matches] == ["aws-us-east-1-2021-12-07"]
    text = describe_match(drop, matches)
    assert text.startswith("your Amazon and WooCommerce orders were hit from 2021-12-07 20:00 to 2021-12-08 02:00 UTC")

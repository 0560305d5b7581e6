"""Tests for outage windows and UTC parsing."""

from datetime import datetime

import pytest

from impact.errors import WindowError
from impact.windows import iso_utc, parse_utc, window_from_strings


def test_offsets_are_converted_to_utc():
    """An offset time becomes the same instant in naive UTC."""
    assert parse_utc("2025-10-20T15:48:00+09:00") == datetime(2025, 10, 20, 6, 48)
    assert parse_utc("2025-10-20T06:48Z") == datetime(2025, 10, 20, 6, 48)


def test_naive_time_is_refused():
    """A time without a zone is ambiguous and is refused with a message."""
    with pytest.raises(WindowError, match="no time zone"):
        parse_utc("2025-10-20T06:48")


def test_window_end_before_start_is_refused():
    """A window must end after it starts."""
    with pytest.raises(WindowError, match="before it starts"):
        window_from_strings("2025-10-20T10:00Z", "2025-10-20T09:00Z")


def test_window_json_round_trip():
    """Windows serialise to ISO UTC with their channels."""
    w = window_from_strings("2025-10-20T06:48Z", "2025-10-20T21:20Z", "amazon, shopify")
    assert w.to_json()["channels"] == ["amazon", "shopify"]
    assert iso_utc(w.end) == "2025-10-20T21:20:00Z"
    assert w.hours == pytest.approx(14.5333, abs=1e-3)


def test_a_marketplace_scope_keeps_its_spelling_and_counts_as_its_channel():
    """'Shopify:TikTok Shop' keeps the marketplace as written, the channel in lower case; base_channels drops it."""
    w = window_from_strings("2025-10-20T06:48Z", "2025-10-20T21:20Z", "Shopify: TikTok Shop, amazon, shopify")
    assert w.channels == ("shopify:TikTok Shop", "amazon", "shopify")
    assert w.base_channels == ("shopify", "amazon")
    assert w.to_json()["channels"] == ["shopify:TikTok Shop", "amazon", "shopify"]

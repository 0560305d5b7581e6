"""Tests for the built-in outage catalog in data/outages.csv."""

from __future__ import annotations

from datetime import datetime

import pytest

from impact.errors import InputError
from impact.outages import catalog_entry, load_catalog, parse_catalog, providers, window_json
from impact.store import CHANNELS

HEADER = "id,name,providers,channels,start,end,precision,affected,source_url\n"


def test_catalog_has_every_reference_outage_with_a_source():
    """All eight outages of the reference table are there, in time order, each with an http(s) source."""
    catalog = load_catalog()
    assert [w.extra["id"] for w in catalog] == [
        "aws-s3-2017-02-28",
        "amazon-prime-day-2018-07-16",
        "fastly-2021-06-08",
        "aws-us-east-1-2021-12-07",
        "crowdstrike-2024-07-19",
        "aws-us-east-1-2025-10-20",
        "cloudflare-2025-11-18",
        "shopify-2025-12-01",
    ]
    for window in catalog:
        assert window.url.startswith("https://")
        assert window.end > window.start
        assert set(window.channels) <= set(CHANNELS)
        assert window.source == "catalog"


def test_catalog_times_are_utc_as_published():
    """The AWS 2025 outage runs 06:48-21:20 UTC and affects Amazon with AWS as the provider."""
    aws = catalog_entry("aws-us-east-1-2025-10-20")
    assert (aws.start, aws.end) == (datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20))
    assert "amazon" in aws.channels
    assert providers(aws) == ("aws",)


def test_uncertain_times_are_marked():
    """Approximate and unconfirmed times carry a precision note; the JSON passes it on."""
    shopify = catalog_entry("shopify-2025-12-01")
    assert "unconfirmed" in shopify.precision and "approximate" in shopify.precision
    prime = catalog_entry("amazon-prime-day-2018-07-16")
    assert "approximate" in prime.precision
    data = window_json(shopify)
    assert data["precision"] == shopify.precision
    assert data["id"] == "shopify-2025-12-01" and data["providers"] == ["shopify"]
    assert data["end"] == "2025-12-01T19:20:00Z" and data["open"] is False


def test_all_channels_entry_has_no_channel_list():
    """'all' in the channels column means every channel (an empty tuple)."""
    assert catalog_entry("crowdstrike-2024-07-19").channels == ()


def test_catalog_rows_are_validated_with_line_numbers():
    """A broken row in an extended catalog names its line and the problem."""
    text = (
        HEADER
        + "a,A,aws,amazon,2025-01-01T00:00Z,2025-01-01T01:00Z,,x,https://example.com/a\n"
        + "a,B,aws,amazon,2025-01-02T00:00Z,2025-01-02T01:00Z,,x,https://example.com/b\n"
        + "c,C,aws,amazn,2025-01-03T00:00Z,2025-01-03T01:00Z,,x,https://example.com/c\n"
        + "d,D,aws,amazon,2025-01-04T02:00Z,2025-01-04T01:00Z,,x,https://example.com/d\n"
    )
    with pytest.raises(InputError) as info:
        parse_catalog(text)
    message = str(info.value)
    assert "line 3: id 'a' is used twice" in message
    assert "line 4: unknown channel 'amazn'" in message
    assert "line 5: the window ends" in message


def test_catalog_missing_column_is_refused():
    """A catalog without the source_url column is refused."""
    with pytest.raises(InputError, match="missing column"):
        parse_catalog("id,name,start,end\n")


def test_unknown_catalog_id_is_an_error():
    """Asking for an id that is not in the catalog says so."""
    with pytest.raises(InputError, match="no outage 'nope'"):
        catalog_entry("nope")


def test_extended_catalog_file_is_read_and_reread(tmp_path):
    """A catalog file given by path is read, and read again after it changes."""
    path = tmp_path / "outages.csv"
    path.write_text(HEADER + "x,X,gcp,all,2025-06-12T17:51Z,2025-06-13T01:18Z,,GCP,https://example.com/x\n")
    assert [w.title for w in load_catalog(path)] == ["X"]
    path.write_text(HEADER + "y,Y,gcp,all,2025-06-12T17:51Z,2025-06-13T01:18Z,,GCP,https://example.com/y\n")
    import os

    os.utime(path, (1, 1))  # a different mtime even on coarse-clock filesystems
    assert [w.title for w in load_catalog(path)] == ["Y"]

"""Tests for typed-in and uploaded outage windows (start,end,channels,title[,impact,degraded_pct])."""

from __future__ import annotations

from datetime import datetime

import pytest

from impact.errors import WindowError
from impact.outages import load_windows_csv, make_window, parse_channels, parse_windows_csv


def test_valid_file_gives_windows(tmp_path):
    """Full and degraded windows, quoted channel lists and offsets all parse into UTC windows."""
    path = tmp_path / "windows.csv"
    path.write_text(
        "start,end,channels,title,impact,degraded_pct\n"
        '2025-10-20T06:48Z,2025-10-20T21:20Z,"amazon,woocommerce",AWS us-east-1,,\n'
        "2025-12-01T09:08-05:00,2025-12-01T14:20-05:00,shopify,Shopify log-in,degraded,40%\n"
        "2024-07-19T04:09Z,2024-07-19T12:00Z,all,CrowdStrike,full,\n"
    )
    windows = load_windows_csv(path, source_name="file:windows.csv")
    assert len(windows) == 3
    aws, shopify, crowd = windows
    assert aws.channels == ("amazon", "woocommerce") and aws.impact == "full" and aws.degraded_pct is None
    assert (shopify.start, shopify.end) == (datetime(2025, 12, 1, 14, 8), datetime(2025, 12, 1, 19, 20))
    assert shopify.impact == "degraded" and shopify.degraded_pct == 40
    assert crowd.channels == ()
    assert aws.source == "file:windows.csv"


def test_every_bad_line_is_reported_with_its_number():
    """Each bad row is reported with its line number and reason; good rows are still returned."""
    text = (
        "start,end,channels,title,impact,degraded_pct\n"
        "2025-10-20T06:48Z,2025-10-20T21:20Z,amazon,ok,,\n"
        "\n"
        "2025-10-20T06:48,2025-10-20T21:20Z,amazon,no zone,,\n"
        "2025-10-20T10:00Z,2025-10-20T09:00Z,amazon,backwards,,\n"
        "2025-10-20T06:48Z,2025-10-20T21:20Z,amazn,typo,,\n"
        "2025-10-20T06:48Z,2025-10-20T21:20Z,amazon,half,degraded,\n"
        "2025-10-20T06:48Z,2025-10-20T21:20Z,amazon,pct,degraded,150\n"
        "2025-10-20T06:48Z,2025-10-20T21:20Z,amazon,kind,sideways,\n"
        "2025-10-20T06:48Z,2025-10-20T21:20Z,amazon,full-with-pct,full,30\n"
        "2025-10-20T06:48Z,,amazon,no end,,\n"
        "2025-10-20T06:48Z,2025-10-20T21:20Z,amazon\n"
    )
    result = parse_windows_csv(text)
    assert [w.title for w in result.windows] == ["ok"]
    reasons = {e.line: e.reason for e in result.errors}
    assert sorted(reasons) == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "no time zone" in reasons[4]
    assert "is not after start" in reasons[5]
    assert "unknown channel 'amazn'" in reasons[6]
    assert "needs degraded_pct" in reasons[7]
    assert "at most 100" in reasons[8]
    assert "must be full or degraded" in reasons[9]
    assert "impact is full but degraded_pct is 30" in reasons[10]
    assert "end is empty" in reasons[11]
    assert "3 values for 6 columns" in reasons[12]
    with pytest.raises(WindowError, match=r"9 lines have problems: line 4: start: .*; line 5: "):
        load_windows_csv(text)


def test_semicolon_file_with_semicolon_free_channels():
    """A semicolon-delimited export (European spreadsheets) is read by its header."""
    text = "start;end;channels;title\n2025-10-20T06:48Z;2025-10-20T21:20Z;amazon;AWS\n"
    assert [w.channels for w in load_windows_csv(text)] == [("amazon",)]


def test_comma_file_with_semicolon_channel_lists():
    """Channels separated by ';' inside a comma file are not mistaken for the delimiter."""
    text = "start,end,channels,title\n2025-10-20T06:48Z,2025-10-20T21:20Z,amazon;ebay,AWS\n"
    assert [w.channels for w in load_windows_csv(text)] == [("amazon", "ebay")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("start,end,title\n", "missing column channels"),
        ("start,end,channels,title,notes\n", "unknown column notes"),
        ("start,end,channels,title\n", "has a header but no windows"),
    ],
)
def test_unusable_files_are_refused(text, message):
    """Empty files and wrong headers are refused with what the header must be."""
    with pytest.raises(WindowError, match=message):
        parse_windows_csv(text)


def test_binary_upload_is_refused():
    """Binary bytes are not read as a CSV."""
    with pytest.raises(WindowError, match="not a text CSV"):
        parse_windows_csv(b"PK\x03\x04\x00\x00binary")


def test_utf16_and_bom_uploads_are_read():
    """Spreadsheet exports in UTF-16 or with a UTF-8 BOM parse like plain UTF-8."""
    text = "start,end,channels,title\n2025-10-20T06:48Z,2025-10-20T21:20Z,amazon,AWS\n"
    assert len(load_windows_csv(text.encode("utf-16"))) == 1
    assert len(load_windows_csv(b"\xef\xbb\xbf" + text.encode())) == 1


def test_make_window_for_typed_in_values():
    """The app's typed-in window: datetimes are taken as UTC, a percentage alone means degraded."""
    w = make_window(datetime(2025, 10, 20, 7), datetime(2025, 10, 20, 13), ["amazon"], "", None, 25)
    assert w.impact == "degraded" and w.degraded_pct == 25 and w.title == "Outage 2025-10-20 07:00"
    assert make_window("2025-10-20T07:00Z", "2025-10-20T13:00Z", "amazon", "x", "", "100").impact == "full"


def test_parse_channels():
    """Channel lists accept commas, semicolons and 'all', and reject unknown names."""
    assert parse_channels("Amazon, eBay;etsy") == ("amazon", "ebay", "etsy")
    assert parse_channels("all") == ()
    with pytest.raises(WindowError, match="unknown channel 'ebey'"):
        parse_channels(["ebey"])


def test_a_header_of_no_windows_file_is_named_not_dumped():
    """A file whose first line is long junk gets one short line: five column names at most, each cut at 30 characters."""
    header = ",".join(f"column number {i} with a rather long name" for i in range(40))
    with pytest.raises(WindowError) as info:
        parse_windows_csv(header + "\n1,2\n")
    message = str(info.value)
    assert message.startswith("the windows file, line 1: missing columns start, end, channels, title and unknown")
    assert "column_number_4_with_a_rather…" in message and "and 35 more" in message
    assert "column_number_5" not in message and len(message) < 400

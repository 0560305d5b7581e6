"""Tests for impact/outages/stamps.py: the impact spans AWS notices state, read into UTC."""

from __future__ import annotations

from datetime import datetime

from impact.outages.stamps import stated_spans, statuspage_updates


def test_a_span_across_midnight_with_its_dates_is_read_as_written():
    """'Between 11:49 PM PDT on October 19 and 2:24 AM PDT on October 20' is 06:49 to 09:24 UTC on the 20th."""
    text = (
        "Between 11:49 PM PDT on October 19 and 2:24 AM PDT on October 20, we experienced increased error rates "
        "and latencies for AWS Services in the US-EAST-1 Region."
    )
    spans = stated_spans(text, published=datetime(2025, 10, 20, 10, 1), zone="PDT")
    assert spans == [(datetime(2025, 10, 20, 6, 49), datetime(2025, 10, 20, 9, 24))]


def test_two_spans_in_one_sentence_and_a_zone_named_once():
    """The AP-SOUTH-1 wording gives two spans; the first borrows the zone the second names."""
    text = (
        "Between 8:59 AM and 9:32 AM PST and between 9:40 AM and 10:16 AM PST we observed Internet connectivity "
        "issues with a network provider outside of our network in the AP-SOUTH-1 Region."
    )
    spans = stated_spans(text, published=datetime(2021, 12, 24, 18, 41, 17), zone="PST")
    assert spans == [
        (datetime(2021, 12, 24, 16, 59), datetime(2021, 12, 24, 17, 32)),
        (datetime(2021, 12, 24, 17, 40), datetime(2021, 12, 24, 18, 16)),
    ]


def test_a_clock_later_than_the_notice_is_the_day_before():
    """A notice at 00:30 PST about 'between 10:00 PM and 11:45 PM' means the evening before."""
    spans = stated_spans(
        "Between 10:00 PM and 11:45 PM we saw errors.", published=datetime(2022, 1, 5, 8, 30), zone="PST"
    )
    assert spans == [(datetime(2022, 1, 5, 6, 0), datetime(2022, 1, 5, 7, 45))]


def test_text_without_a_span_or_with_an_unknown_zone_gives_none():
    """No 'between ... and ...' of clock times, or a zone the table does not know, states no span."""
    published = datetime(2022, 1, 5, 8, 30)
    assert stated_spans("We are investigating increased error rates.", published=published, zone="PST") == []
    assert stated_spans("Between 1:00 PM and 2:00 PM XYZT", published=published, zone="XYZT") == []


def test_updates_without_stamps_give_nothing():
    """A body with no timed update (a plain description) gives no updates, so the entry is read as a notice."""
    assert statuspage_updates("<p>All good.</p>", published=None, latest=None) == []

"""Tests for status feeds -> windows: Statuspage, AWS-style RSS, Statuspage Atom and Google Cloud, served over HTTP."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from impact.errors import FeedError
from impact.outages import filter_windows, load_feed, parse_impacts, parse_rss, parse_statuspage, window_json
from impact.outages.feeds import feed_address, statuspage_api_url
from impact.outages.fetch import clear_cache
from impact.settings import Settings

FEEDS_NOW = datetime(2025, 12, 2, 9, 0)  # shortly after the newest recorded update in each feed


def settings() -> Settings:
    return Settings(feed_allow_private=True, feed_timeout_total=5.0, feed_cache_seconds=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_cache()
    yield
    clear_cache()


def by_title(windows):
    return {w.title: w for w in windows}


def test_statuspage_incidents_become_windows(feed_server):
    """Resolved incidents run from started_at to resolved_at in UTC; an unresolved one is open with end None."""
    result = load_feed(feed_server.url("/statuspage/api/v2/incidents.json"), settings=settings())
    assert result.kind == "statuspage"
    windows = by_title(result.windows)
    login = windows["Some merchants cannot log in to the admin"]
    # started_at 08:08 at -06:00 is 14:08 UTC; no resolved_at and status 'identified' means still open.
    assert login.start == datetime(2025, 12, 1, 14, 8)
    assert login.end is None
    assert login.extra["open"] is True
    assert login.extra["components"] == ["Admin", "Point of Sale"]
    assert login.impact == "degraded"
    checkout = windows["Checkout errors on storefronts"]
    assert (checkout.start, checkout.end) == (datetime(2025, 11, 18, 11, 20), datetime(2025, 11, 18, 17, 6))
    assert checkout.impact == "full"
    assert checkout.url == "https://stspg.io/p2d6s9w4"
    webhooks = windows["Delayed webhooks for third-party apps"]
    assert webhooks.start == datetime(2025, 10, 20, 6, 55)  # 01:55 at -05:00
    assert webhooks.end.replace(microsecond=0) == datetime(2025, 10, 20, 21, 5, 51)
    assert [w.start for w in result.windows] == sorted((w.start for w in result.windows), reverse=True)


def test_statuspage_json_has_null_end_and_open_flag(feed_server):
    """The JSON form of an unresolved incident has "end": null and "open": true."""
    result = load_feed(feed_server.url("/statuspage/api/v2/incidents.json"), settings=settings())
    data = json.loads(json.dumps([window_json(w) for w in result.windows]))
    open_ones = [d for d in data if d["open"]]
    assert len(open_ones) == 1
    assert open_ones[0]["end"] is None
    assert open_ones[0]["start"] == "2025-12-01T14:08:00Z"
    assert {"start", "end", "title", "source", "channels", "impact", "score"} <= set(data[0])


def test_statuspage_filters_by_impact_and_component(feed_server):
    """--impact keeps the named severities and --component matches component names case-insensitively."""
    url = feed_server.url("/statuspage/api/v2/incidents.json")
    major = load_feed(url, impacts="major,critical", settings=settings())
    assert {w.extra["severity"] for w in major.windows} == {"major", "critical"}
    pos = load_feed(url, components=["point of sale"], settings=settings())
    assert [w.title for w in pos.windows] == ["Some merchants cannot log in to the admin"]
    both = load_feed(url, impacts=["critical"], components=["checkout"], settings=settings())
    assert [w.title for w in both.windows] == ["Checkout errors on storefronts"]
    assert load_feed(url, impacts="critical", components=["admin"], settings=settings()).windows == []


def test_statuspage_base_address_is_turned_into_the_api_address():
    """A page's base address, with or without a path, points at /api/v2/incidents.json; a .json address is kept."""
    assert statuspage_api_url("https://www.githubstatus.com") == "https://www.githubstatus.com/api/v2/incidents.json"
    assert statuspage_api_url("https://status.x.com/history") == "https://status.x.com/api/v2/incidents.json"
    kept = "https://status.x.com/api/v2/incidents/unresolved.json"
    assert statuspage_api_url(kept) == kept
    assert feed_address("https://status.x.com/", "auto") == "https://status.x.com/api/v2/incidents.json"
    assert feed_address("https://status.cloud.google.com", "auto") == "https://status.cloud.google.com/incidents.json"
    assert feed_address("https://status.x.com/history.rss", "auto") == "https://status.x.com/history.rss"
    assert feed_address("www.githubstatus.com", "auto") == "https://www.githubstatus.com/api/v2/incidents.json"


def test_prose_in_the_address_field_is_not_looked_up():
    """A sentence typed where an address goes is answered as not an address, with an example, before any DNS lookup."""
    with pytest.raises(FeedError) as caught:
        load_feed("my shopify went down on tuesday", settings=settings())
    assert str(caught.value) == (
        "'my shopify went down on tuesday' is not a status page address; give one like https://www.shopifystatus.com"
        " or https://www.githubstatus.com"
    )


def test_aws_rss_updates_are_grouped_into_incidents(feed_server):
    """AWS items are updates: grouped by service and time gap, timed by a stated span or first notice to resolution."""
    result = load_feed(
        feed_server.url("/aws/ec2-us-east-1.rss"), kind="rss", settings=settings(), now=datetime(2022, 6, 13, 15)
    )
    assert result.kind == "rss"
    assert len(result.windows) == 3
    newest, december, november = result.windows
    # The summary states "between 7:30 AM and 2:22 PM PST": AWS's own account, earlier than its first notice.
    assert (december.start, december.end) == (datetime(2021, 12, 7, 15, 30), datetime(2021, 12, 7, 22, 22))
    assert december.extra["updates"] == 6  # the later summary item stays in the incident
    assert december.extra["severity"] == "critical"
    assert december.impact == "full"
    assert december.title == "Increased API Error Rates (Amazon Elastic Compute Cloud (N. Virginia))"
    assert december.extra["providers"] == ["aws"]
    assert "ec2-us-east-1" in december.extra["components"]
    # "Between 9:48 AM and 10:58 AM PST", stated in its resolution notice of 11:02 PST.
    assert (november.start, november.end) == (datetime(2021, 11, 30, 17, 48), datetime(2021, 11, 30, 18, 58))
    assert november.extra["severity"] == "minor"
    assert newest.start == datetime(2022, 6, 13, 13, 10)  # 06:10 PDT
    assert newest.end is None and newest.extra["open"] is True


def test_aws_unresolved_incident_long_ago_gets_an_approximate_end(feed_server):
    """An incident with no resolution whose last update is days old is closed at that update and marked approximate."""
    result = load_feed(feed_server.url("/aws/ec2-us-east-1.rss"), settings=settings(), now=datetime(2022, 7, 1))
    newest = result.windows[0]
    assert newest.end == datetime(2022, 6, 13, 13, 48)
    assert newest.precision.startswith("approximate end")
    assert newest.extra["open"] is False


def test_update_feed_groups_per_service_and_gap():
    """Interleaved updates of two services, and a relapse after a long gap, make separate incidents."""

    def item(service, epoch, title, date):
        return (
            f"<item><title>{title}</title><pubDate>{date}</pubDate>"
            f'<guid isPermaLink="false">https://status.aws.amazon.com/#{service}_{epoch}</guid></item>'
        )

    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>AWS</title>'
        + item("s3-us-east-1", 1000001, "Service disruption: Errors", "Tue, 28 Feb 2017 09:54:00 PST")
        + item("ec2-us-east-1", 1000002, "Informational message: Launch delays", "Tue, 28 Feb 2017 10:30:00 PST")
        + item(
            "s3-us-east-1", 1000003, "Service is operating normally: [RESOLVED] Errors", "Tue, 28 Feb 2017 13:54:00 PST"
        )
        + item(
            "ec2-us-east-1",
            1000004,
            "Service is operating normally: [RESOLVED] Launch delays",
            "Tue, 28 Feb 2017 14:10:00 PST",
        )
        + item("s3-us-east-1", 1000005, "Service degradation: Errors again", "Wed, 01 Mar 2017 09:00:00 PST")
        + item(
            "s3-us-east-1",
            1000006,
            "Service is operating normally: [RESOLVED] Errors again",
            "Wed, 01 Mar 2017 10:00:00 PST",
        )
        + "</channel></rss>"
    )
    windows, skipped = parse_rss(rss.encode(), now=datetime(2017, 3, 2))
    assert skipped == []
    spans = sorted((w.extra["components"][0], w.start, w.end) for w in windows)
    assert spans == [
        ("ec2-us-east-1", datetime(2017, 2, 28, 18, 30), datetime(2017, 2, 28, 22, 10)),
        ("s3-us-east-1", datetime(2017, 2, 28, 17, 54), datetime(2017, 2, 28, 21, 54)),
        ("s3-us-east-1", datetime(2017, 3, 1, 17, 0), datetime(2017, 3, 1, 18, 0)),
    ]


def test_statuspage_atom_entries_are_incidents(feed_server):
    """Atom entries are timed by the updates in their body, not their +01:00 dates; a resolution decides open."""
    result = load_feed(feed_server.url("/history.atom"), settings=settings(), now=FEEDS_NOW)
    assert result.kind == "rss"
    windows = by_title(result.windows)
    payouts = windows["Payouts and dashboard unavailable"]
    assert (payouts.start, payouts.end) == (datetime(2025, 11, 18, 11, 35), datetime(2025, 11, 18, 17, 2))
    assert payouts.url == "https://status.example-payments.com/incidents/8gmgl950y3h7"
    maintenance = windows["Scheduled maintenance of the reporting database"]
    assert (maintenance.start, maintenance.end) == (datetime(2025, 11, 9, 1, 0), datetime(2025, 11, 9, 2, 30))
    # Its body says "has not been resolved yet": the status marker, not the word, decides.
    declines = windows["Elevated card decline rates in Europe"]
    assert declines.start == datetime(2025, 12, 2, 7, 40)
    assert declines.end is None


def test_gcp_incidents_become_windows(feed_server):
    """Google Cloud begin/end become the window; no end means open; severity and products are kept."""
    result = load_feed(feed_server.url("/gcp/incidents.json"), settings=settings())
    assert result.kind == "gcp"
    windows = by_title(result.windows)
    big = windows["Multiple GCP products are experiencing Service issues"]
    assert (big.start, big.end) == (datetime(2025, 6, 12, 17, 51), datetime(2025, 6, 13, 1, 18))
    assert big.impact == "full"
    assert "Google Compute Engine" in big.extra["components"]
    assert big.url == "https://status.cloud.google.com/incidents/ow5i3PPK96RduMcb1SsW"
    lb = windows["Elevated latency for Cloud Load Balancing in europe-west3"]
    assert lb.end is None and lb.extra["open"]
    high = load_feed(feed_server.url("/gcp/incidents.json"), impacts="high", settings=settings())
    assert [w.title for w in high.windows] == ["Multiple GCP products are experiencing Service issues"]
    same = load_feed(feed_server.url("/gcp/incidents.json"), impacts="critical", settings=settings())
    assert [w.title for w in same.windows] == [w.title for w in high.windows]
    build = load_feed(
        feed_server.url("/gcp/incidents.json"), kind="gcp", components=["cloud build"], settings=settings()
    )
    assert [w.extra["severity"] for w in build.windows] == ["low"]


def test_invalid_json_is_a_clear_error(feed_server):
    """A truncated JSON body is reported as not valid JSON."""
    with pytest.raises(FeedError, match=r"is not valid JSON \(cut short\?\): save or fetch it again"):
        load_feed(feed_server.url("/invalid.json"), settings=settings())


def test_wrong_schema_is_a_clear_error(feed_server):
    """JSON without an incidents list is refused as not a Statuspage incident list."""
    with pytest.raises(FeedError, match="not a Statuspage incident list"):
        load_feed(feed_server.url("/wrong-schema.json"), settings=settings())
    with pytest.raises(FeedError, match="not a Google Cloud incident list"):
        load_feed(feed_server.url("/statuspage/api/v2/incidents.json"), kind="gcp", settings=settings())


def test_html_page_is_not_a_feed(feed_server):
    """A web page is refused with a hint about which addresses work."""
    with pytest.raises(FeedError, match="is a web page, not a feed"):
        load_feed(feed_server.url("/page.html"), settings=settings())
    with pytest.raises(FeedError, match="did not return JSON"):
        load_feed(feed_server.url("/html.json"), kind="statuspage", settings=settings())
    with pytest.raises(FeedError, match="not a readable RSS or Atom feed"):
        load_feed(feed_server.url("/page.html"), kind="rss", settings=settings())


def test_statuspage_base_address_is_followed_to_the_api(feed_server):
    """kind=statuspage with a base address reads /api/v2/incidents.json on that host."""
    base = feed_server.url("/statuspage/api/v2/incidents.json").split("/statuspage")[0]
    with pytest.raises(FeedError, match="404"):
        load_feed(base, kind="statuspage", settings=settings())  # the fixture serves it under /statuspage only
    assert load_feed(
        feed_server.url("/statuspage/api/v2/incidents.json"), kind="statuspage", settings=settings()
    ).windows


def test_unknown_impact_word_is_refused():
    """A misspelt impact filter is an error listing the valid words."""
    with pytest.raises(FeedError, match="unknown impact 'majr'"):
        parse_impacts("majr")
    assert parse_impacts("Major, high") == ["major", "critical"]
    assert parse_impacts("") is None


def test_bad_incidents_are_skipped_with_a_reason():
    """An incident without a start or ending before it starts is skipped and reported, the rest kept."""
    data = {
        "incidents": [
            {"name": "no times", "status": "resolved"},
            {
                "name": "backwards",
                "status": "resolved",
                "started_at": "2025-01-02T10:00Z",
                "resolved_at": "2025-01-02T09:00Z",
            },
            {
                "name": "fine",
                "status": "resolved",
                "started_at": "2025-01-02T10:00Z",
                "resolved_at": "2025-01-02T11:00Z",
                "impact": "minor",
            },
        ]
    }
    windows, skipped = parse_statuspage(data, url="https://status.example.com/api/v2/incidents.json")
    assert [w.title for w in windows] == ["fine"]
    assert len(skipped) == 2 and "no times" in skipped[0] and "backwards" in skipped[1]
    assert filter_windows(windows, impacts=["major"]) == []


def test_resolved_incident_without_resolved_time_uses_last_update():
    """A resolved incident with resolved_at null ends at updated_at, marked approximate, not open."""
    data = {
        "incidents": [
            {
                "name": "quiet fix",
                "status": "resolved",
                "created_at": "2025-01-02T10:00:00+01:00",
                "updated_at": "2025-01-02T12:30:00+01:00",
                "resolved_at": None,
                "impact": "major",
            }
        ]
    }
    windows, _ = parse_statuspage(data, url="https://status.example.com/api/v2/incidents.json")
    assert (windows[0].start, windows[0].end) == (datetime(2025, 1, 2, 9), datetime(2025, 1, 2, 11, 30))
    assert windows[0].precision.startswith("approximate end") and windows[0].extra["open"] is False


def test_shopify_status_windows_hit_the_shopify_channel():
    """A Shopify status page's incidents are Shopify-channel windows unless channels are given."""
    data = {
        "incidents": [
            {"name": "x", "status": "resolved", "started_at": "2025-01-02T10:00Z", "resolved_at": "2025-01-02T11:00Z"}
        ]
    }
    windows, _ = parse_statuspage(data, url="https://www.shopifystatus.com/api/v2/incidents.json")
    assert windows[0].channels == ("shopify",)
    windows, _ = parse_statuspage(data, url="https://status.example.com/api/v2/incidents.json", channels=("etsy",))
    assert windows[0].channels == ("etsy",)


def test_resolved_incident_without_resolved_time_ends_at_its_resolved_update():
    """A resolved_at left null ends at the incident's 'resolved' update (display_at), exact, not at updated_at."""
    data = {
        "incidents": [
            {
                "name": "quiet fix",
                "status": "postmortem",
                "created_at": "2025-01-02T10:00:00+01:00",
                "updated_at": "2025-01-05T12:30:00+01:00",
                "resolved_at": None,
                "incident_updates": [
                    {"status": "postmortem", "display_at": "2025-01-05T12:30:00+01:00"},
                    {"status": "resolved", "display_at": "2025-01-02T11:05:00+01:00"},
                    {"status": "investigating", "display_at": "2025-01-02T10:00:00+01:00"},
                ],
            }
        ]
    }
    windows, _ = parse_statuspage(data, url="https://status.example.com/api/v2/incidents.json")
    assert (windows[0].start, windows[0].end, windows[0].precision) == (
        datetime(2025, 1, 2, 9),
        datetime(2025, 1, 2, 10, 5),
        "",
    )

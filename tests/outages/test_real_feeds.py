"""Tests on status feeds saved in public repositories (tests/data/real/feeds): windows as the feeds' authors timed them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from impact.errors import FeedError
from impact.outages import load_feed, parse_rss, read_feed_file
from impact.outages.fetch import clear_cache
from impact.outages.stamps import statuspage_updates
from impact.settings import Settings

REAL = Path(__file__).parents[1] / "data" / "real" / "feeds"
LATER = datetime(2026, 1, 1)  # long after every saved feed: nothing in them is still open


def settings() -> Settings:
    return Settings(feed_allow_private=True, feed_timeout_total=5.0, feed_cache_seconds=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_cache()
    yield
    clear_cache()


def spans(result) -> dict[str, tuple[datetime, datetime | None]]:
    return {w.title: (w.start, w.end) for w in result.windows}


@pytest.mark.parametrize("path", ["/streamyard/history.rss", "/streamyard/history.atom"])
def test_streamyard_feeds_time_incidents_by_their_updates(feed_server, path):
    """StreamYard's RSS and Atom give 'Networking issues' 08:29-09:00 UTC from its Investigating and Resolved updates."""
    result = load_feed(feed_server.url(path), settings=settings(), now=LATER)
    assert result.kind == "rss" and result.skipped == [] and len(result.windows) == 17
    networking = result.windows[0]
    assert networking.title == "Networking issues"
    assert (networking.start, networking.end) == (datetime(2024, 2, 8, 8, 29), datetime(2024, 2, 8, 9, 0))
    assert networking.precision == "" and networking.extra["updates"] == 3
    assert networking.url == "https://status.streamyard.com/incidents/l4222m9bmd6k"
    on_air = spans(result)["StreamYard On-Air Issue"]
    assert on_air == (datetime(2023, 7, 5, 2, 23), datetime(2023, 7, 5, 4, 15))
    # One Resolved update and nothing else: the only time the feed gives, with an hour assumed and said so.
    prerecorded = next(w for w in result.windows if w.title == "Pre-recorded Streaming Issue")
    assert (prerecorded.start, prerecorded.end) == (datetime(2022, 3, 15, 4, 30), datetime(2022, 3, 15, 5, 30))
    assert prerecorded.precision.startswith("approximate end")


def test_rss_and_atom_of_one_page_give_the_same_windows():
    """The two saved StreamYard feeds, read from files, give identical windows although Atom's dates differ."""
    rss = read_feed_file(REAL / "streamyard_history.rss", now=LATER)
    atom = read_feed_file(REAL / "streamyard_history.atom", now=LATER)
    assert [(w.title, w.start, w.end) for w in rss.windows] == [(w.title, w.start, w.end) for w in atom.windows]
    assert rss.windows[0].source == "rss:status.streamyard.com"


def test_digitalocean_atom_spans_new_year_and_starts_maintenance_when_it_begins():
    """December stamps in a January feed keep their year; a maintenance starts at 'In progress', not its notice."""
    result = read_feed_file(REAL / "digitalocean_history.atom", now=LATER)
    assert len(result.windows) == 25 and result.skipped == []
    got = spans(result)
    assert got["Network Connectivity Issues in AMS2 Region"] == (
        datetime(2019, 12, 26, 21, 32),
        datetime(2019, 12, 27, 1, 20),
    )
    assert got["Spaces Issue in NYC3"] == (datetime(2020, 1, 2, 6, 37), datetime(2020, 1, 2, 12, 35))
    email = next(w for w in result.windows if w.title == "Disruption of DigitalOcean Email Notifications")
    # Scheduled on 9 January; in progress 06:01 to completed 11:57 on the 11th.
    assert (email.start, email.end) == (datetime(2020, 1, 11, 6, 1), datetime(2020, 1, 11, 11, 57))
    assert email.extra["severity"] == "maintenance" and email.extra["status"] == "completed"
    assert sum(w.extra["severity"] == "maintenance" for w in result.windows) == 5


def test_github_atom_windows_run_from_first_to_resolved_update():
    """GitHub's history.atom: 25 incidents, each from its first update to its resolution."""
    result = read_feed_file(REAL / "github_history.atom", now=LATER)
    assert len(result.windows) == 25
    assert spans(result)["Incident on 2019-11-05 13:42 UTC"] == (
        datetime(2019, 11, 5, 13, 42),
        datetime(2019, 11, 5, 20, 44),
    )
    assert sum(bool(w.precision) for w in result.windows) == 2


def test_aws_notices_are_timed_by_the_span_their_text_states(feed_server):
    """AP-SOUTH-1 'Between 8:59 AM and ... 10:16 AM PST' is 16:59-18:16 UTC, not the notice's 18:41 publication."""
    result = load_feed(feed_server.url("/aws/all.rss"), settings=settings(), now=LATER)
    assert len(result.windows) == 2
    internet, directory = result.windows
    assert (internet.start, internet.end) == (datetime(2021, 12, 24, 16, 59), datetime(2021, 12, 24, 18, 16))
    assert internet.extra["providers"] == ["aws"] and internet.extra["severity"] == "minor"
    assert "internetconnectivity-ap-south-1" in internet.extra["components"]
    # "Between 4:09 AM and 5:00 PM PST" in a notice of 22 December 17:57 PST.
    assert (directory.start, directory.end) == (datetime(2021, 12, 22, 12, 9), datetime(2021, 12, 23, 1, 0))


def test_aws_summary_hours_after_the_resolution_stays_one_window():
    """A resolution at 08:10 PST and a summary at 12:16 PST of the same event give one window, the stated span."""
    result = read_feed_file(REAL / "aws_internetconnectivity_2021-12.rss", now=LATER)
    assert len(result.windows) == 1
    window = result.windows[0]
    assert (window.start, window.end) == (datetime(2021, 12, 15, 15, 14), datetime(2021, 12, 15, 15, 59))
    assert window.extra["updates"] == 2


def test_a_winter_abbreviation_printed_in_summer_follows_the_entry_offset():
    """Stamps printed 'PST' in July are read at the offset of the entry's own published time (PDT, -07:00)."""
    body = (
        "<p><small>Jul <var data-var='date'>4</var>, <var data-var='time'>06:24</var> PST</small><br>"
        "<strong>Resolved</strong> - Fixed.</p><p><small>Jul <var data-var='date'>4</var>, "
        "<var data-var='time'>05:01</var> PST</small><br><strong>Investigating</strong> - Delays.</p>"
    )
    updates = statuspage_updates(body, published=datetime(2024, 7, 4, 13, 24, 30), latest=datetime(2024, 7, 4, 13, 24))
    assert [(u.status, u.at) for u in updates] == [
        ("investigating", datetime(2024, 7, 4, 12, 1)),
        ("resolved", datetime(2024, 7, 4, 13, 24)),
    ]
    # Without a published time to compare, the printed zone is taken at its word.
    assert statuspage_updates(body, published=None, latest=datetime(2024, 7, 4))[0].at == datetime(2024, 7, 4, 13, 1)


def test_an_incident_across_new_year_takes_the_year_before_for_december():
    """An entry published 1 January whose first update is 31 December runs across the year boundary."""
    entry = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>X Status - Incident History</title><item>'
        "<title>Checkout errors</title><pubDate>Wed, 01 Jan 2025 00:20:05 +0000</pubDate><description>"
        "&lt;p&gt;&lt;small&gt;Jan &lt;var data-var='date'&gt; 1&lt;/var&gt;, &lt;var data-var='time'&gt;00:20"
        "&lt;/var&gt; UTC&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Resolved&lt;/strong&gt; - Done.&lt;/p&gt;&lt;p&gt;"
        "&lt;small&gt;Dec &lt;var data-var='date'&gt;31&lt;/var&gt;, &lt;var data-var='time'&gt;23:40&lt;/var&gt; "
        "UTC&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Investigating&lt;/strong&gt; - Errors.&lt;/p&gt;"
        "</description></item></channel></rss>"
    )
    windows, skipped = parse_rss(entry.encode(), now=LATER)
    assert skipped == [] and [(w.start, w.end) for w in windows] == [
        (datetime(2024, 12, 31, 23, 40), datetime(2025, 1, 1, 0, 20))
    ]


def test_a_relapse_after_resolved_ends_at_the_later_resolution():
    """Investigating again after a Resolved reopens the incident; a later plain Update does not."""
    body = (
        "<p><small>Mar <var>3</var>, <var>12:30</var> UTC</small><br><strong>Update</strong> - Postscript.</p>"
        "<p><small>Mar <var>3</var>, <var>11:00</var> UTC</small><br><strong>Resolved</strong> - Fixed again.</p>"
        "<p><small>Mar <var>3</var>, <var>10:10</var> UTC</small><br><strong>Investigating</strong> - Back.</p>"
        "<p><small>Mar <var>3</var>, <var>10:00</var> UTC</small><br><strong>Resolved</strong> - Fixed.</p>"
        "<p><small>Mar <var>3</var>, <var>09:00</var> UTC</small><br><strong>Investigating</strong> - Down.</p>"
    )
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Y Status</title><item><title>Outage</title>'
        "<pubDate>Mon, 03 Mar 2025 12:30:00 +0000</pubDate><description><![CDATA["
        + body
        + "]]></description></item></channel></rss>"
    )
    windows, _ = parse_rss(rss.encode(), now=LATER)
    assert [(w.start, w.end) for w in windows] == [(datetime(2025, 3, 3, 9, 0), datetime(2025, 3, 3, 11, 0))]


def test_a_saved_file_that_is_no_feed_is_one_short_line(tmp_path):
    """Broken JSON or a web page saved as a feed is refused by name in one line that quotes none of its content."""
    broken = tmp_path / "incidents.json"
    broken.write_text('{"incidents": [{"name": "secret-looking text", ' * 200)
    with pytest.raises(FeedError) as info:
        read_feed_file(broken)
    assert str(info.value) == "incidents.json is not valid JSON (cut short?): save or fetch it again"
    page = tmp_path / "status.html"
    page.write_text("<!DOCTYPE html><html><body>" + "x" * 5000 + "</body></html>")
    with pytest.raises(FeedError, match=r"^status.html is a web page, not a feed") as info:
        read_feed_file(page)
    assert "x" * 10 not in str(info.value)


def _stamped_entries(path: Path) -> list[tuple[str, list[tuple[datetime, str]]]]:
    """Each entry's title and timed updates read with the standard library alone (a second reading to check ours)."""
    import html
    import re
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(path).getroot()
    entries = root.iter(f"{atom}entry") if root.tag == f"{atom}feed" else root.iter("item")
    found = []
    for entry in entries:
        title = entry.findtext(f"{atom}title") or entry.findtext("title")
        body = html.unescape(entry.findtext(f"{atom}content") or entry.findtext("description") or "")
        dated = entry.findtext(f"{atom}published") or entry.findtext("pubDate")
        year = int(re.search(r"(20\d\d)", dated).group(1))
        stamps = [
            (datetime.strptime(f"{year} {m} {d} {t}", "%Y %b %d %H:%M"), s.strip().lower())
            for m, d, t, s in re.findall(
                r"<small>(\w{3}) <var[^>]*>\s*(\d+)</var>, <var[^>]*>(\d\d:\d\d)</var> UTC</small><br><strong>([^<]+)",
                body,
            )
        ]
        found.append((title, sorted(stamps, key=lambda s: s[0])))
    return found


@pytest.mark.parametrize(
    ("name", "checked"),
    [
        ("streamyard_history.rss", 16),
        ("streamyard_history.atom", 16),
        ("digitalocean_history.atom", 22),
        ("github_history.atom", 23),
    ],
)
def test_every_window_lies_within_five_minutes_of_its_first_update_and_its_resolution(name, checked):
    """Across whole real feeds, each resolved incident with two or more updates runs from its first update (after a
    maintenance notice) to its resolution, within five minutes, as a second, independent reading finds them."""
    windows = {(w.title, w.end): w for w in read_feed_file(REAL / name, now=LATER).windows}
    compared = 0
    for title, stamps in _stamped_entries(REAL / name):
        begun = [s for s in stamps if s[1] != "scheduled"]
        ends = [t for t, s in stamps if s in ("resolved", "completed")]
        if len(stamps) < 2 or not ends or not begun:
            continue
        window = windows.get((title, ends[0]))
        assert window is not None, (title, ends[0])
        assert abs(window.start - begun[0][0]) <= timedelta(minutes=5), title
        compared += 1
    assert compared == checked


def test_statuspage_json_windows_lie_on_each_incidents_first_update_and_resolution(feed_server):
    """Emma's saved incidents.json, fetched: each incident runs from its first update to its resolved update (within
    five minutes, read independently from the JSON), the backfilled one gets an hour, said so."""
    import json

    result = load_feed(feed_server.url("/emma/api/v2/incidents.json"), settings=settings(), now=LATER)
    assert result.kind == "statuspage" and result.skipped == [] and len(result.windows) == 22
    newest = result.windows[0]
    assert newest.title == "Intermittent navigation/sending trouble for some users"
    assert (newest.start.replace(microsecond=0), newest.end.replace(microsecond=0)) == (
        datetime(2019, 2, 20, 18, 0, 19),
        datetime(2019, 2, 20, 19, 40, 58),
    )
    windows = {w.title + w.start.isoformat(): w for w in result.windows}
    compared = 0
    for incident in json.loads((REAL / "emma_statuspage_incidents.json").read_text())["incidents"]:
        times = sorted(
            (datetime.fromisoformat(u["display_at"]).astimezone(UTC).replace(tzinfo=None), u["status"])
            for u in incident["incident_updates"]
        )
        resolved = [t for t, s in times if s == "resolved"]
        if len(times) < 2 or not resolved:
            continue
        window = next(
            w
            for k, w in windows.items()
            if k.startswith(incident["name"]) and abs(w.start - times[0][0]) <= timedelta(minutes=5)
        )
        assert abs(window.end - resolved[0]) <= timedelta(minutes=5), incident["name"]
        compared += 1
    assert compared == 21
    backfilled = next(w for w in result.windows if w.title == "Heavy Database Load")
    assert (backfilled.start, backfilled.end) == (datetime(2018, 4, 6, 17, 0), datetime(2018, 4, 6, 18, 0))
    assert backfilled.precision == "approximate end: the incident gives one time for all of it; 1 h assumed"


def test_an_atom_entry_edited_a_year_later_keeps_its_stamps_year():
    """StreamYard's Atom with 'Networking issues' re-edited a year later (its updated date) still dates it 2024."""
    text = (REAL / "streamyard_history.atom").read_text("utf-8")
    edited = text.replace("<updated>2024-02-09T17:35:55Z</updated>", "<updated>2025-03-01T10:00:00Z</updated>", 1)
    assert edited != text
    windows, _ = parse_rss(edited.encode(), now=LATER)
    networking = next(w for w in windows if w.title == "Networking issues")
    assert (networking.start, networking.end) == (datetime(2024, 2, 8, 8, 29), datetime(2024, 2, 8, 9, 0))

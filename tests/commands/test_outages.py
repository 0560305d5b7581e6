"""Tests for `python -m impact outages`: catalog, windows file and status feed, as JSON and as a table."""

from __future__ import annotations

import json

import pytest
from testdata import DATA

import impact.__main__ as cli
from impact.outages.fetch import clear_cache


@pytest.fixture(autouse=True)
def _only_outages(monkeypatch):
    # The CLI test exercises this command through the real main() and its error handling, whatever else is registered.
    monkeypatch.setattr(cli, "COMMANDS", ("outages",))
    monkeypatch.setenv("IMPACT_FEED_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("IMPACT_FEED_TIMEOUT_TOTAL", "2")
    monkeypatch.setenv("IMPACT_FEED_CACHE_SECONDS", "0")
    clear_cache()


def run(capsys, *argv):
    code = cli.main(["outages", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_catalog_json(capsys):
    """--catalog --json prints every catalog window with the Window JSON keys plus precision and url."""
    code, out, err = run(capsys, "--catalog", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert len(data) == 8
    aws = next(d for d in data if d["id"] == "aws-us-east-1-2025-10-20")
    assert aws["start"] == "2025-10-20T06:48:00Z" and aws["end"] == "2025-10-20T21:20:00Z"
    assert aws["channels"] == ["amazon", "woocommerce", "other"]
    assert aws["score"] is None and aws["impact"] == "full" and aws["source"] == "catalog"
    assert aws["url"] == "https://aws.amazon.com/message/101925/"


def test_catalog_table(capsys):
    """Without --json the catalog is a readable table that shows approximate times as such."""
    code, out, _ = run(capsys, "--catalog")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("start (UTC)")
    shopify = next(line for line in lines if "Shopify" in line)
    assert "2025-12-01 14:08" in shopify and "end unconfirmed" in shopify


def test_feed_json_with_filters(capsys, feed_server):
    """--feed with --impact and --component prints only the matching incidents, open ones with end null."""
    url = feed_server.url("/statuspage/api/v2/incidents.json")
    code, out, err = run(capsys, "--feed", url, "--impact", "major,critical", "--component", "Admin", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [d["title"] for d in data] == ["Some merchants cannot log in to the admin"]
    assert data[0]["end"] is None and data[0]["open"] is True and data[0]["severity"] == "major"


def test_feed_kind_and_channels(capsys, feed_server):
    """--kind rss reads the AWS feed and --channels assigns the selling channels its outages hit."""
    url = feed_server.url("/aws/ec2-us-east-1.rss")
    code, out, err = run(capsys, "--feed", url, "--kind", "rss", "--channels", "amazon", "--json", "--match")
    assert code == 0, err
    data = json.loads(out)
    assert all(d["channels"] == ["amazon"] for d in data)
    december = next(d for d in data if d["start"].startswith("2021-12-07"))
    assert december["matches"] == [{"id": "aws-us-east-1-2021-12-07", "title": "AWS us-east-1 outage"}]


def test_windows_file(capsys, tmp_path):
    """--file prints the uploaded windows; a bad file exits 2 with one line naming the bad line."""
    good = tmp_path / "windows.csv"
    good.write_text(
        "start,end,channels,title,impact,degraded_pct\n2025-10-20T07:00Z,2025-10-20T13:00Z,amazon,drop,degraded,60\n"
    )
    code, out, _ = run(capsys, "--file", str(good), "--json")
    assert code == 0
    data = json.loads(out)
    assert data[0]["impact"] == "degraded" and data[0]["degraded_pct"] == 60
    bad = tmp_path / "bad.csv"
    bad.write_text("start,end,channels,title\n2025-10-20T07:00Z,2025-10-20T06:00Z,amazon,drop\n")
    code, out, err = run(capsys, "--file", str(bad), "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "line 2" in err and "is not after start" in err


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/500", "answered 500"),
        ("/invalid.json", "is not valid JSON (cut short?)"),
        ("/loop-a", "loop"),
        ("/to-file", "file:"),
    ],
)
def test_feed_failures_exit_2_with_one_line(capsys, feed_server, path, message):
    """Every feed failure is one line on stderr and exit status 2, never a traceback."""
    code, out, err = run(capsys, "--feed", feed_server.url(path), "--json")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err


def test_private_address_refused_without_the_setting(capsys, monkeypatch, feed_server):
    """With IMPACT_FEED_ALLOW_PRIVATE off, a loopback feed address is refused."""
    monkeypatch.setenv("IMPACT_FEED_ALLOW_PRIVATE", "0")
    code, _, err = run(capsys, "--feed", feed_server.url("/gcp/incidents.json"))
    assert code == 2 and "internal address" in err


def test_feed_only_flags_need_a_feed(capsys):
    """--impact with --catalog is refused instead of silently ignored."""
    code, _, err = run(capsys, "--catalog", "--impact", "major")
    assert code == 2 and "--impact only applies to a status feed" in err
    code, _, err = run(capsys, "--feed", "https://status.example.com", "--impact", "huge")
    assert code == 2 and "unknown impact 'huge'" in err


def test_a_source_is_required(capsys):
    """Without --catalog, --feed or --file the command is a usage error."""
    code, _, err = run(capsys)
    assert code == 2 and "one of the arguments" in err


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("real/feeds/streamyard_history.rss", "2024-02-08T08:29:00Z", "2024-02-08T09:00:00Z"),
        ("real/feeds/streamyard_history.atom", "2024-02-08T08:29:00Z", "2024-02-08T09:00:00Z"),
        ("feeds/statuspage_incidents.json", "2025-12-01T14:08:00Z", None),
        ("feeds/gcp_incidents.json", "2025-12-02T06:30:00Z", None),
    ],
)
def test_file_reads_a_saved_status_feed(capsys, name, start, end):
    """--file takes a saved RSS, Atom, Statuspage or Google Cloud JSON feed and lists its newest incident."""
    code, out, err = run(capsys, "--file", str(DATA / name), "--json")
    assert code == 0 and err == ""
    newest = json.loads(out)[0]
    assert (newest["start"], newest["end"]) == (start, end)


def test_file_feed_takes_the_feed_filters(capsys):
    """--impact and --component filter a saved feed as they filter a fetched one; a windows CSV refuses them."""
    code, out, _ = run(capsys, "--file", str(DATA / "feeds" / "gcp_incidents.json"), "--impact", "high", "--json")
    assert code == 0
    assert [d["title"] for d in json.loads(out)] == ["Multiple GCP products are experiencing Service issues"]
    code, _, err = run(capsys, "--file", str(DATA / "windows.csv"), "--impact", "major")
    assert code == 2 and err == "error: --impact only applies to a status feed, and windows.csv is a windows CSV\n"


def test_file_with_a_broken_feed_is_one_short_line(capsys, tmp_path):
    """A truncated incidents.json is refused in one line naming the file, never echoing its 7 KB of content."""
    saved = tmp_path / "incidents.json"
    saved.write_text(json.dumps({"incidents": [{"name": "n" * 40, "body": "b" * 7000}]})[:-40])
    code, out, err = run(capsys, "--file", str(saved))
    assert code == 2 and out == ""
    assert err == "error: incidents.json is not valid JSON (cut short?): save or fetch it again\n"

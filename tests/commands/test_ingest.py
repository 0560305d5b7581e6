"""Tests for `python -m impact ingest` output and exit codes."""

import json
import subprocess
import sys

from testdata import DATA, ROOT

from impact.__main__ import main


def test_ingest_json_has_the_documented_shape(capsys):
    """--json prints files, orders, lines, currency, channels, first and last."""
    assert main(["ingest", str(DATA / "shopify_orders_export.csv"), str(DATA / "ebay_orders.csv"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"files", "orders", "lines", "currency", "channels", "first", "last"}
    assert [f["name"] for f in out["files"]] == ["shopify_orders_export.csv", "ebay_orders.csv"]
    assert set(out["files"][0]) >= {"name", "format", "lines", "loaded", "duplicates", "skipped", "rejected", "rejects"}
    assert out["channels"]["ebay"] == {"orders": 3, "revenue": 1314.49}


def test_ingest_human_summary(capsys):
    """Without --json a short readable summary names the format and the counts."""
    assert main(["ingest", str(DATA / "woocommerce_orders.csv")]) == 0
    out = capsys.readouterr().out
    assert "WooCommerce Analytics orders download" in out and "rejected line 5" in out


def test_unreadable_file_exits_2_with_one_line():
    """A missing file gives exit code 2 and a single line on stderr, no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "impact", "ingest", "/nonexistent/orders.csv"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "cannot be opened" in proc.stderr


def test_help_lists_commands():
    """python -m impact --help works and names the ingest command."""
    proc = subprocess.run([sys.executable, "-m", "impact", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "ingest" in proc.stdout


def test_an_ad_report_among_the_order_exports_says_where_it_goes(capsys):
    """The demo's Amazon ad report given as an order export: exit 2 and one line naming --ads, for a command that
    takes it and for one that does not, instead of asking for a column mapping."""
    files = [str(ROOT / "data" / "demo" / "amazon_all_orders.txt"), str(ROOT / "data" / "demo" / "amazon_ads.csv")]
    assert main(["ingest", *files]) == 2
    assert capsys.readouterr().err == (
        "error: amazon_ads.csv is an ad spend report, not an order export: the analyze, report, claim, scenarios and "
        "share commands take it after --ads\n"
    )
    assert main(["analyze", *files, "--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z"]) == 2
    assert capsys.readouterr().err == (
        "error: amazon_ads.csv is an ad spend report, not an order export: give it after --ads\n"
    )


def test_a_file_of_dates_without_times_is_summarised_in_days(capsys, monkeypatch):
    """A real Etsy export of dates alone: its span is two dates, not the UTC instants of New York's midnights."""
    monkeypatch.delenv("IMPACT_DEFAULT_TZ")
    assert main(["ingest", str(DATA / "real" / "etsy_sold_orders_2022.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "250 orders, 250 lines, 2022-12-17 to 2022-12-31 (dates without times); currency: USD"

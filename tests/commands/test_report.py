"""Tests for `python -m impact report`: the HTML file, its numbers against `analyze --json`, and errors."""

import json

from testdata import ROOT

from impact.__main__ import main

DEMO = ROOT / "data" / "demo"
FILES = [str(DEMO / "amazon_all_orders.txt"), str(DEMO / "shopify_orders_export.csv")]
WINDOW = ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--channels", "amazon", "--tz", "America/New_York"]


def test_report_file_matches_analyze(tmp_path, capsys):
    """The report holds the same loss as `analyze --json` on the same files, window and zone, plus late orders."""
    out = tmp_path / "report.html"
    assert main(["report", *FILES, *WINDOW, "--title", "AWS us-east-1 outage", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert main(["analyze", *FILES, *WINDOW, "--json"]) == 0
    rev = json.loads(capsys.readouterr().out)["windows"][0]["revenue"]
    doc = out.read_text(encoding="utf-8")
    assert (
        f'data-key="revenue.lost"><th scope="row">Revenue lost during the outage</th><td class="num" '
        f'data-value="{rev["lost"]}">${rev["lost"]:,.2f}' in doc
    )
    assert f'data-value="{rev["net_lost"]}"' in doc
    assert said.startswith(f"report written to {out}: lost ${rev['lost']:,.2f}")
    # Shipments count the affected channel only: Amazon's All Orders report has no ship times, and the report says
    # which Amazon report to add rather than counting Shopify's orders.
    assert "AWS us-east-1 outage" in doc and 'id="orders"' not in doc
    assert "add Amazon&#x27;s Fulfilled Shipments report" in doc or "add Amazon's Fulfilled Shipments report" in doc
    assert doc.count("window.PlotlyConfig") == 1
    assert out.stat().st_mode & 0o044  # readable like any other file the user writes, not private to the process


def test_report_to_standard_output(capsys):
    """--out - writes the HTML to standard output and the one-line summary to standard error."""
    assert main(["report", FILES[0], *WINDOW, "--ship-sla-hours", "24", "--out", "-"]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("<!DOCTYPE html>") and cap.err.startswith("report written to standard output: lost")
    assert 'id="orders"' not in cap.out  # the Amazon All Orders report has no ship times


def test_report_errors_are_one_line(tmp_path, capsys):
    """A directory as --out, a window without a zone and a window outside the data exit 2 with one sentence."""
    assert main(["report", *FILES, *WINDOW, "--out", str(tmp_path)]) == 2
    assert (
        capsys.readouterr().err.strip() == f"error: --out {tmp_path} is a directory; give a file name such as "
        "report.html"
    )
    assert main(["report", *FILES, "--window", "2025-10-20T06:48", "2025-10-20T21:20Z", "--out", "x.html"]) == 2
    assert "has no time zone" in capsys.readouterr().err
    out = tmp_path / "r.html"
    assert main(["report", *FILES, "--window", "2024-01-01T00:00Z", "2024-01-01T05:00Z", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and not out.exists()
    assert not list(tmp_path.glob(".report-*"))

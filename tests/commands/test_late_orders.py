"""Tests for `python -m impact late-orders`: the appeal evidence CSV and its summary."""

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from testdata import DATA

from impact.__main__ import main

START = datetime(2025, 10, 20, 13, 0)  # a Monday, 13:00 UTC
END = START + timedelta(hours=10)
WINDOW = ["--window", "2025-10-20T13:00Z", "2025-10-20T23:00Z"]
HEADER = ["order_id", "channel", "purchased_utc", "promise_utc", "shipped_utc", "hours_late"]


def _shopify_export(path, hostile_names: bool = True) -> None:
    """Six weeks of a small Shopify shop (8 orders a day, shipped within 20 h) whose shipping stopped for the window.

    Orders waiting when shipping stopped go out 40 h after the window ends, so the older ones miss the 48 h promise.
    """
    rows = []
    n = 0
    for day in range(-35, 10):
        for hour in (1, 4, 7, 10, 13, 16, 19, 22):
            bought = START.replace(hour=0) + timedelta(days=day, hours=hour)
            shipped = bought + timedelta(hours=20)
            if START - timedelta(hours=20) <= bought <= END:
                shipped = END + timedelta(hours=40)
            n += 1
            name = f"#{n}"
            if hostile_names and day == 0 and hour == 1:
                name = '=HYPERLINK("http://evil.example","x")'
            if hostile_names and day == 0 and hour == 4:
                name = "@SUM(1+1)"
            rows.append([name, bought.strftime("%Y-%m-%d %H:%M:%S +0000"), shipped.strftime("%Y-%m-%d %H:%M:%S +0000")])
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "Name",
                "Financial Status",
                "Fulfillment Status",
                "Fulfilled at",
                "Currency",
                "Created at",
                "Lineitem quantity",
                "Lineitem name",
                "Lineitem price",
                "Cancelled at",
            ]
        )
        for name, bought, shipped in rows:
            w.writerow([name, "paid", "fulfilled", shipped, "USD", bought, "1", "Mug", "12.00", ""])


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "shopify_orders.csv"
    _shopify_export(path)
    return path


def _read(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_writes_the_evidence_csv_and_a_summary(export, tmp_path, capsys):
    """The CSV has the documented columns, one row per late order, and the summary gives the counts."""
    out = tmp_path / "affected.csv"
    assert main(["late-orders", str(export), *WINDOW, "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    rows = _read(out)
    assert rows[0] == HEADER
    assert len(rows) - 1 == summary["orders"] == summary["shipments"]["late"] > 0
    s = summary["shipments"]
    assert s["excess_late"] > 0 and s["excess_late_low"] <= s["excess_late"] <= s["excess_late_high"]
    assert {r[1] for r in rows[1:]} == {"shopify"}
    assert all(float(r[5]) > 0 for r in rows[1:])


def test_order_ids_that_look_like_formulas_are_neutralised(export, tmp_path, capsys):
    """An order id such as =HYPERLINK(...) or @SUM(...) reaches the CSV quote-prefixed, never as a formula."""
    out = tmp_path / "affected.csv"
    assert main(["late-orders", str(export), *WINDOW, "--out", str(out)]) == 0
    ids = [r[0] for r in _read(out)[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in ids and "'@SUM(1+1)" in ids
    assert not any(i[:1] in "=+-@" for i in ids)


def test_human_summary_names_counts_and_file(export, tmp_path, capsys):
    """Without --json one readable line says how many orders were written and the excess estimate."""
    out = tmp_path / "affected.csv"
    assert main(["late-orders", str(export), *WINDOW, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"written to {out}" in text and "expected anyway" in text and "backlog cleared" in text


def test_out_dash_writes_csv_to_stdout(export, capsys):
    """--out - puts the CSV on standard output and the summary on standard error."""
    assert main(["late-orders", str(export), *WINDOW, "--out", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out.lstrip("\ufeff").splitlines()[0] == ",".join(HEADER)
    assert "late orders written to -" in captured.err


def test_sla_and_business_day_options_change_the_count(export, tmp_path, capsys):
    """A longer handling SLA makes fewer orders late."""
    counts = {}
    for sla in ("24", "48", "96"):
        out = tmp_path / f"a{sla}.csv"
        assert main(["late-orders", str(export), *WINDOW, "--ship-sla-hours", sla, "--out", str(out), "--json"]) == 0
        counts[sla] = json.loads(capsys.readouterr().out)["shipments"]["late"]
    assert counts["24"] > counts["48"] > counts["96"]
    assert (
        main(["late-orders", str(export), *WINDOW, "--business-days", "--out", str(tmp_path / "b.csv"), "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["shipments"]["business_days"] is True


def test_sla_default_comes_from_settings(export, tmp_path, capsys, monkeypatch):
    """IMPACT_SHIP_SLA_HOURS sets the default handling SLA."""
    monkeypatch.setenv("IMPACT_SHIP_SLA_HOURS", "72")
    assert main(["late-orders", str(export), *WINDOW, "--out", str(tmp_path / "a.csv"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["shipments"]["sla_hours"] == 72.0


def test_channels_option_filters(export, tmp_path, capsys):
    """--channels keeps only the named channels; a channel absent from the files is reported."""
    out = tmp_path / "a.csv"
    assert (
        main(
            [
                "late-orders",
                str(export),
                str(DATA / "ebay_orders.csv"),
                *WINDOW,
                "--channels",
                "ebay",
                "--out",
                str(out),
                "--json",
            ]
        )
        == 0
    )
    s = json.loads(capsys.readouterr().out)["shipments"]
    assert s["channels"] == ["ebay"] and {r[1] for r in _read(out)[1:]} <= {"ebay"}


def test_sample_exports_with_ship_dates(tmp_path, capsys):
    """The eBay sample export (ship-by and shipped dates) yields its late orders; Amazon order reports are skipped."""
    out = tmp_path / "a.csv"
    files = [str(DATA / n) for n in ("ebay_orders.csv", "shopify_orders_export.csv", "amazon_all_orders_32.txt")]
    window = ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--channels", "ebay,amazon"]
    assert main(["late-orders", *files, *window, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    rows = _read(out)
    # 89013 has no ship-by and gets purchase + 48 h; 89012's "Ship By Date" Oct-22-25 allows the whole of that day
    # (UTC here), and its shipment on the next day has a date only: late by 1 day, not by "0.0 h" (hours late
    # stay empty, since the time of day is not known).
    assert [r[0] for r in rows[1:]] == ["12-34567-89013", "12-34567-89012"]
    assert rows[0] == [*HEADER, "days_late"]
    assert rows[2][3:] == ["2025-10-22 23:59:59", "2025-10-23", "", "1"]
    assert "the Amazon orders carry no ship times" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--window", "2027-01-01T00:00Z", "2027-01-02T00:00Z"], "outside the orders"),
        (["--window", "2025-10-20T13:00", "2025-10-20T23:00Z"], "no time zone"),
        ([*WINDOW, "--ship-sla-hours", "0"], "shipping SLA"),
        ([*WINDOW, "--horizon-hours", "-3"], "horizon"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(export, tmp_path, capsys, args, message):
    """Bad windows or options give exit code 2 and one plain line on stderr."""
    assert main(["late-orders", str(export), *args, "--out", str(tmp_path / "a.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_unmeasurable_files_exit_2(tmp_path, capsys):
    """Files without any ship time give a clear error instead of an empty or all-late list."""
    assert (
        main(
            [
                "late-orders",
                str(DATA / "amazon_all_orders_32.txt"),
                "--window",
                "2025-10-20T06:00Z",
                "2025-10-20T12:00Z",
                "--out",
                str(tmp_path / "a.csv"),
            ]
        )
        == 2
    )
    assert "cannot be measured" in capsys.readouterr().err
    assert not (tmp_path / "a.csv").exists()


def test_unwritable_output_exits_2(export, capsys):
    """An output path in a missing directory is reported in one line."""
    assert main(["late-orders", str(export), *WINDOW, "--out", "/nonexistent/dir/a.csv"]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_runs_as_a_module():
    """python -m impact late-orders --help works from a subprocess and lists the options."""
    proc = subprocess.run([sys.executable, "-m", "impact", "late-orders", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    for flag in ("--window", "--ship-sla-hours", "--business-days", "--channels", "--out"):
        assert flag in proc.stdout

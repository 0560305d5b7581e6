"""Tests for `python -m impact detect`: JSON list of windows, readable output, date-only exports, exit codes."""

import json
import subprocess
import sys
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from testdata import ROOT

from bench.synth import Outage, make_seller, simulate
from impact.__main__ import main

MAP = (
    "order_id=Order,purchased_at=Date,revenue=Amount,quantity=Qty,channel=Channel,sku=SKU,currency=Currency,"
    "status=Status"
)
OUT = Outage(datetime(2025, 10, 20, 7), datetime(2025, 10, 20, 13), "amazon", fraction=1.0)


def _write(df: pd.DataFrame, path, fmt: str) -> None:
    pd.DataFrame(
        {
            "Order": df.order_id,
            "Date": df.purchased_at.dt.strftime(fmt),
            "Amount": df.revenue.round(2),
            "Qty": df.quantity.astype(int),
            "Channel": df.channel,
            "SKU": df.sku,
            "Currency": df.currency,
            "Status": "Completed",
        }
    ).to_csv(path, index=False)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Generic CSV exports of 100 days of a two-channel seller: with times and an Amazon outage during the AWS
    us-east-1 outage of 2025-10-20; with dates only and a Shopify outage of the whole of 2025-09-10."""
    folder = tmp_path_factory.mktemp("export")
    rng = np.random.default_rng(5)
    seller = make_seller(rng, 500, n_channels=2, n_days=100, start=datetime(2025, 8, 4), hidden_outages=0)
    _write(simulate(rng, seller, [OUT]).lines(), folder / "orders.csv", "%Y-%m-%d %H:%M:%S")
    day = Outage(datetime(2025, 9, 10), datetime(2025, 9, 11), "shopify", fraction=0.9)
    _write(simulate(rng, seller, [day]).lines(), folder / "orders_dates.csv", "%Y-%m-%d")
    return folder / "orders.csv", folder / "orders_dates.csv"


def test_json_is_a_list_of_detected_windows(exports, capsys):
    """--json prints a list of windows with the Window keys, the added keys and the AWS catalog match."""
    code = main(["detect", str(exports[0]), "--map", MAP, "--json"])
    assert code == 0
    windows = json.loads(capsys.readouterr().out)
    assert isinstance(windows, list) and len(windows) == 1
    w = windows[0]
    assert (w["start"], w["end"], w["channels"], w["source"]) == (
        "2025-10-20T07:00:00Z",
        "2025-10-20T13:00:00Z",
        ["amazon"],
        "detected",
    )
    assert w["impact"] == "full" and 0.8 < w["score"] <= 1 and w["drop_pct"] > 90
    assert w["matches"] == ["aws-us-east-1-2025-10-20"]
    assert w["message"].startswith("your Amazon orders dropped") and "matches the AWS us-east-1 outage" in w["message"]
    assert {"title", "lost", "lost_low", "lost_high", "p_effect", "resolution"} <= set(w)


def test_readable_output_names_the_window_and_the_match(exports, capsys):
    """Without --json: the span, the sentence for the seller, the numbers and a count of candidates."""
    assert main(["detect", str(exports[0]), "--map", MAP]) == 0
    out = capsys.readouterr().out
    assert "2025-10-20 07:00 to 2025-10-20 13:00 UTC  amazon  full" in out
    assert "— matches the AWS us-east-1 outage" in out and "revenue lost" in out
    assert "confirmed by the full estimate" in out.splitlines()[-1]


def test_channels_and_min_hours_narrow_the_search(exports, capsys):
    """--channels shopify finds nothing here; --min-hours 7 drops the six-hour window."""
    assert main(["detect", str(exports[0]), "--map", MAP, "--channels", "shopify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["detect", str(exports[0]), "--map", MAP, "--min-hours", "7", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_date_only_exports_are_scanned_by_days(exports, capsys):
    """An export with dates but no times is scanned by whole days: the lost day is found, and stderr says so."""
    assert main(["detect", str(exports[1]), "--map", MAP, "--json"]) == 0
    captured = capsys.readouterr()
    windows = json.loads(captured.out)
    assert [(w["start"], w["end"], w["channels"], w["resolution"]) for w in windows] == [
        ("2025-09-10T00:00:00Z", "2025-09-11T00:00:00Z", ["shopify"], "day")
    ]
    assert "whole days" in windows[0]["message"]
    assert "detected by whole days" in captured.err


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--min-hours", "0"], "--min-hours must be between 1 and 96"),
        (["--min-p", "1.5"], "--min-p must be between 0 and 0.99"),
        (["--channels", "walmart"], "no orders on walmart"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(exports, capsys, args, needle):
    """Bad options exit 2 with one line on stderr that says what is wrong."""
    assert main(["detect", str(exports[0]), "--map", MAP, *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err


def test_missing_file_is_one_line_without_traceback(tmp_path):
    """A file that does not exist: exit 2 and one line, no traceback, from a real process."""
    proc = subprocess.run(
        [sys.executable, "-m", "impact", "detect", str(tmp_path / "nope.csv")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_the_demo_seller_shows_the_aws_outage(capsys):
    """On data/demo the AWS us-east-1 outage of 2025-10-20 is found on Amazon (by the catalog test) and nothing else."""
    demo = ROOT / "data" / "demo"
    files = [demo / "amazon_all_orders.txt", demo / "shopify_orders_export.csv"]
    if not all(f.is_file() for f in files):
        pytest.skip("data/demo is not in this checkout")
    assert main(["detect", *map(str, files), "--json"]) == 0
    windows = json.loads(capsys.readouterr().out)
    assert [(w["channels"], w["matches"], w["start"][:10]) for w in windows] == [
        (["amazon"], ["aws-us-east-1-2025-10-20"], "2025-10-20")
    ]
    assert "2025-10-20T06:00:00Z" <= windows[0]["start"] and windows[0]["end"] <= "2025-10-20T22:00:00Z"

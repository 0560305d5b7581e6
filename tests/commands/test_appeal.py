"""python -m impact appeal: the zip's files, the printed sentences and letter, and one-line errors."""

import contextlib
import csv
import io
import json
import zipfile
from datetime import datetime

import pytest
from sellers import merchant_fulfilled_seller

from impact.__main__ import main

WINDOW = ["--window", "2025-10-20T07:00Z", "2025-10-20T13:00Z"]


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """An Amazon All Orders report with ship times whose shipments stalled from the outage to the next evening."""
    path = tmp_path_factory.mktemp("appeal_cli") / "all_orders.txt"
    stalled = (datetime(2025, 10, 20, 7), datetime(2025, 10, 21, 19))
    merchant_fulfilled_seller(path, start=datetime(2025, 9, 15), days=45, per_day=40, stalled=stalled)
    return str(path)


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_out_writes_the_letter_the_affected_orders_and_the_metrics(export, tmp_path):
    """The zip holds letter.txt (the JSON's letter), one CSV row per affected order and one per metric."""
    target = tmp_path / "appeal.zip"
    code, out, err = _run(
        [
            "appeal",
            export,
            *WINDOW,
            "--marketplace",
            "amazon",
            "--title",
            "AWS us-east-1 outage",
            "--json",
            "--out",
            str(target),
        ]
    )
    assert code == 0, err
    result = json.loads(out)
    with zipfile.ZipFile(target) as z:
        assert sorted(z.namelist()) == ["affected_orders.csv", "letter.txt", "metrics.csv"]
        assert z.read("letter.txt").decode() == result["letter"]
        orders = list(csv.DictReader(io.StringIO(z.read("affected_orders.csv").decode("utf-8-sig"))))
        metrics = list(csv.DictReader(io.StringIO(z.read("metrics.csv").decode("utf-8-sig"))))
    assert len(orders) == result["affected_orders"] > 0
    assert {o["channel"] for o in orders} == {"amazon"} and {o["reason"] for o in orders} <= {
        "shipped late",
        "not shipped",
        "cancelled",
    }
    assert [m["name"] for m in metrics] == [m["name"] for m in result["metrics"]]
    lsr30 = next(m for m in metrics if m["name"] == "Amazon 30-day Late Shipment Rate")
    assert float(lsr30["with_outage"]) > 0.04 > float(lsr30["without_outage"])
    # Two runs give the same bytes: the zip entries carry a fixed date.
    again = tmp_path / "again.zip"
    assert (
        _run(
            [
                "appeal",
                export,
                *WINDOW,
                "--marketplace",
                "amazon",
                "--title",
                "AWS us-east-1 outage",
                "--json",
                "--out",
                str(again),
            ]
        )[0]
        == 0
    )
    assert again.read_bytes() == target.read_bytes()


def test_without_json_it_prints_the_sentences_then_the_letter(export):
    """The text output starts with each metric's sentence and ends with the letter's sign-off."""
    code, out, err = _run(["appeal", export, *WINDOW, "--marketplace", "amazon", "--tz", "America/New_York"])
    assert code == 0, err
    assert out.startswith("Your 10-day Late Shipment Rate is ")
    assert "Your 30-day Late Shipment Rate is " in out and "(threshold 4%); without the " in out
    assert "Hello Seller Performance team," in out and out.rstrip().endswith("[your name and seller account]")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--marketplace", "walmart"], "--marketplace: 'walmart' is not one of amazon, ebay, etsy, shopify"),
        (["--marketplace", "amazon", "--period-end", "2025-10-25"], "has no time zone"),
        (["--marketplace", "amazon", "--channels", "amazn"], "'amazn' is not a channel"),
        (["--marketplace", "amazon", "--out", "/nonexistent-dir/appeal.zip"], "cannot write /nonexistent-dir"),
    ],
)
def test_bad_arguments_end_with_one_line_and_exit_2(export, extra, message):
    """Each mistake is one plain line on stderr and exit code 2, no usage dump or traceback."""
    code, out, err = _run(["appeal", export, *WINDOW, *extra])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_a_window_outside_the_orders_is_one_line(export):
    """A window a year off names the files' span instead of writing an empty appeal."""
    code, _out, err = _run(
        ["appeal", export, "--window", "2024-10-20T07:00Z", "2024-10-20T13:00Z", "--marketplace", "ebay"]
    )
    assert code == 2 and len(err.strip().splitlines()) == 1 and "is outside the orders in the files" in err

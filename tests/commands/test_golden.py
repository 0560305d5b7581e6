"""`analyze --json` prints exactly the bytes stored under tests/data/golden/: a reshape of the code changes no figure.

The expected files were written from main before the typed-results reshape (issue 27). To write them again after a
deliberate change of the output, run `IMPACT_WRITE_GOLDEN=1 .venv/bin/python -m pytest tests/commands/test_golden.py`
and say in the commit why the figures moved.
"""

import contextlib
import io
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from sellers import ebay_stalled_seller, merchant_fulfilled_seller, september_outage_seller

from impact.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
GOLDEN = ROOT / "tests" / "data" / "golden"


def _demo(_tmp: Path) -> list[str]:
    return [
        str(DEMO / "amazon_all_orders.txt"),
        str(DEMO / "shopify_orders_export.csv"),
        *("--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--channels", "amazon"),
        *("--costs", str(DEMO / "product_costs.csv"), "--ads", str(DEMO / "amazon_ads.csv")),
        *("--ads", str(DEMO / "google_ads.csv")),
    ]


def _september(tmp: Path) -> list[str]:
    path = september_outage_seller(tmp / "amazon_all_orders.txt")
    return [str(path), "--window", "2025-09-29T18:00Z", "2025-09-29T23:00Z", "--recovery-until-normal"]


def _merchant(tmp: Path) -> list[str]:
    path = tmp / "all_orders.txt"
    stalled = (datetime(2025, 10, 20, 7), datetime(2025, 10, 21, 19))
    merchant_fulfilled_seller(path, start=datetime(2025, 9, 15), days=45, per_day=40, stalled=stalled)
    return [str(path), "--window", "2025-10-20T07:00Z", "2025-10-20T13:00Z", "--tz", "America/New_York"]


def _ebay(tmp: Path) -> list[str]:
    path = tmp / "ebay_orders.csv"
    ebay_stalled_seller(path, start=date(2025, 8, 25), days=60, per_day=120, stall=date(2025, 10, 6))
    windows = (
        "--window",
        "2025-10-06T00:00Z",
        "2025-10-06T12:00Z",
        "--window",
        "2025-10-07T02:00Z",
        "2025-10-07T05:00Z",
    )
    return [str(path), *windows, "--confidence", "0.8", "--recovery-hours", "12.5", "--ship-sla-hours", "24"]


SELLERS = {"demo": _demo, "september": _september, "merchant": _merchant, "ebay": _ebay}


def _analyze_json(argv: list[str]) -> bytes:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["analyze", *argv, "--json"])
    assert code == 0, err.getvalue()
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("name", list(SELLERS))
def test_analyze_json_is_byte_identical_to_the_golden_file(name, tmp_path):
    """The demo (with costs and ads) and three generated sellers print the stored JSON to the byte."""
    got = _analyze_json(SELLERS[name](tmp_path))
    expected = GOLDEN / f"analyze_{name}.json"
    if os.environ.get("IMPACT_WRITE_GOLDEN") == "1":
        expected.write_bytes(got)
    assert got == expected.read_bytes()

"""Running a command twice on the same files prints the same bytes: a seller comparing two runs sees no drift."""

import contextlib
import io
from pathlib import Path

import pytest

from impact.__main__ import main

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
FILES = [str(DEMO / "amazon_all_orders.txt"), str(DEMO / "shopify_orders_export.csv")]
WINDOW = ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--channels", "amazon"]


def _stdout(argv: list[str]) -> bytes:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert code == 0, err.getvalue()
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize(
    "argv",
    [
        ["scenarios", *FILES, *WINDOW, "--seed", "7", "--years", "500", "--mix", "amazon=0.5,shopify=0.5", "--json"],
        ["analyze", *FILES, *WINDOW, "--json"],
        ["detect", *FILES, "--json"],
        ["ingest", *FILES, "--json"],
        ["ingest", *FILES],
        ["analyze", *FILES, *WINDOW],
        ["scenarios", *FILES, *WINDOW, "--seed", "7", "--years", "500", "--move", "amazon:30%:shopify"],
        ["outages", "--catalog", "--json"],
    ],
    ids=[
        "scenarios",
        "analyze",
        "detect",
        "ingest-json",
        "ingest",
        "analyze-text",
        "scenarios-text",
        "outages",
    ],
)
def test_same_files_same_bytes(argv):
    """Two runs of the command on the demo seller's files print byte-identical output (money is summed exactly)."""
    assert _stdout(argv) == _stdout(argv)


def test_report_twice_with_a_fixed_stamp_is_the_same_file(tmp_path, monkeypatch):
    """`report` written twice with SOURCE_DATE_EPOCH set gives byte-identical HTML (and the same summary line)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    pages = []
    for i in range(2):
        out = tmp_path / f"report{i}.html"
        line = _stdout(["report", *FILES, *WINDOW, "--out", str(out)])
        pages.append((line.replace(str(out).encode(), b"OUT"), out.read_bytes()))
    assert pages[0] == pages[1]


def test_late_orders_twice_is_the_same_list(tmp_path):
    """`late-orders` run twice writes the same CSV of affected orders and prints the same summary."""
    runs = []
    for i in range(2):
        out = tmp_path / f"late{i}.csv"
        line = _stdout(["late-orders", FILES[1], *WINDOW[:3], "--out", str(out)])
        runs.append((line.replace(str(out).encode(), b"OUT"), out.read_bytes()))
    assert runs[0] == runs[1] and runs[0][1].count(b"\n") > 10


# `share` is left out on purpose: every run makes a new link, whose token is random by design.

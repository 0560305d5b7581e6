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
    ],
    ids=["scenarios", "analyze", "detect"],
)
def test_same_files_same_bytes(argv):
    """Two runs of the command on the demo seller's files print byte-identical output (money is summed exactly)."""
    assert _stdout(argv) == _stdout(argv)

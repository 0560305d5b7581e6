"""`analyze` on a window outside the orders says so in one line and names the outage found in them, whose window
then analyses."""

import json
import subprocess
import sys

from sellers import september_outage_seller
from testdata import ROOT


def _analyze(path, start, end):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "impact",
            "analyze",
            str(path),
            "--window",
            start,
            end,
            "--channels",
            "amazon",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_window_outside_the_orders_names_the_detected_outage(tmp_path):
    """The 20 Oct window is refused with the orders' range and the 29 Sep window to use instead."""
    path = september_outage_seller(tmp_path / "amazon.txt")
    proc = _analyze(path, "2025-10-20T06:48Z", "2025-10-20T21:20Z")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "is outside the order history" in proc.stderr
    assert "--window 2025-09-29T18:00:00Z 2025-09-29T23:00:00Z" in proc.stderr
    ok = _analyze(path, "2025-09-29T18:00:00Z", "2025-09-29T23:00:00Z")
    assert ok.returncode == 0, ok.stderr
    revenue = json.loads(ok.stdout)["windows"][0]["revenue"]
    assert revenue["lost_low"] > 0 and revenue["lost"] > 0.9 * revenue["expected"]

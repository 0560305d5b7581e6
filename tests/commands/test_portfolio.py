"""Tests for `python -m impact portfolio`: the JSON summary, the files written, progress on stderr, exit codes."""

import json
import os
import subprocess
import sys

import portfolios
import pytest
from portfolios import WINDOW
from testdata import ROOT

from impact.__main__ import main
from impact.portfolio import read

# The shared portfolio fixtures (tests/portfolios.py), made visible to pytest in this module.
sellers, portfolio = portfolios.sellers, portfolios.portfolio


def test_json_summary_and_both_files(sellers, tmp_path, capsys):
    """--json prints the source report and the summary; results.parquet and results.csv are written."""
    out = tmp_path / "results.parquet"
    code = main(
        [
            "portfolio",
            str(sellers),
            "--window",
            *WINDOW,
            "--channels",
            "amazon",
            "--workers",
            "2",
            "--out",
            str(out),
            "--json",
        ]
    )
    assert code == 0
    res = json.loads(capsys.readouterr().out)
    assert res["source"]["sellers"] == 6 and res["summary"]["failed_sellers"] == ["broken"]
    usd = res["summary"]["currencies"][0]
    assert usd["currency"] == "USD" and usd["sellers"] == 5
    assert usd["revenue_lost"]["lost_low"] <= usd["revenue_lost"]["lost"] <= usd["revenue_lost"]["lost_high"]
    assert set(usd["quantiles"]) == {"p10", "p25", "p50", "p75", "p90"}
    assert len(read(out)) == 6 and len(read(tmp_path / "results.csv")) == 6


def test_manifest_form_and_progress_on_stderr_only(portfolio, tmp_path):
    """A manifest source in a subprocess with --progress --json: stdout is JSON alone, the bar is on stderr."""
    m = portfolio / "manifest.csv"
    m.write_text("seller_id,path\nshop-a,seller-000\nshop-a,seller-001/all_orders.txt\nshop-b,seller-002\n,x\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "impact",
            "portfolio",
            str(m),
            "--window",
            *WINDOW,
            "--workers",
            "2",
            "--out",
            str(tmp_path / "r.parquet"),
            "--progress",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)
    assert res["source"]["rejected"] == [{"line": 5, "reason": "no seller_id"}]
    assert sorted(read(tmp_path / "r.parquet").seller_id) == ["shop-a", "shop-b"]
    assert "2/2 sellers" in proc.stderr and "ETA" in proc.stderr


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--engine", "local", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler is for --engine dask"),
        (["--workers", "0"], "--workers must be 1 or more"),
        (["--confidence", "2"], "--confidence must be between"),
        (["--channels", "myspace"], "'myspace' is not a channel"),
    ],
)
def test_bad_options_exit_2_with_one_line(sellers, tmp_path, capsys, extra, message):
    """A bad option is exit 2 and one line on stderr, before any seller runs; nothing is written."""
    out = tmp_path / "r.parquet"
    assert main(["portfolio", str(sellers), "--window", *WINDOW, "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_missing_source_and_out_folder_exit_2(sellers, tmp_path, capsys):
    """A source that does not exist, or an --out folder that does not, is exit 2 with the reason."""
    assert main(["portfolio", str(tmp_path / "none"), "--window", *WINDOW, "--out", str(tmp_path / "r.parquet")]) == 2
    assert "neither a folder of sellers nor a manifest" in capsys.readouterr().err
    assert main(["portfolio", str(sellers), "--window", *WINDOW, "--out", str(tmp_path / "no" / "r.parquet")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_unreachable_scheduler_exit_2(sellers, tmp_path, capsys):
    """--engine dask with a scheduler nobody listens on is exit 2 naming the address."""
    code = main(
        [
            "portfolio",
            str(sellers),
            "--window",
            *WINDOW,
            "--engine",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--out",
            str(tmp_path / "r.parquet"),
        ]
    )
    assert code == 2
    assert "tcp://127.0.0.1:9" in capsys.readouterr().err


def test_dask_local_cluster_writes_the_local_engines_bytes(sellers, tmp_path, capsys):
    """--engine dask --workers 2 (a LocalCluster) writes the same Parquet and CSV bytes as the default local pool."""
    base = ["portfolio", str(sellers), "--window", *WINDOW, "--channels", "amazon", "--workers", "2", "--json"]
    assert main([*base, "--out", str(tmp_path / "local.parquet")]) == 0
    environ = dict(os.environ)
    assert main([*base, "--engine", "dask", "--out", str(tmp_path / "dask.parquet")]) == 0
    assert dict(os.environ) == environ  # the cluster's worker settings stay out of this process
    capsys.readouterr()
    for ext in ("parquet", "csv"):
        assert (tmp_path / f"local.{ext}").read_bytes() == (tmp_path / f"dask.{ext}").read_bytes()

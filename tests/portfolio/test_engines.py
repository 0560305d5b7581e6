"""Tests for impact.portfolio.engines: the local pool and a real Dask cluster (a scheduler and two worker processes
on loopback) give the same rows, a broken seller is its own error row, and a worker killed mid-run loses no seller."""

import json
import multiprocessing
import os
import signal

import pytest
from distributed import Client
from portfolios import WINDOW, window

from bench.portfolio import start_cluster, stop_cluster
from impact.__main__ import main
from impact.portfolio import RunSpec, discover, run, write

SPEC = RunSpec(windows=(window(),))
GOOD = [f"seller-{i:03d}" for i in range(5)]


@pytest.fixture(scope="module")
def local_rows(sellers):
    jobs, _ = discover(sellers)
    return [r.rows for r in run(jobs, SPEC, engine="local", workers=2)]


@pytest.fixture(scope="module")
def cluster():
    address, procs = start_cluster(2)
    yield address, procs
    stop_cluster(procs)


def test_local_engine_analyses_each_seller_as_analyze_does(sellers, local_rows, capsys):
    """Every seller has its row; a seller's figures equal `analyze --json` on its files with the same window."""
    by = {rows[0]["seller_id"]: rows[0] for rows in local_rows}
    assert sorted(by) == ["broken", *GOOD]
    assert all(not by[s]["error"] for s in GOOD)
    assert (
        main(
            [
                "analyze",
                str(sellers / "seller-002" / "all_orders.txt"),
                "--window",
                *WINDOW,
                "--channels",
                "amazon",
                "--json",
            ]
        )
        == 0
    )
    w = json.loads(capsys.readouterr().out)["windows"][0]
    r = by["seller-002"]
    assert (r["revenue_lost"], r["revenue_lost_low"], r["revenue_lost_high"], r["p_effect"]) == (
        w["revenue"]["lost"],
        w["revenue"]["lost_low"],
        w["revenue"]["lost_high"],
        w["revenue"]["p_effect"],
    )
    assert r["net_lost"] == w["revenue"]["net_lost"] and r["orders_lost"] == w["orders"]["lost"]


def test_a_broken_file_is_its_sellers_error_row(local_rows):
    """The seller with a binary file among its exports gets the import's message; the others are unaffected."""
    broken = next(rows[0] for rows in local_rows if rows[0]["seller_id"] == "broken")
    assert "binary.csv" in broken["error"] and broken["revenue_lost"] is None


def test_dask_gives_byte_identical_results(cluster, sellers, local_rows, tmp_path):
    """The same sellers on a scheduler + 2 worker processes write the same Parquet and CSV bytes as the local pool."""
    jobs, _ = discover(sellers)
    remote = [r.rows for r in run(jobs, SPEC, engine="dask", scheduler=cluster[0])]
    assert remote == local_rows
    a = write([x for rows in local_rows for x in rows], tmp_path / "local.parquet")
    b = write([x for rows in remote for x in rows], tmp_path / "dask.parquet")
    assert a[0].read_bytes() == b[0].read_bytes() and a[1].read_bytes() == b[1].read_bytes()


def test_dask_worker_killed_mid_run_loses_no_seller(sellers):
    """Killing one of the two worker processes after the first result: every seller still comes back, once."""
    address, procs = start_cluster(2)
    try:
        jobs, _ = discover(sellers)
        jobs = jobs * 1 + [j.__class__(f"again-{j.seller_id}", j.files) for j in jobs]  # enough work to interrupt
        killed = []

        def kill_one(_result):
            if not killed:
                procs[1].send_signal(signal.SIGKILL)  # a `dask worker --no-nanny` process: the worker itself
                killed.append(procs[1].pid)

        seen = []
        results = run(
            jobs, SPEC, engine="dask", scheduler=address, on_result=lambda r: (seen.append(r.seller_id), kill_one(r))
        )
        assert killed
        assert sorted(seen) == sorted(j.seller_id for j in jobs)
        assert [r.seller_id for r in results] == sorted(j.seller_id for j in jobs)
        errors = {r.seller_id: r.rows[0]["error"] for r in results if r.rows[0]["error"]}
        assert set(errors) == {"broken", "again-broken"}
        with Client(address) as client:
            assert len(client.scheduler_info()["workers"]) == 1  # the kill took: one worker did the rest
    finally:
        stop_cluster(procs)


def test_local_worker_killed_mid_run_is_retried_in_a_fresh_pool(sellers, caplog):
    """Killing a pool process after the first result breaks the pool; the unfinished sellers run again, once."""
    jobs, _ = discover(sellers)
    jobs = jobs + [j.__class__(f"again-{j.seller_id}", j.files) for j in jobs]
    killed = []

    def kill_one(_result):
        if not killed:
            pid = multiprocessing.active_children()[0].pid
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    seen = []
    results = run(jobs, SPEC, engine="local", workers=2, on_result=lambda r: (seen.append(r.seller_id), kill_one(r)))
    assert killed and "run again in a fresh pool" in caplog.text
    assert sorted(seen) == sorted(j.seller_id for j in jobs)
    assert {r.seller_id for r in results if r.rows[0]["error"]} == {"broken", "again-broken"}

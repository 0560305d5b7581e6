"""Tests for impact.portfolio.job: one seller's rows, with profit where its folder has costs, and its errors."""

from dataclasses import replace

from portfolios import costs_csv, window

from impact.portfolio import RunSpec, discover
from impact.portfolio.job import COLUMNS, seller_rows
from impact.windows import window_from_strings


def test_a_cost_file_in_the_folder_adds_profit(portfolio):
    """The seller whose folder holds a cost file gets profit lost with its interval; the others get none."""
    costs_csv(portfolio / "seller-001" / "costs.csv")
    jobs = {j.seller_id: j for j in discover(portfolio)[0]}
    spec = RunSpec(windows=(window(),))
    costed, plain = seller_rows(jobs["seller-001"], spec)[0], seller_rows(jobs["seller-002"], spec)[0]
    assert tuple(costed) == COLUMNS and not costed["error"]
    assert costed["profit_lost_low"] <= costed["profit_lost"] <= costed["profit_lost_high"]
    assert costed["profit_lost"] < costed["revenue_lost"]
    assert plain["profit_lost"] is None and plain["revenue_lost"] is not None


def test_a_window_outside_the_orders_is_only_that_rows_error(sellers):
    """Of two windows, the one after the seller's last order is an error row; the other is analysed."""
    job = {j.seller_id: j for j in discover(sellers)[0]}["seller-000"]
    later = window_from_strings("2026-01-01T00:00Z", "2026-01-01T05:00Z", ["amazon"])
    first, second = seller_rows(job, RunSpec(windows=(window(), later)))
    assert not first["error"] and first["history_days"] > 50
    assert "outside this seller's orders" in second["error"] and second["revenue_lost"] is None


def test_problems_found_at_discovery_are_the_error(sellers):
    """A missing manifest path (a job problem) is every window's error, and nothing is read."""
    job = replace(discover(sellers)[0][1], problems=("manifest line 3: x.csv does not exist",))
    rows = seller_rows(job, RunSpec(windows=(window(),)))
    assert rows[0]["error"] == "manifest line 3: x.csv does not exist"


def test_a_seller_over_the_time_limit_is_stopped_and_its_row_says_so(tmp_path, sellers, monkeypatch):
    """150 one-line files under a 0.5 s limit stop within seconds with the limit's message; the next seller, with the
    default limit, is analysed in the same process as usual."""
    import time

    from impact.portfolio.job import analyse_seller

    slow = tmp_path / "slow"
    slow.mkdir()
    header, *lines = (sellers / "seller-000" / "all_orders.txt").read_text().splitlines(keepends=True)
    for i in range(150):  # one Amazon report cut into 150 small ones
        (slow / f"o{i:03}.txt").write_text(header + "".join(lines[i::150]))
    job = discover(tmp_path)[0][0]
    monkeypatch.setenv("IMPACT_PORTFOLIO_SELLER_SECONDS", "0.5")
    t0 = time.perf_counter()
    result = analyse_seller(job, RunSpec(windows=(window(),)))
    assert time.perf_counter() - t0 < 5
    assert [r["error"] for r in result.rows] == [
        "this seller took more than 0.5 seconds, the limit for one seller in a portfolio: give it fewer or smaller "
        "files, or raise IMPACT_PORTFOLIO_SELLER_SECONDS"
    ]
    monkeypatch.delenv("IMPACT_PORTFOLIO_SELLER_SECONDS")
    other = {j.seller_id: j for j in discover(sellers)[0]}["seller-000"]
    row = analyse_seller(other, RunSpec(windows=(window(),))).rows[0]
    assert row["error"] == "" and row["revenue_lost"] is not None
    time.sleep(0.6)  # a timer left running would raise here

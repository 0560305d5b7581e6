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

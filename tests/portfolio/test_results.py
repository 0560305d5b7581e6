"""Tests for impact.portfolio.results: the summary's arithmetic and the Parquet/CSV files."""

import math

import pytest

from impact.errors import InputError
from impact.portfolio import read, summarise, write
from impact.portfolio.job import COLUMNS
from impact.portfolio.results import rows_of


def row(seller, lost, low, high, *, p=0.5, cur="USD", start="2025-03-07T14:00:00Z", error="", profit=None):
    r = dict.fromkeys(COLUMNS)
    r.update(
        seller_id=seller,
        window_start=start,
        window_end="2025-03-07T19:00:00Z",
        channels="amazon",
        currency=cur,
        revenue_lost=lost,
        revenue_lost_low=low,
        revenue_lost_high=high,
        net_lost=lost,
        p_effect=p,
        warnings="",
        error=error,
        profit_lost=profit,
    )
    if error:
        r.update(currency=None, revenue_lost=None, revenue_lost_low=None, revenue_lost_high=None, net_lost=None)
    return r


def test_sum_with_half_widths_in_quadrature():
    """Total loss is the sum; the interval's half-widths below and above combine as the root of the squares."""
    rows = [row("a", 100, 70, 140, p=0.95), row("b", 50, 10, 80), row("c", -10, -40, 30)]
    c = summarise(rows)["currencies"][0]
    assert c["revenue_lost"]["lost"] == 140
    assert c["revenue_lost"]["lost_low"] == pytest.approx(140 - math.sqrt(30**2 + 40**2 + 30**2), abs=0.01)
    assert c["revenue_lost"]["lost_high"] == pytest.approx(140 + math.sqrt(40**2 + 30**2 + 40**2), abs=0.01)


def test_distribution_top_and_significant_share():
    """Quantiles of sellers' losses, the top sellers by loss, and the share significant by p_effect or interval."""
    rows = [row("a", 100, 70, 140, p=0.5), row("b", 50, -10, 80, p=0.95), row("c", 0, -40, 30), row("d", 10, -5, 20)]
    c = summarise(rows)["currencies"][0]
    assert c["quantiles"]["p50"] == 30 and c["quantiles"]["p10"] == pytest.approx(3.0)
    assert [t["seller_id"] for t in c["top"]] == ["a", "b", "d", "c"]
    assert c["significant"] == 2 and c["significant_share"] == 0.5


def test_sellers_windows_add_up_and_errors_are_listed():
    """A seller's windows sum to its loss; a seller with only error rows is listed as failed, not counted."""
    rows = [row("a", 10, 5, 15), row("a", 20, 10, 30, start="2025-03-08T14:00:00Z"), row("x", 0, 0, 0, error="bad")]
    s = summarise(rows)
    assert s["failed_sellers"] == ["x"] and s["error_rows"] == 1 and s["sellers"] == 2
    assert s["currencies"][0]["top"][0]["lost"] == 30


def test_currencies_are_never_summed():
    """Sellers in USD and EUR give one block per currency."""
    s = summarise([row("a", 10, 5, 15), row("b", 20, 10, 30, cur="EUR")])
    assert [(c["currency"], c["revenue_lost"]["lost"]) for c in s["currencies"]] == [("EUR", 20), ("USD", 10)]


def test_profit_only_where_costed():
    """Profit lost sums the costed rows only, and says how many there were."""
    s = summarise([row("a", 10, 5, 15, profit=4.0), row("b", 20, 10, 30)])
    assert s["currencies"][0]["profit_lost"]["lost"] == 4.0 and s["currencies"][0]["profit_lost"]["rows"] == 1


def test_files_round_trip_sorted_and_excel_safe(tmp_path):
    """Parquet and CSV are written sorted; the CSV guards formula-like text; both read back to the same rows."""
    rows = [row("b", 20, 10, 30), row("=cmd()", 10, 5, 15), row("a", 1, 0, 2)]
    parquet, csv = write(rows, tmp_path / "r.parquet")
    assert csv == tmp_path / "r.csv"
    assert "'=cmd()" in csv.read_text(encoding="utf-8-sig")
    a, b = rows_of(read(parquet)), rows_of(read(csv.read_bytes(), "r.csv"))
    assert [r["seller_id"] for r in a] == ["=cmd()", "a", "b"]
    assert [r["seller_id"] for r in b] == ["=cmd()", "a", "b"]
    assert [r["revenue_lost"] for r in a] == [r["revenue_lost"] for r in b] == [10, 1, 20]


def test_reading_something_else_is_an_input_error(tmp_path):
    """A CSV without the result columns is refused with one sentence."""
    with pytest.raises(InputError, match="not a portfolio results file"):
        read(b"a,b\n1,2\n", "x.csv")

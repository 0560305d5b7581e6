"""Tests for impact.portfolio.charts: the distribution of sellers' losses."""

from impact.charts.portfolio import distribution
from impact.portfolio.job import COLUMNS


def _row(seller, lost, p, cur="USD", error=""):
    r = dict.fromkeys(COLUMNS)
    r.update(seller_id=seller, currency=cur, revenue_lost=lost, revenue_lost_low=lost - 20, p_effect=p, error=error)
    return r


def test_significant_and_other_sellers_are_two_stacked_series():
    """Sellers with a significant loss and the rest are separate traces; other currencies and errors are left out."""
    rows = [
        _row("a", 100, 0.95),
        _row("b", 3, 0.2),
        _row("c", 10, 0.1),
        _row("d", 50, 0.99, cur="EUR"),
        _row("e", 0, 0, error="bad file"),
    ]
    fig = distribution(rows, "USD")
    assert [(t.name, list(t.x)) for t in fig.data] == [
        ("significant loss (1)", [100.0]),
        ("not significant (2)", [3.0, 10.0]),
    ]
    assert fig.layout.barmode == "stack" and fig.layout.xaxis.tickprefix == "$"


def test_no_seller_in_the_currency_says_so():
    """A currency without analysed sellers gives an empty figure with a sentence."""
    fig = distribution([_row("a", 1, 0.5, error="x")], "USD")
    assert not fig.data and "No seller" in fig.layout.annotations[0].text

"""impact.analysis on a marketplace inside a channel: TikTok Shop orders synced into a Shopify export, scoped apart."""

from datetime import datetime

import pytest
from sellers import shopify_tiktok_seller

from impact.analysis import analyze
from impact.errors import InputError
from impact.revenue import load_history
from impact.service import load_files, marketplace_scopes
from impact.windows import window_from_strings

START, END = "2025-10-01T14:00Z", "2025-10-01T20:00Z"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """35 days of a Shopify store (240 own orders a day, 120 from TikTok Shop); no TikTok order 14:00-20:00 on 1 Oct."""
    path = shopify_tiktok_seller(
        tmp_path_factory.mktemp("shop") / "orders_export.csv",
        start=datetime(2025, 9, 1),
        days=35,
        per_day=(240, 120),
        tiktok_outage=(datetime(2025, 10, 1, 14), datetime(2025, 10, 1, 20)),
    )
    con, report = load_files([path])
    assert report.lines == 12333
    return con


def _window(con, channels: str) -> dict:
    return analyze(con, [window_from_strings(START, END, channels)]).to_json()["windows"][0]


def test_the_tiktok_scope_finds_the_loss_on_tiktok_orders_and_not_on_the_store(con):
    """Scoped to TikTok Shop (spelled in any case), the loss is on its orders; the store's own orders are the control."""
    w = _window(con, "shopify:tiktok shop")
    assert w["channels"] == ["shopify:TikTok Shop"]
    rev = w["revenue"]
    assert (rev["actual"], rev["expected"], rev["lost"]) == (0.0, 1448.86, 1448.86)
    assert (rev["lost_low"], rev["lost_high"], rev["p_effect"]) == (1092.99, 1931.87, 0.957)
    assert (w["orders"]["actual"], w["orders"]["expected"]) == (0, 48.04)
    assert w["spillover"] == {"shopify": -189.91}
    rows = [(r["channel"], r["marketplace"], r["affected"], r["expected"], r["actual"]) for r in w["by_channel"]]
    assert rows == [
        ("shopify:TikTok Shop", "TikTok Shop", True, 1448.86, 0.0),
        ("shopify", "Shopify", False, 2888.41, 2698.5),
    ]


def test_the_store_own_orders_show_no_significant_loss(con):
    """Scoped to the store's own orders, the drop is within normal variation: the outage was TikTok's alone."""
    w = _window(con, "shopify:Shopify")
    rev = w["revenue"]
    assert (rev["actual"], rev["expected"], rev["lost"], rev["p_effect"]) == (2698.5, 2810.04, 111.54, 0.609)
    assert w["spillover"] == {"shopify": -1460.18}
    assert any("within normal variation" in m for m in w["warnings"])


def test_a_window_without_marketplaces_analyses_the_whole_channel(con):
    """--channels shopify still takes every Shopify order as the affected series, both marketplaces in its rows."""
    w = _window(con, "shopify")
    assert w["channels"] == ["shopify"]
    assert (w["revenue"]["actual"], w["revenue"]["expected"], w["revenue"]["lost"]) == (2698.5, 4313.66, 1615.16)
    assert [(r["channel"], r["marketplace"]) for r in w["by_channel"]] == [
        ("shopify", "Shopify"),
        ("shopify", "TikTok Shop"),
    ]


def test_an_unknown_marketplace_is_refused_with_the_channel_s_marketplaces(con):
    """A marketplace the channel never sold on is one line naming those it did."""
    with pytest.raises(InputError) as err:
        _window(con, "shopify:Etsy (synced)")
    assert str(err.value) == (
        "no shopify orders from the marketplace 'Etsy (synced)'; the data has 'shopify:Shopify', 'shopify:TikTok Shop'"
    )


def test_the_history_splits_a_scoped_marketplace_out_of_its_channel(con):
    """load_history(scoped=...) gives the marketplace its own series; the channel keeps the rest, totals unchanged."""
    split = load_history(con, scoped=("shopify:TikTok Shop",))
    assert split.scoped == ("shopify:TikTok Shop",)
    got = {
        k: (round(float(s.values[0].sum()), 2), int(s.values[1].sum()), s.marketplaces)
        for k, s in split.channels.items()
    }
    assert got == {
        "shopify": (247577.5, 8230, ["Shopify"]),
        "shopify:TikTok Shop": (125073.0, 4103, ["TikTok Shop"]),
    }
    whole = load_history(con).channels["shopify"]
    assert (round(float(whole.values[0].sum()), 2), int(whole.values[1].sum())) == (372650.5, 12333)


def test_marketplace_scopes_lists_channels_with_several_marketplaces(con):
    """The app's choices: each marketplace of a channel that has more than one, most revenue first."""
    assert marketplace_scopes(con) == {"shopify": ["shopify:Shopify", "shopify:TikTok Shop"]}

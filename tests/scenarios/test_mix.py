"""Channel mix: shares, HHI, hour-of-week profile, target mixes and the window what-if, on hand-computable cases."""

from datetime import datetime, timedelta

import numpy as np
import pytest

from impact.errors import InputError, MixedCurrencyError, NotEnoughHistoryError
from impact.scenarios import (
    Profile,
    current_mix,
    hhi,
    hour_of_week_profile,
    integrate_week,
    mix_over_time,
    move_demand,
    normalise_mix,
    parse_mix,
    parse_move,
    realise_mix,
    resolve_impacts,
    revenue_shares,
    window_whatif,
)
from impact.store import LINES_COLUMNS

MONDAY = datetime(2025, 1, 6)  # a Monday, 00:00 UTC


def add_lines(con, rows):
    """Insert canonical order lines; each row gives the fields that matter, the rest get neutral values."""
    cols = list(LINES_COLUMNS)
    defaults = {
        "channel": "amazon",
        "status": "completed",
        "currency": "EUR",
        "time_precision": "second",
        "quantity": 1.0,
        "sku": "SKU",
    }
    values = []
    for i, row in enumerate(rows):
        r = defaults | {"order_id": f"o{i}", "line_key": "1", "marketplace": row.get("channel", "amazon")} | row
        values.append([r.get(c) for c in cols])
    con.executemany(f"INSERT INTO lines ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", values)


def test_hhi_hand_cases():
    """HHI is the sum of squared percentage shares: 10,000 for one channel, 3,800 for 50/30/20, 10,000/n for n equal."""
    assert hhi({"amazon": 1.0}) == pytest.approx(10_000)
    assert hhi({"amazon": 0.5, "shopify": 0.3, "ebay": 0.2}) == pytest.approx(3_800)
    assert hhi(dict.fromkeys("abcd", 0.25)) == pytest.approx(2_500)
    assert hhi({"a": 2.0, "b": 2.0}) == pytest.approx(5_000)  # unnormalised input is rescaled
    assert hhi({}) == 0.0


def test_shares_and_hhi_exclude_cancelled(con):
    """Cancelled lines count for nothing; shares are per channel and per marketplace, and HHI follows them."""
    add_lines(
        con,
        [
            {"channel": "amazon", "marketplace": "Amazon.de", "purchased_at": MONDAY, "revenue": 60.0},
            {"channel": "amazon", "marketplace": "Amazon.fr", "purchased_at": MONDAY, "revenue": 20.0},
            {"channel": "shopify", "purchased_at": MONDAY, "revenue": 20.0},
            {"channel": "ebay", "purchased_at": MONDAY, "revenue": 500.0, "status": "cancelled"},
        ],
    )
    assert revenue_shares(con) == pytest.approx({"amazon": 0.8, "shopify": 0.2})
    mix = current_mix(con)
    assert mix["hhi"] == pytest.approx(80**2 + 20**2)
    assert mix["marketplaces"]["shares"] == pytest.approx({"Amazon.de": 0.6, "Amazon.fr": 0.2, "shopify": 0.2})
    assert mix["marketplaces"]["hhi"] == pytest.approx(3600 + 400 + 400)


def test_mix_over_time_per_month(con):
    """Each calendar month gets its own shares and HHI, so a drift towards one channel shows."""
    add_lines(
        con,
        [
            {"channel": "amazon", "purchased_at": datetime(2025, 1, 10), "revenue": 50.0},
            {"channel": "shopify", "purchased_at": datetime(2025, 1, 11), "revenue": 50.0},
            {"channel": "amazon", "purchased_at": datetime(2025, 2, 3), "revenue": 90.0},
            {"channel": "shopify", "purchased_at": datetime(2025, 2, 4), "revenue": 10.0},
        ],
    )
    months = mix_over_time(con)
    assert [m["period"] for m in months] == ["2025-01", "2025-02"]
    assert [m["hhi"] for m in months] == pytest.approx([5000, 8200])
    assert months[1]["shares"] == pytest.approx({"amazon": 0.9, "shopify": 0.1})


def test_mixed_currencies_are_refused_unless_one_is_chosen(con):
    """Adding EUR to GBP would be wrong: the seller must pick one currency."""
    add_lines(
        con,
        [
            {"purchased_at": MONDAY, "revenue": 10.0, "currency": "EUR"},
            {"purchased_at": MONDAY, "revenue": 10.0, "currency": "GBP", "channel": "ebay"},
        ],
    )
    with pytest.raises(MixedCurrencyError, match="EUR, GBP"):
        current_mix(con)
    assert current_mix(con, currency="GBP")["shares"] == {"ebay": 1.0}


def test_profile_averages_each_hour_of_week_over_its_occurrences(con):
    """A slot's value is its revenue divided by how often that hour occurs; quiet hours average in as zero."""
    two_weeks = MONDAY + timedelta(days=14) - timedelta(hours=1)
    add_lines(
        con,
        [
            {"purchased_at": MONDAY + timedelta(hours=9, minutes=5), "revenue": 30.0},
            {"purchased_at": MONDAY + timedelta(days=7, hours=9, minutes=50), "revenue": 10.0},
            {"purchased_at": two_weeks, "revenue": 4.0},  # Sunday 23:00, second week: makes the span two full weeks
            {"channel": "etsy", "time_precision": "day", "purchased_at": MONDAY + timedelta(days=1), "revenue": 48.0},
        ],
    )
    p = hour_of_week_profile(con)
    amazon = p.hourly[p.channels.index("amazon")]
    assert amazon[9] == pytest.approx(20.0)  # (30 + 10) / 2 Mondays
    assert amazon[167] == pytest.approx(2.0)
    assert amazon.sum() == pytest.approx(22.0)
    etsy = p.hourly[p.channels.index("etsy")]
    assert etsy[24:48] == pytest.approx(np.full(24, 1.0))  # 48 / 24 hours / 2 Tuesdays
    assert p.hours_observed == 336


def test_profile_leaves_out_excluded_window_hours(con):
    """Hours overlapping an excluded window drop out of both the revenue and the count of occurrences."""
    add_lines(
        con,
        [
            {"purchased_at": MONDAY + timedelta(hours=9), "revenue": 30.0},
            {"purchased_at": MONDAY + timedelta(days=7, hours=9, minutes=30), "revenue": 0.0},
            {"purchased_at": MONDAY + timedelta(days=21) - timedelta(minutes=1), "revenue": 0.0},
        ],
    )
    window = (MONDAY + timedelta(days=7, hours=8, minutes=30), MONDAY + timedelta(days=7, hours=9, minutes=10))
    p = hour_of_week_profile(con, exclude=[window])
    # Monday 09:00 occurs 3 times, once inside the window: 30 over 2 remaining occurrences.
    assert p.hourly[0][9] == pytest.approx(15.0)
    assert p.hours_observed == 3 * 168 - 2


def test_profile_needs_a_full_week(con):
    """Three days of history cannot fill every hour of the week: a plain message, not a division by zero."""
    add_lines(
        con, [{"purchased_at": MONDAY, "revenue": 1.0}, {"purchased_at": MONDAY + timedelta(days=3), "revenue": 1.0}]
    )
    with pytest.raises(NotEnoughHistoryError, match="full week"):
        hour_of_week_profile(con)


def test_integrate_week_constant_wrap_and_multiweek():
    """Integrals over a weekly rate: partial hours, wrap past Sunday midnight, and durations over a week."""
    rate = np.zeros((1, 168))
    rate[0, 167] = 10.0  # Sunday 23:00
    rate[0, 0] = 4.0  # Monday 00:00
    got = integrate_week(rate, np.array([167.5, 167.5, 0.0]), np.array([1.0, 169.0, 0.25]), np.array([0, 0, 0]))
    assert got == pytest.approx([5.0 + 2.0, 14.0 + 7.0, 1.0])


def test_parse_mix_and_its_errors():
    """Mixes parse from channel=share lists (fractions or percents) and must name real channels adding up to 1."""
    assert parse_mix("amazon=0.5,shopify=30%,ebay=0.2") == pytest.approx({"amazon": 0.5, "shopify": 0.3, "ebay": 0.2})
    with pytest.raises(InputError, match="add up to 1"):
        parse_mix("amazon=0.5,shopify=0.3")
    with pytest.raises(InputError, match="not a channel"):
        parse_mix("amazon=0.5,mystore=0.5")
    with pytest.raises(InputError, match="channel=share"):
        parse_mix("amazon 1")
    with pytest.raises(InputError, match="not a number"):
        parse_mix("amazon=half")


def test_move_demand_hand_case():
    """Moving 50% of an 80% Amazon share to Shopify and eBay gives 40/40/20 with the move split evenly."""
    got = move_demand({"amazon": 800, "shopify": 200}, "amazon", 0.5, ["shopify", "ebay"])
    assert got == pytest.approx({"amazon": 0.4, "shopify": 0.4, "ebay": 0.2})
    assert parse_move("amazon:25%:shopify", {"amazon": 0.8, "shopify": 0.2}) == pytest.approx(
        {"amazon": 0.6, "shopify": 0.4}
    )
    with pytest.raises(InputError, match="no ebay revenue"):
        move_demand({"amazon": 1.0}, "ebay", 0.5, ["shopify"])


def test_realise_mix_with_partial_transfer():
    """Shrinking channels reach their target; growing ones get only the transferred part of the moved demand."""
    now = {"amazon": 800.0, "shopify": 200.0}
    assert realise_mix(now, {"amazon": 0.5, "shopify": 0.5}, 1.0) == pytest.approx({"amazon": 500, "shopify": 500})
    assert realise_mix(now, {"amazon": 0.5, "shopify": 0.5}, 0.5) == pytest.approx({"amazon": 500, "shopify": 350})
    assert realise_mix(now, {"ebay": 1.0}, 0.0) == pytest.approx({"amazon": 0, "shopify": 0, "ebay": 0})


def test_resolve_impacts_measured_and_assumed():
    """Hit channels keep their measurements; the rest react like the measured ones, or lose all with no measurement."""
    measured = {
        "amazon": {"expected": 100.0, "lost": 60.0, "recapture_frac": 0.25},
        "shopify": {"expected": 50.0, "lost": -5.0, "recapture_frac": 0.0},
    }
    got = resolve_impacts(measured, ["amazon", "shopify", "ebay"], affected={"amazon"})
    assert got["amazon"] == {"lost_frac": 0.6, "recapture_frac": 0.25, "source": "measured"}
    assert got["shopify"]["lost_frac"] == pytest.approx(0.6) and got["shopify"]["source"].startswith("assumed")
    assert got["ebay"]["recapture_frac"] == pytest.approx(0.25)
    none = resolve_impacts(None, ["ebay"])
    assert none["ebay"]["lost_frac"] == 1.0 and none["ebay"]["recapture_frac"] == 0.0


def test_window_whatif_reproduces_the_measured_loss_and_spares_unaffected_channels():
    """The current mix loses what was measured; a mix with no affected channel loses nothing in the window."""
    current = {"amazon": 8000.0, "shopify": 2000.0}
    window = {"amazon": 80.0, "shopify": 20.0}
    impacts = {
        "amazon": {"lost_frac": 0.5, "recapture_frac": 0.2},
        "shopify": {"lost_frac": 0.9, "recapture_frac": 0.0},
        "ebay": {"lost_frac": 1.0, "recapture_frac": 0.0},
    }
    now = window_whatif(window, impacts, {"amazon"}, current, current)
    assert (now["expected"], now["lost"], now["net_lost"]) == pytest.approx((100.0, 40.0, 32.0))
    away = window_whatif(window, impacts, {"amazon"}, current, {"shopify": 6000.0, "ebay": 4000.0})
    assert away["lost"] == 0.0 and away["net_lost"] == 0.0
    assert away["by_channel"]["shopify"]["expected"] == pytest.approx(60.0)  # 20 x 6000 / 2000
    assert away["by_channel"]["ebay"]["expected"] == pytest.approx(40.0)  # 100 x 4000 / 10000
    half = window_whatif(window, impacts, {"amazon", "ebay"}, current, {"amazon": 4000.0, "ebay": 6000.0})
    assert half["lost"] == pytest.approx(40.0 * 0.5 + 60.0 * 1.0)


def test_profile_shape_falls_back_for_thin_channels():
    """A channel with few lines borrows the seller's overall shape; one with enough history keeps its own."""
    hourly = np.zeros((2, 168))
    hourly[0, :84] = 1.0
    hourly[1, 100] = 5.0
    p = Profile(("amazon", "ebay"), hourly, lines=(500, 3))
    assert p.shape("amazon") == pytest.approx(np.r_[np.full(84, 1 / 84), np.zeros(84)])
    assert p.shape("ebay").sum() == pytest.approx(1.0) and p.shape("ebay")[100] < 0.1
    assert p.shape("walmart") == pytest.approx(p.total_shape())
    assert normalise_mix({"amazon": 0.333, "ebay": 0.667}) == pytest.approx({"amazon": 0.333, "ebay": 0.667})

"""Tests for impact.charts: figures built from the analysis JSON."""

import math
from datetime import datetime

import pytest

from impact import charts, present
from impact.errors import InputError


def _analysis(currency: str = "USD") -> dict:
    """A small two-channel analysis around a 06:48-09:40 UTC outage, shaped like impact.analysis output."""
    hourly = []
    for h in range(4, 13):
        hour = f"2025-10-20T{h:02d}:00:00Z"
        hit = 6 <= h <= 9
        hourly.append(
            {
                "hour": hour,
                "channel": "amazon",
                "actual": 20.0 if hit else 100.0,
                "expected": 100.0,
                "low": 70.0,
                "high": 130.0,
            }
        )
        hourly.append({"hour": hour, "channel": "shopify", "actual": 45.0, "expected": 40.0, "low": 30.0, "high": 50.0})
    return {
        "start": "2025-10-20T06:48:00Z",
        "end": "2025-10-20T09:40:00Z",
        "channels": ["amazon"],
        "currency": currency,
        "confidence": 0.9,
        "revenue": {
            "actual": 80.0,
            "expected": 400.0,
            "lost": 320.0,
            "lost_low": 250.0,
            "lost_high": 390.0,
            "recaptured": 10.0,
            "net_lost": 310.0,
            "p_effect": 0.99,
        },
        "orders": {},
        "units": {},
        "spillover": {"shopify": 0.12},
        "hourly": hourly,
        "top_skus": [{"sku": "A", "lost": 50.0}, {"sku": "B", "lost": 200.0}, {"sku": "C", "lost": -5.0}],
        "by_channel": [
            {
                "channel": "amazon",
                "marketplace": "Amazon.com",
                "expected": 400.0,
                "actual": 80.0,
                "lost": 320.0,
                "lost_pct": 80.0,
            },
            {
                "channel": "shopify",
                "marketplace": "shopify",
                "expected": 160.0,
                "actual": 180.0,
                "lost": -20.0,
                "lost_pct": -12.5,
            },
        ],
        "warnings": [],
    }


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_money_formats_known_and_unknown_currencies():
    """Known currencies get a symbol, yen has no decimals, others get the code as suffix."""
    assert present.format_money_ascii(1234.5, "USD") == "$1,234.50"
    assert present.format_money_ascii(-3.2, "EUR") == "-€3.20"
    assert present.format_money_ascii(1500, "JPY") == "¥1,500"
    assert present.format_money_ascii(10, "CHF") == "10.00 CHF"
    assert present.format_money_ascii(None) == "n/a"


def test_combine_hourly_sums_values_and_combines_bands_in_quadrature():
    """Channels add up hour by hour; the band half-width is the root of the summed squares."""
    rows = charts.combine_hourly(_analysis()["hourly"])
    first = rows[0]
    assert first["hour"] == "2025-10-20T04:00:00Z"
    assert first["actual"] == 145.0 and first["expected"] == 140.0
    assert first["high"] == pytest.approx(140.0 + math.hypot(30.0, 10.0))
    assert first["low"] == pytest.approx(140.0 - math.hypot(30.0, 10.0))
    only_amazon = charts.combine_hourly(_analysis()["hourly"], ["amazon"])
    assert only_amazon[0]["high"] == 130.0 and len(only_amazon) == 9


def test_timeline_shows_actual_expected_band_in_local_time():
    """The timeline converts UTC hours to the display zone and styles actual solid, expected dashed."""
    fig = charts.timeline(_analysis(), tz="America/New_York", channels=["amazon"])
    actual, expected = _trace(fig, "Actual"), _trace(fig, "Expected")
    assert actual.x[0] == datetime(2025, 10, 20, 0, 0)  # 04:00 UTC is midnight in New York (EDT)
    assert list(actual.y)[2] == 20.0
    assert expected.line.dash == "dash" and actual.line.dash is None
    assert actual.line.color == charts.COLORS["actual"]
    band = next(t for t in fig.data if t.fill == "toself")
    assert band.name.endswith("(90%)")
    assert fig.layout.yaxis.tickprefix == "$"
    assert "USD" in fig.layout.yaxis.title.text and "America/New_York" in fig.layout.xaxis.title.text
    shade = fig.layout.shapes[0]
    assert shade.x0 == datetime(2025, 10, 20, 2, 48) and shade.x1 == datetime(2025, 10, 20, 5, 40)
    assert "$%{y:,.2f}" in actual.hovertemplate


def test_timeline_without_band_or_rows_is_still_a_figure():
    """Missing interval bounds drop the band, and no hourly rows give a captioned empty figure."""
    analysis = _analysis()
    for row in analysis["hourly"]:
        row["low"] = None
    fig = charts.timeline(analysis)
    assert [t.name for t in fig.data] == ["Expected", "Actual"]
    empty = charts.timeline({**analysis, "hourly": []})
    assert not empty.data and "No hourly data" in empty.layout.annotations[0].text


def test_unknown_time_zone_is_a_clear_error():
    """A misspelt zone is refused with a sentence naming it."""
    with pytest.raises(InputError, match="Mars/Olympus"):
        charts.timeline(_analysis(), tz="Mars/Olympus")


def test_cumulative_loss_runs_from_window_start_and_marks_interval():
    """The running loss starts at the window's hour and the end marker carries the estimate's interval."""
    fig = charts.cumulative_loss(_analysis(), channels=["amazon"])
    line = _trace(fig, "Lost so far")
    assert line.x[0] == datetime(2025, 10, 20, 6, 0)
    assert list(line.y)[:4] == [80.0, 160.0, 240.0, 320.0]
    assert list(line.y)[-1] == 320.0
    marker = _trace(fig, "Estimate at outage end")
    assert marker.x[0] == datetime(2025, 10, 20, 9, 40) and marker.y[0] == 320.0
    assert list(marker.error_y.array) == [70.0] and list(marker.error_y.arrayminus) == [70.0]
    assert "$250.00" in marker.hovertemplate


def test_cumulative_loss_marks_the_net_loss_where_the_recovery_ends():
    """The net loss is a marker with its range at the recovery's end, not a point read off the running line; without
    a recovery period there is none."""
    a = _analysis()
    a["recovery_end"] = "2025-10-20T12:40:00Z"
    a["revenue"] |= {"net_lost_low": 200.0, "net_lost_high": 390.0}
    marker = _trace(
        charts.cumulative_loss(a, channels=["amazon"]), "Net loss (recapture beyond normal variation taken off)"
    )
    assert marker.x[0] == datetime(2025, 10, 20, 12, 40) and marker.y[0] == 310.0
    assert list(marker.error_y.array) == [80.0] and list(marker.error_y.arrayminus) == [110.0]
    assert "$200.00" in marker.hovertemplate
    a["recovery_end"] = a["end"]
    names = [t.name for t in charts.cumulative_loss(a, channels=["amazon"]).data]
    assert not any(n.startswith("Net loss") for n in names)


def test_channel_breakdown_labels_loss_and_gain():
    """Each channel gets expected and actual bars, labelled with a loss (red) or gain (green) share."""
    fig = charts.channel_breakdown(_analysis())
    actual = _trace(fig, "Actual")
    assert list(actual.x) == ["Amazon (Amazon.com)", "Shopify"]
    assert list(actual.text) == ["−80%", "+12%"]
    assert list(actual.textfont.color) == [charts.COLORS["loss"], charts.COLORS["gain"]]
    assert fig.layout.barmode == "group"


def test_channel_breakdown_names_a_marketplace_scope_once():
    """A scoped row reads 'TikTok Shop (in Shopify)', and the channel's other orders 'Shopify'."""
    a = _analysis()
    a["by_channel"] = [
        {
            "channel": "shopify:TikTok Shop",
            "marketplace": "TikTok Shop",
            "affected": True,
            "expected": 100.0,
            "actual": 0.0,
            "lost": 100.0,
            "lost_pct": 100.0,
        },
        {
            "channel": "shopify",
            "marketplace": "Shopify",
            "affected": False,
            "expected": 200.0,
            "actual": 190.0,
            "lost": 10.0,
            "lost_pct": 5.0,
        },
    ]
    assert list(_trace(charts.channel_breakdown(a), "Actual").x) == ["TikTok Shop (in Shopify)", "Shopify"]


def test_top_skus_puts_the_biggest_loss_on_top():
    """SKUs are ordered by loss with the largest drawn last (top), and n limits the count."""
    fig = charts.top_skus(_analysis(), n=2)
    bar = fig.data[0]
    assert list(bar.y) == ["A", "B"] and list(bar.x) == [50.0, 200.0]
    assert fig.layout.xaxis.tickprefix == "$"
    gains = charts.top_skus(_analysis())
    assert gains.data[0].marker.color[0] == charts.COLORS["gain"]


def test_other_currency_uses_its_code():
    """An amount in a currency without a symbol shows the code as an axis suffix."""
    fig = charts.timeline(_analysis("CHF"))
    assert fig.layout.yaxis.ticksuffix == " CHF" and fig.layout.yaxis.tickprefix == ""
    assert "CHF" in _trace(fig, "Actual").hovertemplate


def test_daily_by_channel_stacks_channels_on_their_day():
    """Daily revenue bars are stacked per channel, centred on noon, with the outage shaded."""
    rows = [
        {"day": "2025-10-19", "channel": "amazon", "revenue": 100.0},
        {"day": "2025-10-20", "channel": "amazon", "revenue": 40.0},
        {"day": "2025-10-20", "channel": "shopify", "revenue": 60.0},
    ]
    fig = charts.daily_by_channel(rows, window={"start": "2025-10-20T06:48:00Z", "end": "2025-10-20T21:20:00Z"})
    assert [t.name for t in fig.data] == ["Amazon", "Shopify"]
    assert fig.data[0].x[1] == datetime(2025, 10, 20, 12)
    assert fig.layout.barmode == "stack"
    assert fig.layout.shapes[0].x0 == datetime(2025, 10, 20, 6, 48)
    assert "No orders" in charts.daily_by_channel([]).layout.annotations[0].text

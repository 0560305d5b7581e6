"""Tests for impact.present: the one place money, numbers, names, times, sentences and chart colours are written."""

from datetime import UTC, datetime, timedelta, timezone

import plotly.graph_objects as go
import pytest

from impact import charts, present
from impact.charts import scenarios as scenario_charts
from impact.errors import InputError
from impact.present import (
    MINUS,
    channel_name,
    format_channels,
    format_money,
    join_names,
    local_days,
    local_time,
    local_window,
    marketplace_name,
    money_per_currency,
    number,
    percent,
    plural,
    sentence,
    sum_per_currency,
    to_local,
    unmeasurable,
    value_range,
)

NY = "America/New_York"


def test_channel_names_follow_the_brands():
    """Channel codes read as the brands write them: eBay and WooCommerce, not Ebay and Woocommerce."""
    assert [channel_name(c) for c in ("amazon", "ebay", "etsy", "shopify", "woocommerce", "walmart")] == [
        "Amazon",
        "eBay",
        "Etsy",
        "Shopify",
        "WooCommerce",
        "Walmart",
    ]
    assert channel_name("EBAY") == "eBay" and channel_name("tiktok") == "Tiktok"
    assert channel_name(None) == "Other"


def test_a_marketplace_scope_reads_as_the_seller_knows_it():
    """'shopify:TikTok Shop' is TikTok Shop inside Shopify; the store's own marketplace reads as its own orders."""
    assert channel_name("shopify:TikTok Shop") == "TikTok Shop (in Shopify)"
    assert channel_name("ebay:eBay.de") == "eBay.de (in eBay)"
    assert channel_name("shopify:Shopify") == "Shopify (own orders)"


def test_marketplace_names_keep_the_amazon_domains():
    """Amazon marketplaces keep their domain (Amazon.de, Amazon.co.uk), channel codes become brands, and any other
    text from the seller's file is left as it is."""
    assert marketplace_name("amazon.de") == "Amazon.de"
    assert marketplace_name("AMAZON.CO.UK") == "Amazon.co.uk"
    assert marketplace_name("Amazon.com") == "Amazon.com"
    assert marketplace_name("ebay") == "eBay" and marketplace_name("woocommerce") == "WooCommerce"
    assert marketplace_name("Non-Amazon") == "Non-Amazon"


def test_names_are_joined_as_a_sentence():
    """Two names join with 'and', more with commas and a final 'and'; none gives the caller's word."""
    assert format_channels(["amazon", "ebay"]) == "Amazon and eBay"
    assert format_channels(["amazon", "ebay", "etsy"]) == "Amazon, eBay and Etsy"
    assert format_channels(["woocommerce"]) == "WooCommerce"
    assert format_channels([]) == format_channels(None) == "all channels"
    assert format_channels([], empty="none") == "none"
    assert join_names(["USD", "EUR"]) == "USD and EUR" and join_names([]) == ""


def test_plurals_agree_with_the_number_as_written():
    """'1 day' but '2 days' and '0 days'; the noun follows the rounded number; irregular plurals can be given."""
    assert plural(1, "day") == "1 day"
    assert plural(2, "day") == "2 days" and plural(0, "day") == "0 days"
    assert plural(0.96, "day") == "1 day"  # written '1'
    assert plural(1234, "order") == "1,234 orders"
    assert plural(14.53, "hour", digits=1) == "14.5 hours"
    assert plural(24.0, "hour", digits=None) == "24 hours" and plural(1.5, "hour", digits=None) == "1.5 hours"
    assert plural(3, "currency") == "3 currencies" and plural(2, "match") == "2 matches"
    assert plural(2, "line was", "lines were") == "2 lines were" and plural(1, "line was", "lines were") == "1 line was"


def test_numbers_and_percentages():
    """Thousands are grouped, halves round away from zero, negatives carry a typographic minus, and a missing
    value reads 'not known', never 'unknown'."""
    assert number(1234.5) == "1,235" and number(1234.5, 1) == "1,234.5"
    assert number(-3.2, 1) == MINUS + "3.2" and number(-0.2) == "0"
    assert number(None) == "not known" and number(float("nan")) == "not known"
    assert percent(0.372) == "37%" and percent(0.3715, 1) == "37.2%" and percent(None) == "not known"


def test_money_is_exact_per_currency():
    """Amounts carry their currency's symbol or code and its number of decimals, round as a person would (2.675 ->
    2.68), and a negative amount has a typographic minus unless the caller asks for the ASCII one."""
    assert format_money(1234.5, "USD") == "$1,234.50"
    assert format_money(2.675, "USD") == "$2.68"  # binary rounding would give 2.67
    assert format_money(-493.66, "USD") == MINUS + "$493.66"
    assert format_money(-493.66, "USD", minus="-") == "-$493.66" == present.format_money_ascii(-493.66, "USD")
    assert format_money(-0.004, "USD") == "$0.00"  # no sign on an amount that rounds to zero
    assert (
        format_money(1500.4, "JPY") == "¥1,500" and format_money(1500.4, "JPY", 2) == "¥1,500"
    )  # yen has no minor unit
    assert format_money(10, "CHF") == "10.00 CHF" and format_money(1234.5, "EUR", 0) == "€1,235"
    assert format_money(None, "USD") == "n/a"


def test_money_per_currency_never_adds_currencies():
    """Per-currency amounts give one string per currency, in code order, and totals add each currency to itself."""
    assert money_per_currency({"USD": 1200, "EUR": 80.5}) == ["€80.50", "$1,200.00"]
    assert money_per_currency({"USD": 10, "GBP": None}) == ["$10.00"]
    assert money_per_currency({}) == []
    totals = sum_per_currency([{"USD": 100.0, "EUR": 5.0}, {"USD": 20.5}, {"JPY": 300, "EUR": None}])
    assert totals == {"USD": 120.5, "EUR": 5.0, "JPY": 300.0}
    assert money_per_currency(totals, 0) == ["€5", "¥300", "$121"]


def test_local_times_across_a_dst_change():
    """One formatter writes instants in the seller's zone on both sides of a DST change, and a window that spans
    the change keeps its real length."""
    # New York springs forward at 02:00 local on 9 Mar 2025 (07:00 UTC): 06:30 UTC is EST, 07:30 UTC is EDT.
    assert local_time("2025-03-09T06:30:00Z", NY) == "Sun 09 Mar 2025 01:30"
    assert local_time("2025-03-09T07:30:00Z", NY) == "Sun 09 Mar 2025 03:30"
    assert local_time(datetime(2025, 3, 9, 7, 30), NY, zone=True) == "Sun 09 Mar 2025 03:30 America/New_York"
    plus_one = timezone(timedelta(hours=1))
    assert local_time(datetime(2025, 3, 9, 8, 30, tzinfo=plus_one), NY, "%H:%M") == "03:30"
    # Falling back on 2 Nov 2025: 05:00 to 07:00 UTC is 01:00 EDT to 02:00 EST, two real hours.
    assert local_window("2025-11-02T05:00Z", "2025-11-02T07:00Z", NY) == "Sun 02 Nov 2025 01:00 to 02:00"
    assert present.hours_between("2025-11-02T05:00Z", "2025-11-02T07:00Z") == 2.0
    assert local_window("2025-10-20T06:48Z", "2025-10-20T21:20Z", NY, zone=True) == (
        "Mon 20 Oct 2025 02:48 to 17:20 America/New_York"
    )
    assert local_window("2025-10-21T02:00Z", "2025-10-21T08:00Z", NY) == "Mon 20 Oct 2025 22:00 to Tue 21 Oct 04:00"
    assert to_local("2025-07-01T12:00:00Z", "Europe/Berlin") == datetime(2025, 7, 1, 14, 0)
    assert [d.day for d in local_days("2025-03-09T03:00Z", "2025-03-10T04:00Z", NY)] == [8, 9]
    assert local_time(None, NY) == "not known" and local_time("", NY, missing="") == ""


def test_an_unknown_zone_is_a_plain_error():
    """A misspelt zone is an InputError naming it."""
    with pytest.raises(InputError, match="Mars/Olympus"):
        local_time(datetime(2025, 1, 1, tzinfo=UTC), "Mars/Olympus")


def test_an_unmeasurable_figure_is_a_sentence_with_its_reason():
    """A figure that cannot be measured is written with why, and a range with a missing end is left out, so no
    'unknown' or 'unknown to unknown' reaches the seller."""
    text = unmeasurable("late shipments", "the exports carry no ship dates")
    assert text == "late shipments could not be measured: the exports carry no ship dates"
    assert sentence(text) == "Late shipments could not be measured: the exports carry no ship dates."
    assert value_range(None, None) == "" and value_range(3, None) == ""
    assert value_range(3, 12, confidence=0.9) == "90% range 3 to 12"
    assert value_range(-5, 8.5, lambda v: format_money(v, "EUR")) == f"{MINUS}€5.00 to €8.50"
    assert "unknown" not in text + number(None) + percent(None) + plural(None, "day")


def test_every_chart_takes_its_channel_colours_from_present():
    """Each channel has one colour (Amazon #ff9900) and both chart modules draw it with present's palette."""
    assert present.CHANNEL_COLORS["amazon"] == "#ff9900"
    channels = [c for c in present.CHANNEL_COLORS if c != "other"] + ["tiktok"]
    assert len({present.CHANNEL_COLORS[c] for c in channels[:-1]}) == len(channels) - 1  # no two channels alike
    rows = [{"day": "2025-10-20", "channel": c, "revenue": 10.0} for c in channels]
    daily = charts.daily_by_channel(rows)
    assert {t.name: t.marker.color for t in daily.data} == {channel_name(c): present.channel_color(c) for c in channels}
    assert daily.data[[t.name for t in daily.data].index("Tiktok")].marker.color == present.CHANNEL_COLORS["other"]
    shares = {c: 1 / len(channels) for c in channels}
    mix = {"shares": shares, "annual_expected_loss": 1.0, "annual_p95_loss": 2.0, "annual_net_benefit": 0.0}
    fig = scenario_charts.mix_comparison_figure({"current": mix, "scenarios": [], "currency": "USD"})
    drawn = {t.name: t.marker.color for t in fig.data if t.legendgroup == "channels"}
    assert drawn == {channel_name(c): present.channel_color(c) for c in channels}
    assert charts.COLORS is present.COLORS and scenario_charts.SERIES is present.SERIES


def test_base_layout_is_the_house_style():
    """The base layout sets the template, the font and a money axis as format_money() writes the currency."""
    fig = present.base_layout(go.Figure(), title="T", y_title="Y", money=present.money_axis("EUR"))
    assert fig.layout.template.layout.plot_bgcolor is not None and fig.layout.font.family == present.FONT
    assert fig.layout.title.text == "T" and fig.layout.yaxis.tickprefix == "€"
    assert present.money_axis("JPY")["hover"] == "¥%{y:,.0f}" and present.money_axis("CHF")["ticksuffix"] == " CHF"


def test_money_in_a_german_sellers_locale(monkeypatch):
    """IMPACT_LOCALE=de_DE writes money, numbers and dates as CLDR's German does, yen still without decimals."""
    monkeypatch.setenv("IMPACT_LOCALE", "de_DE")
    assert format_money(1234.56, "EUR") == "1.234,56\xa0€"
    assert format_money(-1234.56, "USD") == MINUS + "1.234,56\xa0$"
    assert format_money(1500.4, "JPY") == "1.500\xa0¥"
    assert format_money(10, "CHF") == "10,00 CHF"
    assert number(1234.5, 1) == "1.234,5" and percent(0.372, 1) == "37,2%"
    assert present.money_axis("EUR")["ticksuffix"] == "\xa0€"
    assert local_time("2025-10-20T07:48:00Z", "UTC") == "Mo. 20 Okt. 2025 07:48"
    assert local_window("2025-10-20T22:00:00Z", "2025-10-21T03:00:00Z", "UTC") == (
        "Mo. 20 Okt. 2025 22:00 to Di. 21 Okt. 03:00"
    )


def test_every_iso_currency_has_its_cldr_symbol_and_digits(monkeypatch):
    """In en_US each ISO code gets CLDR's symbol and minor unit: dinars three decimals, won none, pesos 'MX$'."""
    monkeypatch.delenv("IMPACT_LOCALE", raising=False)
    assert format_money(1234.5678, "KWD") == "1,234.568 KWD"
    assert format_money(1234.5, "KRW") == "₩1,235"
    assert format_money(1234.5, "MXN") == "MX$1,234.50"
    assert format_money(1234.5, "HUF") == "1,235 HUF"  # forints priced whole, though CLDR gives two decimals


def test_browser_locale_is_used_unless_the_seller_set_one(monkeypatch):
    """use_locale sets the session's locale; IMPACT_LOCALE wins over it; an unknown locale is one clear line."""
    monkeypatch.delenv("IMPACT_LOCALE", raising=False)
    try:
        present.use_locale("fr-FR")
        assert format_money(1234.5, "EUR") == "1\u202f234,50\xa0€"
        monkeypatch.setenv("IMPACT_LOCALE", "en_US")
        assert format_money(1234.5, "EUR") == "€1,234.50"
    finally:
        present.use_locale(None)
    with pytest.raises(InputError, match=r"^locale 'xx_QQ' is not one we know; write it like en_US or de_DE$"):
        present.use_locale("xx_QQ")


def test_a_document_in_english_is_written_the_english_way_in_a_german_browser(monkeypatch):
    """Under english_document (letters, the claim pack, the report) a de_DE browser gets English dates and money;
    the screen outside it keeps the browser's German dates and money; an English locale (en_GB) is kept."""
    monkeypatch.delenv("IMPACT_LOCALE", raising=False)

    @present.english_document
    def letter() -> str:
        return f"{local_window('2025-10-20T22:00:00Z', '2025-10-21T03:00:00Z', 'UTC')}, {format_money(1234.5, 'EUR')}"

    try:
        present.use_locale("de_DE")
        assert letter() == "Mon 20 Oct 2025 22:00 to Tue 21 Oct 03:00, €1,234.50"
        assert local_time("2025-10-20T07:48:00Z", "UTC", "%d %B %Y") == "20 Oktober 2025"
        assert format_money(1234.5, "EUR") == "1.234,50\xa0€"  # the screen keeps the browser's way
        monkeypatch.setenv("IMPACT_LOCALE", "fr_FR")  # the seller's own choice: still English inside a letter
        assert letter() == "Mon 20 Oct 2025 22:00 to Tue 21 Oct 03:00, €1,234.50"
        monkeypatch.setenv("IMPACT_LOCALE", "en_GB")
        assert letter().endswith(", €1,234.50")
    finally:
        present.use_locale(None)


def test_sku_name_says_no_sku_for_lines_without_one():
    """The results' key of lines without a SKU, and an empty SKU, read "(no SKU)"; a SKU reads as itself."""
    assert [present.sku_name(s) for s in ("(none)", "", None, " MUG-BLUE ")] == [
        "(no SKU)",
        "(no SKU)",
        "(no SKU)",
        "MUG-BLUE",
    ]

"""Tests for impact.costs.fees: the sourced default fee file, the --fees spec and the fee_rules table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from impact.costs.fees import (
    COLUMNS,
    FeeRule,
    default_rules,
    describe,
    fee_rules,
    fees_table,
    parse_fee_spec,
)
from impact.errors import InputError
from impact.store import CHANNELS


def test_defaults_load_with_a_source_for_every_row():
    """Every row of data/fees.csv loads, has a source and a date, and every channel has at least one rule."""
    rules = default_rules()
    assert rules and all(r.source and r.as_of and not r.overridden for r in rules)
    assert {r.channel for r in rules} == set(CHANNELS)
    assert all(Decimal(0) <= r.pct <= 1 for r in rules)


def test_default_rates_are_the_published_ones():
    """Amazon's default referral is 15% (8% for Consumer Electronics), Shopify 2.9% + 0.30 USD, Etsy three parts."""
    rules = default_rules()
    amazon = {r.applies_to: r for r in rules if r.channel == "amazon" and r.component == "referral"}
    assert amazon["all"].pct == Decimal("0.15")
    assert amazon["category:Consumer Electronics"].pct == Decimal("0.08")
    fba = next(r for r in rules if r.applies_to == "fba")
    assert fba.per_unit == 0 and "Fee Preview" in fba.note
    shopify = [r for r in rules if r.channel == "shopify"]
    assert [(r.pct, r.fixed_per_order, r.fixed_currency) for r in shopify] == [
        (Decimal("0.029"), Decimal("0.30"), "USD")
    ]
    etsy = {r.component: r for r in rules if r.channel == "etsy"}
    assert etsy["transaction"].pct == Decimal("0.065")
    assert (etsy["payment_processing"].pct, etsy["payment_processing"].fixed_per_order) == (
        Decimal("0.03"),
        Decimal("0.25"),
    )
    assert etsy["listing"].per_unit == Decimal("0.20")


def _fee_file(tmp_path, *rows: str):
    path = tmp_path / "fees.csv"
    path.write_text(",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("amazn,,,referral,15,,,,all,https://x,2025-01-01,", "'amazn' is not a channel"),
        ("amazon,,,referral,fifteen,,,,all,https://x,2025-01-01,", "is not a number"),
        ("amazon,,,referral,150,,,,all,https://x,2025-01-01,", "over 100"),
        ("shopify,,,payments,2.9,0.30,,,all,https://x,2025-01-01,", "needs its fixed_currency"),
        ("amazon,,,referral,15,,,,everything,https://x,2025-01-01,", "applies_to"),
        ("amazon,,,referral,15,,,,all,,2025-01-01,", "source is empty"),
        ("amazon,,,referral,15,,,,all,https://x,soon,", "not a date"),
        ("amazon,,,referral,15", "fields"),
    ],
)
def test_a_bad_fee_file_names_the_line(tmp_path, row, words):
    """A bad row in the fee file is an InputError naming the file, line 3, and what is wrong."""
    path = _fee_file(tmp_path, "other,,,none,0,,,,all,https://x,2025-01-01,", row)
    with pytest.raises(InputError, match="fees.csv line 3") as info:
        default_rules(path)
    assert words in str(info.value)


def test_a_wrong_header_is_refused(tmp_path):
    """A fee file whose header is not the documented one is refused at line 1."""
    path = tmp_path / "fees.csv"
    path.write_text("channel,pct\namazon,15\n")
    with pytest.raises(InputError, match="line 1"):
        default_rules(path)


@pytest.mark.parametrize(
    ("text", "pct", "fixed"),
    [
        ("amazon=15%", "0.15", "0"),
        ("shopify=2.9%+0.30", "0.029", "0.30"),
        ("ebay = 13.25% + 0.40", "0.1325", "0.40"),
        ("etsy=0", "0", "0"),
        ("woocommerce=0.30", "0", "0.30"),
        ("amazon=15%+0", "0.15", "0"),
        ("walmart=100%", "1", "0"),
    ],
)
def test_spec_values(text, pct, fixed):
    """Each documented spec form gives one overriding rule with that fraction and fixed amount per order."""
    spec = parse_fee_spec(text)
    (rules,) = spec.values()
    (rule,) = rules
    assert rule.pct == Decimal(pct) and rule.fixed_per_order == Decimal(fixed) and rule.per_unit == 0
    assert rule.overridden and rule.source == "--fees" and rule.applies_to == "all" and rule.fixed_currency is None


def test_spec_with_several_channels():
    """'amazon=15%,shopify=2.9%+0.30' names two channels, case and spaces ignored, empty parts skipped."""
    spec = parse_fee_spec(" Amazon=15% , shopify=2.9%+0.30 ,")
    assert list(spec) == ["amazon", "shopify"]
    assert parse_fee_spec("") == {} and parse_fee_spec(None) == {}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("amazn=15%", "--fees: 'amazn' is not a channel; use one of amazon"),
        ("amazon", "'amazon' is not CHANNEL=FEE"),
        ("amazon=15", None),
        ("amazon=fifteen", "'amazon=fifteen' is not a fee"),
        ("amazon=-1%", "'amazon=-1%' is not a fee"),
        ("amazon=101%", "over 100%"),
        ("amazon=15%+", "is not a fee"),
        ("amazon=15%,amazon=8%", "named twice"),
    ],
)
def test_bad_specs(text, words):
    """A malformed spec part is an InputError quoting it, with an example; 'amazon=15' is a fixed 15 per order."""
    if words is None:
        assert parse_fee_spec(text)["amazon"][0].fixed_per_order == 15
        return
    with pytest.raises(InputError) as info:
        parse_fee_spec(text)
    assert words in str(info.value)


def test_override_replaces_every_component_of_its_channel_only():
    """A channel named in the spec pays only its spec fee (FBA included); the other channels keep their defaults."""
    defaults = fee_rules(["amazon", "etsy", "shopify"])
    rules = fee_rules(["amazon", "etsy", "shopify"], "amazon=12%+0.10,etsy=0")
    amazon = [r for r in rules if r.channel == "amazon"]
    assert len(amazon) == 1 and amazon[0].pct == Decimal("0.12") and amazon[0].fixed_per_order == Decimal("0.10")
    assert not any(r.applies_to == "fba" for r in rules)
    etsy = [r for r in rules if r.channel == "etsy"]
    assert len(etsy) == 1 and etsy[0].pct == 0 and etsy[0].fixed_per_order == 0 and etsy[0].overridden
    assert [r for r in rules if r.channel == "shopify"] == [r for r in defaults if r.channel == "shopify"]


def test_fee_rules_keep_to_the_channels_asked():
    """Only the requested channels get rules (a missing channel gets none), and an unknown channel is an InputError."""
    rules = fee_rules(["ebay", None, ""], "amazon=10%")
    assert {r.channel for r in rules} == {"ebay"}
    with pytest.raises(InputError, match="'ebey' is not a channel"):
        fee_rules(["ebey"])


def test_fees_table_roundtrip(con):
    """fees_table writes one exact row per rule and replaces an earlier table."""
    fees_table(con, fee_rules(["amazon"]))
    rules = fee_rules(["shopify", "ebay"], "ebay=13.25%+0.40")
    fees_table(con, rules)
    rows = con.execute("SELECT * FROM fee_rules ORDER BY channel").fetchall()
    assert rows == [
        ("ebay", "override", Decimal("0.132500"), Decimal("0.4000"), Decimal("0"), None, "all", "--fees", True),
        (
            "shopify",
            "shopify_payments",
            Decimal("0.029000"),
            Decimal("0.3000"),
            Decimal("0"),
            "USD",
            "all",
            "https://www.shopify.com/pricing",
            False,
        ),
    ]
    fees_table(con, [])
    assert con.execute("SELECT count(*) FROM fee_rules").fetchone() == (0,)


def test_describe_states_each_fee_with_its_source():
    """describe() says each fee in words, in channel order, with the source and amounts as strings."""
    rows = describe(fee_rules(["shopify", "amazon"], "shopify=2.5%+0.25"))
    assert rows[0]["channel"] == "amazon" and rows[0]["fee"] == "15%"
    fba = next(r for r in rows if r["applies_to"] == "fba")
    assert fba["fee"] == "per SKU from the Fee Preview report"
    shopify = rows[-1]
    assert shopify["fee"] == "2.5% + 0.25 per order" and shopify["pct"] == "0.025" and shopify["overridden"]
    assert (
        describe([FeeRule("other", "none", Decimal(0), Decimal(0), Decimal(0), None, "all", "x", False)])[0]["fee"]
        == "no fee"
    )

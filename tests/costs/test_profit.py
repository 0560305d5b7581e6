"""Profit of an outage window: the profit layer on generated sellers with known costs, through the real cost files."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testdata import ROOT

from bench.synth import Outage, make_seller, simulate
from impact.__main__ import build_parser
from impact.commands import options
from impact.costs.profit import ProfitChannel, ProfitSku
from impact.errors import MixedCurrencyError
from impact.service import load_costs, resolve_options, run_analysis
from impact.store import session_db
from impact.windows import Window


def _seller(seed: int, *, fraction: float = 1.0, opd: float = 400.0, channels: int = 1):
    rng = np.random.default_rng(seed)
    seller = make_seller(rng, opd, n_days=70, n_channels=channels)
    start = seller.start + timedelta(days=60, hours=int(rng.integers(8, 14)))
    outage = Outage(start, start + timedelta(hours=5), seller.channels[0], fraction)
    sim = simulate(rng, seller, [outage])
    con = session_db()
    con.register("synthetic_lines", sim.lines())
    con.execute("INSERT INTO lines SELECT * FROM synthetic_lines")
    con.unregister("synthetic_lines")
    return con, seller, outage, sim


def _costs_csv(path, unit_costs, currency: str | None = None):
    head = "sku,unit_cost" + (",currency" if currency else "")
    rows = [f"SKU-{k},{c:.4f}" + (f",{currency}" if currency else "") for k, c in enumerate(unit_costs)]
    path.write_text("\n".join([head, *rows]) + "\n")
    return str(path)


def _analyse(con, outage, opts):
    window = Window(outage.start, outage.end, (outage.channel,))
    return run_analysis(con, [window], opts, shipments=False).windows[0]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), cost_share=st.floats(0.1, 0.7), fee_pct=st.floats(0, 20))
def test_profit_is_revenue_less_the_costs_and_fees_of_the_orders_expected_and_not_received(
    tmp_path, seed, cost_share, fee_pct
):
    """With one margin for every product, profit lost is revenue lost at that margin, and so is the truth."""
    con, seller, outage, sim = _seller(seed)
    costs = _costs_csv(tmp_path / "costs.csv", seller.prices * cost_share)
    opts = resolve_options(tz="UTC", fees=f"{outage.channel}={fee_pct:.4f}%")
    load_costs(con, opts, costs=[costs])
    w = _analyse(con, outage, opts)
    margin = 1 - cost_share - round(fee_pct, 4) / 100
    p, r = w.profit, w.revenue.to_json()
    assert p.lost == pytest.approx(r["lost"] - p.costs_saved - p.fees_saved, abs=0.02)
    assert p.lost == pytest.approx(r["lost"] * margin, abs=0.05 + 1e-6 * abs(r["lost"]))
    truth = sim.truth[0]
    true_profit = (
        truth.lost * (1 - round(fee_pct, 4) / 100) - float((truth.lost_sku_units * seller.prices).sum()) * cost_share
    )
    assert true_profit == pytest.approx(truth.lost * margin, rel=1e-9)
    # The profit error is the revenue error at the margin: profit is no worse an estimate than revenue.
    assert abs(p.lost - true_profit) == pytest.approx(abs(r["lost"] - truth.lost) * margin, abs=0.1)
    assert p.costed_share == 1.0 and p.uncosted_skus == []
    assert p.lost_low <= p.lost <= p.lost_high


def test_costs_in_force_on_the_window_day_price_the_lost_orders(tmp_path):
    """A cost that changed before the outage prices the lost orders at the new cost, not the old one."""
    con, seller, outage, _ = _seller(3)
    change = (outage.start - timedelta(days=10)).date()
    rows = ["sku,unit_cost,valid_from,valid_to"]
    for k, price in enumerate(seller.prices):
        rows.append(f"SKU-{k},{price * 0.9:.4f},,{change - timedelta(days=1)}")
        rows.append(f"SKU-{k},{price * 0.3:.4f},{change},")
    (tmp_path / "c.csv").write_text("\n".join(rows) + "\n")
    opts = resolve_options(tz="UTC", fees=f"{outage.channel}=0%")
    load_costs(con, opts, costs=[str(tmp_path / "c.csv")])
    w = _analyse(con, outage, opts)
    assert w.profit.margin_pct == pytest.approx(70.0, abs=0.1)
    assert w.profit.lost == pytest.approx(0.7 * w.revenue.lost, abs=0.05)


def test_uncosted_skus_take_the_channel_median_margin_and_are_listed(tmp_path):
    """SKUs without a cost are counted at the median cost rate of the costed ones and named."""
    con, seller, outage, _ = _seller(5, opd=800)
    costs = seller.prices * 0.5
    costs[:3] = np.nan
    rows = ["sku,unit_cost"] + [f"SKU-{k},{c:.4f}" for k, c in enumerate(costs) if np.isfinite(c)]
    (tmp_path / "c.csv").write_text("\n".join(rows) + "\n")
    opts = resolve_options(tz="UTC", fees=f"{outage.channel}=0%")
    load_costs(con, opts, costs=[str(tmp_path / "c.csv")])
    p = _analyse(con, outage, opts).profit
    assert set(p.uncosted_skus) <= {"SKU-0", "SKU-1", "SKU-2"} and p.uncosted_skus
    assert 0 < p.costed_share < 1
    assert p.margin_pct == pytest.approx(50.0, abs=0.1)


def test_a_cost_file_in_another_currency_needs_a_home_currency(tmp_path):
    """Costs in EUR against orders in USD are refused without --home-currency and converted with it."""
    con, seller, outage, _ = _seller(7)
    costs = _costs_csv(tmp_path / "eur.csv", seller.prices * 0.4, currency="EUR")
    with pytest.raises(MixedCurrencyError, match="--home-currency"):
        load_costs(con, resolve_options(tz="UTC"), costs=[costs])
    opts = resolve_options(tz="UTC", home_currency="USD", fees=f"{outage.channel}=0%")
    load_costs(con, opts, costs=[costs])
    w = _analyse(con, outage, opts)
    # A EUR cost is worth more than the same number of USD (the euro traded above the dollar in 2025).
    assert w.profit.margin_pct < 60.0
    assert {r[0] for r in con.execute("SELECT DISTINCT currency FROM lines").fetchall()} == {"USD"}


def test_without_cost_inputs_there_is_no_profit_block():
    """An analysis of a session without cost inputs has no profit key in its JSON."""
    con, _, outage, _ = _seller(11)
    opts = resolve_options(tz="UTC")
    result = run_analysis(con, [Window(outage.start, outage.end, (outage.channel,))], opts, shipments=False)
    assert "profit" not in result.to_json()["windows"][0]
    assert "profit" not in result.to_json()["total"]


def test_ad_spend_during_the_window_is_wasted_at_the_lost_share(tmp_path):
    """Daily ad spend is spread over the seller's hours; a full outage wastes all of the window's share of it."""
    con, seller, outage, _ = _seller(13, fraction=1.0)
    day = outage.start.date()
    (tmp_path / "ads.csv").write_text(f"date,channel,spend\n{day},{outage.channel},240\n")
    (tmp_path / "c.csv").write_text("sku,unit_cost\n" + "\n".join(f"SKU-{k},1" for k in range(len(seller.prices))))
    opts = resolve_options(tz="UTC", fees=f"{outage.channel}=0%")
    load_costs(con, opts, costs=[str(tmp_path / "c.csv")], ads=[str(tmp_path / "ads.csv")])
    p = _analyse(con, outage, opts).profit
    assert 0 < p.ad_spend_window < 240
    assert p.ad_spend_wasted == pytest.approx(p.ad_spend_window, rel=0.02)


def test_demo_profit_rows_are_typed_and_serialise_in_the_json_key_order():
    """The demo's profit rows (the CLI's options, in the tests' UTC) are ProfitChannel and ProfitSku records whose
    to_json gives the golden analysis JSON's rows key for key."""
    demo = ROOT / "data" / "demo"
    args = build_parser("analyze").parse_args(
        ["analyze", str(demo / "amazon_all_orders.txt"), str(demo / "shopify_orders_export.csv")]
        + ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--channels", "amazon"]
        + ["--costs", str(demo / "product_costs.csv"), "--ads", str(demo / "amazon_ads.csv")]
        + ["--ads", str(demo / "google_ads.csv")]
    )
    con, _, opts = options.load_from_args(args, options.options(args))
    windows = options.resolve_channels(con, options.windows(args), opts)
    p = run_analysis(con, windows, opts).windows[0].profit
    assert p.by_channel == [
        ProfitChannel(
            channel="amazon",
            lost=717.31,
            profit_lost=267.46,
            costs_saved=342.25,
            fees_saved=107.6,
            margin_pct=37.3,
            ad_spend_wasted=21.82,
            costed_share=1.0,
        )
    ]
    assert len(p.by_sku) == 20 and all(isinstance(r, ProfitSku) for r in p.by_sku)
    assert p.by_sku[:2] == [
        ProfitSku(sku="KN-SET-5", channel="amazon", lost=140.05, profit_lost=47.69, margin_pct=34.1, costed=True),
        ProfitSku(sku="KB-BAM-L", channel="amazon", lost=97.48, profit_lost=40.22, margin_pct=41.3, costed=True),
    ]
    out = p.to_json()
    assert list(out["by_sku"][0]) == [f.name for f in fields(ProfitSku)]
    assert list(out["by_channel"][0]) == [f.name for f in fields(ProfitChannel)]
    golden = json.loads((ROOT / "tests" / "data" / "golden" / "analyze_demo.json").read_text())
    assert out["by_sku"] == golden["windows"][0]["profit"]["by_sku"]
    assert out["by_channel"] == golden["windows"][0]["profit"]["by_channel"]

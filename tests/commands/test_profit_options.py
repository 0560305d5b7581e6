"""The profit options (--costs, --ads, --fees, --home-currency) on the commands that analyse, with the demo seller."""

import json
import subprocess
import sys

import pytest
from testdata import ROOT

from impact.__main__ import main
from impact.share import open_share

DEMO = ROOT / "data" / "demo"
FILES = [str(DEMO / "amazon_all_orders.txt"), str(DEMO / "shopify_orders_export.csv")]
WINDOW = ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--channels", "amazon", "--tz", "America/New_York"]
COSTS = ["--costs", str(DEMO / "product_costs.csv"), "--ads", str(DEMO / "amazon_ads.csv")]


def _json(capsys, argv) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_analyze_json_has_the_profit_block_and_the_cost_import_report(capsys):
    """With costs every window and the total carry profit; the cost files are accounted for like the orders."""
    out = _json(capsys, ["analyze", *FILES, *WINDOW, *COSTS, "--json"])
    p = out["windows"][0]["profit"]
    keys = {
        "lost",
        "lost_low",
        "lost_high",
        "net_lost",
        "net_lost_low",
        "net_lost_high",
        "costs_saved",
        "fees_saved",
        "ad_spend_wasted",
        "margin_pct",
        "costed_share",
        "by_channel",
        "by_sku",
    }
    assert keys <= set(p)
    r = out["windows"][0]["revenue"]
    assert p["lost"] == pytest.approx(r["lost"] - p["costs_saved"] - p["fees_saved"], abs=0.02)
    assert p["lost_low"] <= p["lost"] <= p["lost_high"]
    assert 0 < p["margin_pct"] < 100 and p["costed_share"] == 1.0 and p["ad_spend_wasted"] > 0
    assert set(out["total"]["profit"]) >= {"lost", "lost_low", "lost_high", "net_lost"}
    files = out["ingest"]["costs"]["files"]
    assert [f["kind"] for f in files] == ["product_costs", "ad_spend"]
    assert all(f["lines"] == f["loaded"] + f["skipped"] + f["rejected"] for f in files)


def test_fees_override_replaces_the_channel_default(capsys):
    """--fees amazon=0% leaves only the goods' cost between revenue and profit on Amazon."""
    base = _json(capsys, ["analyze", *FILES, *WINDOW, *COSTS, "--json"])["windows"][0]["profit"]
    free = _json(capsys, ["analyze", *FILES, *WINDOW, *COSTS, "--fees", "amazon=0%", "--json"])["windows"][0]
    assert free["profit"]["fees_saved"] == 0 and base["fees_saved"] > 0
    assert free["profit"]["lost"] == pytest.approx(free["revenue"]["lost"] - free["profit"]["costs_saved"], abs=0.02)


def test_home_currency_converts_and_states_the_rates(capsys):
    """--home-currency EUR turns every amount into euros at the ECB rate of its day and lists the rates used."""
    usd = _json(capsys, ["analyze", *FILES, *WINDOW, *COSTS, "--json"])
    eur = _json(capsys, ["analyze", *FILES, *WINDOW, *COSTS, "--home-currency", "eur", "--json"])
    assert eur["currency"] == "EUR" and usd["currency"] == "USD"
    (rate,) = eur["fx"]
    assert rate["currency"] == "USD" and rate["home"] == "EUR" and 0.8 < rate["min_rate"] <= rate["max_rate"] < 1
    ratio = eur["windows"][0]["revenue"]["actual"] / usd["windows"][0]["revenue"]["actual"]
    assert rate["min_rate"] - 0.001 <= ratio <= rate["max_rate"] + 0.001
    assert eur["windows"][0]["profit"]["margin_pct"] == pytest.approx(usd["windows"][0]["profit"]["margin_pct"], abs=2)


def test_without_costs_no_profit_block(capsys):
    """Without any cost input the JSON has no profit key anywhere."""
    out = _json(capsys, ["analyze", *FILES, *WINDOW, "--json"])
    assert "profit" not in out["windows"][0] and "profit" not in out["total"] and "costs" not in out["ingest"]


def test_report_and_share_carry_profit(tmp_path, capsys):
    """The HTML report has a Profit lost section; a share link's snapshot keeps the profit figures."""
    html = tmp_path / "r.html"
    assert main(["report", *FILES, *WINDOW, *COSTS, "--out", str(html)]) == 0
    text = html.read_text()
    assert 'id="profit"' in text and "Profit lost" in text
    capsys.readouterr()
    out = _json(capsys, ["share", *FILES, *WINDOW, *COSTS, "--json"])
    snapshot = open_share(out["token"])
    profit = snapshot["analysis"]["windows"][0]["profit"]
    assert profit["lost"] > 0 and profit["by_sku"]


def test_scenarios_use_the_measured_margins(capsys):
    """Scenarios with costs weigh channels by the margin and fee rate measured from the seller's costs."""
    out = _json(capsys, ["scenarios", *FILES, *WINDOW, *COSTS, "--json"])
    text = json.dumps(out)
    assert "measured from your product costs" in text


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--fees", "amazon=lots"], "--fees"),
        (["--fees", "mars=1%"], "not a channel"),
        (["--home-currency", "EURO"], "three-letter"),
        (["--costs", str(ROOT / "README.md")], "README.md"),
    ],
)
def test_bad_cost_inputs_exit_2_with_one_line(extra, message):
    """A bad fee spec, currency or cost file is one line on stderr and exit code 2."""
    proc = subprocess.run(
        [sys.executable, "-m", "impact", "analyze", *FILES, *WINDOW, *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr


def test_report_states_the_exchange_rates_used(tmp_path):
    """A report of converted amounts says at which ECB rates, over which days, they were converted."""
    html = tmp_path / "r.html"
    assert main(["report", *FILES, *WINDOW, *COSTS, "--home-currency", "EUR", "--out", str(html)]) == 0
    text = html.read_text()
    assert "converted to EUR at the ECB euro reference rate" in text and "USD at 0.8" in text

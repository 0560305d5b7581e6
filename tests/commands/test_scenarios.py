"""python -m impact scenarios: end to end from order exports to the JSON the issue asks for."""

import json
import types
from datetime import datetime, timedelta

import pytest

from impact import analysis
from impact.__main__ import main
from impact.service import measured_from_analysis

START = datetime(2025, 10, 6)  # Monday
WEEKS = 3


@pytest.fixture
def exports(tmp_path):
    """Three weeks of orders: Amazon 30 an hour, Shopify 10 an hour, every hour (75% / 25%)."""
    amazon = tmp_path / "amazon_orders.txt"
    shopify = tmp_path / "orders_export.csv"
    a_rows = [
        "amazon-order-id\tpurchase-date\torder-status\tsales-channel\tsku\tquantity\tcurrency\titem-price\titem-status"
    ]
    s_rows = ["Name,Created at,Financial Status,Currency,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku"]
    for h in range(WEEKS * 168):
        t = START + timedelta(hours=h, minutes=20)
        a_rows.append(
            f"111-{h:07d}-0000001\t{t:%Y-%m-%dT%H:%M:%S}+00:00\tShipped\tAmazon.com\tMUG\t1\tUSD\t30.00\tShipped"
        )
        s_rows.append(f"#{1000 + h},{t:%Y-%m-%d %H:%M:%S} +0000,paid,USD,1,Mug,10.00,MUG")
    amazon.write_text("\n".join(a_rows) + "\n")
    shopify.write_text("\n".join(s_rows) + "\n")
    return [str(amazon), str(shopify)]


def run_json(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_json_has_current_mix_and_scenarios(exports, capsys):
    """Current shares and HHI come from the orders; each --mix gets its HHI, annual risk and net benefit."""
    out = run_json(
        capsys,
        [
            "scenarios",
            *exports,
            "--mix",
            "amazon=0.5,shopify=0.3,ebay=0.2",
            "--new-channel",
            "ebay=0.1325:0.3",
            "--move",
            "amazon:1:shopify",
            "--years",
            "2000",
            "--seed",
            "4",
            "--json",
        ],
    )
    assert out["current"]["shares"] == pytest.approx({"amazon": 0.75, "shopify": 0.25})
    assert out["current"]["hhi"] == pytest.approx(6250)
    assert [m["period"] for m in out["current"]["by_period"]["channel"]] == ["2025-10"]
    first, moved = out["scenarios"]
    assert first["mix"] == pytest.approx({"amazon": 0.5, "shopify": 0.3, "ebay": 0.2})
    assert first["hhi"] == pytest.approx(3800)
    assert first["window_lost"] is None  # no window was analysed
    for key in ("annual_expected_loss", "annual_p95_loss", "annual_worst_loss", "annual_net_benefit"):
        assert isinstance(first[key], float)
    assert first["annual_p95_loss"] >= first["annual_expected_loss"] > 0
    assert moved["mix"] == {"shopify": 1.0} and moved["hhi"] == pytest.approx(10_000)
    # Without a measured window every channel is assumed to lose all demand while one of its providers is down.
    assert out["assumptions"]["impacts"]["amazon"]["lost_frac"] == 1.0


def test_same_seed_same_output(exports, capsys):
    """The command is deterministic for a given seed."""
    argv = ["scenarios", *exports, "--mix", "amazon=0.6,ebay=0.4", "--years", "1000", "--seed", "3", "--json"]
    argv += ["--new-channel", "ebay=0.1325:0.3"]
    assert run_json(capsys, argv) == run_json(capsys, argv)


def test_a_channel_the_seller_lacks_needs_its_assumptions(exports, capsys):
    """Demand moved to eBay, where this seller does not sell, is refused in one line naming what to add."""
    assert main(["scenarios", *exports, "--move", "amazon:0.5:ebay", "--years", "100"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: You do not sell on eBay yet: add it as a new channel with its assumed fee, margin and cost of "
        "moving demand, or move demand between the channels you have.\n"
    )


def test_editable_assumptions_change_the_numbers(exports, capsys):
    """Turning off every provider but AWS and giving Amazon no fees moves the results as hand-computed."""
    zero = [
        f"--rate={p}=0"
        for p in ("amazon", "fastly", "cloudflare", "gcp", "shopify", "ebay", "etsy", "walmart", "web_host")
    ]
    out = run_json(
        capsys,
        [
            "scenarios",
            *exports,
            *zero,
            "--mix",
            "shopify=1",
            "--fee",
            "amazon=0,shopify=0",
            "--monthly-fee",
            "amazon=0,shopify=0",
            "--margin",
            "0.4",
            "--moving-cost",
            "5%",
            "--years",
            "500",
            "--json",
        ],
    )
    s = out["scenarios"][0]
    assert s["annual_expected_loss"] == 0.0  # Shopify does not depend on AWS
    assert s["annual_fee_change"] == pytest.approx(0.0)
    # All of Amazon's revenue (three quarters of the total) moves, at 5% of it a year.
    assert s["annual_moving_cost"] == pytest.approx(0.05 * 0.75 * out["current"]["annual_revenue"])
    assert s["annual_net_benefit"] == pytest.approx(
        0.4 * out["current"]["annual_expected_loss"] - s["annual_moving_cost"]
    )


def test_human_output_and_plain_errors(exports, capsys):
    """The default output is a readable table; bad input is one line on stderr and exit code 2."""
    assert main(["scenarios", *exports, "--mix", "amazon=0.5,shopify=0.5", "--years", "200"]) == 0
    out, _ = capsys.readouterr()
    assert "HHI 6,250" in out and "Amazon 50% and Shopify 50%" in out
    for bad in (
        ["--mix", "amazon=0.5"],
        ["--mix", "amazon=0.5,mystore=0.5"],
        ["--rate", "aws=lots"],
        ["--depends", "woocommerce=azure"],
        ["--years", "0"],
        ["--transfer", "2", "--mix", "ebay=1"],
        ["--provider", "aws"],
        ["--rate", "azure=1"],
    ):
        assert main(["scenarios", *exports, *bad]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_measured_from_analysis_sums_windows_and_shares_recapture():
    """Channel impact sums over windows; a window's recaptured revenue is shared in proportion to channel losses."""
    result = {
        "windows": [
            {
                "by_channel": [
                    {"channel": "amazon", "expected": 100.0, "actual": 40.0, "lost": 60.0, "lost_pct": 60.0},
                    {"channel": "shopify", "expected": 50.0, "actual": 50.0, "lost": 0.0, "lost_pct": 0.0},
                ],
                "revenue": {"recaptured": 15.0},
            },
            {
                "by_channel": [
                    {"channel": "amazon", "expected": 100.0, "actual": 80.0, "lost": 20.0, "lost_pct": 20.0}
                ],
                "revenue": {"recaptured": 0.0},
            },
        ]
    }
    measured, expected = measured_from_analysis(result)
    assert measured["amazon"]["lost_frac"] == pytest.approx(80 / 200)
    assert measured["amazon"]["recapture_frac"] == pytest.approx(15 / 80)
    assert expected == {"amazon": 200.0, "shopify": 50.0}


def test_window_path_against_the_analysis_contract(exports, capsys, monkeypatch):
    """With --window the command feeds the analysis' per-channel loss into the what-if (analysis stubbed to its
    documented contract: analyze(con, windows, options, ...).to_json())."""
    calls = {}

    def analyze(con, windows, options, **_keywords):
        calls["windows"] = windows
        rows = [{"channel": "amazon", "expected": 300.0, "actual": 60.0, "lost": 240.0, "lost_pct": 80.0}]
        return types.SimpleNamespace(
            to_json=lambda: {"windows": [{"by_channel": rows, "revenue": {"recaptured": 60.0}}]}
        )

    monkeypatch.setattr(analysis, "analyze", analyze)  # the service imports it where it runs it
    out = run_json(
        capsys,
        [
            "scenarios",
            *exports,
            "--window",
            "2025-10-14T10:00Z",
            "2025-10-14T20:00Z",
            "--channels",
            "amazon",
            "--provider",
            "aws",
            "--mix",
            "shopify=0.5,woocommerce=0.5",
            "--new-channel",
            "woocommerce=0.029:0.3",
            "--depends",
            "woocommerce=aws",
            "--years",
            "300",
            "--json",
        ],
    )
    assert calls["windows"][0].channels == ("amazon",)
    assert out["current"]["window_lost"] == pytest.approx(240.0)
    assert out["current"]["window_net_lost"] == pytest.approx(180.0)
    s = out["scenarios"][0]
    # Shopify (not hit) loses nothing; WooCommerce on AWS takes half of the window's 400 demand at Amazon's 80%.
    assert s["window_by_channel"]["shopify"]["lost"] == 0.0
    assert s["window_lost"] == pytest.approx(0.5 * 400.0 * 0.8)
    assert out["assumptions"]["impacts"]["amazon"] == {"lost_frac": 0.8, "recapture_frac": 0.25, "source": "measured"}


def test_policy_adds_the_cover_block(exports, capsys):
    """scenarios --policy adds what the cover would have paid over the simulated years; the same seed, the same
    figures; a policy term without --policy is refused."""
    argv = [
        "scenarios",
        *exports,
        "--years",
        "500",
        "--seed",
        "3",
        "--json",
        "--policy",
        "parametric",
        "--hourly-sum",
        "100",
        "--waiting-hours",
        "2",
    ]
    first = run_json(capsys, argv)["cover"]
    assert first == run_json(capsys, argv)["cover"]
    assert first["policy"]["kind"] == "parametric" and first["years"] == 500
    assert main(["scenarios", *exports, "--deductible", "5"]) == 2
    assert "is a policy term" in capsys.readouterr().err

"""Tests for `python -m impact analyze`: JSON shape, human summary, exit codes and messages."""

import json
import subprocess
import sys
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from testdata import DATA, ROOT

from bench.shipments_synth import Scenario, generate, outage_end
from bench.synth import Outage, make_seller, simulate
from impact.__main__ import main

MAP = (
    "order_id=Order,purchased_at=Date,revenue=Amount,quantity=Qty,channel=Channel,sku=SKU,currency=Currency,"
    "status=Status"
)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """A generic CSV export of 60 days of a two-channel seller with a full Amazon outage on day 50."""
    rng = np.random.default_rng(31)
    seller = make_seller(rng, 200, n_channels=2, n_days=60, hidden_outages=0)
    start = seller.start + timedelta(days=50, hours=10)
    out = Outage(start, start + timedelta(hours=5), "amazon", fraction=1.0, recapture=0.2, spill=0.1)
    df = simulate(rng, seller, [out]).lines()
    csv = pd.DataFrame(
        {
            "Order": df.order_id,
            "Date": df.purchased_at.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "Amount": df.revenue.round(2),
            "Qty": df.quantity.astype(int),
            "Channel": df.channel,
            "SKU": df.sku,
            "Currency": df.currency,
            "Status": "Completed",
        }
    )
    path = tmp_path_factory.mktemp("export") / "orders.csv"
    csv.to_csv(path, index=False)
    return path, out


@pytest.fixture(autouse=True)
def _mappings(tmp_path, monkeypatch):
    monkeypatch.setenv("IMPACT_MAPPINGS_PATH", str(tmp_path / "mappings.json"))


MON_13H = datetime(2025, 10, 20, 13)  # a Monday working hour at a UTC-5 warehouse


def _iso(t):
    return t.strftime("%Y-%m-%dT%H:%MZ")


def test_json_output_has_the_documented_shape(export, capsys):
    """--json prints ingest, windows and total with the keys the issue lists."""
    path, out = export
    code = main(
        [
            "analyze",
            str(path),
            "--map",
            MAP,
            "--window",
            _iso(out.start),
            _iso(out.end),
            "--channels",
            "amazon",
            "--json",
        ]
    )
    assert code == 0
    res = json.loads(capsys.readouterr().out)
    assert set(res) >= {"ingest", "windows", "total"}
    assert res["ingest"]["files"][0]["name"] == "orders.csv"
    w = res["windows"][0]
    assert w["start"] == out.start.strftime("%Y-%m-%dT%H:%M:%SZ") and w["channels"] == ["amazon"]
    assert set(w["revenue"]) >= {
        "actual",
        "expected",
        "lost",
        "lost_low",
        "lost_high",
        "recaptured",
        "net_lost",
        "p_effect",
    }
    assert set(w["orders"]) >= {"actual", "expected", "lost"} and isinstance(w["orders"]["actual"], int)
    assert set(w["units"]) >= {"actual", "expected", "lost"}
    assert list(w["spillover"]) == ["shopify"]
    assert {"hour", "channel", "actual", "expected", "low", "high"} <= set(w["hourly"][0])
    assert all(set(s) == {"sku", "lost"} for s in w["top_skus"])
    assert set(res["total"]) >= {"lost", "lost_low", "lost_high", "net_lost"}
    assert w["revenue"]["lost_low"] > 0


def test_human_summary_and_options(export, capsys):
    """Without --json a short summary names the loss, its interval, recapture and spill-over."""
    path, out = export
    code = main(
        [
            "analyze",
            str(path),
            "--map",
            MAP,
            "--window",
            _iso(out.start),
            _iso(out.end),
            "--channels",
            "amazon",
            "--recovery-hours",
            "12",
            "--confidence",
            "0.8",
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "on amazon:" in text and "80% interval" in text and "in the next 12 h" in text
    assert "spill-over: shopify" in text


def test_two_windows_print_a_total(export, capsys):
    """Repeating --window analyses each and adds a total line."""
    path, out = export
    earlier = out.start - timedelta(days=7)
    code = main(
        [
            "analyze",
            str(path),
            "--map",
            MAP,
            "--window",
            _iso(out.start),
            _iso(out.end),
            "--window",
            _iso(earlier),
            _iso(earlier + timedelta(hours=3)),
        ]
    )
    assert code == 0
    assert "total: lost" in capsys.readouterr().out


def test_window_outside_the_data_exits_2(export, capsys):
    """A window after the export ends is one clear line on stderr and exit code 2."""
    path, _ = export
    code = main(["analyze", str(path), "--map", MAP, "--window", "2030-01-01T00:00Z", "2030-01-01T05:00Z"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "outside the order history" in err and err.count("\n") == 1


def test_bad_window_and_confidence_exit_2(export, capsys):
    """A time without zone, an end before the start and a bad confidence are refused before any work."""
    path, _ = export
    assert main(["analyze", str(path), "--window", "2025-02-20T10:00", "2025-02-20T12:00Z"]) == 2
    assert "no time zone" in capsys.readouterr().err
    assert main(["analyze", str(path), "--window", "2025-02-20T12:00Z", "2025-02-20T10:00Z"]) == 2
    assert "before it starts" in capsys.readouterr().err
    assert main(["analyze", str(path), "--window", "2025-02-20T10:00Z", "2025-02-20T12:00Z", "--confidence", "2"]) == 2
    assert "--confidence" in capsys.readouterr().err


def test_sample_exports_with_two_currencies_need_a_choice(capsys):
    """The Amazon samples mix USD and EUR: the message names both and the --currency option."""
    files = [str(DATA / "amazon_all_orders_32.txt"), str(DATA / "amazon_all_orders_de_cp1252.txt")]
    assert main(["analyze", *files, "--window", "2025-10-20T06:00Z", "2025-10-20T12:00Z"]) == 2
    err = capsys.readouterr().err
    assert "several currencies" in err and "--currency" in err


def test_sample_exports_have_too_little_history(capsys):
    """The small sample exports hold a day or two of orders: the message says how much history is needed."""
    files = [str(DATA / "shopify_orders_export.csv"), str(DATA / "ebay_orders.csv"), str(DATA / "etsy_sold_orders.csv")]
    assert main(["analyze", *files, "--window", "2025-10-20T06:00Z", "2025-10-20T12:00Z"]) == 2
    assert "at least 7 are needed" in capsys.readouterr().err


def test_subprocess_exit_code_and_no_traceback(export):
    """Run as a module, an error is one line on stderr without a traceback."""
    path, _ = export
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "impact",
            "analyze",
            str(path),
            "--map",
            MAP,
            "--channels",
            "walmart",
            "--window",
            "2025-02-20T10:00Z",
            "2025-02-20T12:00Z",
        ],
        capture_output=True,
        text=True,
        env={"IMPACT_MAPPINGS_PATH": str(path.parent / "m.json"), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "no orders on walmart" in proc.stderr


SHIP_MAP = MAP + ",shipped_at=Shipped,promised_at=ShipBy"
# The analyze command run in a fresh interpreter; the flag on stderr says whether anything imported pandas.
_NO_PANDAS_PROBE = (
    "import sys\nfrom impact.__main__ import main\nrc = main(sys.argv[1:])\n"
    "print('PANDAS_LOADED', 'pandas' in sys.modules, file=sys.stderr)\nsys.exit(rc)\n"
)


def test_analyze_with_ship_times_never_imports_pandas(tmp_path):
    """A full analyze run, late shipments and backlog included, leaves pandas unimported (it costs ~0.35 s a run)."""
    sc = Scenario("probe", MON_13H, 10, orders_per_day=60, history_days=42, after_days=10, seed=5)
    ln = generate(sc).lines
    fmt = "%Y-%m-%d %H:%M:%S"
    csv = pd.DataFrame(
        {
            "Order": ln.order_id,
            "Date": ln.purchased_at.dt.strftime(fmt),
            "Amount": ln.revenue.round(2),
            "Qty": ln.quantity.astype(int),
            "Channel": ln.channel,
            "SKU": ln.sku,
            "Currency": ln.currency,
            "Status": ln.status,
            "Shipped": ln.shipped_at.dt.strftime(fmt).fillna(""),
            "ShipBy": ln.promised_at.dt.strftime(fmt).fillna(""),
        }
    )
    path = tmp_path / "orders.csv"
    csv.to_csv(path, index=False)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _NO_PANDAS_PROBE,
            "analyze",
            str(path),
            "--map",
            SHIP_MAP,
            "--window",
            _iso(sc.outage_start),
            _iso(outage_end(sc)),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"IMPACT_MAPPINGS_PATH": str(tmp_path / "m.json"), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    ship = json.loads(proc.stdout)["windows"][0]["shipments"]
    # The run went through the whole shipment path: ship times were read and the backlog was measured.
    assert ship["available"] and ship["due"] > 0 and ship["extra_handling_hours"] is not None
    assert "PANDAS_LOADED False" in proc.stderr


def test_recovery_until_normal_option(export, capsys):
    """--recovery-until-normal ends the recovery period when sales are back to normal: recovery_end within the
    cap, the mode in the JSON, and the summary says how long it ran."""
    path, out = export
    args = ["analyze", str(path), "--map", MAP, "--window", _iso(out.start), _iso(out.end), "--channels", "amazon"]
    assert main([*args, "--recovery-until-normal", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    end = datetime.fromisoformat(res["windows"][0]["recovery_end"].replace("Z", ""))
    assert out.end <= end <= out.end + timedelta(hours=24)
    assert res["recovery_mode"] == "until-normal"
    assert main([*args, "--recovery-until-normal"]) == 0
    assert "until sales were back to normal (at most 24)" in capsys.readouterr().out


DEMO = [
    str(ROOT / "data" / "demo" / "amazon_all_orders.txt"),
    str(ROOT / "data" / "demo" / "shopify_orders_export.csv"),
]
AWS_WINDOW = ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--channels", "amazon"]


def test_the_zone_is_read_from_the_files_without_tz(capsys, monkeypatch):
    """No --tz and no IMPACT_DEFAULT_TZ: the demo's Shopify offsets make the analysis run in America/New_York, the
    first line says so and --json carries the zone and its source."""
    monkeypatch.delenv("IMPACT_DEFAULT_TZ")
    assert main(["analyze", *DEMO, *AWS_WINDOW]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Time zone: America/New_York, from the offsets in shopify_orders_export.csv."
    assert lines[2].startswith("  lost $616.38 (90% interval")
    assert main(["analyze", *DEMO, *AWS_WINDOW, "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["zone"] == {
        "zone": "America/New_York",
        "source": "offsets",
        "confidence": "high",
        "sentence": "America/New_York, from the offsets in shopify_orders_export.csv",
        "files": ["shopify_orders_export.csv"],
        "notes": [],
    }
    assert res["windows"][0]["revenue"]["lost"] == 616.38


def test_an_amazon_report_alone_runs_in_the_computers_zone(capsys, monkeypatch):
    """The demo's Amazon report alone (UTC times) on a computer set to America/Denver: the CLI analyses in that zone
    and says why; on a computer set to UTC (a server's) the hours of the day decide instead."""
    monkeypatch.delenv("IMPACT_DEFAULT_TZ")
    monkeypatch.setenv("TZ", "America/Denver")
    assert main(["analyze", DEMO[0], *AWS_WINDOW]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Time zone: America/Denver, this computer's time zone."
    monkeypatch.setenv("TZ", "UTC")
    assert main(["analyze", DEMO[0], *AWS_WINDOW, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["zone"]["source"] == "trough"


def test_tz_overrides_the_files_and_says_what_they_say(capsys, monkeypatch):
    """--tz UTC: the loss in UTC ($717.31, as before the zone was read), and a note naming the files' zone."""
    monkeypatch.delenv("IMPACT_DEFAULT_TZ")
    assert main(["analyze", *DEMO, *AWS_WINDOW, "--tz", "UTC"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Time zone: UTC, as given with --tz. Note: your files say America/New_York, from the offsets in "
        "shopify_orders_export.csv."
    )
    assert lines[2].startswith("  lost $717.31 (90% interval")


def test_local_times_are_read_again_in_the_zone_found(tmp_path, capsys, monkeypatch):
    """An eBay report (local times, buyers in Germany) alone: the zone is Europe/Berlin, and its times are read in it,
    so the import's first order is the Berlin morning's UTC hour."""
    monkeypatch.delenv("IMPACT_DEFAULT_TZ")
    from bench.synth_exports import ebay_orders

    rng = np.random.default_rng(12)
    seller = make_seller(rng, 30, n_channels=3, n_days=40, tz="Europe/Berlin", hidden_outages=0)
    sim = simulate(rng, seller)
    path = ebay_orders(sim, tmp_path / "ebay.csv", country="Germany")
    start = seller.start + timedelta(days=35)
    window = ["--window", _iso(start), _iso(start + timedelta(hours=3)), "--channels", "ebay", "--json"]
    assert main(["analyze", str(path), *window]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["zone"]["sentence"] == (
        "Europe/Berlin, from the local times in ebay.csv and its buyers' country (Germany)"
    )
    first_local = pd.Timestamp(seller.start) + pd.to_timedelta(sim.hours[sim.channel == 2].min(), unit="h")
    assert res["ingest"]["first"] == first_local.floor("s").strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_real_etsy_window_without_placebos_reads_as_words(capsys, monkeypatch):
    """A real Etsy export of two weeks, dates only: no numpy warning reaches the terminal, the 24 h after that ran
    below normal read as no recapture (not "recaptured -$294.02"), orders without a SKU as "(no SKU)" and the
    missing comparable days as "no comparable days"."""
    import warnings

    monkeypatch.delenv("IMPACT_DEFAULT_TZ")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = main(
            [
                "analyze",
                str(DATA / "real" / "etsy_sold_orders_2022.csv"),
                "--window",
                "2022-12-28T14:00Z",
                "2022-12-28T20:00Z",
            ]
        )
    assert code == 0
    out = capsys.readouterr()
    assert out.err == ""
    lines = out.out.splitlines()
    assert lines[5] == (
        "  nothing recaptured in the next 24 h: sales ran $294.02 below normal (90% interval of the recapture "
        "-$782.62 to $163.60); net lost $557.05 (90% interval $0.00 to $751.62)"
    )
    assert lines[6].startswith("  top SKUs lost: (no SKU) $208.64, 659839709709 $13.27")
    assert lines[-1] == (
        "  note: no comparable days without known outages around the window; the interval is approximate and wider"
    )


def test_a_window_expecting_less_than_one_order_has_no_probability_of_an_effect(capsys, monkeypatch):
    """A real UK Shopify store's quiet six hours (0.0 orders expected, none sold): the loss's probability of an
    effect is not known, where a placebo rank had read 97%."""
    monkeypatch.delenv("IMPACT_DEFAULT_TZ")
    window = ["--window", "2025-11-20T10:00Z", "2025-11-20T16:00Z"]
    assert main(["analyze", str(DATA / "real" / "shopify_gb_tiktok.csv"), *window]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[3] == "  lost £0.23 (90% interval £0.00 to £0.23; probability of an effect not known)"
    assert lines[4] == "  expected £0.23, actual £0.00; orders 0 of 0.0 expected"

"""Every command that analyses an outage takes --currency, --tz and --channels alike and gives the same figures."""

import contextlib
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.synth import Outage, make_seller, simulate
from impact import views
from impact.__main__ import main
from impact.share import open_share
from impact.share.url_builder import token_from_query

MAP = (
    "order_id=Order,purchased_at=Date,revenue=Amount,quantity=Qty,channel=Channel,sku=SKU,currency=Currency,"
    "status=Status,shipped_at=Shipped"
)
OUTAGE = Outage(datetime(2025, 10, 20, 7), datetime(2025, 10, 20, 13), "amazon", fraction=1.0, recapture=0.2)
WINDOW = ["--window", "2025-10-20T07:00Z", "2025-10-20T13:00Z"]
SAME = ["--currency", "USD", "--tz", "UTC", "--channels", "amazon"]


@pytest.fixture(scope="module")
def usd_export(tmp_path_factory) -> Path:
    """60 days of an Amazon + Shopify seller in USD with ship times; Amazon is down on 2025-10-20 07:00-13:00 and
    the warehouse ships what was bought around the outage 40 h after it ended, so some orders ship late."""
    rng = np.random.default_rng(11)
    seller = make_seller(rng, 200, n_channels=2, n_days=60, start=datetime(2025, 9, 1), hidden_outages=0)
    df = simulate(rng, seller, [OUTAGE]).lines()
    shipped = df.purchased_at + pd.Timedelta(hours=20)
    stalled = (df.purchased_at >= OUTAGE.start - timedelta(hours=20)) & (df.purchased_at < OUTAGE.end)
    shipped[stalled] = OUTAGE.end + timedelta(hours=40)
    fmt = "%Y-%m-%d %H:%M:%S"
    path = tmp_path_factory.mktemp("mixed") / "orders.csv"
    pd.DataFrame(
        {
            "Order": df.order_id,
            "Date": df.purchased_at.dt.strftime(fmt),
            "Amount": df.revenue.round(2),
            "Qty": df.quantity.astype(int),
            "Channel": df.channel,
            "SKU": df.sku,
            "Currency": df.currency,
            "Status": "Completed",
            "Shipped": shipped.dt.strftime(fmt),
        }
    ).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def files(usd_export) -> list[str]:
    """The USD export and a second export of Amazon orders in EUR, one of them in the window: two currencies."""
    path = usd_export.parent / "orders_eur.csv"
    path.write_text(
        "Order,Date,Amount,Qty,Channel,SKU,Currency,Status,Shipped\n"
        "EU-1,2025-10-19 09:00:00,49.90,1,amazon,BECHER-L,EUR,Completed,2025-10-20 09:00:00\n"
        "EU-2,2025-10-20 08:30:00,1049.00,2,amazon,KANNE-1,EUR,Completed,2025-10-21 08:00:00\n"
        "EU-3,2025-10-21 10:00:00,19.99,1,amazon,BECHER-L,EUR,Completed,2025-10-22 10:00:00\n",
        encoding="utf-8",
    )
    return [str(usd_export), str(path), "--map", MAP]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def analysed(files) -> dict:
    """`analyze --json` on the mixed files with the shared options: the figures every other command must match."""
    code, out, err = _run(["analyze", *files, *WINDOW, *SAME, "--json"])
    assert code == 0, err
    return json.loads(out)


def test_analyze_takes_the_currency_and_ignores_the_other(files, usd_export, analysed):
    """analyze refuses the mixed files without --currency, and with --currency USD matches the USD file alone."""
    code, _, err = _run(["analyze", *files, *WINDOW, "--channels", "amazon"])
    assert code == 2 and "several currencies" in err
    code, out, err = _run(
        ["analyze", str(usd_export), "--map", MAP, *WINDOW, "--tz", "UTC", "--channels", "amazon", "--json"]
    )
    assert code == 0, err
    alone = json.loads(out)
    assert analysed["currency"] == "USD" and analysed["windows"][0]["channels"] == ["amazon"]
    assert analysed["windows"][0]["revenue"]["lost"] > 0
    assert analysed["windows"][0]["revenue"] == alone["windows"][0]["revenue"]


def test_scenarios_measures_the_same_loss(files, analysed):
    """scenarios --window with the shared options is accepted and its measured window loss is analyze's."""
    code, out, err = _run(["scenarios", *files, *WINDOW, *SAME, "--seed", "7", "--years", "200", "--json"])
    assert code == 0, err
    res = json.loads(out)
    w = analysed["windows"][0]
    amazon_rows = [r for r in w["by_channel"] if r["channel"] == "amazon"]
    assert res["currency"] == "USD"
    # The scenario model sums the by-channel rows, each rounded to the cent.
    assert res["current"]["window_lost"] == pytest.approx(w["revenue"]["lost"], abs=0.01 * len(amazon_rows))
    assert res["assumptions"]["impacts"]["amazon"]["source"] == "measured"


def test_share_snapshot_holds_the_same_analysis(files, analysed):
    """share with the shared options stores analyze's figures for the window, in USD and in the zone given."""
    code, out, err = _run(["share", *files, *WINDOW, *SAME, "--json"])
    assert code == 0, err
    shared = open_share(token_from_query(json.loads(out)["url"]))
    assert shared["analysis"]["currency"] == "USD"
    assert shared["analysis"]["windows"][0]["revenue"] == analysed["windows"][0]["revenue"]
    assert shared["settings"]["tz"] == "UTC" and shared["settings"]["channels"] == ["amazon"]


def test_report_states_the_same_loss(files, analysed, tmp_path):
    """report with the shared options writes analyze's loss into the HTML and its one-line summary."""
    out = tmp_path / "report.html"
    code, said, err = _run(["report", *files, *WINDOW, *SAME, "--out", str(out)])
    assert code == 0, err
    rev = analysed["windows"][0]["revenue"]
    assert said.startswith(f"report written to {out}: lost ${rev['lost']:,.2f}")
    assert f'data-value="{rev["lost"]}"' in out.read_text(encoding="utf-8")


def test_late_orders_counts_the_same_shipments(files, analysed, tmp_path):
    """late-orders with the shared options counts the late shipments analyze reports for the window."""
    code, out, err = _run(["late-orders", *files, *WINDOW, *SAME, "--out", str(tmp_path / "late.csv"), "--json"])
    assert code == 0, err
    late = json.loads(out)["shipments"]
    ship = analysed["windows"][0]["shipments"]
    assert ship["available"] and ship["late"] > 0
    for key in ("due", "late", "late_expected", "excess_late", "channels"):
        assert late[key] == ship[key], key
    code, _, err = _run(["late-orders", *files, *WINDOW, "--currency", "GBP", "--out", str(tmp_path / "x.csv")])
    assert code == 2 and "No orders in GBP" in err


def test_channels_are_checked_the_same_everywhere(files):
    """A misspelt channel is refused with the same one line by every command, before any file is read."""
    for command, extra in (
        ("analyze", []),
        ("scenarios", []),
        ("share", []),
        ("report", ["--out", "x.html"]),
        ("late-orders", ["--out", "x.csv"]),
    ):
        code, out, err = _run([command, "missing.csv", *WINDOW, "--channels", "amazon,amazn", *extra])
        assert (code, out) == (2, ""), command
        assert (
            err == "error: --channels: 'amazn' is not a channel; use one of amazon, shopify, ebay, etsy, "
            "woocommerce, walmart, other.\n"
        ), command


def test_window_view_flattens_one_window(analysed):
    """The service's per-window view is the window's JSON with the run's currency, confidence and warnings."""
    view = views.window_view(analysed)
    assert view["revenue"] == analysed["windows"][0]["revenue"]
    assert (view["currency"], view["confidence"], view["recovery_hours"]) == ("USD", 0.9, 24)
    assert view["warnings"] == [*analysed["warnings"], *analysed["windows"][0]["warnings"]]


def test_one_window_commands_refuse_two(files, tmp_path):
    """report and late-orders cover one window: a second --window is one line on stderr, not a silent choice."""
    second = ["--window", "2025-10-21T07:00Z", "2025-10-21T13:00Z"]
    for command in ("report", "late-orders"):
        code, out, err = _run([command, *files, *WINDOW, *second, "--out", str(tmp_path / "x")])
        assert (code, out) == (
            2,
            "",
        ) and err == f"error: {command} covers one outage window: give --window START END once\n"
        assert not (tmp_path / "x").exists()

"""`analyze --channels shopify:TikTok Shop`: an outage scoped to one marketplace's orders inside a channel."""

import json
from datetime import datetime

import pytest
from sellers import shopify_tiktok_seller

from impact.__main__ import main

WINDOW = ["--window", "2025-10-01T14:00Z", "2025-10-01T20:00Z"]


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """The Shopify store with TikTok Shop orders of tests/test_analysis_scopes.py: TikTok down 14:00-20:00 on 1 Oct."""
    return shopify_tiktok_seller(
        tmp_path_factory.mktemp("shop") / "orders_export.csv",
        start=datetime(2025, 9, 1),
        days=35,
        per_day=(240, 120),
        tiktok_outage=(datetime(2025, 10, 1, 14), datetime(2025, 10, 1, 20)),
    )


@pytest.fixture(autouse=True)
def _mappings(tmp_path, monkeypatch):
    monkeypatch.setenv("IMPACT_MAPPINGS_PATH", str(tmp_path / "mappings.json"))


def test_channels_option_scopes_the_window_to_a_marketplace(export, capsys):
    """The option takes CHANNEL:MARKETPLACE; the text names the scope as typed back and the store as spill-over."""
    assert main(["analyze", str(export), *WINDOW, "--channels", "shopify:TikTok Shop"]) == 0
    out = capsys.readouterr().out.splitlines()
    at = out.index("2025-10-01 14:00 to 2025-10-01 20:00 UTC on shopify:TikTok Shop:")
    assert out[at + 1] == "  lost $1,448.86 (90% interval $1,092.99 to $1,931.87; probability of an effect 96%)"
    assert "  spill-over: shopify -$189.91" in out[at:]


def test_json_output_names_the_scope(export, capsys):
    """--json keeps the scope in the window's channels and in its rows by channel."""
    assert main(["analyze", str(export), *WINDOW, "--channels", "Shopify: tiktok shop", "--json"]) == 0
    w = json.loads(capsys.readouterr().out)["windows"][0]
    assert w["channels"] == ["shopify:TikTok Shop"]
    assert w["revenue"]["lost"] == 1448.86
    assert [r["channel"] for r in w["by_channel"]] == ["shopify:TikTok Shop", "shopify"]


@pytest.mark.parametrize(
    ("command", "channels", "message"),
    [
        ("analyze", "shopify:Etsy (synced)", "no shopify orders from the marketplace 'Etsy (synced)'; the data has"),
        (
            "analyze",
            "shopify:",
            "--channels: 'shopify:' has no marketplace after the colon, e.g. 'shopify:TikTok Shop'",
        ),
        ("analyze", "tiktok:TikTok Shop", "--channels: 'tiktok' is not a channel; use one of"),
        ("detect", "shopify:TikTok Shop", "--channels: 'shopify:TikTok Shop' names a marketplace; give channels only"),
    ],
)
def test_bad_scopes_exit_2_with_one_line(export, capsys, command, channels, message):
    """A scope the data or the command cannot take is one line on stderr and exit code 2."""
    argv = [command, str(export), "--channels", channels] + (WINDOW if command == "analyze" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err

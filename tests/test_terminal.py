"""Tests for impact.terminal: text from a file cannot drive the operator's terminal through the CLI."""

from impact.__main__ import main
from impact.terminal import terminal_text

MAPPING = "order_id=Order Ref,purchased_at=When,price=Unit Price,quantity=Qty,sku=Item,channel_value=walmart"


def test_controls_and_bidi_become_visible_escapes():
    """ESC, BEL, 8-bit CSI, zero-width and bidi characters are written as \\uXXXX; tabs, line ends and accents pass."""
    assert terminal_text("a\x1b[2Kb\x07\x9b\u200b\u202e\tcafé\n") == "a\\u001b[2Kb\\u0007\\u009b\\u200b\\u202e\tcafé\n"


def test_a_reject_reason_holding_escape_sequences_is_printed_inert(tmp_path, capsys, monkeypatch):
    """An ingest whose rejected date holds a title-setting OSC, a line-clearing CSI and a bidi override prints them
    escaped, and the rest of the report as usual."""
    monkeypatch.setenv("IMPACT_MAPPINGS_PATH", str(tmp_path / "mappings.json"))
    f = tmp_path / "w.csv"
    f.write_bytes(
        b"Order Ref,When,Unit Price,Qty,Item\nW-1,20/10/2025 08:00,10.00,3,SKU-A\n"
        b'W-2,"\x1b]0;pwned\x07\x1b[2K\xe2\x80\xaeyesterday",5.50,2,SKU-B\n'
    )
    assert main(["ingest", str(f), "--map", MAPPING + ",date_order=day_first"]) == 0
    out = capsys.readouterr().out
    assert '    rejected line 3: unreadable purchase date "\\u001b]0;pwned\\u0007\\u001b[2K\\u202eyesterday"\n' in out
    assert "\x1b" not in out and "\u202e" not in out and "walmart: 1 order, revenue $30.00" in out

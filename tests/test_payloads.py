"""Text from a seller's file stays inert in every view: a SKU and a product name carrying Markdown, HTML, ANSI and
bidi payloads go through the CLI, the HTML report, the claim pack (PDF and workbook), the share view and the
dashboard, and nowhere become a link, an image, markup, a script or a terminal command."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest
from testdata import ROOT
from uipages import run_app

from impact.__main__ import main

DEMO = ROOT / "data" / "demo"
SKU = "KB![x](http://evil.example/s.png)<img src=x onerror=alert(1)>\x1b[2J\x1b[1A\u202eL"
NAME = (
    "[Session expired: sign in again](http://evil.example/login) **Board** <script>alert(2)</script> www.evil.example"
)
WINDOW = ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--channels", "amazon", "--tz", "UTC"]
EVIL = re.compile(r"(?<![\[\\])(https?://evil|<img|<script|www\.evil)", re.I)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The demo seller with its best-selling SKU and product name replaced by the payloads in orders and costs."""
    d = tmp_path_factory.mktemp("hostile")
    for name in ("amazon_all_orders.txt", "shopify_orders_export.csv", "product_costs.csv"):
        text = (DEMO / name).read_text(encoding="utf-8-sig")
        (d / name).write_text(text.replace("KB-BAM-L", SKU).replace("Bamboo Cutting Board, Large", NAME), "utf-8")
    return d


def _files(d) -> list[str]:
    return [str(d / "amazon_all_orders.txt"), str(d / "shopify_orders_export.csv")]


def _inert_text(text: str) -> None:
    assert "\x1b" not in text and "\u202e" not in text, "a control or bidi character reached the reader"


def test_the_cli_prints_the_payloads_inert(hostile, capsys, monkeypatch):
    """analyze's text names the SKU with its escape and bidi characters shown, never obeyed."""
    monkeypatch.setenv("IMPACT_MAPPINGS_PATH", str(hostile / "m.json"))
    assert main(["analyze", *_files(hostile), *WINDOW, "--costs", str(hostile / "product_costs.csv")]) == 0
    out = capsys.readouterr()
    _inert_text(out.out + out.err)
    assert "\\u001b[2J" in out.out  # the SKU is listed, its ESC visible


def test_the_html_report_holds_no_markup_from_the_file(hostile, capsys):
    """The report escapes both payloads: no <img>, <script> or link from the file, the text itself shown."""
    out = hostile / "report.html"
    assert main(["report", *_files(hostile), *WINDOW, "--out", str(out)]) == 0
    doc = out.read_text(encoding="utf-8")
    assert "<img src=x" not in doc and "<script>alert" not in doc and 'href="http://evil' not in doc
    assert "&lt;img src=x onerror=alert(1)&gt;" in doc


def test_the_claim_pack_shows_the_payloads_as_text(hostile, capsys, tmp_path):
    """The statement's PDF text has no control or bidi character; the workbook holds the SKU as a string cell."""
    pack = tmp_path / "claim.zip"
    argv = ["claim", *_files(hostile), *WINDOW, "--costs", str(hostile / "product_costs.csv"), "--policy", "cyber"]
    assert main([*argv, "--out", str(pack)]) == 0
    capsys.readouterr()
    with zipfile.ZipFile(pack) as z:
        pdf, book = z.read("statement.pdf"), z.read("workbook.xlsx")
    (tmp_path / "s.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True).stdout
    _inert_text(text)
    cells = [
        c
        for ws in openpyxl.load_workbook(io.BytesIO(book)).worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "evil" in c.value
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def _markdown_texts(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title", "header")
    return [e.value for k in kinds for e in at.get(k)] + [m.label for m in at.metric]


def test_the_dashboard_and_the_share_view_render_no_live_link(hostile, monkeypatch, tmp_path, capsys):
    """Uploaded, the payloads reach the dashboard's Markdown defanged and escaped; the analyst's share view too."""
    monkeypatch.setenv("IMPACT_MAPPINGS_PATH", str(tmp_path / "m.json"))
    monkeypatch.setenv("IMPACT_DB", str(tmp_path / "shares.duckdb"))
    monkeypatch.setenv("IMPACT_DEFAULT_TZ", "UTC")
    at = run_app()
    at.sidebar.file_uploader[0].set_value([(n, open(n, "rb").read(), "text/csv") for n in _files(hostile)])
    at = run_app(at)
    assert not at.exception and at.metric[0].label == "Revenue lost"
    frames = "\n".join(df.value.to_csv() for df in at.dataframe)
    assert "KB![x](http://evil.example/s.png)" in frames  # the SKU reached the screen, as a table's plain text
    for t in _markdown_texts(at):
        _inert_text(t)
        assert not EVIL.search(t), t
    assert main(["share", *_files(hostile), *WINDOW, "--json"]) == 0
    token = json.loads(capsys.readouterr().out)["url"].split("share=")[1]
    shared = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    shared.query_params["share"] = token
    shared = shared.run()
    assert not shared.exception
    for t in _markdown_texts(shared):
        _inert_text(t)
        assert not EVIL.search(t), t


def test_an_appeal_letter_carries_no_markup_or_control_text(tmp_path, capsys):
    """A window title that came from a status feed (here typed as --title) holding HTML, Markdown, ANSI and bidi text
    reaches the letter as plain words: no tag, no link markup, no control or bidi character."""
    from datetime import datetime

    from sellers import merchant_fulfilled_seller

    export = tmp_path / "all_orders.txt"
    stalled = (datetime(2025, 10, 20, 7), datetime(2025, 10, 21, 19))
    merchant_fulfilled_seller(export, start=datetime(2025, 9, 15), days=45, per_day=40, stalled=stalled)
    title = "<b>AWS</b> [outage](http://evil.example) \x1b[2J\u202e"
    argv = ["appeal", str(export), "--window", "2025-10-20T07:00Z", "2025-10-20T13:00Z", "--marketplace", "amazon"]
    assert main([*argv, "--title", title, "--json"]) == 0
    letter = json.loads(capsys.readouterr().out)["letter"]
    _inert_text(letter)
    assert "Orders affected by the" in letter and "<b>" not in letter and "](http" not in letter

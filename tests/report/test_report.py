"""Tests for impact.report: the self-contained HTML report of one analysis (structure, numbers, escaping, offline)."""

import copy
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pandas as pd
import pytest
from testdata import ROOT

from impact import __version__, present
from impact.analysis import analyze
from impact.dataset import product_names
from impact.errors import InputError
from impact.ingest import ingest_files
from impact.report import EVIDENCE_ROWS, build_report, recapture_status, share_of_day_text, summary_lines
from impact.report.sentences import lost_pct_shown, recapture_text
from impact.shipments import shipment_report
from impact.store import session_db
from impact.windows import Window, window_from_strings

DEMO = ROOT / "data" / "demo"
WHEN = datetime(2025, 11, 3, 9, 30, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def demo():
    """The demo seller's analysis of the AWS outage (Amazon hit), its import report, shipments and product names."""
    con = session_db()
    report = ingest_files(con, [DEMO / "amazon_all_orders.txt", DEMO / "shopify_orders_export.csv"], tz="UTC")
    window = window_from_strings("2025-10-20T06:48Z", "2025-10-20T21:20Z", "amazon", title="AWS us-east-1 outage")
    analysis = analyze(con, [window], shipments=False).to_json()
    ship = shipment_report(con, Window(window.start, window.end, title=window.title))
    names = product_names(con, [r["sku"] for r in analysis["windows"][0]["top_skus"]])
    yield {"analysis": analysis, "ingest": report.to_json(), "report": report, "ship": ship, "names": names}
    con.close()


def _build(demo, analysis=None, **kw) -> str:
    args = {
        "ingest": demo["ingest"],
        "shipments": demo["ship"],
        "tz": "America/New_York",
        "generated_at": WHEN,
        "product_names": demo["names"],
    } | kw
    return build_report(analysis or demo["analysis"], **args)


class _Collector(HTMLParser):
    """Collects tag names with attributes, and the text of every table cell, from a document."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("td", "th"):
            self._cell = []
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._cell is not None and not self._skip:
            self._cell.append(data)


def _parse(doc: str) -> _Collector:
    parser = _Collector()
    parser.feed(doc)
    return parser


def test_report_has_every_section_and_one_plotly_bundle(demo):
    """The report holds the summary, window, KPIs, four charts, SKUs, late orders, data, method and caveats, with
    plotly.js embedded exactly once."""
    doc = _build(demo)
    assert doc.startswith("<!DOCTYPE html>")
    ids = [a.get("id") for t, a in _parse(doc).tags if t == "section"]
    assert ids == ["summary", "window", "kpis", "charts", "skus", "orders", "data", "method", "caveats"]
    assert doc.count("window.PlotlyConfig") == 1  # the bundle's preamble: plotly.js is inline once
    assert len(re.findall(r'<div id="chart-\d"', doc)) == 4
    assert "AWS us-east-1 outage, 20 Oct 2025" in doc
    assert f"generated 2025-11-03 09:30 UTC by Outage Impact {__version__}" in doc
    assert "Mon 20 Oct 2025 02:48 America/New_York" in doc and "Mon 20 Oct 2025 06:48 UTC" in doc
    assert "Knife Set, 5 Pieces with Block" in doc  # a product name from the export
    assert "Amazon All Orders report" in doc and "Shopify orders export" in doc
    assert "amazon_all_orders.txt" not in doc  # file names are not part of the report


def test_kpi_numbers_match_the_analysis_json(demo):
    """Every KPI row carries the analysis JSON's own value, and the shown text is that value formatted."""
    doc = _build(demo)
    w = demo["analysis"]["windows"][0]
    ship = demo["ship"][0]
    keys = {a["data-key"] for t, a in _parse(doc).tags if t == "tr" and "data-key" in a}
    assert keys >= {
        "revenue.lost",
        "revenue.p_effect",
        "revenue.recaptured",
        "revenue.net_lost",
        "orders.lost",
        "share_of_day",
        "shipments.excess_late",
        "shipments.backlog_cleared",
        "spillover.shopify",
    }
    got = dict(
        re.findall(r'<tr data-key="([^"]+)"><th scope="row">[^<]*</th><td class="num" data-value="([^"]+)"', doc)
    )
    assert float(got["revenue.lost"]) == w["revenue"]["lost"]
    assert float(got["revenue.net_lost"]) == w["revenue"]["net_lost"]
    assert float(got["revenue.recaptured"]) == w["revenue"]["recaptured"]
    assert float(got["revenue.p_effect"]) == w["revenue"]["p_effect"]
    assert float(got["orders.lost"]) == w["orders"]["lost"]
    assert float(got["share_of_day"]) == w["share_of_day"]
    assert float(got["shipments.excess_late"]) == ship.excess_late
    assert got["shipments.backlog_cleared"] == ship.backlog_cleared
    rev = w["revenue"]
    assert f"${rev['lost']:,.2f}" in doc and f"${rev['lost_low']:,.2f} to ${rev['lost_high']:,.2f}" in doc
    assert f"about <strong>${rev['lost']:,.0f} lost</strong>" in doc
    assert f"{w['share_of_day']:.1%}" in doc
    # negative money with a typographic minus (the recapture's lower bound: the demo now counts no recapture)
    assert "\u2212$" + f"{-rev['recaptured_low']:,.2f}" in doc


def test_late_orders_are_listed_up_to_the_limit(demo):
    """The evidence table lists the late orders (UTC), at most EVIDENCE_ROWS of them, and says how many there are."""
    summary, rows = demo["ship"]
    doc = _build(demo)
    assert f"All {len(rows):,} orders are listed." in doc
    first = rows.iloc[0]
    assert str(first["order_id"]) in doc and f"{first['promise_utc']:%Y-%m-%d %H:%M}" in doc
    many = pd.concat([rows] * (EVIDENCE_ROWS // len(rows) + 2), ignore_index=True)
    doc = _build(demo, shipments=(summary, many))
    table = doc.split('<table class="orders">')[1].split("</table>")[0]
    assert table.count("<tr>") == EVIDENCE_ROWS + 1  # header + the first rows
    assert f"The first {EVIDENCE_ROWS:,} of {len(many):,} orders are listed" in doc


def _hostile(demo) -> dict:
    analysis = copy.deepcopy(demo["analysis"])
    w = analysis["windows"][0]
    w["top_skus"][0]["sku"] = HOSTILE
    w["top_skus"][1]["sku"] = '=HYPERLINK("http://evil.example","x")'
    w["by_channel"][0]["marketplace"] = "</script><script>alert(2)</script>"
    w["title"] = '"><img src=x onerror=alert(3)>'
    w["warnings"] = ["<b>bold</b> & <i>co</i>"]
    return analysis


def test_seller_text_is_escaped_everywhere(demo):
    """SKUs, product names, marketplaces, titles and warnings from the data never become markup or scripts, in
    tables and in the charts' embedded JSON alike."""
    analysis = _hostile(demo)
    names = {HOSTILE: "<img src=x onerror=alert(4)>"}
    doc = _build(demo, analysis, product_names=names)
    benign = _build(demo)
    for raw in ("<script>alert(1)", "<script>alert(2)", "<img src=x", "<b>bold</b>"):
        assert raw not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc  # the SKU table shows the text itself
    assert "&lt;img src=x onerror=alert(4)&gt;" in doc
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;" in doc
    # Chart labels are plotly entities (shown as text) inside plotly JSON, which writes / as \u002f: nothing in a
    # label can close the <script> element it is embedded in.
    assert "(&lt;\\u002fscript&gt;&lt;script&gt;alert(2)&lt;\\u002fscript&gt;)" in doc
    assert doc.count("<script") == benign.count("<script")
    tags = [t for t, _ in _parse(doc).tags]
    assert tags.count("script") == [t for t, _ in _parse(benign).tags].count("script")
    assert "img" not in tags and "b" not in tags


def test_formula_cells_are_neutralised(demo):
    """A SKU that a spreadsheet would run as a formula is shown with a leading quote; our negative amounts use a
    typographic minus, so they need none."""
    cells = _parse(_build(demo, _hostile(demo))).cells
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert not [c for c in cells if c and c[0] in "=+-@"]


def test_skus_that_cannot_run_are_shown_as_written(demo):
    """A SKU starting with a dash or a plus that a spreadsheet would not run is shown without an added quote."""
    analysis = copy.deepcopy(demo["analysis"])
    analysis["windows"][0]["top_skus"][0]["sku"] = "-BLUE-XL"
    analysis["windows"][0]["top_skus"][1]["sku"] = "+1 pack"
    cells = _parse(_build(demo, analysis)).cells
    assert "-BLUE-XL" in cells and "+1 pack" in cells and "'-BLUE-XL" not in cells


def test_report_is_self_contained(demo):
    """Nothing is loaded from the network: no external script, stylesheet or image, and a policy that forbids it."""
    doc = _build(demo)
    tags = _parse(doc).tags
    assert not [a for t, a in tags if t == "script" and a.get("src")]
    assert not [t for t, _ in tags if t in ("link", "img", "iframe", "object", "embed")]
    assert not re.search(r"""<script[^>]+src\s*=\s*["']?https?:""", doc, re.I)
    csp = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp


def test_summary_and_recapture_wording(demo):
    """A negative recapture whose range holds zero reads as 'no measurable recapture', never as sales un-bought."""
    w = {**demo["analysis"]["windows"][0], "currency": "USD", "confidence": 0.9, "recovery_hours": 24}
    # The demo's 24 h after ran below normal within normal variation: nothing is counted (-$494 before the
    # recapture was read where it stands out); a negative recapture within noise reads the same.
    assert w["revenue"]["recaptured"] == 0 and w["revenue"]["recaptured_low"] < 0 < w["revenue"]["recaptured_high"]
    assert recapture_status(w["revenue"]) == "none"
    rev = {**w["revenue"], "recaptured": -494.0, "recaptured_low": -1155.0, "recaptured_high": 208.0}
    w = {**w, "revenue": rev}
    assert rev["recaptured"] < 0 < rev["recaptured_high"]
    assert recapture_status(rev) == "none"
    text = " ".join(summary_lines(w, demo["ship"][0].to_json(), "UTC"))
    assert "no measurable recapture" in text and "recaptured" not in text.replace("recapture ", "")
    assert f"**${rev['net_lost']:,.0f}**" in text
    assert recapture_status({**rev, "recaptured": 300, "recaptured_low": 50, "recaptured_high": 600}) == "came_back"
    assert recapture_status({**rev, "recaptured_high": -20}) == "stayed_low"
    assert share_of_day_text(w, "UTC") == (f"{w['share_of_day']:.0%}", "of Mon 20 Oct's expected Amazon sales")
    two_days = {**w, "end": "2025-10-21T03:00:00Z"}
    assert share_of_day_text(two_days, "UTC")[1].endswith("of Mon 20 Oct to Tue 21 Oct")


def test_inputs_in_other_shapes(demo):
    """The app's merged window JSON, a shipments summary without orders, and an IngestReport object also work."""
    a = demo["analysis"]
    merged = {**a["windows"][0], **{k: a[k] for k in ("currency", "confidence", "recovery_hours")}}
    doc = build_report(merged, ingest=demo["report"], shipments=demo["ship"][0], tz="UTC", generated_at=WHEN)
    assert "Amazon All Orders report (utf-8)" in doc  # format label and encoding from the IngestReport
    assert "The order list was not included in this report." in doc
    none = build_report(a, ingest=None, shipments=None, tz="UTC", generated_at=WHEN)
    assert 'id="data"' not in none and 'id="orders"' not in none  # analyze(shipments=False): not measured
    assert "not measurable" in none


def test_bad_inputs_are_plain_errors(demo):
    """An unknown zone, several windows or a result without numbers is an InputError with a sentence."""
    with pytest.raises(InputError, match="time zone"):
        _build(demo, tz="Mars/Olympus")
    two = {**demo["analysis"], "windows": demo["analysis"]["windows"] * 2}
    with pytest.raises(InputError, match="one outage window"):
        _build(demo, two)
    with pytest.raises(InputError, match="revenue"):
        _build(demo, {"start": "2025-10-20T06:48:00Z", "end": "2025-10-20T21:20:00Z"})


def test_plotly_json_cannot_close_its_script_element():
    """Raw text in a figure (hover text, labels) is embedded with < > / as \\u escapes, so '</script>' in the data
    never ends the script element early."""
    import plotly.graph_objects as go

    from impact.report.markup import figure_html as _figure_html

    fig = go.Figure(go.Bar(x=[1], y=["a"], hovertext=[HOSTILE], text=["</SCRIPT><img src=x onerror=alert(5)>"]))
    out = _figure_html(fig, first=False, index=0)
    assert out.lower().count("</script") == out.lower().count("<script") == 1
    assert "\\u003c\\u002fscript\\u003e" in out and "<img" not in out


def test_sales_above_normal_are_not_called_a_loss(demo):
    """When the window sold more than expected the summary says so instead of reporting a negative loss."""
    w = copy.deepcopy({**demo["analysis"]["windows"][0], "currency": "USD", "confidence": 0.9})
    w["revenue"].update(lost=-120.0, lost_low=-300.0, lost_high=80.0, lost_pct=-10.0)
    first = summary_lines(w, None, "UTC")[0]
    assert "**$120 more** than expected, so no loss shows in the window (90% range −$300 to $80)." in first
    assert "lost**" not in first
    doc = _build(demo, {**demo["analysis"], "windows": [w]})
    assert "10.0% above expected." in doc


def test_source_date_epoch_makes_the_report_reproducible(demo, monkeypatch):
    """With SOURCE_DATE_EPOCH set and no explicit stamp, two renders of the same inputs are the same bytes and say
    they were generated at that instant."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762162200")  # 2025-11-03 09:30 UTC
    args = {
        "ingest": demo["ingest"],
        "shipments": demo["ship"],
        "tz": "America/New_York",
        "product_names": demo["names"],
    }
    first = build_report(demo["analysis"], **args).encode("utf-8")
    second = build_report(copy.deepcopy(demo["analysis"]), **args).encode("utf-8")
    assert first == second
    assert b"generated 2025-11-03 09:30 UTC by Outage Impact" in first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        build_report(demo["analysis"], **args)


def test_a_german_browser_gets_the_reports_dates_in_english(demo):
    """The report is written in English: with the browser's locale de_DE its window is 'Mon 20 Oct 2025', never
    'Mo. 20 Okt. 2025'."""
    try:
        present.use_locale("de_DE")
        html = _build(demo)
    finally:
        present.use_locale(None)
    assert "Mon 20 Oct 2025 02:48 to 17:20 America/New_York" in html
    assert not re.search(r"\b(?:Mo|Di)\. |\bOkt\. ", html)  # plotly.js has a variable named Okt


def test_late_shipments_that_cannot_be_measured_say_why(demo):
    """Without ship times, or without a usual late rate to compare with, the summary and the key figures say the
    late shipments could not be measured and why, never 'unknown'."""
    w = {**demo["analysis"]["windows"][0], "currency": "USD", "confidence": 0.9}
    no_times = {"available": False, "notes": []}
    assert summary_lines(w, no_times, "UTC")[-1] == (
        "Late shipments could not be measured: the exports carry no ship times for seller-fulfilled orders."
    )
    no_rate = {
        **demo["ship"][0].to_json(),
        "excess_late": None,
        "excess_late_low": None,
        "excess_late_high": None,
        "late_expected": None,
    }
    line = summary_lines(w, no_rate, "UTC")[-1]
    assert line.startswith("Late shipments caused by the outage could not be measured: there are too few orders")
    doc = _build(demo, shipments=(no_rate, demo["ship"][1]))
    row = doc.split('data-key="shipments.excess_late"')[1].split("</tr>")[0]
    assert "not measurable" in row and "could not be measured" in row
    assert not [c for c in _parse(doc).cells if "unknown" in c]
    summary = doc.split('<section id="summary"')[1].split("</section>")[0]
    assert "could not be measured" in summary and "unknown" not in summary


def test_channel_revenue_is_kept_per_currency():
    """A channel's revenue in the import report reads as currency -> amount whether the files hold one currency or
    several, so totals are only ever added within a currency."""
    from impact.present import money_per_currency, sum_per_currency
    from impact.report import channel_revenue

    assert channel_revenue({"orders": 3, "revenue": 120.5}, ["USD"]) == {"USD": 120.5}
    mixed = {
        "amazon": {"orders": 2, "revenue": None, "revenue_by_currency": {"EUR": 80.0, "USD": 10.0}},
        "shopify": {"orders": 1, "revenue": None, "revenue_by_currency": {"USD": 5.0}},
    }
    totals = sum_per_currency(channel_revenue(v, ["EUR", "USD"]) for v in mixed.values())
    assert money_per_currency(totals, 0) == ["€80", "$15"]
    assert channel_revenue({"orders": 0, "revenue": None}, []) == {}


def test_a_loss_share_is_not_shown_when_the_expectation_shows_as_nothing():
    """An expectation of $0.004 prints as $0.00: no "100.0% below expected" beside it; $0.01 and more keep theirs."""

    def res(expected):
        return {"currency": "USD", "revenue": {"expected": expected, "lost_pct": 100.0}}

    assert [lost_pct_shown(res(e)) for e in (0.004, 0.006, 12.5)] == [None, 100.0, 100.0]
    assert lost_pct_shown({"currency": "JPY", "revenue": {"expected": 0.4, "lost_pct": 100.0}}) is None


def test_hours_after_that_differ_by_less_than_a_unit_ran_at_their_normal_level():
    """A quiet store's 24 h after the outage, £0.20 above normal, read "ran at their normal level", not "ran £0
    above normal"."""
    rev = {"recaptured": 0.0, "net_lost": 0.2, "recovery_actual": 10.2, "recovery_expected": 10.0, "lost": 0.2}
    rev |= {"recaptured_low": -10.0, "recaptured_high": 0.0}
    text = recapture_text({"currency": "GBP", "recovery_hours": 24, "confidence": 0.9, "revenue": rev})[1]
    assert "Those hours ran at their normal level, which is within normal day-to-day variation" in text

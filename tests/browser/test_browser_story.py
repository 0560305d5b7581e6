"""Real-browser tests of one story in every view: the same uploaded files give the same revenue lost, profit lost and
late shipments on the Overview, in the HTML report, in a share link, in `analyze --json` (no --channels) and in a
portfolio row, with conversion to EUR off and on; and no view shows raw codes, '(s)', negative 'lost' cards,
unformatted floats or `None`."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape

import pytest

from impact.present import format_money as money

from .conftest import ROOT

pytestmark = pytest.mark.browser

DEMO = ROOT / "data" / "demo"
ORDERS = ("amazon_all_orders.txt", "shopify_orders_export.csv")
COSTS = DEMO / "product_costs.csv"
# The catalog's AWS us-east-1 outage, in the zone the browser below reports (the app's default zone).
WINDOW = ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--tz", "UTC"]


@pytest.fixture
def seller(tmp_path):
    """The demo seller's exports as a seller of a portfolio folder would have them (sellers/kitchen/...)."""
    folder = tmp_path / "sellers" / "kitchen"
    folder.mkdir(parents=True)
    for name in ORDERS:
        shutil.copy(DEMO / name, folder / name)
    return folder


@pytest.fixture
def utc_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, timezone_id="UTC", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()


def _cli(*args: str, tmp_path) -> dict:
    env = {**os.environ, "IMPACT_MAPPINGS_PATH": str(tmp_path / "m.json"), "IMPACT_DB": str(tmp_path / "cli.db")}
    done = subprocess.run(
        [sys.executable, "-m", "impact", *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _portfolio_row(seller, home: str | None, tmp_path) -> dict:
    out = tmp_path / f"results_{home or 'own'}.parquet"
    extra = ["--home-currency", home] if home else []
    args = ["portfolio", str(seller.parent), *WINDOW, "--costs", str(COSTS), *extra, "--out", str(out), "--json"]
    _cli(*args, tmp_path=tmp_path)
    with open(out.with_suffix(".csv"), encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))
    return row


def _kpis(page) -> dict[str, str]:
    cards = page.locator('[data-testid="stMetric"]')
    out = {}
    for i in range(cards.count()):
        card = cards.nth(i)
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def _report(page, artifacts, name: str) -> str:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download report (HTML)").click()
    saved = artifacts / name
    info.value.save_as(saved)
    return saved.read_text(encoding="utf-8")


def _report_figures(doc: str) -> dict[str, str]:
    lost = re.search(r'data-key="revenue.lost"><th scope="row">[^<]*</th><td class="num" data-value="([^"]+)"', doc)
    profit = re.search(r"<td>Profit lost</td><td>([^<]+)</td>", doc)
    late = re.search(r'data-key="shipments.excess_late"><th scope="row">[^<]*</th><td class="num"[^>]*>([^<]+)<', doc)
    return {"lost": lost.group(1), "profit": unescape(profit.group(1)), "late": late.group(1)}


def _share_view(browser, page) -> dict[str, str]:
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Share these results").click()
    sidebar.get_by_role("button", name="Create a read-only link").click()
    link = sidebar.locator('[data-testid="stCode"] code').first
    link.wait_for(timeout=90_000)
    url = link.inner_text().strip()
    sidebar.get_by_text("Share these results").click()  # closed again, for the next round
    viewer = browser.new_context(viewport={"width": 1280, "height": 1300}, timezone_id="UTC")
    try:
        shared = viewer.new_page()
        shared.set_default_timeout(60_000)
        shared.goto(url, wait_until="domcontentloaded")
        shared.get_by_text("SHARED · read-only").wait_for()
        shared.get_by_text("During the outage (").wait_for()
        shared.locator('[data-testid="stMetric"]').first.wait_for()
        shared.wait_for_timeout(1000)
        shared.screenshot(path=str(ROOT / "tests" / "artifacts" / "story_shared.png"), full_page=True)
        return _kpis(shared)
    finally:
        viewer.close()


def _wait_for_cards(page, symbol: str) -> dict[str, str]:
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("tab", name="Overview").click()
    main.get_by_role("tabpanel", name="Overview").get_by_text("During the outage (").wait_for(timeout=90_000)
    card = main.locator('[data-testid="stMetric"]').filter(has_text="Profit lost")
    card.wait_for(timeout=90_000)
    page.wait_for_function(
        "s => [...document.querySelectorAll('[data-testid=stMetricValue]')].some(e => e.innerText.includes(s))",
        arg=symbol,
        timeout=90_000,
    )
    page.wait_for_timeout(1500)  # the rerun that converted the amounts has finished drawing
    return _kpis(page)


def test_same_files_give_the_same_figures_in_every_view(browser, utc_page, app_url, seller, artifacts, tmp_path):
    """Upload the demo seller's exports and its cost file: the Overview cards, the HTML report, the share view,
    `analyze --json` without --channels and a portfolio row agree on revenue lost, profit lost and late shipments,
    in the orders' own currency and converted to EUR."""
    page = utc_page
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_text("DEMO data: Demo Kitchen Co").wait_for(timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    uploader = sidebar.locator('[data-testid="stFileUploader"]')
    uploader.filter(has_text="Order exports").locator('input[type="file"]').set_input_files(
        [str(seller / n) for n in ORDERS]
    )
    page.get_by_text("Your uploaded orders").wait_for(timeout=90_000)
    uploader.filter(has_text="Product costs and fee reports").locator('input[type="file"]').set_input_files(str(COSTS))

    for home, symbol in ((None, "$"), ("EUR", "€")):
        if home:
            sidebar.get_by_role("combobox", name="Convert amounts to").click()
            page.get_by_role("option", name=home, exact=True).click()
        cards = _wait_for_cards(page, symbol)
        extra = ["--home-currency", home] if home else []
        cli = _cli(
            "analyze",
            *map(str, (seller / n for n in ORDERS)),
            *WINDOW,
            "--costs",
            str(COSTS),
            *extra,
            "--json",
            tmp_path=tmp_path,
        )
        w, cur = cli["windows"][0], cli["currency"]
        assert cur == (home or "USD")
        assert w["channels"] == ["amazon"]  # the catalog outage's channel, as the app takes it
        lost, profit = w["revenue"]["lost"], w["profit"]["lost"]
        assert cards["Revenue lost"] == money(lost, cur, 0), home
        assert cards["Profit lost"] == money(profit, cur, 0), home
        # Amazon's All Orders report has no ship times: no view counts Shopify's late orders instead.
        assert not w["shipments"]["available"] and "Late shipments" not in cards

        row = _portfolio_row(seller, home, tmp_path)
        assert (row["channels"], row["currency"]) == ("amazon", cur)
        assert (float(row["revenue_lost"]), float(row["profit_lost"])) == (lost, profit)
        assert row["late_excess"] == ""

        doc = _report(page, artifacts, f"story_report_{home or 'own'}.html")
        assert _report_figures(doc) == {"lost": str(lost), "profit": money(profit, cur, 0), "late": "not measurable"}

        shared = _share_view(browser, page)
        assert {k: shared.get(k) for k in ("Revenue lost", "Profit lost")} == {
            "Revenue lost": cards["Revenue lost"],
            "Profit lost": cards["Profit lost"],
        }
        assert "Late shipments" not in shared
        assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(artifacts / "story_eur.png"), full_page=True)


# What a reader must never see in the app's text, each with why.
RAW_CODE = re.compile(r"(?<![\w./@:-])(amazon|shopify|ebay|etsy|woocommerce|walmart)(?![\w./@-])")
BAD_TEXT = (
    (re.compile(r"\(s\)"), "a '(s)' plural"),
    (re.compile(r"(?<![\d.,])1 (hours|orders|days|sellers|windows|shipments|channels)\b"), "a plural after 1"),
    (re.compile(r"(?<![\w.])(None|nan|NaN|True|False)(?![\w.])"), "program output"),
    (re.compile(r"(?<![\d.,])\d+\.\d{3,}(?!\d)"), "an unformatted number"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"), "an ISO timestamp"),
)
TRUNCATED = """() => [...document.querySelectorAll('[data-testid="stAppViewContainer"] *')]
    .filter(e => e.offsetParent !== null && e.children.length === 0 && e.innerText && e.innerText.trim()
                 && getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.innerText.trim())"""


def _problems(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        if "ECB" in line:  # exchange rates are quoted to four decimals, as the ECB publishes them
            continue
        for m in RAW_CODE.finditer(line):
            out.append(f"raw channel code {m.group(0)!r} in: {line.strip()[:160]}")
        for pattern, what in BAD_TEXT:
            for m in pattern.finditer(line):
                out.append(f"{what} {m.group(0)!r} in: {line.strip()[:160]}")
    return out


def _walk(page) -> list[str]:
    """Every tab's and the sidebar's rendered text checked; cards titled 'lost' never negative; nothing cut off."""
    found = []
    tabs = page.locator('[data-testid="stMain"]').get_by_role("tab")
    names = [tabs.nth(i).inner_text().strip() for i in range(tabs.count())]
    assert "Overview" in names and "Scenarios" in names, names
    for i, name in enumerate(names):
        tabs.nth(i).click()
        page.wait_for_timeout(2500)  # the tab's rerun-free render and plotly's first layout
        panel = page.locator('[data-testid="stMain"] [role="tabpanel"]').locator("visible=true").first
        text = panel.inner_text()
        found += [f"{name}: {p}" for p in _problems(text)]
        for label, value in _kpis(page).items():
            if re.search(r"\b(lost|loss)\b", label, re.I) and value.startswith(("−", "-")):
                found.append(f"{name}: card {label!r} shows {value}")
        found += [f"{name}: truncated label {t!r}" for t in page.evaluate(TRUNCATED)]
    found += [f"sidebar: {p}" for p in _problems(page.locator('[data-testid="stSidebar"]').inner_text())]
    assert page.locator('[data-testid="stException"]').count() == 0
    return sorted(set(found))


def test_every_tab_reads_as_words_for_the_demo_and_an_uploaded_seller(utc_page, app_url, seller, artifacts):
    """Walk every tab of the demo, then of the same seller uploaded with its cost file, at 1280 px: no raw channel
    codes, '(s)', '1 hours', None, unformatted floats, ISO times, negative 'lost' cards or truncated labels."""
    page = utc_page
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_text("DEMO data: Demo Kitchen Co").wait_for(timeout=60_000)
    page.get_by_text("During the outage (").wait_for(timeout=90_000)
    problems = _walk(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    uploader = sidebar.locator('[data-testid="stFileUploader"]')
    uploader.filter(has_text="Order exports").locator('input[type="file"]').set_input_files(
        [str(seller / n) for n in ORDERS]
    )
    page.get_by_text("Your uploaded orders").wait_for(timeout=90_000)
    uploader.filter(has_text="Product costs and fee reports").locator('input[type="file"]').set_input_files(str(COSTS))
    _wait_for_cards(page, "$")
    problems += _walk(page)
    page.screenshot(path=str(artifacts / "story_walk.png"), full_page=True)
    assert problems == [], "\n".join(problems)


def test_the_walk_catches_what_it_looks_for():
    """The text checks flag each defect the walk looks for, and pass words a reader should see."""
    found = _problems("in the 1 hours after\nwindow(s)\namazon 50%\nlate 14.5333 h\nNone\n2025-10-20T06:48")
    assert [p.split(" in: ")[0] for p in found] == [
        "a plural after 1 '1 hours'",
        "a '(s)' plural '(s)'",
        "raw channel code 'amazon'",
        "an unformatted number '14.5333'",
        "program output 'None'",
        "an ISO timestamp '2025-10-20T06:48'",
    ]
    assert _problems("Amazon lost $1,234.56 in 14 h 32 min; see amazon_all_orders.txt") == []

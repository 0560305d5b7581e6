"""Real-browser test: upload an export, enter a window, compare the KPIs with the CLI, download the HTML report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

import pytest
from playwright.sync_api import expect

from impact.present import format_money_ascii

from .conftest import ROOT

pytestmark = pytest.mark.browser

ZONE = "Europe/Berlin"
# Wednesday 8 Oct 2025, 13:00-19:00 UTC (15:00-21:00 in Berlin): the test removes every Amazon order in it.
START_UTC, END_UTC = datetime(2025, 10, 8, 13, 0), datetime(2025, 10, 8, 19, 0)
START_LOCAL, END_LOCAL = datetime(2025, 10, 8, 15, 0), datetime(2025, 10, 8, 21, 0)
HOSTILE_NAME = " <img src=x onerror=alert(1)>"


@pytest.fixture
def berlin_page(browser):
    """A page in a fresh context whose browser reports the Europe/Berlin time zone."""
    context = browser.new_context(viewport={"width": 1400, "height": 1400}, timezone_id=ZONE, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def outage_export(tmp_path):
    """The demo Amazon All Orders report with every order of the test window removed (an outage of our own) and
    markup appended to every product name (it must stay text in the app and in the report)."""
    src = (ROOT / "data" / "demo" / "amazon_all_orders.txt").read_text(encoding="utf-8").splitlines()
    header = src[0].split("\t")
    when, name = header.index("purchase-date"), header.index("product-name")
    kept = [src[0]]
    for line in src[1:]:
        cells = line.split("\t")
        bought = datetime.fromisoformat(cells[when]).replace(tzinfo=None)
        if START_UTC <= bought < END_UTC:
            continue
        cells[name] += HOSTILE_NAME
        kept.append("\t".join(cells))
    assert len(kept) < len(src) - 5  # the window really held orders
    path = tmp_path / "amazon_outage.txt"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def _cli_analysis(path, tmp_path) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "impact",
        "analyze",
        str(path),
        "--window",
        f"{START_UTC:%Y-%m-%dT%H:%M}Z",
        f"{END_UTC:%Y-%m-%dT%H:%M}Z",
        "--channels",
        "amazon",
        "--tz",
        ZONE,
        "--json",
    ]
    env = {**os.environ, "IMPACT_MAPPINGS_PATH": str(tmp_path / "m.json"), "IMPACT_DB": str(tmp_path / "db")}
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _set_datetime(page, label: str, value: datetime) -> None:
    """Type a date-time into streamlit's segmented date-time field (year, month, day, hour, minute)."""
    page.locator('[data-testid="stSidebar"]').get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(f"{value:%Y%m%d%H%M}", delay=20)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def _kpi(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_upload_window_kpis_match_cli_and_report(berlin_page, outage_export, inferring_app, artifacts, tmp_path):
    """An uploaded export and a typed window give the CLI's numbers on the Overview, and the downloaded HTML report
    carries the same loss, opens offline and keeps product names as text."""
    page = berlin_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(inferring_app, wait_until="domcontentloaded")
    page.get_by_text("DEMO data: Demo Kitchen Co").wait_for(timeout=45_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('input[type="file"]').first.set_input_files(str(outage_export))
    page.get_by_text("Your uploaded orders").wait_for(timeout=45_000)
    # The export's times carry no zone of the seller's: the browser's zone is the default.
    expect(sidebar.get_by_role("combobox", name="Your time zone")).to_have_value(ZONE, timeout=45_000)
    _set_datetime(page, "Start (your time zone)", START_LOCAL)
    sidebar.get_by_text(f"In UTC: {START_UTC:%Y-%m-%d %H:%M} to").wait_for()
    _set_datetime(page, "End (your time zone)", END_LOCAL)
    sidebar.get_by_text(f"In UTC: {START_UTC:%Y-%m-%d %H:%M} to {END_UTC:%Y-%m-%d %H:%M}").wait_for()
    # The summary renders after the KPI cards, so once it shows this window the cards do too.
    page.get_by_text("During the outage (Wed 08 Oct 2025 15:00 to 21:00 Europe/Berlin").wait_for(timeout=45_000)

    cli = _cli_analysis(outage_export, tmp_path)["windows"][0]
    lost, orders_lost = cli["revenue"]["lost"], cli["orders"]["lost"]
    assert lost > 0 and cli["orders"]["actual"] == 0
    assert _kpi(page, "Revenue lost") == format_money_ascii(lost, "USD", 0)
    assert _kpi(page, "Orders lost") == f"{orders_lost:,.0f}"
    assert _kpi(page, "Net loss") == format_money_ascii(cli["revenue"]["net_lost"], "USD", 0)
    assert _kpi(page, "Day's sales lost") == f"{cli['share_of_day']:.0%}"
    assert page.locator('[data-testid="stException"]').count() == 0
    page.wait_for_timeout(600)  # plotly's first layout pass, for the picture
    page.screenshot(path=str(artifacts / "upload_overview.png"), full_page=True)

    with page.expect_download(timeout=45_000) as info:
        page.get_by_role("button", name="Download report (HTML)").click()
    download = info.value
    assert download.suggested_filename == "outage_report_20251008.html"
    saved = artifacts / "report_upload.html"
    download.save_as(saved)
    doc = saved.read_text(encoding="utf-8")
    assert f'data-value="{lost}">{format_money_ascii(lost, "USD")}' in doc
    assert f"about <strong>{format_money_ascii(lost, 'USD', 0)} lost</strong>" in doc
    assert "&lt;img src=x onerror=alert(1)&gt;" in doc and "<img" not in doc

    # Opened from disk, with the network cut off: the charts still draw, and nothing runs or loads.
    report = page.context.new_page()
    report.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    requests: list[str] = []
    report.on("request", lambda r: requests.append(r.url))
    report.context.set_offline(True)
    report.goto(saved.as_uri())
    report.locator("#chart-3 .main-svg").first.wait_for()
    assert report.locator(".js-plotly-plot").count() == 4
    assert "onerror=alert(1)" in report.locator("#skus").inner_text()  # the name is shown as text
    report.wait_for_timeout(500)
    report.screenshot(path=str(artifacts / "report_download.png"), full_page=True)
    report.context.set_offline(False)
    assert not [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
    assert dialogs == []

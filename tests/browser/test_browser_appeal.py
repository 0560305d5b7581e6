"""Real-browser test: the appeal letter follows the window. A seller who ships their own Amazon orders uploads their
report; the letter, its TXT and its ZIP name the window and the figures service.appeal gives for it, and after the
window changes all three show the new window's figures."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest

pytestmark = pytest.mark.browser

START = datetime(2025, 10, 20, 7)


def _set_datetime(page, label: str, value: datetime) -> None:
    """Type a date-time into streamlit's segmented date-time field (year, month, day, hour, minute)."""
    page.locator('[data-testid="stSidebar"]').get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(f"{value:%Y%m%d%H%M}", delay=20)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def _downloads(page) -> tuple[str, str]:
    """(the TXT download's text, letter.txt of the ZIP download)."""
    with page.expect_download(timeout=180_000) as txt:
        page.get_by_role("button", name="Download the letter (TXT)").click()
    with page.expect_download(timeout=180_000) as pack:
        page.get_by_role("button", name="Download the appeal pack").click()
    text = open(txt.value.path(), encoding="utf-8").read()
    with zipfile.ZipFile(io.BytesIO(open(pack.value.path(), "rb").read())) as z:
        return text, z.read("letter.txt").decode("utf-8")


def _expected(export, end: datetime) -> str:
    """The letter service.appeal writes for the window 07:00 to `end` (UTC) on Amazon."""
    from impact import service
    from impact.windows import Window

    opts = service.resolve_options(tz="UTC")
    con, _ = service.load_files([export], tz=opts.tz)
    # The app keeps the known outage's name for an edited window and says what moved.
    title = f"AWS us-east-1 outage, start moved to 07:00 and end moved to {end:%H:%M}"
    window = Window(START, end, ("amazon",), title=title)
    letter = service.appeal_package(con, window, opts, "amazon")[0]["letter"]
    con.close()
    return letter


def test_letter_txt_and_zip_follow_a_changed_window(browser, app_url, tmp_path, artifacts):
    """07:00-13:00 then 07:00-20:00 UTC on 20 Oct 2025: each time the letter on screen, the TXT and the ZIP's
    letter.txt are the letter of that window, and they differ between the two."""
    from sellers import merchant_fulfilled_seller

    export = tmp_path / "amazon_all_orders.txt"
    stalled = (START, datetime(2025, 10, 21, 19))
    merchant_fulfilled_seller(export, start=datetime(2025, 9, 15), days=45, per_day=40, stalled=stalled)
    context = browser.new_context(viewport={"width": 1400, "height": 1400}, timezone_id="UTC", accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)  # 2 cores shared with the rest of CI: reruns can be slow
        page.goto(app_url, wait_until="domcontentloaded")
        page.get_by_text("DEMO data: Demo Kitchen Co").wait_for(timeout=120_000)
        # The demo's page run has ended (its last KPI card is drawn) before the upload starts another.
        page.locator('[data-testid="stMetric"]').filter(has_text="Net loss").wait_for(timeout=180_000)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.locator('input[type="file"]').first.set_input_files(str(export))
        page.get_by_text("Your uploaded orders").wait_for(timeout=180_000)
        seen = []
        for end in (datetime(2025, 10, 20, 13), datetime(2025, 10, 20, 20)):
            _set_datetime(page, "Start (your time zone)", START)
            _set_datetime(page, "End (your time zone)", end)
            sidebar.get_by_text(f"In UTC: {START:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}").wait_for(timeout=180_000)
            page.get_by_role("tab", name="Appeal").click()
            want = _expected(export, end)
            assert f"07:00 to {end:%H:%M}" in want
            box = page.get_by_label("Edit before sending")
            box.wait_for(timeout=180_000)
            page.wait_for_function(
                "([w]) => { const t = document.querySelector('textarea'); return t && t.value.includes(w); }",
                arg=[f"07:00 to {end:%H:%M}"],
                timeout=180_000,
            )
            shown = box.input_value()
            assert shown.strip() == want.strip()
            txt, in_zip = _downloads(page)
            assert txt == shown and in_zip == shown
            seen.append(shown)
            page.screenshot(path=str(artifacts / f"appeal_until_{end:%H%M}.png"), full_page=True)
        assert seen[0] != seen[1]
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()

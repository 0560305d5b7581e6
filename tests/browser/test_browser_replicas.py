"""Real-browser test: two `streamlit run` replicas on one PostgreSQL share store, as behind a load balancer.

A link made on one replica opens with the same figures on the other, a revoke made beside one is seen by the other,
and a replica killed with SIGKILL loses no share.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser.test_browser_share import KPIS, _kpis
from impact.share import list_shares

pytestmark = pytest.mark.browser

DEMO = ["data/demo/amazon_all_orders.txt", "data/demo/shopify_orders_export.csv"]
ROOT = Path(__file__).resolve().parents[2]
WINDOW = ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z"]


def cli(env: dict[str, str], *argv: str) -> str:
    """`python -m impact ...` as an operator on a replica's machine would run it (same IMPACT_DB); its stdout."""
    proc = subprocess.run(
        [sys.executable, "-m", "impact", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def shared_kpis(browser, url: str, last: str = "Net loss") -> dict[str, str]:
    """The KPI cards a fresh browser (no cookies, no upload) sees at a share link, once the card `last` is drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1300})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("SHARED · read-only").wait_for(timeout=45_000)
        page.locator('[data-testid="stMetric"]').filter(has_text=last).first.wait_for(timeout=45_000)
        page.wait_for_timeout(1000)  # the rest of the page settles; the cards are read after
        cards = page.locator('[data-testid="stMetric"]')
        return {
            cards.nth(i).locator('[data-testid="stMetricLabel"]').inner_text().strip(): cards.nth(i)
            .locator('[data-testid="stMetricValue"]')
            .inner_text()
            .strip()
            for i in range(cards.count())
        }
    finally:
        context.close()


def not_valid(browser, url: str) -> bool:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("This link is not valid").wait_for(timeout=45_000)
        return page.locator('[data-testid="stMetric"]').count() == 0
    finally:
        context.close()


def on(app: str, link: str) -> str:
    """The same link, served by replica `app` (what a load balancer may do with any request)."""
    return f"{app}/?{urlsplit(link).query}"


def test_replicas_share_links_revokes_and_survive_a_killed_replica(
    browser, postgres_url, start_app, tmp_path, monkeypatch
):
    """Links made on replica A (in the app) and by the CLI open with identical KPIs on B; a revoke is seen by both;
    after A is killed with SIGKILL right after making a link, B opens every active link and the store lists them."""
    env = {"IMPACT_DB": postgres_url, "IMPACT_MAPPINGS_PATH": str(tmp_path / "mappings.json")}
    a, proc_a = start_app(env, "streamlit-replica-a.log")
    b, _proc_b = start_app(env, "streamlit-replica-b.log")

    seller = browser.new_context(viewport={"width": 1400, "height": 1300}, timezone_id="America/New_York")
    page = seller.new_page()
    page.set_default_timeout(30_000)
    page.goto(a, wait_until="domcontentloaded")
    page.get_by_text("During the outage (").wait_for(timeout=60_000)
    shown = {k: v for k, v in _kpis(page).items() if k in KPIS}
    assert set(shown) == set(KPIS) and shown["Revenue lost"].startswith("$")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Share these results").click()

    def make_link() -> str:
        # The panel's code blocks: the link, and beside it what else the panel shows; the link is the one with ?share=.
        links = sidebar.locator('[data-testid="stCode"] code').filter(has_text="?share=")
        before = {c.inner_text().strip() for c in links.all()}
        sidebar.get_by_role("button", name="Create a read-only link").click()
        page.wait_for_function(
            'before => [...document.querySelectorAll(\'[data-testid="stSidebar"] [data-testid="stCode"] code\')]'
            ".some(c => c.innerText.includes('?share=') && !before.includes(c.innerText.trim()))",
            arg=sorted(before),
            timeout=30_000,
        )
        return next(t for t in (c.inner_text().strip() for c in links.all()) if t not in before)

    made_on_a = make_link()
    assert made_on_a.startswith(f"{a}/?share=")
    assert {k: v for k, v in shared_kpis(browser, on(b, made_on_a)).items() if k in KPIS} == shown

    # A link made beside replica B by the CLI opens with the same figures on both replicas.
    from_cli = json.loads(cli({**env, "IMPACT_APP_URL": b}, "share", *DEMO, *WINDOW, "--json"))
    cli_kpis = shared_kpis(browser, on(a, from_cli["url"]), last="Revenue lost")
    assert cli_kpis["Revenue lost"].startswith("$")
    assert shared_kpis(browser, on(b, from_cli["url"]), last="Revenue lost") == cli_kpis

    # Revoked beside B: A refuses the link at once, as does B.
    cli({**env, "IMPACT_APP_URL": b}, "share", "--revoke", made_on_a)
    assert not_valid(browser, on(a, made_on_a)) and not_valid(browser, on(b, made_on_a))

    # A makes one more link, from a fresh page of its own, and is killed outright (no shutdown, no cleanup): nothing
    # it saved is lost.
    page.goto(a, wait_until="domcontentloaded")
    page.get_by_text("During the outage (").wait_for(timeout=60_000)
    _kpis(page)
    sidebar.get_by_text("Share these results").click()
    last = make_link()
    seller.close()
    os.killpg(proc_a.pid, signal.SIGKILL)
    proc_a.wait(timeout=10)
    assert {k: v for k, v in shared_kpis(browser, on(b, last)).items() if k in KPIS} == shown
    assert shared_kpis(browser, on(b, from_cli["url"]), last="Revenue lost") == cli_kpis
    monkeypatch.setenv("IMPACT_DB", postgres_url)
    rows = {r["id"]: r["status"] for r in list_shares(include_inactive=True)}
    assert sorted(rows.values()) == ["active", "active", "revoked"] and rows[from_cli["id"]] == "active"

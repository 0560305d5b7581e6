"""Browser-test fixtures: a real `streamlit run app.py` server and headless Debian Chromium driven by Playwright.

Without Chromium (or the playwright package) the browser tests are skipped, unless IMPACT_REQUIRE_BROWSER=1 (CI),
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from bench.common import app_healthy, free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("IMPACT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 45.0


def _unavailable(reason: str):
    if os.environ.get("IMPACT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (IMPACT_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@contextmanager
def streamlit_app(env: dict[str, str], log_name: str = "streamlit-server.log"):
    """`streamlit run app.py` from the repo root on a free loopback port with `env` added (IMPACT_APP_URL is set to
    its own address); yields (url, process) once it answers its health check, stops it (and its children) after."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / log_name
    with open(log, "wb") as out:
        # Own process group so teardown stops streamlit and anything it spawned, and nothing else.
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "IMPACT_APP_URL": url, **env},
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not app_healthy(url):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with code {proc.returncode}; see {log}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer {url}/_stcore/health within {SERVER_START_TIMEOUT:.0f}s")
            time.sleep(0.3)
        yield url, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """URL of `streamlit run app.py` started from the repo root on a free port; stopped after the session.

    Share links point at this server, and shares and remembered mappings go to a temporary directory."""
    private = tmp_path_factory.mktemp("browser-app")
    env = {"IMPACT_DB": str(private / "impact.duckdb"), "IMPACT_MAPPINGS_PATH": str(private / "mappings.json")}
    with streamlit_app(env) as (url, _proc):
        yield url


@pytest.fixture
def start_app():
    """`start_app(env, log_name)` -> (url, process): a further `streamlit run app.py` (see streamlit_app), stopped
    at the end of the test; for tests that need several app processes (replicas)."""
    with ExitStack() as stack:
        yield lambda env, log_name: stack.enter_context(streamlit_app(env, log_name))


@pytest.fixture
def inferring_app(start_app, tmp_path) -> str:
    """An app as a deployment runs it: no IMPACT_DEFAULT_TZ, so the zone comes from the files, else the browser."""
    env = {
        "IMPACT_DEFAULT_TZ": "",
        "IMPACT_DB": str(tmp_path / "impact.duckdb"),
        "IMPACT_MAPPINGS_PATH": str(tmp_path / "mappings.json"),
    }
    return start_app(env, "streamlit-deployed.log")[0]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium launched through Playwright."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser page (own context, so no cookies or session state leak between tests)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1400}, device_scale_factor=1)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def artifacts() -> Path:
    """Directory for screenshots (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

"""Fixtures for testing one ui module at a time: the demo orders in a database of their own, their import report
and Results over them for a window."""

from __future__ import annotations

import pytest
from uipages import AWS

from impact.ingest import ingest_files, summary
from impact.options import resolve_options
from impact.store import session_db
from impact.windows import Window
from ui.orders import DEMO_DIR, DEMO_FILES
from ui.results import Params, Results


@pytest.fixture(autouse=True)
def _zone(monkeypatch):
    monkeypatch.setenv("IMPACT_DEFAULT_TZ", "UTC")


@pytest.fixture
def private_app_settings(tmp_path, monkeypatch):
    """What a whole-app test writes goes to temporary files: remembered column mappings and the share store."""
    monkeypatch.setenv("IMPACT_MAPPINGS_PATH", str(tmp_path / "mappings.json"))
    monkeypatch.setenv("IMPACT_DEFAULT_TZ", "UTC")
    monkeypatch.setenv("IMPACT_DB", str(tmp_path / "shares.duckdb"))


@pytest.fixture(scope="module")
def demo_con():
    con = session_db()
    ingest_files(con, [DEMO_DIR / n for n in DEMO_FILES], tz="UTC")
    yield con
    con.close()


@pytest.fixture(scope="module")
def demo_report(demo_con):
    return summary(demo_con)


@pytest.fixture
def results(demo_con, demo_report):
    """Results over the demo orders for a window (the AWS outage unless given) and estimate settings."""

    def make(window: Window = AWS, tz: str = "UTC", **params) -> Results:
        return Results(demo_con, demo_report, window, Params(window.channels, resolve_options(tz=tz, **params)))

    return make

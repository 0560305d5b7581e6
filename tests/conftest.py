"""Shared fixtures: sample files, a fresh session database."""

from pathlib import Path

import pytest
from testdata import DATA

from impact.store import session_db


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def con():
    c = session_db()
    yield c
    c.close()


@pytest.fixture(autouse=True)
def _isolated_mappings(tmp_path, monkeypatch):
    """Remembered column mappings go to a temporary file, never into the checkout."""
    monkeypatch.setenv("IMPACT_MAPPINGS_PATH", str(tmp_path / "mappings.json"))


@pytest.fixture
def feed_server():
    """A real HTTP server on 127.0.0.1 serving recorded status feeds and misbehaving routes (tests/outages_server.py)."""
    from outages_server import FeedServer

    server = FeedServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _isolated_share_db(tmp_path, monkeypatch):
    """The persistent database (shares) is a temporary file in every test, never data/impact.duckdb."""
    monkeypatch.setenv("IMPACT_DB", str(tmp_path / "impact.duckdb"))

"""Shared fixtures: sample files, a fresh session database."""

from pathlib import Path

import pytest

from impact.store import session_db

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def con():
    c = session_db()
    yield c
    c.close()


@pytest.fixture
def feed_server():
    """A real HTTP server on 127.0.0.1 serving recorded status feeds and misbehaving routes (tests/outages_server.py)."""
    from outages_server import FeedServer

    server = FeedServer()
    yield server
    server.close()

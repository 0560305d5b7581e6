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

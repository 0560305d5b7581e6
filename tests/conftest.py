"""Shared fixtures: sample files, a fresh session database."""

import os
import subprocess
import uuid
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


@pytest.fixture(autouse=True, scope="session")
def _zone_utc():
    """The tests written before the zone was read from the files assumed UTC: they name it (IMPACT_DEFAULT_TZ, the
    deployment's zone, counts as given), for the whole session so that module fixtures see it too. Tests of the
    inference remove it with monkeypatch.delenv (see tests/commands/test_analyze.py, tests/ui/test_zone.py)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IMPACT_DEFAULT_TZ", "UTC")
        yield


@pytest.fixture(autouse=True)
def _isolated_share_db(tmp_path, monkeypatch):
    """The persistent database (shares) is a temporary file in every test, never data/impact.duckdb."""
    monkeypatch.setenv("IMPACT_DB", str(tmp_path / "impact.duckdb"))


# -- PostgreSQL (the share store for app replicas) ----------------------------------------------------------------


def _postgres_unavailable(reason: str):
    if os.environ.get("IMPACT_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL tests are required (IMPACT_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL server for the session (tests/pgserver.py); skipped without PostgreSQL installed,
    unless IMPACT_REQUIRE_POSTGRES=1 (CI), where that is a failure."""
    from pgserver import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        _postgres_unavailable("PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin)")
    server = PostgresServer(bin_dir)
    try:
        server.start()
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        server.stop()
        _postgres_unavailable(f"a test PostgreSQL server could not be started: {exc}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database on the session's server, dropped after the test; this process's pools closed."""
    from impact.share.store import close_pools

    name = f"t_{uuid.uuid4().hex[:16]}"
    url = postgres_server.create_database(name)
    yield url
    close_pools()
    postgres_server.drop_database(name)


def pytest_generate_tests(metafunc):
    """`share_backend` runs a test against each share store; @pytest.mark.duckdb_only keeps it on the file."""
    if "share_backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("duckdb_only")
        metafunc.parametrize("share_backend", ["duckdb"] if only else ["duckdb", "postgres"], indirect=True)


@pytest.fixture
def share_backend(request, monkeypatch):
    """IMPACT_DB for this test: the temporary DuckDB file (see _isolated_share_db), or a fresh PostgreSQL database."""
    if request.param == "postgres":
        monkeypatch.setenv("IMPACT_DB", request.getfixturevalue("postgres_url"))
    return request.param

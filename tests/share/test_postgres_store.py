"""Tests for the PostgreSQL share store (impact/share/store/postgres_store.py): migrations, pool, failures.

The behaviour both stores share (tokens, expiry, revoke, list, several processes, SIGKILL) is tested in
tests/test_share.py against each of them; these are what only PostgreSQL has.
"""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest

from impact.errors import ShareError
from impact.settings import load_settings
from impact.share import create_share, list_shares, open_share, revoke_share
from impact.share.store import close_pools, open_store
from impact.share.store.duckdb_store import DuckDBStore
from impact.share.store.postgres_store import MIGRATIONS, PostgresStore, _pools

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg(postgres_url, monkeypatch):
    monkeypatch.setenv("IMPACT_DB", postgres_url)
    return postgres_url


def query(url: str, sql: str, params=None) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params or [])
        return cur.fetchall() if cur.description else []


def test_the_url_chooses_the_store(pg, tmp_path, monkeypatch):
    """A postgresql:// or postgres:// IMPACT_DB opens the PostgreSQL store; a path opens the DuckDB file."""
    assert isinstance(open_store(load_settings()), PostgresStore)
    monkeypatch.setenv("IMPACT_DB", pg.replace("postgresql://", "POSTGRES://", 1))
    assert isinstance(open_store(load_settings()), PostgresStore)
    monkeypatch.setenv("IMPACT_DB", str(tmp_path / "x.duckdb"))
    assert isinstance(open_store(load_settings()), DuckDBStore)


def test_schema_is_made_on_first_use_and_recorded(pg):
    """Reading an empty database finds nothing; the tables and a schema_version row per migration exist after."""
    assert list_shares() == []
    with pytest.raises(ShareError, match="not valid"):
        open_share("A" * 43)
    assert revoke_share("A" * 43) is False
    assert query(pg, "SELECT version FROM schema_version ORDER BY 1") == [(v,) for v, _ in MIGRATIONS]
    link = create_share({"analysis": {"n": 1}})
    close_pools()  # a new process (pool) sees the schema in place and migrates nothing twice
    assert open_share(link.token) == {"version": 1, "analysis": {"n": 1}}
    assert query(pg, "SELECT count(*) FROM schema_version") == [(len(MIGRATIONS),)]


FIRST_USE = """
import json, sys, time
from impact.share import create_share
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))  # all processes start their first operation together
print(json.dumps(create_share({"analysis": {"p": sys.argv[2]}}).token))
"""


def test_replicas_starting_together_migrate_once(pg):
    """Four processes making their first share on an empty database at the same instant all succeed, and the
    migrations are recorded once (the advisory lock, not luck)."""
    import time

    start = f"{time.time() + 2.0:.3f}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", FIRST_USE, start, str(k)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for k in range(4)
    ]
    tokens = {}
    for k, p in enumerate(procs):
        out, err = p.communicate(timeout=90)
        assert p.returncode == 0, err
        tokens[k] = json.loads(out)
    for k, token in tokens.items():
        assert open_share(token)["analysis"] == {"p": str(k)}
    assert query(pg, "SELECT count(*) FROM schema_version") == [(len(MIGRATIONS),)]


def test_one_bounded_pool_per_process(pg, monkeypatch):
    """Eight threads sharing links use one pool of at most IMPACT_DB_POOL_SIZE connections."""
    monkeypatch.setenv("IMPACT_DB_POOL_SIZE", "2")
    errors = []

    def work(k):
        try:
            for i in range(4):
                assert open_share(create_share({"analysis": {"k": k, "i": i}}).token)["analysis"] == {"k": k, "i": i}
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    mine = [p for key, p in _pools.items() if key[0] == os.getpid() and key[1] == pg]
    assert len(mine) == 1
    assert mine[0].get_stats()["pool_max"] == 2
    database = pg.rsplit("/", 1)[1]
    (count,) = query(
        pg, "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
    )[0]
    assert count <= 2
    assert len(list_shares()) == 32


def test_a_connection_the_server_dropped_is_replaced(pg):
    """After the server ends the pool's idle connections (a restart, a failover), the next operation still works."""
    link = create_share({})
    database = pg.rsplit("/", 1)[1]
    query(
        pg,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [database],
    )
    assert open_share(link.token) == {"version": 1}
    assert revoke_share(link.token) is True


def test_unreachable_server_is_one_clear_error(monkeypatch, postgres_server):
    """A URL whose server is down gives a ShareError naming IMPACT_DB, without the URL or its password."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    monkeypatch.setenv("IMPACT_DB", f"postgresql://impact:s3cret@127.0.0.1:{port}/nowhere")
    monkeypatch.setenv("IMPACT_SHARE_LOCK_TIMEOUT", "1")
    try:
        for attempt in (lambda: create_share({}), list_shares, lambda: open_share("A" * 43)):
            with pytest.raises(ShareError) as err:
                attempt()
            assert "IMPACT_DB" in str(err.value) or "did not answer" in str(err.value)
            assert "s3cret" not in str(err.value) and str(port) not in str(err.value)
    finally:
        close_pools()


def test_no_rights_is_one_clear_error(pg, postgres_server, monkeypatch):
    """A user who may not create the tables gets a ShareError naming the cause's SQLSTATE, not a traceback."""
    query(pg, "CREATE ROLE reader LOGIN")
    query(pg, "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    monkeypatch.setenv("IMPACT_DB", pg.replace("impact@", "reader@", 1))
    try:
        with pytest.raises(ShareError, match=r"cannot be used \(42501\).*IMPACT_DB"):
            create_share({})
    finally:
        close_pools()
        query(pg, "DROP OWNED BY reader")
        query(pg, "DROP ROLE reader")


def test_server_settings_stay_out_of_shares(pg):
    """The database URL (which may hold a password) and the pool size are server settings a share never carries."""
    from impact.share import build_snapshot, scrub_snapshot

    shared = scrub_snapshot(build_snapshot(settings=load_settings()))
    assert "db_url" not in shared["settings"] and "db_pool_size" not in shared["settings"]
    assert pg not in json.dumps(shared)


def test_the_cli_says_one_line_when_the_server_is_down(monkeypatch, postgres_server):
    """`share --list` with PostgreSQL down exits 2 with one line on stderr: no pool warnings around it."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "IMPACT_DB": f"postgresql://impact@127.0.0.1:{port}/nowhere", "IMPACT_SHARE_LOCK_TIMEOUT": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "impact", "share", "--list"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "cannot be reached" in done.stderr, done.stderr

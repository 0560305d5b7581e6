"""Share links in PostgreSQL (IMPACT_DB=postgresql://...): one store for app replicas on several machines.

Each process keeps one psycopg connection pool per database URL (Settings.db_pool_size connections at most),
opened on first use; each operation borrows a connection, runs one transaction and gives it back. PostgreSQL's own
row locking replaces the DuckDB file's writer lock: readers never wait for writers, and a revoke and an open of the
same link see the share either before or after the revoke, never half of it.

The schema is made on first use by numbered migrations recorded in `schema_version`, under an advisory lock, so
replicas starting together do not race on CREATE TABLE (PostgreSQL's IF NOT EXISTS alone is not safe against a
concurrent create of the same table).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from ...errors import ShareError, ShareStoreError
from ...settings import Settings
from .base import REVOKE_COLUMNS, NewShare

# Applied in order, each once per database; a new one is appended, an applied one is never edited.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """CREATE TABLE IF NOT EXISTS shares (
            id text NOT NULL UNIQUE,            -- public handle for --list and --revoke-id; not the token
            token_hash text PRIMARY KEY,        -- hex SHA-256 of the token; the token itself is never stored
            created timestamp NOT NULL,         -- UTC (naive, as in the DuckDB store)
            expires timestamp,                  -- UTC
            revoked timestamp,                  -- UTC, NULL while active
            label text,                         -- what was shared (windows, channels), for --list
            payload bytea NOT NULL,             -- zlib-compressed JSON snapshot
            payload_sha256 text NOT NULL        -- of the compressed payload: a damaged row is refused
        )""",
    ),
)
SCHEMA_VERSION = """CREATE TABLE IF NOT EXISTS schema_version (
    version integer PRIMARY KEY,
    applied timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
)"""
# The advisory lock every process takes while migrating; any constant works as long as it never changes.
MIGRATION_LOCK_KEY = 0x1A7C_5A4E_0022

_UNREACHABLE = "the share database (PostgreSQL) cannot be reached; check IMPACT_DB and that the server is running"
_BUSY = "the share database (PostgreSQL) did not answer in time; try again in a moment"
_UNUSABLE = "the share database (PostgreSQL) cannot be used ({}); check IMPACT_DB and the user's rights"

_pools: dict[tuple[int, str, int], ConnectionPool] = {}
_migrated: set[tuple[int, str, int]] = set()
_lock = threading.Lock()


def _pool_key(settings: Settings) -> tuple[int, str, int]:
    # The process id is part of the key: a pool's connections and threads must not cross a fork.
    return (os.getpid(), settings.db_url, max(int(settings.db_pool_size), 1))


def _wait(settings: Settings) -> float:
    """Seconds an operation waits for a pooled connection; below a second a fresh pool could not even connect."""
    return max(float(settings.share_lock_timeout), 1.0)


def _new_pool(settings: Settings, size: int) -> ConnectionPool:
    kwargs: dict = {"autocommit": True}  # transactions are explicit, one per operation
    try:
        given = conninfo_to_dict(settings.db_url)
    except psycopg.ProgrammingError:
        raise ShareError("IMPACT_DB is not a valid PostgreSQL URL") from None
    if "connect_timeout" not in given:
        # libpq waits forever for an unreachable host by default; an operation should fail within its wait.
        kwargs["connect_timeout"] = max(int(_wait(settings) + 0.999), 2)
    return ConnectionPool(
        settings.db_url,
        min_size=1,
        max_size=size,
        kwargs=kwargs,
        # A connection the server dropped while idle (restart, failover) is replaced before it is handed out.
        check=ConnectionPool.check_connection,
        name="impact-shares",
        timeout=_wait(settings),
        open=True,
    )


def _migrate(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK_KEY])
        conn.execute(SCHEMA_VERSION)
        done = {row[0] for row in conn.execute("SELECT version FROM schema_version").fetchall()}
        for version, ddl in MIGRATIONS:
            if version not in done:
                conn.execute(ddl)
                conn.execute("INSERT INTO schema_version (version) VALUES (%s)", [version])


def _ever_connected(pool: ConnectionPool) -> bool:
    """Whether the pool holds or ever made a connection: a timeout is then the server being slow (busy), otherwise
    the server cannot be reached at all."""
    stats = pool.get_stats()
    made = stats.get("connections_num", 0) - stats.get("connections_errors", 0)
    return made > 0 or stats.get("pool_available", 0) > 0


@contextmanager
def _transaction(settings: Settings):
    """A pooled connection inside one transaction, the schema migrated first; driver errors become ShareError."""
    key = _pool_key(settings)
    with _lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = _new_pool(settings, key[2])
    try:
        with pool.connection(timeout=_wait(settings)) as conn:
            if key not in _migrated:
                _migrate(conn)
                _migrated.add(key)
            with conn.transaction():
                yield conn
    except PoolTimeout:
        raise ShareStoreError(_BUSY if _ever_connected(pool) else _UNREACHABLE) from None
    except psycopg.OperationalError:
        raise ShareStoreError(_UNREACHABLE) from None
    except psycopg.Error as exc:
        # The SQLSTATE class names the trouble (e.g. insufficient_privilege) without the server's text, which may
        # quote the URL or a user name.
        raise ShareStoreError(_UNUSABLE.format(getattr(exc.diag, "sqlstate", None) or type(exc).__name__)) from None


def close_pools() -> None:
    """Close this process's pools; the next operation opens a new one (and checks the schema again)."""
    with _lock:
        pools = [p for k, p in _pools.items() if k[0] == os.getpid()]
        _pools.clear()
        _migrated.clear()
    for pool in pools:
        pool.close(timeout=2.0)


atexit.register(close_pools)


class PostgresStore:
    """The share table in PostgreSQL; same rows, same semantics as DuckDBStore."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def insert(self, new_id: Callable[[], str], share: NewShare) -> str:
        with _transaction(self.settings) as conn:
            while True:
                share_id = new_id()
                # ON CONFLICT: an id another replica took a moment ago is drawn again, without aborting the
                # transaction (a unique violation would).
                cur = conn.execute(
                    "INSERT INTO shares (id, token_hash, created, expires, revoked, label, payload, payload_sha256)"
                    " VALUES (%s, %s, %s, %s, NULL, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                    [
                        share_id,
                        share.token_hash,
                        share.created,
                        share.expires,
                        share.label,
                        share.payload,
                        share.payload_sha256,
                    ],
                )
                if cur.rowcount == 1:
                    return share_id

    def find(self, token_hash: str) -> tuple | None:
        with _transaction(self.settings) as conn:
            row = conn.execute(
                "SELECT token_hash, id, created, expires, revoked, payload, payload_sha256 FROM shares"
                " WHERE token_hash = %s",
                [token_hash],
            ).fetchone()
        return None if row is None else (*row[:5], bytes(row[5]), row[6])

    def revoke(self, column: str, value: str, now: datetime) -> bool:
        if column not in REVOKE_COLUMNS:
            raise ValueError(f"shares are revoked by {' or '.join(REVOKE_COLUMNS)}, not {column!r}")
        query = sql.SQL("UPDATE shares SET revoked = %s WHERE {} = %s AND revoked IS NULL").format(
            sql.Identifier(column)
        )
        with _transaction(self.settings) as conn:
            return conn.execute(query, [now, value]).rowcount > 0

    def rows(self, now: datetime, include_inactive: bool) -> list[tuple]:
        with _transaction(self.settings) as conn:
            # COLLATE "C": ids sort byte by byte, as in DuckDB, whatever the database's locale.
            return conn.execute(
                """SELECT id, created, expires, revoked, label, octet_length(payload) FROM shares
                   WHERE %(all)s OR (revoked IS NULL AND (expires IS NULL OR expires > %(now)s))
                   ORDER BY created DESC, id COLLATE "C"
                """,
                {"all": include_inactive, "now": now},
            ).fetchall()

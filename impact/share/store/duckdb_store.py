"""Share links in a DuckDB file (Settings.db_path, IMPACT_DB): the default store, for one machine.

Each operation opens the file, runs one transaction and closes it, so several app processes can share the file
(DuckDB lets one process at a time hold it); a process that finds it locked retries with backoff for up to
Settings.share_lock_timeout seconds. Writers queue on `<db>.lock` (flock) so a stream of readers cannot starve them.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

try:
    import fcntl
except ImportError:  # Windows: DuckDB's own file lock and the retry loop still apply
    fcntl = None

from ...errors import ShareError, ShareStoreError
from ...settings import Settings
from ...store import configure, persistent_db
from .base import REVOKE_COLUMNS, NewShare

SHARES_SCHEMA = """
CREATE TABLE IF NOT EXISTS shares (
    id VARCHAR NOT NULL UNIQUE,          -- public handle for --list and --revoke-id; not the token
    token_hash VARCHAR PRIMARY KEY,      -- hex SHA-256 of the token; the token itself is never stored
    created TIMESTAMP NOT NULL,          -- UTC
    expires TIMESTAMP,                   -- UTC
    revoked TIMESTAMP,                   -- UTC, NULL while active
    label VARCHAR,                       -- what was shared (windows, channels), for --list
    payload BLOB NOT NULL,               -- zlib-compressed JSON snapshot
    payload_sha256 VARCHAR NOT NULL      -- of the compressed payload: a damaged row is refused, never half-read
);
"""


def _is_busy(exc: Exception) -> bool:
    """Worth waiting for: a lock held by another process, a read-only instance of this process still open (DuckDB
    refuses a read-write one beside it), or a write-write conflict with another connection of this process."""
    text = str(exc).lower()
    return (
        (isinstance(exc, duckdb.IOException) and "lock" in text)
        or (isinstance(exc, duckdb.ConnectionException) and "different configuration" in text)
        or isinstance(exc, duckdb.TransactionException)
        or (isinstance(exc, duckdb.Error) and "conflict" in text)
    )


def _connect(path: Path, settings: Settings, write: bool) -> duckdb.DuckDBPyConnection:
    """Writers take the file exclusively; readers open it read-only, so several processes can read at once.

    Within one process DuckDB keeps one instance per file and refuses a second with other options: a reader that
    meets a read-write instance of its own process (a concurrent write, or another module's connection) joins it.
    """
    if write:
        return persistent_db(path, settings)
    try:
        return configure(duckdb.connect(str(path), read_only=True), settings)
    except duckdb.ConnectionException as exc:
        if "different configuration" not in str(exc):
            raise
        return persistent_db(path, settings)


# Below this much free space a failed write is put down to the disk, not to the file or another process.
FULL_DISK_BYTES = 8 << 20


def _free_bytes(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return None


def _disk_full(exc: Exception, path: Path) -> bool:
    text = str(exc).lower()
    free = _free_bytes(path)
    return "no space left" in text or "disk is full" in text or (free is not None and free < FULL_DISK_BYTES)


def _disk_full_message(path: Path) -> str:
    free = _free_bytes(path) or 0
    return f"the disk is full ({free / 1e6:,.1f} MB free in {path.parent}); the share could not be saved"


_BUSY = "the share database is busy (another process is holding it); try again in a moment"


def _pause(deadline: float, delay: float, cap: float) -> float:
    """Sleep a jittered `delay` (never past the deadline) and return the next delay; ShareError once time is up."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise ShareStoreError(_BUSY)
    # Jitter keeps several waiting processes from retrying in lockstep.
    time.sleep(min(left, delay * (0.5 + random.random())))
    return min(delay * 2, cap)


def _flock(path: Path, mode: int, deadline: float) -> int | None:
    """An open descriptor on `<db>.lock` holding flock `mode`, waiting up to the deadline; None when the lock file
    cannot be made (a read-only directory): DuckDB's own lock and the retry loop still apply there."""
    try:
        fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    delay = 0.002
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            try:
                delay = _pause(deadline, delay, 0.05)
            except ShareError:
                os.close(fd)
                raise


@contextmanager
def _turnstile(path: Path, write: bool, deadline: float):
    """Writers queue on `<db>.lock` (exclusive) for the whole write; readers only pass it (shared, let go at once).

    Readers share the DuckDB file, so without this a steady stream of link openings from several processes could
    keep a writer out past its deadline: a queued writer holds the turnstile, new readers wait behind it, and the
    readers already inside finish. flock is released when the descriptor closes, also when the process dies.
    """
    fd = _flock(path, fcntl.LOCK_EX if write else fcntl.LOCK_SH, deadline) if fcntl else None
    if fd is not None and not write:
        os.close(fd)
        fd = None
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)


def _with_db(
    settings: Settings, op: Callable[[duckdb.DuckDBPyConnection], Any], *, write: bool, create: bool = False
) -> Any:
    """Open the share database, run `op` in one transaction, close; wait while another process holds the file.

    Only create=True makes the file: otherwise a missing file, or (for reads) one without the shares table, means
    "no shares" and gives None. Waiting is bounded by Settings.share_lock_timeout, then ShareError.
    """
    path = Path(settings.db_path)
    if not create and not path.exists():
        return None
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max(float(settings.share_lock_timeout), 0.0)
    with _turnstile(path, write, deadline):
        return _run(path, settings, op, write, deadline)


def _run(
    path: Path, settings: Settings, op: Callable[[duckdb.DuckDBPyConnection], Any], write: bool, deadline: float
) -> Any:
    """Connect, run `op` in one transaction, close; retry while DuckDB reports the file locked or a conflict."""
    delay = 0.005
    while True:
        con = None
        try:
            con = _connect(path, settings, write)
            if write:
                con.execute(SHARES_SCHEMA)
            elif not con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'shares' AND schema_name = 'main'"
            ).fetchone()[0]:
                return None
            con.execute("BEGIN TRANSACTION")
            try:
                result = op(con)
                con.execute("COMMIT")
            except BaseException:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error:
                    pass  # the connection is gone; closing it discards the transaction anyway
                raise
            return result
        except duckdb.Error as exc:
            if _disk_full(exc, path):
                raise ShareStoreError(_disk_full_message(path)) from None
            if not _is_busy(exc):
                raise ShareStoreError(
                    f"the share database {path.name} cannot be used (it is damaged, or not a database); check IMPACT_DB"
                ) from None
            delay = _pause(deadline, delay, 0.1)
        finally:
            if con is not None:
                con.close()


class DuckDBStore:
    """The share table in the DuckDB file; reads of a missing file (or one without the table) find nothing and
    create nothing, only a write makes the file."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def insert(self, new_id: Callable[[], str], share: NewShare) -> str:
        def insert(con) -> str:
            while True:
                share_id = new_id()
                if con.execute("SELECT count(*) FROM shares WHERE id = ?", [share_id]).fetchone()[0] == 0:
                    break
            con.execute(
                "INSERT INTO shares VALUES (?, ?, ?, ?, NULL, ?, ?, ?)",
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
            return share_id

        return _with_db(self.settings, insert, write=True, create=True)

    def find(self, token_hash: str) -> tuple | None:
        def fetch(con):
            return con.execute(
                "SELECT token_hash, id, created, expires, revoked, payload, payload_sha256 FROM shares"
                " WHERE token_hash = ?",
                [token_hash],
            ).fetchone()

        return _with_db(self.settings, fetch, write=False)

    def revoke(self, column: str, value: str, now: datetime) -> bool:
        if column not in REVOKE_COLUMNS:
            raise ValueError(f"shares are revoked by {' or '.join(REVOKE_COLUMNS)}, not {column!r}")

        def revoke(con) -> bool:
            hit = con.execute(
                f"SELECT count(*) FROM shares WHERE {column} = ? AND revoked IS NULL", [value]
            ).fetchone()[0]
            con.execute(f"UPDATE shares SET revoked = ? WHERE {column} = ? AND revoked IS NULL", [now, value])
            return hit > 0

        return bool(_with_db(self.settings, revoke, write=True))

    def rows(self, now: datetime, include_inactive: bool) -> list[tuple]:
        def fetch(con):
            return con.execute(
                """SELECT id, created, expires, revoked, label, octet_length(payload) FROM shares
                   WHERE $all OR (revoked IS NULL AND (expires IS NULL OR expires > $now))
                   ORDER BY created DESC, id""",
                {"all": include_inactive, "now": now},
            ).fetchall()

        return _with_db(self.settings, fetch, write=False) or []

"""Share links: a saved, read-only snapshot of an analysis behind an unguessable token.

    link = create_share(build_snapshot(settings=..., windows=..., analysis=..., ingest=...))
    snapshot = open_share(link.token)      # or raises ShareError("this link is not valid")

The snapshot is scrubbed of order-level data (`scrub_snapshot`) and stored, zlib-compressed JSON, in the persistent
DuckDB file (Settings.db_path, IMPACT_DB). Only the SHA-256 of the token is stored. Each operation opens the file,
runs one transaction and closes it, so several app processes can share the file (DuckDB lets one process at a time
hold it); a process that finds it locked retries with backoff for up to Settings.share_lock_timeout seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import secrets
import time
import zlib
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

try:
    import fcntl
except ImportError:  # Windows: DuckDB's own file lock and the retry loop still apply
    fcntl = None

from .errors import InputError, ShareError
from .settings import Settings, load_settings
from .snapshot import SNAPSHOT_VERSION, build_snapshot, describe, scrub_snapshot
from .store import configure, persistent_db
from .url_builder import TOKEN_BYTES, is_valid_token, share_url
from .windows import iso_utc

__all__ = [
    "INVALID",
    "SNAPSHOT_VERSION",
    "SharedView",
    "ShareLink",
    "build_snapshot",
    "create_share",
    "list_shares",
    "load_share",
    "new_token",
    "open_share",
    "revoke_share",
    "revoke_share_id",
    "scrub_snapshot",
    "token_hash",
]

INVALID = "this link is not valid"
MAX_EXPIRES_DAYS = 3650
# A snapshot is aggregates; anything this large is a mistake (or raw data), not a chart.
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024

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

# ---------------------------------------------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareLink:
    token: str  # shown once, at creation; only its hash is stored
    url: str
    expires: datetime | None  # naive UTC
    id: str

    def to_json(self) -> dict:
        return {"token": self.token, "url": self.url, "expires": iso_utc(self.expires), "id": self.id}


@dataclass(frozen=True)
class SharedView:
    id: str
    created: datetime  # naive UTC
    expires: datetime | None  # naive UTC
    snapshot: dict


def new_token() -> str:
    """256 random bits from `secrets`, URL-safe base64 (43 characters), never starting with '-'.

    A token that starts with '-' reads as an option on a command line (`share --revoke -Xy...` fails); drawing
    again in that case keeps log2(63/64 x 2^256) > 255.9 bits of entropy.
    """
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.startswith("-"):
            return token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _utc_now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now


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


_BUSY = "the share database is busy (another process is holding it); try again in a moment"


def _pause(deadline: float, delay: float, cap: float) -> float:
    """Sleep a jittered `delay` (never past the deadline) and return the next delay; ShareError once time is up."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise ShareError(_BUSY)
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
            if not _is_busy(exc):
                raise ShareError(
                    f"the share database {path.name} cannot be used (it is damaged, or not a database); check IMPACT_DB"
                ) from None
            delay = _pause(deadline, delay, 0.1)
        finally:
            if con is not None:
                con.close()


def _expiry(now: datetime, expires_days: int | None, settings: Settings) -> datetime:
    days = settings.share_expires_days if expires_days is None else expires_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXPIRES_DAYS:
        raise InputError(f"a share link must expire after 1 to {MAX_EXPIRES_DAYS} days, not {days!r}")
    return now + timedelta(days=days)


def create_share(
    snapshot: Mapping, *, expires_days: int | None = None, settings: Settings | None = None, now: datetime | None = None
) -> ShareLink:
    """Scrub and save a snapshot; return its link. One transaction: the share is saved whole or not at all."""
    settings = settings or load_settings()
    now = _utc_now(now)
    expires = _expiry(now, expires_days, settings)
    clean = scrub_snapshot(snapshot)
    text = json.dumps(clean, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    if len(text) > MAX_SNAPSHOT_BYTES:
        raise ShareError(f"this analysis is too large to share ({len(text) / 1e6:,.0f} MB of results)")
    payload = zlib.compress(text.encode("utf-8"), 6)
    digest = hashlib.sha256(payload).hexdigest()
    token = new_token()
    label = describe(clean)

    def insert(con) -> str:
        while True:
            share_id = secrets.token_hex(6)
            if con.execute("SELECT count(*) FROM shares WHERE id = ?", [share_id]).fetchone()[0] == 0:
                break
        con.execute(
            "INSERT INTO shares VALUES (?, ?, ?, ?, NULL, ?, ?, ?)",
            [share_id, token_hash(token), now, expires, label, payload, digest],
        )
        return share_id

    share_id = _with_db(settings, insert, write=True, create=True)
    return ShareLink(token=token, url=share_url(settings.app_url, token), expires=expires, id=share_id)


def load_share(token: str, *, settings: Settings | None = None, now: datetime | None = None) -> SharedView:
    """The shared snapshot with its id and dates; ShareError(INVALID) for a malformed, unknown, expired, revoked or
    damaged share: the same words for all, so a caller learns nothing about tokens it does not hold."""
    settings = settings or load_settings()
    now = _utc_now(now)
    if not is_valid_token(token):
        raise ShareError(INVALID)
    wanted = token_hash(token)

    def fetch(con):
        return con.execute(
            "SELECT token_hash, id, created, expires, revoked, payload, payload_sha256 FROM shares WHERE token_hash = ?",
            [wanted],
        ).fetchone()

    row = _with_db(settings, fetch, write=False)
    if row is None:
        raise ShareError(INVALID)
    stored, share_id, created, expires, revoked, payload, digest = row
    if not hmac.compare_digest(str(stored).encode(), wanted.encode()):
        raise ShareError(INVALID)
    if revoked is not None or (expires is not None and now >= expires):
        raise ShareError(INVALID)
    payload = bytes(payload)
    if not hmac.compare_digest(hashlib.sha256(payload).hexdigest(), str(digest)):
        raise ShareError(INVALID)
    try:
        snapshot = json.loads(zlib.decompress(payload).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError):
        raise ShareError(INVALID) from None
    if not isinstance(snapshot, dict):
        raise ShareError(INVALID)
    return SharedView(id=share_id, created=created, expires=expires, snapshot=snapshot)


def open_share(token: str, *, settings: Settings | None = None, now: datetime | None = None) -> dict:
    """The snapshot behind a token, or ShareError("this link is not valid")."""
    return load_share(token, settings=settings, now=now).snapshot


def _revoke_where(column: str, value: str, settings: Settings | None, now: datetime | None) -> bool:
    settings = settings or load_settings()
    now = _utc_now(now)

    def revoke(con) -> bool:
        hit = con.execute(f"SELECT count(*) FROM shares WHERE {column} = ? AND revoked IS NULL", [value]).fetchone()[0]
        con.execute(f"UPDATE shares SET revoked = ? WHERE {column} = ? AND revoked IS NULL", [now, value])
        return hit > 0

    return bool(_with_db(settings, revoke, write=True))


def revoke_share(token: str, *, settings: Settings | None = None, now: datetime | None = None) -> bool:
    """Revoke the share behind a token; True if it was active (or expired) and is now revoked, False otherwise."""
    if not is_valid_token(token):
        return False
    return _revoke_where("token_hash", token_hash(token), settings, now)


def revoke_share_id(share_id: str, *, settings: Settings | None = None, now: datetime | None = None) -> bool:
    """Revoke by the id `list_shares` shows, for an owner who no longer has the link."""
    if not isinstance(share_id, str) or not re.fullmatch(r"[0-9a-f]{12}", share_id.strip().lower()):
        return False
    return _revoke_where("id", share_id.strip().lower(), settings, now)


def list_shares(
    *, settings: Settings | None = None, now: datetime | None = None, include_inactive: bool = False
) -> list[dict]:
    """Shares, newest first: id, created, expires, revoked (ISO UTC), label, size and status. Never tokens or hashes.

    By default only active shares; include_inactive adds expired and revoked ones.
    """
    settings = settings or load_settings()
    now = _utc_now(now)

    def fetch(con):
        return con.execute(
            """SELECT id, created, expires, revoked, label, octet_length(payload) FROM shares
               WHERE $all OR (revoked IS NULL AND (expires IS NULL OR expires > $now))
               ORDER BY created DESC, id""",
            {"all": include_inactive, "now": now},
        ).fetchall()

    rows = _with_db(settings, fetch, write=False) or []
    out = []
    for share_id, created, expires, revoked, label, size in rows:
        status = "revoked" if revoked is not None else "expired" if expires is not None and now >= expires else "active"
        out.append(
            {
                "id": share_id,
                "created": iso_utc(created),
                "expires": iso_utc(expires),
                "revoked": iso_utc(revoked),
                "status": status,
                "label": label,
                "bytes": int(size),
            }
        )
    return out

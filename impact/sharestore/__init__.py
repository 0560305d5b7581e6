"""Where share links are kept: a DuckDB file (the default) or PostgreSQL (IMPACT_DB=postgresql://...).

impact.share decides what a share is (token, hash, scrub, expiry rules); a store only keeps rows, each operation in
one transaction. The backend is chosen here, from the settings, and nowhere else:

    store = open_store(settings)           # DuckDBStore(settings) or PostgresStore(settings)
    share_id = store.insert(new_id, row)   # row: NewShare; new_id() draws a public id until one is free
    store.find(token_hash)                 # (token_hash, id, created, expires, revoked, payload, payload_sha256)
    store.revoke("id", value, now)         # or "token_hash"; True if an active share was revoked
    store.rows(now, include_inactive)      # (id, created, expires, revoked, label, bytes), newest first

Times are naive datetimes holding UTC in both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..settings import Settings

__all__ = ["NewShare", "ShareStore", "close_pools", "open_store"]

# The only columns a share may be revoked by; they are written into SQL as names, so nothing else is accepted.
REVOKE_COLUMNS = ("token_hash", "id")


@dataclass(frozen=True)
class NewShare:
    token_hash: str
    created: datetime
    expires: datetime | None
    label: str
    payload: bytes
    payload_sha256: str


class ShareStore(Protocol):
    def insert(self, new_id: Callable[[], str], share: NewShare) -> str: ...

    def find(self, token_hash: str) -> tuple | None: ...

    def revoke(self, column: str, value: str, now: datetime) -> bool: ...

    def rows(self, now: datetime, include_inactive: bool) -> list[tuple]: ...


def open_store(settings: Settings) -> ShareStore:
    """PostgreSQL when Settings.db_url is set (IMPACT_DB=postgresql://...), the DuckDB file otherwise."""
    if settings.db_url:
        from .postgres_store import PostgresStore  # psycopg is only loaded where PostgreSQL is used

        return PostgresStore(settings)
    from .duckdb_store import DuckDBStore

    return DuckDBStore(settings)


def close_pools() -> None:
    """Close this process's PostgreSQL connection pools (tests, and a clean shutdown); a later use opens anew."""
    import sys

    module = sys.modules.get(f"{__name__}.postgres_store")
    if module is not None:
        module.close_pools()

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

import sys

from ...settings import Settings
from .base import REVOKE_COLUMNS, NewShare, ShareStore
from .duckdb_store import DuckDBStore

__all__ = ["REVOKE_COLUMNS", "NewShare", "ShareStore", "close_pools", "open_store"]


def open_store(settings: Settings) -> ShareStore:
    """PostgreSQL when Settings.db_url is set (IMPACT_DB=postgresql://...), the DuckDB file otherwise."""
    if settings.db_url:
        from .postgres_store import PostgresStore  # psycopg is only loaded where PostgreSQL is used

        return PostgresStore(settings)
    return DuckDBStore(settings)


def close_pools() -> None:
    """Close this process's PostgreSQL connection pools (tests, and a clean shutdown); a later use opens anew."""
    module = sys.modules.get(f"{__name__}.postgres_store")
    if module is not None:
        module.close_pools()

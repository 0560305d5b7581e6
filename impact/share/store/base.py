"""What every share store holds and offers: the row a new share writes, the columns a share is revoked by, and the
interface both backends (duckdb_store.py, postgres_store.py) implement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

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

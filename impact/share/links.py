"""Share links: a saved, read-only snapshot of an analysis behind an unguessable token.

    link = create_share(build_snapshot(settings=..., windows=..., analysis=..., ingest=...))
    snapshot = open_share(link.token)      # or raises ShareError("this link is not valid")

The snapshot is scrubbed of order-level data (`scrub_snapshot`) and stored, zlib-compressed JSON, in the share
store IMPACT_DB names (impact.share.store): the DuckDB file Settings.db_path by default, or PostgreSQL for a
postgresql:// URL (Settings.db_url), which app replicas on several machines share. Only the SHA-256 of the token is
stored. Each operation is one transaction in either store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..errors import InputError, ShareError
from ..settings import Settings, load_settings
from ..windows import iso_utc
from .snapshot import SNAPSHOT_VERSION, build_snapshot, describe, scrub_snapshot
from .store import NewShare, open_store
from .url_builder import TOKEN_BYTES, is_valid_token, share_url

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

    row = NewShare(token_hash(token), now, expires, label, payload, digest)
    share_id = open_store(settings).insert(lambda: secrets.token_hex(6), row)
    base = settings.public_url.strip() or settings.app_url  # a deployment's public address first
    return ShareLink(token=token, url=share_url(base, token), expires=expires, id=share_id)


def load_share(token: str, *, settings: Settings | None = None, now: datetime | None = None) -> SharedView:
    """The shared snapshot with its id and dates; ShareError(INVALID) for a malformed, unknown, expired, revoked or
    damaged share: the same words for all, so a caller learns nothing about tokens it does not hold."""
    settings = settings or load_settings()
    now = _utc_now(now)
    if not is_valid_token(token):
        raise ShareError(INVALID)
    wanted = token_hash(token)

    row = open_store(settings).find(wanted)
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
    return open_store(settings).revoke(column, value, _utc_now(now))


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

    rows = open_store(settings).rows(now, include_inactive)
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

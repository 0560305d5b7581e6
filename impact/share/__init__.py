"""Read-only share links, all in one package: links.py (tokens, hash only, expiry, revocation), snapshot.py (what a
link may hold: the privacy scrub), url_builder.py (builds and parses share URLs) and store/ (where shares are kept:
the DuckDB file or PostgreSQL, chosen from IMPACT_DB). Callers import the links' API from here.

    link = create_share(build_snapshot(settings=..., windows=..., analysis=..., ingest=...))
    snapshot = open_share(link.token)      # or raises ShareError("this link is not valid")
"""

from .links import (
    INVALID,
    SNAPSHOT_VERSION,
    SharedView,
    ShareLink,
    build_snapshot,
    create_share,
    list_shares,
    load_share,
    new_token,
    open_share,
    revoke_share,
    revoke_share_id,
    scrub_snapshot,
    token_hash,
)

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

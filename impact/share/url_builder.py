"""The one place that builds and reads share links: `<app url>/?share=<token>`.

Tokens come from `secrets.token_urlsafe(32)`: 32 random bytes (256 bits) as 43 URL-safe base64 characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from ..errors import ShareError

PARAM = "share"
TOKEN_BYTES = 32
TOKEN_LENGTH = 43  # len(secrets.token_urlsafe(32))
_TOKEN_RE = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")
# Anything longer than this is not a share link; don't spend time parsing or hashing it.
_MAX_INPUT = 4096


def is_valid_token(token: object) -> bool:
    """True when `token` has the exact shape of a token this app issues (charset and length)."""
    return isinstance(token, str) and _TOKEN_RE.fullmatch(token) is not None


def share_url(base_url: str, token: str) -> str:
    """`<base_url>/?share=<token>`, keeping the base's path (an app served under /impact/ stays there)."""
    if not is_valid_token(token):
        raise ShareError("this link is not valid")
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ShareError(f"the app address '{base_url}' is not an http(s) address; set IMPACT_APP_URL")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    query = [(k, v) for k, vs in parse_qs(parts.query, keep_blank_values=True).items() if k != PARAM for v in vs]
    query.append((PARAM, token))
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def _values_from_mapping(params: Mapping) -> list[str] | None:
    if PARAM not in params:
        return None
    value = params[PARAM]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def share_param(source: Mapping | str | None) -> str | None:
    """The raw `share` value a request carries, or None when it carries none.

    `source` is a query-parameter mapping (Streamlit's `st.query_params`, or parse_qs output), a full link, a query
    string (`share=...` or `?share=...`), or a bare token. A present but malformed value is returned as it is (""
    when empty, or when the parameter is repeated), so the caller can answer "this link is not valid" instead of
    silently showing the normal app.
    """
    if source is None:
        return None
    if isinstance(source, Mapping):
        values = _values_from_mapping(source)
    else:
        text = str(source).strip()[:_MAX_INPUT]
        if "://" in text or text.startswith(("?", "/")):
            query = urlsplit(text).query
        elif text.startswith(PARAM + "="):
            query = text
        else:
            return text  # a bare token, as pasted into `share --revoke`
        values = parse_qs(query, keep_blank_values=True).get(PARAM)
    if values is None:
        return None
    if len(values) != 1:
        return ""  # several share values: refuse rather than guess which one was meant
    return values[0].strip()[:_MAX_INPUT]


def token_from_query(source: Mapping | str | None) -> str | None:
    """The token in a link, query string, query mapping or bare token, if it is well formed; otherwise None.

    Use `share_param` to tell "no share requested" (None) from "a malformed share link" (a value that fails here).
    """
    value = share_param(source)
    return value if is_valid_token(value) else None

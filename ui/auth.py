"""Who may open the operator pages: the Portfolio page (?page=portfolio) and a portfolio row's ?seller= link, which
read the server's seller folders. Anyone else is refused with a sentence; the dashboard itself needs no sign-in.

An operator is either
- signed in with Streamlit's built-in OIDC login (`st.login`, the provider in `.streamlit/secrets.toml` under
  `[auth]`), and listed in IMPACT_OPERATORS when that list is set; or
- named by an authenticating reverse proxy in the header IMPACT_OPERATOR_HEADER (oauth2-proxy, Cloudflare Access…),
  with the proxy's shared secret in X-Impact-Proxy-Secret when IMPACT_OPERATOR_SECRET is set.
With neither configured nobody is an operator, so a fresh deployment opens no seller folder to a visitor.
"""

from __future__ import annotations

import hmac

import streamlit as st

from ui.common import settings

SECRET_HEADER = "X-Impact-Proxy-Secret"


def _header(name: str) -> str:
    try:
        return (st.context.headers.get(name) or "").strip()
    except Exception:  # noqa: BLE001 - no browser request behind this run (a bare script): no header
        return ""


def _login_configured() -> bool:
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # noqa: BLE001 - no secrets.toml at all: Streamlit's login is not set up
        return False


def _proxy_operator() -> str | None:
    s = settings()
    if not s.operator_header:
        return None
    user = _header(s.operator_header)
    if not user:
        return None
    if s.operator_secret and not hmac.compare_digest(_header(SECRET_HEADER).encode(), s.operator_secret.encode()):
        return None
    return user


def _login_operator() -> str | None:
    if not _login_configured() or not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "")
    allowed = {e.strip().lower() for e in settings().operators.split(",") if e.strip()}
    if allowed and email.lower() not in allowed:
        return None
    return email or str(st.user.get("name") or "operator")


def signed_in_operator() -> str | None:
    """The operator signed in to this session (an e-mail or the proxy's user name), or None for a visitor."""
    return _proxy_operator() or _login_operator()


def require_operator(what: str) -> bool:
    """True for an operator; otherwise says why `what` is refused (with a sign-in button when login is set up)."""
    if signed_in_operator():
        return True
    st.error(
        f"{what} is for the operator of this server only: sign in as the operator to open it.",
        icon=":material/lock:",
    )
    if _login_configured() and not st.user.is_logged_in:
        st.button("Sign in", on_click=st.login, icon=":material/login:")
    return False

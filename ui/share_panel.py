"""Share links: a read-only snapshot of the results (no orders behind it), made from the sidebar."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from impact.errors import ImpactError
from impact.present import local_time, number
from impact.share import create_share, revoke_share_id
from impact.share.url_builder import share_url
from ui.common import md_escape, settings
from ui.results import Results
from ui.state import State, state

# The longest a link made in the app works; the library allows more for a deployment's own scripts.
SHARE_MAX_DAYS = 365


def render(results: Results) -> None:
    with st.sidebar.expander("Share these results"):
        try:
            res, _ = results.analysis()
            if res is None:
                st.caption("A share link needs a loss estimate for the window.")
                return
            # No min/max on the widget: Streamlit would keep the last valid number and the button would make a
            # link for a length the seller did not ask for; the range is checked here and the button held back.
            days = st.number_input(
                "Link works for (days)", value=int(settings().share_expires_days), step=1, key=State.share_days.key
            )
            allowed = 1 <= days <= SHARE_MAX_DAYS
            if not allowed:
                st.error(
                    f"A link can work for 1 to {SHARE_MAX_DAYS} days, not {number(days)}: change the number to "
                    "create one.",
                    icon=":material/error:",
                )
            # A link is shown only next to the results it was made from.
            context = (state.dataset_key, results.window, results.params, results.tz)
            created = st.button(
                "Create a read-only link", key="share_create", icon=":material/link:", disabled=not allowed
            )
            if created and allowed:
                made = create_share(results.share_snapshot(res), expires_days=int(days))
                state.share_link = (context, made.to_json() | {"url": share_url(public_base(), made.token)})
            made = state.share_link
            if made and made[0] == context:
                link_details(made, results.tz)
        except ImpactError as exc:
            st.error(md_escape(str(exc)), icon=":material/error:")


def public_base() -> str:
    """The address a link is built on: IMPACT_PUBLIC_URL for a deployment, else the address the seller reached the
    app on (the browser's, so a proxy's public name and any port are kept), else IMPACT_APP_URL."""
    configured = settings().public_url.strip()
    if configured:
        return configured
    reached = urlsplit(str(st.context.url or ""))
    if reached.scheme in ("http", "https") and reached.netloc:
        return urlunsplit((reached.scheme, reached.netloc, reached.path, "", ""))
    return settings().app_url


def link_details(made: tuple, tz: str) -> None:
    """The link, how long it works, and a button that revokes it; once revoked, only that it was."""
    context, link = made
    if link.get("revoked"):
        st.success("Revoked: the link no longer opens.", icon=":material/link_off:")
        return
    st.code(link["url"], language=None, wrap_lines=True)
    st.caption(
        f"Valid until {local_time(link['expires'], tz, zone=True)}. It shows these results and charts, "
        "never order ids, file names or buyer data."
    )
    if link.get("revoke_error"):
        st.error(md_escape(link["revoke_error"]), icon=":material/error:")
    st.button(
        "Revoke this link", key="share_revoke", icon=":material/link_off:", on_click=_revoke, args=(context, link)
    )


def _revoke(context: tuple, link: dict) -> None:
    # A callback, with the link it was drawn for: it runs before the next run draws anything, so the click revokes
    # that link even when the run that follows draws the panel differently (or not at all).
    try:
        revoke_share_id(link["id"])
    except ImpactError as exc:
        state.share_link = (context, link | {"revoke_error": f"The link could not be revoked: {exc}"})
        return
    state.share_link = (context, link | {"revoked": True})

"""Share links: a read-only snapshot of the results (no orders behind it), made from the sidebar."""

from __future__ import annotations

import streamlit as st

from impact.errors import ImpactError
from impact.present import local_time
from impact.share import create_share
from ui.common import md_escape, settings
from ui.results import Results
from ui.state import State, state


def render(results: Results) -> None:
    with st.sidebar.expander("Share these results"):
        try:
            res, _ = results.analysis()
            if res is None:
                st.caption("A share link needs a loss estimate for the window.")
                return
            days = st.number_input(
                "Link works for (days)",
                min_value=1,
                max_value=365,
                value=int(settings().share_expires_days),
                key=State.share_days.key,
            )
            # A link is shown only next to the results it was made from.
            context = (state.dataset_key, results.window, results.params, results.tz)
            if st.button("Create a read-only link", key="share_create", icon=":material/link:"):
                link = create_share(results.share_snapshot(res), expires_days=int(days)).to_json()
                state.share_link = (context, link)
            made = state.share_link
            if made and made[0] == context:
                link_details(made[1], results.tz)
        except ImpactError as exc:
            st.error(md_escape(str(exc)), icon=":material/error:")


def link_details(link: dict, tz: str) -> None:
    st.code(link["url"], language=None, wrap_lines=True)
    st.caption(
        f"Valid until {local_time(link['expires'], tz, zone=True)}. It shows these results and charts, "
        "never order ids, file names or buyer data. To revoke it: "
        f"`python -m impact share --revoke-id {link['id']}`."
    )

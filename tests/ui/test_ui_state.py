"""ui.state: typed session values and the per-session result cache."""

from uipages import rerun, run_page


def _state_page():
    import streamlit as st

    from ui.state import State, session_cached, state

    st.write(f"{state.tz} {state.proposal_id} {State.tz.is_set()} {State.window_title.key}")
    state.proposal_id += 1
    State.mappings.setdefault()["f.csv"] = (("order_id", "A"),)
    for i in range(14):
        session_cached("demo", i, lambda i=i: i * 10)
    st.write(str(session_cached("demo", 13, lambda: "recomputed")))


def test_values_default_until_set_and_the_cache_keeps_the_newest():
    """Unset values read as their default without being stored; assignments persist; each kind keeps 12 results."""
    at = run_page(_state_page)
    assert at.markdown[0].value == "UTC 0 False window_title"
    assert "tz" not in at.session_state and at.session_state["proposal_id"] == 1
    assert at.session_state["mappings"] == {"f.csv": (("order_id", "A"),)}
    assert at.markdown[1].value == "130"
    assert sorted(k[2] for k in at.session_state["_results"]) == list(range(2, 14))
    at = rerun(at)
    assert at.session_state["proposal_id"] == 2

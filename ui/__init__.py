"""The Streamlit screens of Outage Impact, one module per tab and panel; app.py wires them together.

`impact` computes, `ui` shows: nothing here parses a file or estimates a loss itself, except the wiring gathered in
ui.results until impact offers it. Session values are declared in ui.state.
"""

"""Outage Impact core: ingest seller exports, estimate what an outage cost. Never imports streamlit."""

__version__ = "0.1.0"

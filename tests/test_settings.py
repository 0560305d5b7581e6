"""Tests for settings defaults and IMPACT_* overrides."""

from pathlib import Path

from impact.settings import load_settings


def test_env_overrides_defaults():
    """IMPACT_* variables override the dataclass defaults with the right types."""
    s = load_settings({"IMPACT_CONFIDENCE": "0.8", "IMPACT_DB": "/tmp/x.duckdb", "IMPACT_FEED_ALLOW_PRIVATE": "yes"})
    assert s.confidence == 0.8
    assert s.db_path == Path("/tmp/x.duckdb")
    assert s.feed_allow_private is True
    assert load_settings({}).confidence == 0.9

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


def test_a_postgres_url_in_impact_db():
    """IMPACT_DB=postgresql://... (or postgres://) is kept whole as db_url, the file path stays the default."""
    for url in ("postgresql://app:pw@db.internal:5432/impact", "postgres://app@10.0.0.5/impact?sslmode=require"):
        s = load_settings({"IMPACT_DB": url, "IMPACT_DB_POOL_SIZE": "8"})
        assert s.db_url == url and s.db_pool_size == 8
        assert s.db_path == load_settings({}).db_path
    assert load_settings({"IMPACT_DB": "/srv/impact.duckdb"}).db_url == ""


def test_portfolio_root_is_off_unless_set():
    """IMPACT_PORTFOLIO_ROOT names the app's portfolio folder; without it the setting is None (off)."""
    assert load_settings({}).portfolio_root is None
    assert load_settings({"IMPACT_PORTFOLIO_ROOT": "/srv/sellers"}).portfolio_root == Path("/srv/sellers")

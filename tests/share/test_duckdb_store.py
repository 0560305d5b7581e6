"""Tests for the DuckDB share store's failures: a full disk is named as such, not as a busy or invalid store."""

import duckdb
import pytest

from impact.errors import ShareStoreError
from impact.share import create_share
from impact.share.store import duckdb_store


def test_a_full_disk_is_named_with_the_space_left(tmp_path, monkeypatch):
    """A write that fails for want of space says the disk is full and how much is free where, in one line."""
    monkeypatch.setenv("IMPACT_DB", str(tmp_path / "shares.duckdb"))

    def full(*_args, **_kwargs):
        raise duckdb.IOException('Could not write file "shares.duckdb": No space left on device')

    monkeypatch.setattr(duckdb_store, "persistent_db", full)
    monkeypatch.setattr(duckdb_store, "_free_bytes", lambda path: 1_234_567)
    with pytest.raises(ShareStoreError) as err:
        create_share({"version": 1})
    assert str(err.value) == f"the disk is full (1.2 MB free in {tmp_path}); the share could not be saved"

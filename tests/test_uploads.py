"""Uploads arrive as bytes and are imported exactly as the CLI imports the same files from disk."""

from __future__ import annotations

import tempfile
from pathlib import Path

from conftest import WALMART_MAPPING

from impact.ingest import ingest_files, summary, uploads
from impact.ingest.uploads import ingest_uploads
from impact.store import session_db


def _leftovers() -> set[str]:
    return {str(p) for d in (tempfile.gettempdir(), "/dev/shm") for p in Path(d).glob("impact-upload-*")}


def test_upload_bytes_give_the_same_import_as_the_files_on_disk(con, data_dir):
    """Uploading two exports as bytes loads the same lines and report as ingest_files on the paths."""
    names = ["amazon_all_orders_32.txt", "shopify_orders_export.csv"]
    before = _leftovers()
    result = ingest_uploads(con, [(n, (data_dir / n).read_bytes()) for n in names], tz="UTC")
    assert result.errors == [] and result.unmapped == []
    disk = session_db()
    try:
        ingest_files(disk, [data_dir / n for n in names], tz="UTC")
        query = "SELECT * EXCLUDE (file_id) FROM lines ORDER BY ALL"
        assert con.execute(query).fetchall() == disk.execute(query).fetchall()
        got, want = summary(con).to_json(), summary(disk).to_json()
        assert got == want and [f["name"] for f in got["files"]] == names
    finally:
        disk.close()
    assert _leftovers() == before  # the temporary copies are gone


def test_one_bad_upload_does_not_block_the_others(con, data_dir):
    """An unknown layout is offered for mapping, an unreadable file gets one message, the good file loads."""
    uploads = [
        ("walmart.csv", (data_dir / "generic_walmart.csv").read_bytes()),
        ("archive.csv", (data_dir / "bad" / "zip_archive.csv").read_bytes()),
        ("orders.txt", (data_dir / "amazon_all_orders_32.txt").read_bytes()),
    ]
    result = ingest_uploads(con, uploads, tz="UTC")
    assert [u["name"] for u in result.unmapped] == ["walmart.csv"]
    assert "Order Ref" in result.unmapped[0]["header"]
    assert len(result.errors) == 1 and result.errors[0].startswith("archive.csv")
    assert [f.name for f in summary(con).files] == ["orders.txt"]


def test_a_mapping_given_for_an_upload_is_used(con, data_dir):
    """With its column mapping, the unknown layout imports like any other upload."""
    data = (data_dir / "generic_walmart.csv").read_bytes()
    result = ingest_uploads(con, [("walmart.csv", data)], tz="UTC", mappings={"walmart.csv": WALMART_MAPPING})
    assert result.errors == [] and result.unmapped == []
    assert summary(con).files[0].loaded > 0


def test_the_copy_goes_to_memory_only_when_there_is_ample_room(tmp_path):
    """/dev/shm-like directories are used when they hold twice the upload plus 256 MB, never when missing or small."""
    assert uploads._memory_dir(1 << 20, root=str(tmp_path)) == str(tmp_path)
    assert uploads._memory_dir(1 << 60, root=str(tmp_path)) is None
    assert uploads._memory_dir(1, root=str(tmp_path / "missing")) is None


def test_a_full_memory_directory_falls_back_to_the_disk(con, data_dir, tmp_path, monkeypatch):
    """When writing the copy to the memory directory fails (it filled up meanwhile), the upload still imports."""
    full = tmp_path / "shm"
    full.mkdir()
    monkeypatch.setattr(uploads, "_memory_dir", lambda size: str(full))
    write = Path.write_bytes

    def refuse_in_full(self, data):
        if full in self.parents:
            raise OSError(28, "No space left on device")
        return write(self, data)

    monkeypatch.setattr(Path, "write_bytes", refuse_in_full)
    name = "amazon_all_orders_32.txt"
    result = ingest_uploads(con, [(name, (data_dir / name).read_bytes())], tz="UTC")
    assert result.errors == [] and result.unmapped == []
    assert con.execute("SELECT count(*) FROM lines").fetchone()[0] > 0
    assert list(full.iterdir()) == []

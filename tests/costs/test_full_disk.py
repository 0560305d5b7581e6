"""A full temporary disk while a cost or ad file is copied: one line naming the free space, no partial file left."""

from __future__ import annotations

import errno
import os
import tempfile

import pytest

from impact.costs import load_costs
from impact.errors import DiskFullError


@pytest.fixture
def full_tmp(tmp_path, monkeypatch):
    """A temp folder of its own whose every temporary-file write fails half way with ENOSPC."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    real = tempfile._TemporaryFileWrapper

    class Full(real):
        def write(self, data):
            self.file.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tempfile, "_TemporaryFileWrapper", Full)
    return tmp


def _refused(con, tmp, **files) -> str:
    with pytest.raises(DiskFullError) as exc:
        load_costs(con, **files)
    message = str(exc.value)
    assert "\n" not in message
    assert message.startswith("the disk is full (") and message.endswith(
        f" MB free in {tmp}): free some space, or set TMPDIR to a larger disk, and import again"
    )
    assert sorted(p.name for p in tmp.iterdir()) == []
    return message


def test_a_utf16_cost_file_on_a_full_disk(con, tmp_path, full_tmp):
    """The UTF-16 cost file's UTF-8 copy fails: one line, no temp file, no cost loaded."""
    path = tmp_path / "costs.csv"
    path.write_text("sku,unit_cost\n" + "".join(f"S{i},{i % 50 + 1}.50\n" for i in range(2000)), encoding="utf-16")
    _refused(con, full_tmp, costs=[path])
    assert con.execute("SELECT count(*) FROM product_costs").fetchone()[0] == 0


def test_a_windows_1252_ad_report_on_a_full_disk(con, tmp_path, full_tmp):
    """The Windows-1252 ad report's line-by-line copy fails the same way."""
    path = tmp_path / "ads.csv"
    rows = "".join(f"2025-03-{1 + i % 28:02d},amazon,{i % 90 + 1}.25,Caf\xe9\n" for i in range(2000))
    path.write_bytes(("date,channel,spend,note\n" + rows).encode("cp1252"))
    _refused(con, full_tmp, ads=[path])
    assert con.execute("SELECT count(*) FROM ad_spend").fetchone()[0] == 0

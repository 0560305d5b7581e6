"""Uploads arrive as bytes and are imported exactly as the CLI imports the same files from disk."""

from __future__ import annotations

import tempfile
from pathlib import Path

from testdata import WALMART_MAPPING

from impact.ingest import ingest_files, summary
from impact.ingest.uploads import ingest_uploads
from impact.store import session_db


def _leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("impact-upload-*")}


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


AMBIGUOUS_SHOPIFY = (
    b"Name,Financial Status,Currency,Subtotal,Created at,Lineitem quantity,Lineitem name,Lineitem price\r\n"
    b"#1001,paid,CAD,10.00,05/12/2023 22:36,1,Mug,10.00\r\n#1002,paid,CAD,10.00,03/12/2023 10:00,1,Mug,10.00\r\n"
)


def test_an_upload_whose_dates_read_both_ways_asks_for_their_order(con):
    """A known export whose dates read both ways is offered the date order alone; with it, it loads day first."""
    result = ingest_uploads(con, [("orders.csv", AMBIGUOUS_SHOPIFY)], tz="UTC")
    assert [(u["name"], u["header"], u["date_order"]) for u in result.unmapped] == [("orders.csv", [], True)]
    assert "date_order=day_first" in result.unmapped[0]["message"] and result.errors == []
    again = ingest_uploads(
        con, [("orders.csv", AMBIGUOUS_SHOPIFY)], tz="UTC", mappings={"orders.csv": (("date_order", "day_first"),)}
    )
    assert again.unmapped == [] and again.errors == []
    assert summary(con).to_json()["first"] == "2023-12-03T10:00:00Z"


def test_two_sessions_with_different_mappings_of_the_same_header_each_get_their_own(tmp_path, data_dir, monkeypatch):
    """Two sessions upload the same header at once, one mapping revenue to another column: each gets its own figures
    and a third session without a mapping is asked for one (nothing is shared through the store)."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv("IMPACT_MAPPINGS_PATH", str(tmp_path / "mappings.json"))
    data = (data_dir / "generic_walmart.csv").read_bytes()
    other = {k: v for k, v in WALMART_MAPPING.items() if k != "quantity"}  # one unit a line: a different total

    def session(mapping):
        con = session_db()
        ingest_uploads(con, [("walmart.csv", data)], tz="UTC", mappings={"walmart.csv": mapping} if mapping else {})
        return con.execute("SELECT count(*), sum(revenue)::VARCHAR FROM lines").fetchone()

    with ThreadPoolExecutor(2) as pool:
        mine, theirs = pool.map(session, [WALMART_MAPPING, other])
    assert mine == (3, "70.0000")  # 3 x 10.00 + 2 x 5.50 + 4 x 7.25
    assert theirs == (3, "22.7500")  # one unit a line
    assert session(None) == (0, None)
    assert not (tmp_path / "mappings.json").exists()

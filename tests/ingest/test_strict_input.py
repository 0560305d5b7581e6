"""Issue 32's ingest items: strict amounts and offsets, encodings decided per line, bounded repairs, a full disk."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

from impact.errors import DiskFullError
from impact.ingest import ingest_files, quotes, textfile

HEADER = "order_id,date,amount,sku\n"
MAPPING = {"order_id": "order_id", "purchased_at": "date", "revenue": "amount", "sku": "sku"}


def _ingest(con, tmp_path: Path, rows: list[str], name: str = "orders.csv") -> dict:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return ingest_files(con, [path], mapping=MAPPING, tz="UTC").to_json()["files"][0]


def test_bad_numbers_are_rejected_with_the_value_and_the_fix(con, tmp_path):
    """Hex, stray commas, underscores and exponents are refused line by line; the good amounts sum exactly."""
    rows = [
        'A1,2025-03-01 10:00,"12.50",x',
        "A2,2025-03-01 10:00,0x1F,x",
        'A3,2025-03-01 10:00,"$1,2,3",x',
        "A4,2025-03-01 10:00,1_000,x",
        "A5,2025-03-01 10:00,1e5,x",
        'A6,2025-03-01 10:00,"$1,249.00",x',
    ]
    f = _ingest(con, tmp_path, rows)
    assert (f["lines"], f["loaded"], f["rejected"]) == (6, 2, 4)
    fix = ": write a plain number such as 1234.50 (no hex, exponent or underscore; commas only between groups of three digits)"
    assert f["rejects"] == [
        {"line": 3, "reason": 'unreadable amount "0x1F"' + fix},
        {"line": 4, "reason": 'unreadable amount "$1,2,3"' + fix},
        {"line": 5, "reason": 'unreadable amount "1_000"' + fix},
        {"line": 6, "reason": 'unreadable amount "1e5"' + fix},
    ]
    assert con.execute("SELECT sum(revenue)::VARCHAR FROM lines").fetchone()[0] == "1261.5000"


def test_a_dot_amount_follows_the_columns_convention(con, tmp_path):
    """1.234 is a thousand and more where the column writes decimals with a comma, one and a bit where with a dot."""
    comma = _ingest(con, tmp_path, ['B1,2025-03-01 10:00,"12,50",x', "B2,2025-03-01 11:00,1.234,x"], "comma.csv")
    assert comma["rejected"] == 0
    got = con.execute("SELECT order_id, revenue::VARCHAR FROM lines ORDER BY order_id").fetchall()
    assert got == [("B1", "12.5000"), ("B2", "1234.0000")]
    dot = _ingest(con, tmp_path, ["C1,2025-03-01 10:00,12.50,x", "C2,2025-03-01 11:00,1.234,x"], "dot.csv")
    assert dot["rejected"] == 0
    assert con.execute("SELECT revenue::VARCHAR FROM lines WHERE order_id = 'C2'").fetchone()[0] == "1.2340"


def test_an_amount_the_column_cannot_settle_is_refused(con, tmp_path):
    """With nothing showing the decimal mark, 1.234 is refused with its reason, and 12 loads."""
    f = _ingest(con, tmp_path, ["D1,2025-03-01 10:00,12,x", "D2,2025-03-01 11:00,1.234,x"])
    assert (f["loaded"], f["rejected"]) == (1, 1)
    assert f["rejects"] == [
        {
            "line": 3,
            "reason": 'ambiguous amount "1.234": no other amount in the file shows whether the separator marks '
            "thousands or decimals; write 1234 or 1.234 (or 1,234.00)",
        }
    ]


def test_impossible_utc_offsets_are_rejected(con, tmp_path):
    """+99:99, +23:59 and +14:15 are refused; -12:00, +05:45 and +14:00 are read to the right instant."""
    rows = [
        "E1,2025-03-01T10:00:00+99:99,1.00,x",
        "E2,2025-03-01T10:00:00+23:59,1.00,x",
        "E3,2025-03-01T10:00:00+14:15,1.00,x",
        "E4,2025-03-01T10:00:00-12:00,1.00,x",
        "E5,2025-03-01T10:00:00+05:45,1.00,x",
        "E6,2025-03-01T10:00:00+14:00,1.00,x",
    ]
    f = _ingest(con, tmp_path, rows)
    assert (f["loaded"], f["rejected"]) == (3, 3)
    fix = ": offsets run from -12:00 to +14:00 in quarter hours; correct the offset or export the dates again"
    assert f["rejects"] == [
        {"line": n, "reason": f'impossible UTC offset in purchase date "2025-03-01T10:00:00{o}"' + fix}
        for n, o in ((2, "+99:99"), (3, "+23:59"), (4, "+14:15"))
    ]
    got = con.execute("SELECT order_id, purchased_at::VARCHAR FROM lines ORDER BY order_id").fetchall()
    assert got == [("E4", "2025-03-01 22:00:00"), ("E5", "2025-03-01 04:15:00"), ("E6", "2025-02-28 20:00:00")]


def _mixed_file(path: Path, utf8_lines: int, cp1252_lines: int) -> None:
    """UTF-8 lines (their head well past 1 MB) followed by lines saved in Windows-1252."""
    pad = "p" * 400
    with open(path, "wb") as fh:
        fh.write(b"order_id,date,amount,sku,note\n")
        for i in range(utf8_lines):
            fh.write(f"U{i},2025-03-01 10:00,2.00,Café-0,{pad}\n".encode())
        for i in range(cp1252_lines):
            fh.write(f"W{i},2025-03-01 10:00,3.00,Café-0,{pad}\n".encode("cp1252"))


def test_a_file_mixing_encodings_keeps_one_spelling_and_says_which_lines(con, tmp_path):
    """UTF-8 then Windows-1252 lines: every SKU reads Café-0, and the note names the Windows-1252 lines."""
    path = tmp_path / "mixed.csv"
    _mixed_file(path, 3000, 3000)
    assert path.stat().st_size > textfile.HEAD_BYTES
    report = ingest_files(con, [path], mapping={**MAPPING}, tz="UTC").to_json()["files"][0]
    assert (report["lines"], report["loaded"], report["rejected"]) == (6000, 6000, 0)
    assert con.execute("SELECT sku, count(*) FROM lines GROUP BY sku").fetchall() == [("Café-0", 6000)]
    assert report["notes"] == [
        "lines 3,002–6,001 were not UTF-8 and were read as Windows-1252 (3,000 of the file's lines); "
        "check their text (é, £, €) if it looks wrong"
    ]


def test_a_windows_1252_file_with_utf8_lines_keeps_both_readable(con, tmp_path):
    """Windows-1252 from the first line, UTF-8 later: both spell Café-0, and the note names line 2 only."""
    path = tmp_path / "mixed.csv"
    with open(path, "wb") as fh:
        fh.write(b"order_id,date,amount,sku\n")
        fh.write("W1,2025-03-01 10:00,3.00,Café-0\n".encode("cp1252"))
        fh.write("U1,2025-03-01 10:00,2.00,Café-0\n".encode())
    report = ingest_files(con, [path], mapping=MAPPING, tz="UTC").to_json()["files"][0]
    assert con.execute("SELECT sku, count(*) FROM lines GROUP BY sku").fetchall() == [("Café-0", 2)]
    assert report["notes"][0].startswith("line 2 was not UTF-8 and was read as Windows-1252 (1 of the file's lines)")


def test_a_wholly_windows_1252_file_has_no_note(con, tmp_path):
    """A file in one legacy encoding is read as it is, without a note."""
    path = tmp_path / "legacy.csv"
    path.write_bytes("order_id,date,amount,sku\nW1,2025-03-01 10:00,3.00,Café-0\n".encode("cp1252"))
    report = ingest_files(con, [path], mapping=MAPPING, tz="UTC").to_json()["files"][0]
    assert "notes" not in report and report["loaded"] == 1
    assert con.execute("SELECT sku FROM lines").fetchall() == [("Café-0",)]


def test_line_ranges_are_written_for_a_reader():
    """One line, one run, and runs beyond the first three are counted."""
    assert textfile.line_ranges([(7, 7)]) == "line 7"
    assert textfile.line_ranges([(3002, 6001)]) == "lines 3,002–6,001"
    assert textfile.line_ranges([(1, 1), (3, 4), (6, 6), (9, 9), (12, 12)]) == "lines 1, 3–4, 6 and 2 more runs"


def test_unclosed_quotes_are_repaired_in_a_stream_and_lines_come_back(con, tmp_path):
    """Two quotes that never close reject their two lines only, both as unbalanced quotes; a value with a line break
    in it stays one record, and an inch mark inside an unquoted value is text, as the reader takes it."""
    rows = [f"Q{i},2025-03-01 10:00,1.00,s{i}" for i in range(50)]
    rows[10] = 'Q10,2025-03-01 10:00,1.00,"broken'
    rows[20] = 'Q20,2025-03-01 10:00,1.00,"two\nlines"'
    rows[25] = 'Q25,2025-03-01 10:00,1.00,Samsung 55" TV'
    rows[30] = 'Q30,2025-03-01 10:00,1.00,"broken too'
    f = _ingest(con, tmp_path, rows)
    assert (f["lines"], f["loaded"], f["rejected"]) == (50, 48, 2)
    assert f["rejects"] == [
        {"line": n, "reason": "unbalanced quotes: a quoted value never closes on this line"} for n in (12, 32)
    ]
    assert con.execute("SELECT sku FROM lines WHERE order_id IN ('Q20', 'Q25') ORDER BY order_id").fetchall() == [
        ("two\nlines",),
        ('Samsung 55" TV',),
    ]


def _repaired(tmp_path: Path, text: str, **kw) -> tuple[str | None, list[int]]:
    src = tmp_path / "in.csv"
    src.write_bytes(text.encode())
    path, lines = quotes.repair_unclosed_quotes(src, delimiter=",", quote='"', columns=3, **kw)
    if path is None:
        return None, lines
    try:
        return path.read_text(), lines
    finally:
        path.unlink()


def test_the_repair_is_one_pass_whatever_the_chunk_and_bounded_by_the_longest_record(tmp_path):
    """The same copy from 7-byte and 8 MB chunks; an open value longer than max_record is cut at its first line."""
    text = 'a,b,c\n1,"x,2\n3,4,5\n6,"y\n7,8,"z\n9,"p\nq",0\n"r""",s,"t\n'
    want = 'a,b,c\n\x01\n3,4,5\n\x01\n\x01\n9,"p\nq",0\n\x01\n'
    assert _repaired(tmp_path, text, max_record=1000) == (want, [2, 4, 5, 8])
    assert _repaired(tmp_path, text, max_record=1000, chunk_size=7) == (want, [2, 4, 5, 8])
    # With room for no record over 9 bytes the value over two lines is too long; its second line's quote is then
    # text inside an unquoted value, as the reader takes it.
    assert _repaired(tmp_path, text, max_record=9)[1] == [2, 4, 5, 6, 8]
    assert _repaired(tmp_path, "a,b,c\n1,2,3", max_record=1000) == (None, [])
    assert _repaired(tmp_path, 'a,b,c\n1,2,"3', max_record=1000) == ("a,b,c\n\x01", [2])
    # An inch mark and then a quote that opens a value: an even count, which the pass takes for closed; the reader's
    # offset of the record that ran on (the line's first or second byte) has it replaced all the same.
    hidden = 'a,b,c\n1,2" x,"3\n4,5,6\n'
    assert _repaired(tmp_path, hidden, max_record=1000) == (None, [])
    assert _repaired(tmp_path, hidden, max_record=1000, runaway=[7]) == ("a,b,c\n\x01\n4,5,6\n", [2])


def test_a_stray_quote_after_an_inch_mark_is_repaired_from_the_readers_offset(con, tmp_path):
    """A line whose quotes are even (an inch mark, then a quote that opens a value) is replaced from the reader's own
    report of the record that ran on; the lines after it load."""
    rows = [f"Q{i},2025-03-01 10:00,1.00,s{i}" for i in range(20)]
    rows[5] = 'Q5,2025-03-01 10:00,1"0,"open'
    f = _ingest(con, tmp_path, rows)
    assert (f["lines"], f["loaded"], f["rejects"]) == (
        20,
        19,
        [{"line": 7, "reason": "unbalanced quotes: a quoted value never closes on this line"}],
    )


def test_an_unclosed_quote_in_a_crlf_file_keeps_its_line_ends(con, tmp_path):
    """The marker line ends in CR LF like the others, so the reader splits the repaired file as it split the first."""
    path = tmp_path / "orders.csv"
    rows = ["Q0,2025-03-01 10:00,1.00,a", 'Q1,2025-03-01 10:00,1.00,"b', "Q2,2025-03-01 10:00,1.00,c"]
    path.write_bytes((HEADER + "".join(r + "\n" for r in rows)).replace("\n", "\r\n").encode())
    repaired, lines = quotes.repair_unclosed_quotes(path, delimiter=",", quote='"', columns=4, max_record=1000)
    try:
        assert (repaired.read_bytes().split(b"\r\n")[2], lines) == (b"\x01", [3])
    finally:
        repaired.unlink()
    f = ingest_files(con, [path], mapping=MAPPING, tz="UTC").to_json()["files"][0]
    assert (f["lines"], f["loaded"], f["rejects"]) == (
        3,
        2,
        [{"line": 3, "reason": "unbalanced quotes: a quoted value never closes on this line"}],
    )


def _temp_files(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir())


@pytest.mark.parametrize("copy", ["utf-16", "unclosed quote"])
def test_a_full_temp_disk_says_so_and_leaves_no_partial_file(con, tmp_path, monkeypatch, copy):
    """A write failing with ENOSPC mid-copy (a UTF-16 file's UTF-8 copy, the repair of an unclosed quote) gives one
    line naming the free space and the folder, and no temp file."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    path = tmp_path / "orders.csv"
    if copy == "utf-16":
        path.write_text(HEADER + "F1,2025-03-01 10:00,1.00,x\n" * 2000, encoding="utf-16")
    else:
        path.write_text(HEADER + 'F0,2025-03-01 10:00,1.00,"x\n' + "F1,2025-03-01 10:00,1.00,x\n" * 2000)
    real = tempfile._TemporaryFileWrapper

    class Full(real):
        def write(self, data):
            self.file.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tempfile, "_TemporaryFileWrapper", Full)
    with pytest.raises(DiskFullError) as exc:
        ingest_files(con, [path], mapping=MAPPING, tz="UTC")
    message = str(exc.value)
    assert "\n" not in message
    assert message.startswith("the disk is full (") and f" MB free in {tmp}): " in message
    assert _temp_files(tmp) == []


def test_uploads_over_the_session_limit_are_refused_in_one_line(con):
    """Files adding up to more than max_upload_bytes import nothing and say the sizes."""
    from impact.ingest.uploads import ingest_uploads
    from impact.settings import Settings

    data = (HEADER + "G1,2025-03-01 10:00,1.00,x\n").encode()
    result = ingest_uploads(
        con, [("a.csv", data), ("b.csv", data)], tz="UTC", settings=Settings(max_upload_bytes=3 << 20)
    )
    assert result.errors == []
    big = [("a.csv", data + b"x" * (2 << 20)), ("b.csv", data + b"x" * (2 << 20))]
    result = ingest_uploads(con, big, tz="UTC", settings=Settings(max_upload_bytes=3 << 20))
    assert result.errors == [
        "the files add up to 4 MB, more than the 3 MB one session may upload: upload fewer files or a shorter period"
    ]


def test_a_full_disk_while_writing_an_upload_is_one_error_and_nothing_left(con, tmp_path, monkeypatch):
    """ENOSPC writing an upload gives the disk-full line among the errors and an empty temp folder."""
    from impact.ingest.uploads import ingest_uploads

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))

    def full(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_bytes", full)
    result = ingest_uploads(con, [("a.csv", b"order_id,date,amount\n")], tz="UTC")
    assert len(result.errors) == 1 and result.errors[0].startswith("the disk is full (")
    assert _temp_files(tmp) == []

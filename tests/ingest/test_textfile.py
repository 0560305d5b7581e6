"""Tests for encoding, delimiter and header detection before DuckDB reads a file."""

import pytest

from impact.errors import UnreadableFileError
from impact.ingest.textfile import count_blank_lines, prepare


def test_tab_and_semicolon_delimiters(tmp_path):
    """The delimiter is sniffed from the header line."""
    tsv = tmp_path / "a.txt"
    tsv.write_text("a\tb,c\tc\n1\t2\t3\n")
    assert prepare(tsv).delimiter == "\t"
    semi = tmp_path / "b.csv"
    semi.write_text("a;b;c\n1;2;3\n")
    assert prepare(semi).header == ["a", "b", "c"]


def test_leading_blank_lines_are_skipped(tmp_path):
    """The header is the first non-blank line."""
    f = tmp_path / "e.csv"
    f.write_text('\n\n"x",y\n1,2\n')
    p = prepare(f)
    assert (p.header, p.header_line, p.blank_before_header) == (["x", "y"], 3, 2)


def test_blank_lines_are_counted_across_line_endings(tmp_path):
    """Blank lines are counted for LF and CRLF files, including at the start and end."""
    f = tmp_path / "b.csv"
    f.write_bytes(b"\r\na,b\r\n\r\n1,2\r\n\r\n")
    assert count_blank_lines(f) == 3
    g = tmp_path / "c.csv"
    g.write_bytes(b"a,b\n\n\n1,2\n")
    assert count_blank_lines(g) == 2


def test_utf16_without_bom_is_transcoded(tmp_path):
    """UTF-16 text without a byte-order mark is recognised and transcoded to UTF-8."""
    f = tmp_path / "u.csv"
    f.write_bytes("Order,Datum\n1,2025-10-20\n".encode("utf-16-le"))
    p = prepare(f)
    try:
        assert p.encoding == "utf-16-le" and p.header == ["Order", "Datum"]
        assert p.path.read_text(encoding="utf-8").startswith("Order,Datum")
    finally:
        p.cleanup()


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "empty"),
        (b"\n\n\n", "empty"),
        (b"%PDF-1.7 binary", "PDF"),
        (b"\x00\x01\x02\x03binary\x00junk" * 10, "binary"),
    ],
)
def test_files_that_are_not_tables_are_refused(tmp_path, content, message):
    """Empty and binary uploads get a clear message."""
    f = tmp_path / "x.csv"
    f.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=message):
        prepare(f)


def test_blank_line_count_is_exact_across_chunk_boundaries(tmp_path):
    """The fast count agrees with a line-by-line count whatever the chunk size."""
    import random

    rng = random.Random(3)
    pieces = [rng.choice([b"a,b", b"", b"x", b"\r"]) + rng.choice([b"\n", b"\r\n"]) for _ in range(400)]
    data = b"".join(pieces)
    f = tmp_path / "r.csv"
    f.write_bytes(data)
    expected = sum(1 for line in data.split(b"\n")[:-1] if line in (b"", b"\r"))
    for size in (1, 2, 3, 5, 64, 1 << 20):
        assert count_blank_lines(f, chunk_size=size) == expected

"""Line ends that disagree, blank lines, a BOM or a missing last newline never lose an order: every format's sample
loads exactly what its clean file loads, in the CLI and in the app, and the count is proved or the file refused."""

import json
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testdata import DATA, WALMART_MAPPING

from impact.errors import AccountingError
from impact.ingest import ingest_files
from impact.ingest.accounting import _account_for_lines
from impact.ingest.textfile import count_line_ends, normalise_line_ends, prepare
from impact.store import session_db

# Every supported export's sample, with the encoding its bytes are in and the mapping it needs.
SAMPLES = [
    ("amazon_all_orders_32.txt", "utf-8", None),
    ("amazon_all_orders_29_jp.txt", "utf-8", None),
    ("amazon_all_orders_de_cp1252.txt", "cp1252", None),
    ("amazon_all_orders_utf16.txt", "utf-16", None),
    ("amazon_fulfilled_shipments.txt", "utf-8", None),
    ("shopify_orders_export.csv", "utf-8", None),
    ("ebay_orders.csv", "utf-8", None),
    ("etsy_sold_order_items.csv", "utf-8", None),
    ("etsy_sold_orders.csv", "utf-8", None),
    ("woocommerce_orders.csv", "utf-8", None),
    ("generic_walmart.csv", "utf-8", WALMART_MAPPING),
]
ENDS = ["\n", "\r\n", "\r"]
BOMS = {"utf-8": "\ufeff", "cp1252": "", "utf-16": "\ufeff"}


def _lines(text: str) -> list[str]:
    """The file's physical lines without their ends (every CSV line end counts: LF, CR LF, lone CR)."""
    parts = re.split(r"\r\n|\r|\n", text)
    return parts[:-1] if parts and parts[-1] == "" else parts


def _encode(text: str, encoding: str) -> bytes:
    # utf-16 without a BOM is still recognised (zero bytes beside ASCII); the BOM is the strategy's choice.
    return text.encode("utf-16-le" if encoding == "utf-16" else encoding)


def _outcome(path, mapping=None) -> dict:
    con = session_db()
    try:
        report = ingest_files(con, [path], mapping=mapping).to_json()
        revenue = con.execute(
            # Cents, summed exactly: DOUBLE sums depend on the order rows arrive in.
            "SELECT currency, sum(round(revenue, 2)::DECIMAL(18, 2)), count(*) FROM lines GROUP BY 1 ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    f = report["files"][0]
    assert f["lines"] == f["loaded"] + f["duplicates"] + f["skipped"] + f["rejected"]
    return {"file": f, "orders": report["orders"], "revenue": revenue}


def _clean(name, encoding, mapping, tmp_path):
    text = (DATA / name).read_bytes().decode(encoding).lstrip("\ufeff")
    path = tmp_path / f"clean_{name}"
    path.write_bytes(_encode("\n".join(_lines(text)) + "\n", encoding))
    return _lines(text), _outcome(path, mapping)


variant = st.fixed_dictionaries(
    {
        "ends": st.lists(st.sampled_from(ENDS), min_size=1, max_size=60),
        "blanks": st.lists(st.tuples(st.integers(0, 60), st.sampled_from(ENDS)), max_size=4),
        "bom": st.booleans(),
        "trailing": st.booleans(),
    }
)


@pytest.mark.parametrize("name,encoding,mapping", SAMPLES, ids=[s[0] for s in SAMPLES])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(v=variant)
def test_any_mix_of_line_ends_loads_what_the_clean_file_loads(tmp_path, name, encoding, mapping, v):
    """Per-line LF/CR LF/CR, blank lines anywhere, BOM or not, last newline or not: same orders, revenue, rejects."""
    lines, clean = _clean(name, encoding, mapping, tmp_path)
    out, shift = [], []  # shift[i]: blank lines inserted before physical line i of the clean file
    # A blank line goes between records: inside a quoted value that spans lines it would be part of the value.
    quotes = [0]
    for line in lines:
        quotes.append(quotes[-1] + line.count('"'))
    between = [i for i, q in enumerate(quotes) if q % 2 == 0]
    inserted = {}
    for pos, end in v["blanks"]:
        inserted.setdefault(between[pos % len(between)], []).append(end)

    def put(piece: str) -> None:
        # A lone CR followed by an LF blank line would read as one CR LF: that blank line would not exist.
        out.append("\r\n" if piece == "\n" and out and out[-1].endswith("\r") else piece)

    for i, line in enumerate(lines):
        shift.append(sum(len(inserted.get(j, [])) for j in range(i + 1)))
        for end in inserted.get(i, []):
            put(end)
        put(line + v["ends"][i % len(v["ends"])])
    for end in inserted.get(len(lines), []):
        put(end)
    text = "".join(out)
    if not v["trailing"] and not inserted.get(len(lines)):
        text = text.rstrip("\r\n")
    if v["bom"]:
        text = BOMS[encoding] + text
    path = tmp_path / f"variant_{name}"
    path.write_bytes(_encode(text, encoding))

    got = _outcome(path, mapping)
    blanks = sum(len(e) for e in inserted.values())
    f, c = got["file"], clean["file"]
    assert (got["orders"], got["revenue"]) == (clean["orders"], clean["revenue"])
    assert (f["loaded"], f["rejected"], f["duplicates"]) == (c["loaded"], c["rejected"], c["duplicates"])
    assert f["lines"] == c["lines"] + blanks
    assert f["skipped"] == c["skipped"] + blanks
    # A rejected line keeps its number in the variant: the clean number moved down by the blank lines above it.
    assert [r["line"] for r in f["rejects"]] == [r["line"] + shift[r["line"] - 1] for r in c["rejects"]]


def _amazon_rows(n: int) -> tuple[bytes, list[bytes]]:
    header, *rows = (DATA / "amazon_all_orders_32.txt").read_bytes().splitlines()
    good = [r for r in rows if b"not a date" not in r and b"\tNon-Amazon" not in r]
    out = []
    for i in range(n):
        row = good[i % len(good)].split(b"\t")
        row[0] = b"111-%07d-%07d" % (i // 3, i)
        out.append(b"\t".join(row))
    return header, out


@pytest.fixture(scope="module")
def mixed_files(tmp_path_factory):
    """The issue's cases, on an Amazon report of 12,000 lines (the tail beyond the 1 MB head prepare() reads)."""
    d = tmp_path_factory.mktemp("mixed")
    header, rows = _amazon_rows(12000)
    half = len(rows) // 2
    files = {
        "blank_lf_then_crlf.txt": b"\n" + b"".join(r + b"\r\n" for r in [header, *rows]),
        "blank_crlf_then_lf.txt": b"\r\n" + b"".join(r + b"\n" for r in [header, *rows]),
        "header_lf_rows_crlf.txt": header + b"\n" + b"".join(r + b"\r\n" for r in rows),
        "halves_lf_crlf.txt": b"".join(r + b"\n" for r in [header, *rows[:half]])
        + b"".join(r + b"\r\n" for r in rows[half:]),
        "halves_crlf_lf.txt": b"".join(r + b"\r\n" for r in [header, *rows[:half]])
        + b"".join(r + b"\n" for r in rows[half:]),
        "tail_crlf.txt": b"".join(r + b"\n" for r in [header, *rows[:10000]])
        + b"".join(r + b"\r\n" for r in rows[10000:]),
        "tail_cr.txt": b"".join(r + b"\n" for r in [header, *rows[:-50]]) + b"".join(r + b"\r" for r in rows[-50:]),
    }
    for name, data in files.items():
        (d / name).write_bytes(data)
    return d, len(rows)


@pytest.mark.parametrize(
    "name",
    [
        "blank_lf_then_crlf.txt",
        "blank_crlf_then_lf.txt",
        "header_lf_rows_crlf.txt",
        "halves_lf_crlf.txt",
        "halves_crlf_lf.txt",
        "tail_crlf.txt",
        "tail_cr.txt",
    ],
)
def test_the_issues_cases_load_every_order_in_the_cli(mixed_files, name):
    """Each mixed-ending file loads all 12,000 lines through `python -m impact ingest --json` and exits 0."""
    d, n = mixed_files
    proc = subprocess.run(
        [sys.executable, "-m", "impact", "ingest", str(d / name), "--json"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    f = json.loads(proc.stdout)["files"][0]
    assert f["loaded"] == n and f["rejected"] == 0
    assert f["lines"] == f["loaded"] + f["skipped"] + f["duplicates"]


def test_a_mix_beyond_the_head_is_caught_by_the_count(mixed_files):
    """prepare() sees consistent LF in the first megabyte; the byte count after the parse finds the CR LF half."""
    d, n = mixed_files
    prepared = prepare(d / "tail_crlf.txt")
    try:
        assert prepared.path == d / "tail_crlf.txt"  # no copy made up front
        assert not count_line_ends(prepared.path).consistent
    finally:
        prepared.cleanup()
    con = session_db()
    assert ingest_files(con, [d / "tail_crlf.txt"]).to_json()["files"][0]["loaded"] == n


def test_line_end_counts_and_normalising(tmp_path):
    """CR LF pairs split across chunks count once; the normalised copy has one LF per line end and nothing else."""
    data = b"a\r\nb\nc\rd\r\n\r\ne"
    p = tmp_path / "x.csv"
    p.write_bytes(data)
    for size in (1, 2, 3, 4, 64):
        ends = count_line_ends(p, chunk_size=size)
        assert (ends.lf, ends.cr, ends.crlf, ends.ends_with_newline) == (4, 4, 3, False)
        assert not ends.consistent
    q = normalise_line_ends(p, chunk_size=3)
    try:
        assert q.read_bytes() == b"a\nb\nc\nd\n\ne"
    finally:
        q.unlink()


def test_a_parse_that_loses_records_is_refused_with_both_counts(tmp_path):
    """When the records read differ from those the independent reader counts, the file is refused, naming both."""
    p = tmp_path / "orders.csv"
    p.write_bytes(b'a,b\n1,"x\ny"\n2,z\n')
    prepared = prepare(p)
    with pytest.raises(AccountingError, match=r"orders\.csv: .*holds 2 lines.* only 1 could be read"):
        _account_for_lines(prepared, "orders.csv", 1, None)
    # the right count passes, and a value spanning two lines is one record
    assert _account_for_lines(prepared, "orders.csv", 2, None) == (0, [])


def test_the_issues_cases_load_every_order_through_an_upload(mixed_files, tmp_path, monkeypatch):
    """Uploaded in the app, a blank LF line before CR LF rows and LF/CR LF halves load every line of the report."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("IMPACT_DEFAULT_TZ", "UTC")
    monkeypatch.setenv("IMPACT_DB", str(tmp_path / "shares.duckdb"))
    d, n = mixed_files
    at = AppTest.from_file(str(DATA.parent.parent / "app.py"), default_timeout=120).run()
    at.sidebar.file_uploader[0].set_value(
        [(name, (d / name).read_bytes(), "text/plain") for name in ("blank_lf_then_crlf.txt", "tail_crlf.txt")]
    )
    at = at.run()
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    files = at.dataframe[0].value
    assert list(files["Loaded"]) == [0, n]  # the same orders twice: the second file's copy wins
    assert list(files["Duplicates"]) == [n, 0]
    assert list(files["Rejected"]) == [0, 0]

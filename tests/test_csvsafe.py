"""Tests for the Excel-safe CSV writer used by every download."""

import csv
import decimal
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact import csvsafe


def _cells(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_formula_starters_are_neutralised():
    """Text beginning with =, +, -, @, tab or CR gets a leading single quote."""
    df = pd.DataFrame({"v": ["=1+1", "+44 20 7946", "-2+3", "@SUM(A1)", "\tx", "\rx", '=cmd|" /C calc"!A0']})
    rows = _cells(csvsafe.to_csv_bytes(df))[1:]
    assert [r[0] for r in rows] == [
        "'=1+1",
        "'+44 20 7946",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        '\'=cmd|" /C calc"!A0',
    ]


def test_harmless_text_is_unchanged():
    """Ordinary text, text with an inner =, and empty cells are written as they are."""
    df = pd.DataFrame({"v": ["Blue Mug", "a=b", "#1001", None, "", "x-1"]})
    rows = _cells(csvsafe.to_csv_bytes(df))[1:]
    assert [r[0] for r in rows] == ["Blue Mug", "a=b", "#1001", "", "", "x-1"]


def test_numbers_stay_numbers_including_negatives():
    """Numeric columns, negative ones included, are written bare and read back as numbers."""
    df = pd.DataFrame({"i": [-3, 4], "f": [-2.5, 1.25], "b": [True, False]})
    text = csvsafe.to_csv_text(df)
    assert text.splitlines()[1:] == ["-3,-2.5,True", "4,1.25,False"]
    back = pd.read_csv(io.StringIO(text))
    assert back["i"].tolist() == [-3, 4] and back["f"].tolist() == [-2.5, 1.25]


def test_plain_negative_number_text_is_kept_but_expressions_are_not():
    """Text that is exactly a number such as '-12.5' stays; '-1+2' or '-A1' would be evaluated and is quoted."""
    df = pd.DataFrame({"v": ["-12.5", "-3", "-1e5", "-1+2", "-A1", "- 5"]})
    rows = [r[0] for r in _cells(csvsafe.to_csv_bytes(df))[1:]]
    assert rows == ["-12.5", "-3", "-1e5", "'-1+2", "'-A1", "'- 5"]


def test_mixed_object_column_keeps_numbers_and_neutralises_text():
    """In a column mixing types, numbers (incl. Decimal) stay numeric and text is neutralised."""
    df = pd.DataFrame({"v": pd.Series([-1.5, "=x", decimal.Decimal("-2.50"), None, 7], dtype=object)})
    rows = [r[0] for r in _cells(csvsafe.to_csv_bytes(df))[1:]]
    assert rows == ["-1.5", "'=x", "-2.50", "", "7"]


def test_leading_spaces_and_fullwidth_starters_are_caught():
    """' =1' and the full-width '＝1' (accepted by CJK Excel) are neutralised too."""
    df = pd.DataFrame({"v": [" =1+1", "\uff1d1+1", "\uff201"]})
    rows = [r[0] for r in _cells(csvsafe.to_csv_bytes(df))[1:]]
    assert rows == ["' =1+1", "'\uff1d1+1", "'\uff201"]


def test_header_names_are_neutralised():
    """A column name that starts like a formula is neutralised as well."""
    df = pd.DataFrame({"=HYPERLINK(1)": [1], "ok": [2]})
    assert _cells(csvsafe.to_csv_bytes(df))[0] == ["'=HYPERLINK(1)", "ok"]


def test_categorical_and_string_dtypes():
    """Categorical and pandas string columns are neutralised like object columns."""
    df = pd.DataFrame({"c": pd.Categorical(["=a", "b"]), "s": pd.Series(["@x", "y"], dtype="string")})
    rows = _cells(csvsafe.to_csv_bytes(df))[1:]
    assert rows == [["'=a", "'@x"], ["b", "y"]]


def test_separators_quotes_and_newlines_survive_quoting():
    """Commas, quotes and line breaks stay inside one cell, and the next line cannot start a new formula row."""
    df = pd.DataFrame({"a": ['x,"y"\n=2+2', "ok"], "b": [1, 2]})
    rows = _cells(csvsafe.to_csv_bytes(df))
    assert rows == [["a", "b"], ['x,"y"\n=2+2', "1"], ["ok", "2"]]


def test_bytes_have_bom_and_crlf():
    """Downloads are UTF-8 with a byte-order mark (Excel reads accents right) and CRLF line ends."""
    data = csvsafe.to_csv_bytes(pd.DataFrame({"name": ["Café"]}))
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    assert "Café" in data.decode("utf-8-sig")


def test_write_csv_to_path_binary_and_text_buffers(tmp_path):
    """write_csv accepts a path, a binary buffer and a text buffer, with the same content."""
    df = pd.DataFrame({"v": ["=1", "a"], "n": [-1, 2]})
    path = tmp_path / "out.csv"
    csvsafe.write_csv(df, path)
    raw = io.BytesIO()
    csvsafe.write_csv(df, raw)
    text = io.StringIO()
    csvsafe.write_csv(df, text)
    assert path.read_bytes() == raw.getvalue() == csvsafe.to_csv_bytes(df)
    assert text.getvalue() == csvsafe.to_csv_text(df)


def test_input_frame_is_not_modified():
    """Neutralising works on a copy: the caller's DataFrame keeps its values."""
    df = pd.DataFrame({"v": ["=1"]})
    csvsafe.to_csv_bytes(df)
    assert df["v"].tolist() == ["=1"]


def test_datetimes_are_written_as_plain_timestamps():
    """Datetime columns stay readable timestamps, never quoted."""
    df = pd.DataFrame({"t": pd.to_datetime(["2025-10-20 06:48:00"])})
    assert csvsafe.to_csv_text(df).splitlines()[1] == "2025-10-20 06:48:00"


def test_non_frame_is_refused():
    """Only DataFrames are written."""
    with pytest.raises(TypeError):
        csvsafe.to_csv_bytes([["=1"]])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_no_cell_can_start_a_formula(values):
    """For any text, every written cell is either safe to open or a quote-prefixed copy of the original."""
    df = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    rows = [r[0] if r else "" for r in _cells(csvsafe.to_csv_bytes(df))[1:]]
    assert len(rows) == len(values)
    for original, cell in zip(values, rows, strict=True):
        if cell.startswith("'") and cell[1:] == original:
            continue
        assert cell == original
        stripped = original.lstrip(" ")
        assert not stripped or stripped[0] not in csvsafe.TRIGGERS or csvsafe._PLAIN_NUMBER_RE.match(original.strip())


def test_text_for_a_reader_gets_a_quote_only_when_a_paste_would_run_it():
    """Formulas, @-calls and signed calls or DDE pipes get a quote; SKUs such as -BLUE-XL and +1 pack do not."""
    from impact.csvsafe import neutralise_runnable

    runs = ['=HYPERLINK("http://evil.example")', "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "+SUM(1)", "\uff1d1+1"]
    assert [neutralise_runnable(v) for v in runs] == ["'" + v for v in runs]
    shown = ["-BLUE-XL", "+1 pack", "- a bullet", "plain"]
    assert [neutralise_runnable(v) for v in shown] == shown

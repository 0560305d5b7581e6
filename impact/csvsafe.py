"""Excel-safe CSV: the one writer behind every CSV download the product offers.

Spreadsheet programs run a cell as a formula when its text begins with =, +, - or @ (and some also after a leading
tab or carriage return), so a product name such as ``=HYPERLINK(...)`` in a seller's export could execute when the
seller opens our download. Every text cell that could be read that way gets a leading single quote, which Excel and
LibreOffice show as plain text. Real numbers (int/float/decimal columns and numeric values inside mixed columns) are
written as numbers, including negative ones; text that is exactly a plain number such as "-12.5" is left alone too,
because no spreadsheet can evaluate it as anything else.

Output is UTF-8 with a byte-order mark so Excel opens accented product names correctly, rows end with CRLF as RFC
4180 asks, and the index is never written.
"""

from __future__ import annotations

import csv
import io
import numbers
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

import pandas as pd

# Characters that make Excel/LibreOffice/Sheets treat a cell as a formula or DDE call. The full-width forms are
# included because Japanese and Chinese Excel builds accept them as formula starters too.
TRIGGERS = "=+-@\t\r\n\uff1d\uff0b\uff0d\uff20"
_TRIGGER_RE = re.compile(r"^[ ]*[" + re.escape(TRIGGERS) + "]")
# Text that is only a decimal number is harmless: a spreadsheet reads it as that number and nothing else.
_PLAIN_NUMBER_RE = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
ENCODING = "utf-8-sig"
LINE_END = "\r\n"


def neutralise(value: str) -> str:
    """One text cell -> the same text, prefixed with a single quote if a spreadsheet would run it as a formula."""
    if _TRIGGER_RE.match(value) and not _PLAIN_NUMBER_RE.match(value.strip()):
        return "'" + value
    return value


# What a spreadsheet would run as more than a value if the text were pasted into it: a formula (= or @), or a sign
# followed by a call, a reference to another sheet or a DDE pipe (-2+3+cmd|' /C calc'!A0). "-BLUE-XL" or "+1 pack"
# evaluate to nothing harmful, so in a report or a letter, where a quote would be seen, they are left as they are.
_RUNS_RE = re.compile(r"^[ ]*(?:[=@\uff1d\uff20]|[+\-\uff0b\uff0d].*[(!|])", re.S)


def neutralise_runnable(value: str) -> str:
    """Text shown to a reader (an HTML report's cell, a letter's line): a leading quote only when pasting it into a
    spreadsheet would run it; everything else exactly as written."""
    return "'" + value if _RUNS_RE.match(value) else value


def _cell(value):
    """One cell of a mixed column: numbers, dates and blanks pass; anything else is written as neutralised text."""
    if value is None or value is pd.NaT or value is pd.NA:
        return value
    if isinstance(value, numbers.Number | pd.Timestamp | datetime | date | time):
        return value
    return neutralise(str(value))


def _text_column(series: pd.Series) -> pd.Series:
    """A column that may hold text: neutralise its text cells, keep numbers, dates and blanks as they are."""
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
        # A pure string column: one vectorised pass instead of a call per cell.
        risky = series.str.match(_TRIGGER_RE) & ~series.str.strip().str.match(_PLAIN_NUMBER_RE)
        risky = risky.fillna(False).astype(bool)
        if not risky.any():
            return series
        out = series.copy()
        out[risky] = "'" + series[risky]
        return out
    return series.map(_cell)


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of df whose text cells and column names are neutralised; numeric columns are untouched."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError("csvsafe expects a pandas DataFrame")
    out = df.copy()
    # Positional assignment keeps duplicate column names working.
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        kind = col.dtype
        if pd.api.types.is_bool_dtype(kind) or pd.api.types.is_numeric_dtype(kind):
            continue
        if pd.api.types.is_datetime64_any_dtype(kind) or isinstance(kind, pd.PeriodDtype):
            continue
        if isinstance(kind, pd.CategoricalDtype):
            col = col.astype(object)
        out.isetitem(i, _text_column(col))
    out.columns = [neutralise(str(c)) if not isinstance(c, numbers.Number) else c for c in out.columns]
    return out


def to_csv_text(df: pd.DataFrame) -> str:
    """The Excel-safe CSV as text (no byte-order mark)."""
    safe = safe_frame(df)
    buf = io.StringIO()
    safe.to_csv(buf, index=False, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The Excel-safe CSV as UTF-8 bytes with a byte-order mark, ready for a download button."""
    return to_csv_text(df).encode(ENCODING)


def write_csv(df: pd.DataFrame, path_or_buffer: str | Path | IO) -> None:
    """Write df as Excel-safe CSV to a path, a binary buffer or a text buffer."""
    if isinstance(path_or_buffer, str | Path):
        Path(path_or_buffer).write_bytes(to_csv_bytes(df))
        return
    if isinstance(path_or_buffer, io.TextIOBase):
        path_or_buffer.write(to_csv_text(df))
        return
    try:
        path_or_buffer.write(to_csv_bytes(df))
    except TypeError:  # a text stream that is not an io.TextIOBase, e.g. a custom writer
        path_or_buffer.write(to_csv_text(df))

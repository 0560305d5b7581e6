"""Every line of an import accounted for: loaded, skipped with a reason, or rejected with its line number and why.

The count of records is proved from the file's own bytes (or an independent CSV reader), never taken from DuckDB's
word, so a parse that joined or lost lines is refused instead of reported as a smaller file that adds up.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import AccountingError
from .base import Format
from .textfile import LineEnds, PreparedFile, count_blank_lines, count_line_ends, scan_records


@dataclass
class Accounting:
    """Where the lines of one parse went. The rows of _parsed flagged _skip or _reject are still in it."""

    lines: int  # lines after the header (blank ones included) and the blank lines before it
    skipped: dict[str, int]  # reason -> lines
    rejected: int
    rejects: list[tuple[int, str]]  # (line, reason) by line; of the rows the data rejects, the first max_listed
    flagged_rows: bool  # _parsed holds skipped or rejected rows


def account(
    con,
    prepared: PreparedFile,
    name: str,
    fmt: Format,
    record: str,
    broken: set[int],
    counted: LineEnds | None,
    max_listed: int,
) -> Accounting:
    """Account for the lines of the parse in _parsed and the reader's rejects in _rej.

    record: SQL for a row's record number in _parsed; broken: lines whose quote never closed; counted: the line
    count of the file the parse read, if it is still the one at prepared.path.
    """
    csv_rejects, skipped, rejects, raw_skipped = _reader_rejects(con, fmt, broken)
    n_rows, n_data_rejects = con.execute("SELECT count(*), count(_reject) FROM _parsed").fetchone()
    blanks, blank_numbers = _account_for_lines(prepared, name, n_rows + len(csv_rejects), counted)
    if blanks:
        skipped["blank line"] = blanks
    n_row_skips = 0
    for reason, n in con.execute(
        "SELECT _skip, count(*) FROM _parsed WHERE _skip IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall():
        skipped[reason] = skipped.get(reason, 0) + n
        n_row_skips += n

    P = f"(SELECT {record} AS rn, * FROM _parsed)"
    data_rejects = con.execute(
        f"SELECT rn, _reject FROM {P} WHERE _reject IS NOT NULL ORDER BY rn LIMIT $n",
        {"n": max_listed},
    ).fetchall()
    # DuckDB numbers rows by record and silently drops blank lines; put back the lines it did not return
    # so that every reported line number is the one the seller sees in a text editor.
    excluded = sorted({int(r[0]) for r in csv_rejects})
    if data_rejects and blanks > prepared.blank_before_header:
        if blank_numbers is None:
            blank_numbers = _blank_line_numbers(prepared.path, prepared.header_line)
        excluded = sorted(set(excluded) | set(blank_numbers))
    numbers = _source_lines(excluded, prepared.header_line, [rn for rn, _ in data_rejects])
    rejects.extend((n, reason) for n, (_, reason) in zip(numbers, data_rejects, strict=True))
    rejects.sort()
    return Accounting(
        n_rows + len(csv_rejects) + blanks,
        skipped,
        n_data_rejects + len(csv_rejects) - raw_skipped,
        rejects,
        bool(n_data_rejects or n_row_skips),
    )


def _reader_rejects(
    con, fmt: Format, broken: set[int]
) -> tuple[list[tuple], dict[str, int], list[tuple[int, str]], int]:
    """The lines DuckDB's reader refused: (those lines, skipped reasons, rejects, how many of them are skipped).

    Lines that match a skip_raw pattern of the format (report footers, say) are not orders: skipped, not rejected.
    """
    csv_rejects = con.execute(
        "SELECT line, any_value(error_type)::VARCHAR, any_value(error_message), any_value(csv_line) "
        "FROM _rej GROUP BY line ORDER BY line"
    ).fetchall()
    skipped: dict[str, int] = {}
    rejects: list[tuple[int, str]] = []
    raw_skipped = 0
    for line, etype, message, raw in csv_rejects:
        reason = next((r for pat, r in fmt.skip_raw if re.search(pat, raw or "")), None)
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
            raw_skipped += 1
        elif line in broken:
            rejects.append((int(line), "unbalanced quotes: a quoted value never closes on this line"))
        else:
            rejects.append((int(line), _csv_reason(etype, message)))
    return csv_rejects, skipped, rejects, raw_skipped


def _source_lines(excluded: list[int], header_line: int, rns: list[int]) -> list[int]:
    """Physical line of the rn-th record, given the lines (blank or rejected) the reader did not return."""
    # The i-th excluded line (1-based) has e_i - header_line - i good records before it.
    gaps = [e - header_line - i for i, e in enumerate(excluded, start=1)]
    return [header_line + rn + bisect.bisect_left(gaps, rn) for rn in rns]


def _blank_line_numbers(path: Path, header_line: int, limit: int = 100_000) -> list[int]:
    """Physical numbers of blank lines after the header (only needed to number rejected lines exactly)."""
    found = []
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, start=1):
            if n > header_line and not line.strip(b"\r\n"):
                found.append(n)
                if len(found) >= limit:
                    break
    return found


def _account_for_lines(
    prepared: PreparedFile, name: str, records: int, counted: LineEnds | None
) -> tuple[int, list[int] | None]:
    """Prove that the parse returned every record of the file; return the blank lines (with their numbers if the
    proof found them). The proof counts the file's bytes, never asks DuckDB: a parse that joined or lost lines
    is refused with both counts, never reported as a smaller file that adds up."""
    ends = counted or count_line_ends(prepared.path)
    after_header = ends.physical - prepared.header_line
    if after_header == records:  # one record per line, no blank line: the usual export
        return prepared.blank_before_header, None
    blank = count_blank_lines(prepared.path) - prepared.empty_before_header
    if after_header == records + blank:
        return prepared.blank_before_header + blank, None
    # Values that span lines (notes, addresses), or lines the parse lost: an independent CSV reader decides.
    scan = scan_records(prepared.path, prepared.header_line, prepared.delimiter, prepared.quote)
    if scan.records != records:
        raise AccountingError(
            f"{name}: the file holds {scan.records:,} lines after its header but only {records:,} could be read, "
            "so nothing from it was imported. Export the report again, or save it as CSV (UTF-8) and import that"
        )
    return prepared.blank_before_header + len(scan.blank_lines), scan.blank_lines


def _csv_reason(etype: str, message: str) -> str:
    nice = {
        "TOO MANY COLUMNS": "more columns than the header",
        "MISSING COLUMNS": "fewer columns than the header",
        "UNQUOTED VALUE": "a quote character in an unquoted value",
        "LINE SIZE OVER MAXIMUM": "line longer than 4 MB",
        "INVALID ENCODING": "text that is not valid in the file's encoding",
        "INVALID STATE": "unbalanced quotes",
        "CAST": "unreadable value",
    }.get(etype, etype.lower())
    detail = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message or "")
    if detail:
        nice += f" (expected {detail.group(1)}, found {detail.group(2)})"
    return nice

"""Reading one cost or ad file into _parsed, with every line accounted for the way order imports are.

A format declares SQL over the file's text columns: the values it loads, why a row is skipped, why it is rejected.
This module finds the header (Google Ads puts report title lines above it), reads the file with DuckDB as text,
applies that SQL and accounts for the lines with impact.ingest's proof. Parsing of money and dates lives here too,
so that every cost file reads "1,234.50" the same way.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..errors import NoOrdersError, UnknownFormatError, UnreadableFileError
from ..ingest import sqlexpr
from ..ingest.accounting import account
from ..ingest.base import Cols
from ..ingest.textfile import PreparedFile, count_line_ends, prepare

HEAD_LINES = 12  # title lines above a header: Google Ads writes two, nobody writes ten
MAX_LINE = 4 << 20
TEXT_SHOWN = 200  # characters of a rejected line shown beside its reason


@dataclass
class CostFileReport:
    name: str
    kind: str  # product_costs | fba_fees | ad_spend
    format: str
    format_label: str
    lines: int = 0
    loaded: int = 0
    skipped: int = 0
    rejected: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    rejects: list[dict] = field(default_factory=list)  # {line, reason, text}
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "format": self.format,
            "format_label": self.format_label,
            "lines": self.lines,
            "loaded": self.loaded,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "skipped_reasons": dict(self.skipped_reasons),
            "rejects": list(self.rejects),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class CostFormat:
    """How one kind of file is recognised and what its rows become.

    columns(c) gives SQL over the file's columns (read through c, a Cols) for each output value and for any helper
    value the checks need; skip and reject are SQL CASE expressions over those names (NULL = keep the row).
    """

    name: str
    label: str
    kind: str
    matches: Callable[[list[str]], bool]
    columns: Callable[[Cols, list[str]], dict[str, str]]
    skip: str = "NULL"
    reject: str = "NULL"
    quote: str = '"'
    # (regex on the raw text of a line the CSV reader refused, reason): such lines are skipped, not rejected
    skip_raw: tuple[tuple[str, str], ...] = ()
    # SQL over the format's names: of loadable rows sharing its value only the last is kept, the others skipped
    repeat_key: str | None = None
    repeat_reason: str = ""
    # header -> what this format's export lacks, when the header is this format's minus something (else None)
    near_miss: Callable[[list[str]], str | None] | None = None
    # names of columns() holding money text: their values tell the file's decimal mark (see AMBIGUOUS)
    money: tuple[str, ...] = ()


def names(header: list[str]) -> set[str]:
    return {h.strip().lower() for h in header}


def find_column(header: list[str], *patterns: str) -> str | None:
    """The first header (in file order) matching the first pattern that matches any: regexes on lower-case names."""
    for pat in patterns:
        for h in header:
            if re.search(pat, h.strip().lower()):
                return h
    return None


def sql_text(value: str) -> str:
    """A constant as a SQL string literal (for values this code chose, such as a channel name already validated)."""
    return "'" + value.replace("'", "''") + "'"


def clean(col: str) -> str:
    return f"nullif(trim({col}), '')"


def shown(col: str) -> str:
    """The value as quoted in a reason: trimmed, at most 40 characters."""
    return f"""'"' || left(trim(coalesce({col}, '')), 40) || '"'"""


# Money: spaces, currency symbols and a currency's letters before or after the number are dropped, with a dot that
# ends them ("Rs.201.68", "R$ 1.234,56", "12,50 zł", "kr 99", "12.50 USD"). Then, of the digits with dots and commas
# that remain: with both a dot and a comma the last of them is the decimal separator and the other groups thousands
# ("1,234.50", "1.234,50"); with only dots the dot is decimal ("12.50"); with only commas, one comma is decimal
# ("12,50", "0,125") except "1,234", which could be either and is rejected as ambiguous, and several commas in groups
# of three group thousands ("1,234,567"). A leading minus or parentheses make it negative.
def _money_core(col: str) -> str:
    stripped = f"regexp_replace(trim({col}), '[\\s\\x{{00A0}}$€£¥₹₺]', '', 'g')"
    # The letters go, a sign or bracket before or after them stays: "-Rs.3.00" -> "-3.00", "(5 kr)" -> "(5)".
    prefix = f"regexp_replace({stripped}, '^([-(]?)\\pL{{1,3}}\\.?', '\\1')"
    return f"regexp_replace({prefix}, '\\.?\\pL{{1,3}}\\.?(\\)?)$', '\\1')"


def _money_digits(col: str) -> str:
    return f"regexp_replace({_money_core(col)}, '^-|^\\(|\\)$', '', 'g')"


def _money_negative(col: str) -> str:
    return f"list_transform([{_money_core(col)}], lambda c: prefix(c, '-') OR (prefix(c, '(') AND suffix(c, ')')))[1]"


# "1,234" and "1.234" read two ways; the file's other amounts decide ($money_marks: 'dot' for a decimal point,
# 'comma' for a decimal comma, NULL when they do not show it and such a value is refused), as orders do.
AMBIGUOUS = "[1-9][0-9]{0,2}[.,][0-9]{3}"


def _money_ambiguous(col: str) -> str:
    return f"($money_marks IS NULL AND regexp_full_match({_money_digits(col)}, '{AMBIGUOUS}'))"


# The digits are bound once as a lambda's parameter and the rule's cases read that: written out, each case repeated
# the three regular expressions that make the digits, and DuckDB compiles every regular expression of a statement
# when it plans it, which for a file of a few rows cost more than reading it.
def _money_normalised(col: str) -> str:
    return f"""list_transform([{_money_digits(col)}], lambda d: CASE
        WHEN NOT regexp_full_match(d, '[0-9.,]*[0-9][0-9.,]*') THEN NULL
        WHEN contains(d, ',') AND contains(d, '.') THEN (CASE
            WHEN regexp_full_match(d, '[0-9]{{1,3}}(,[0-9]{{3}})*\\.[0-9]+') THEN replace(d, ',', '')
            WHEN regexp_full_match(d, '[0-9]{{1,3}}(\\.[0-9]{{3}})*,[0-9]+')
                THEN replace(replace(d, '.', ''), ',', '.')
            END)
        WHEN regexp_full_match(d, '{AMBIGUOUS}') THEN (CASE
            WHEN $money_marks = 'dot' THEN replace(d, ',', '')
            WHEN $money_marks = 'comma' THEN replace(replace(d, '.', ''), ',', '.') END)
        WHEN contains(d, ',') THEN (CASE
            WHEN regexp_full_match(d, '[0-9]+,[0-9]+') THEN replace(d, ',', '.')
            WHEN regexp_full_match(d, '[0-9]{{1,3}}(,[0-9]{{3}}){{2,}}') THEN replace(d, ',', '')
            END)
        ELSE d END)[1]"""


def _plain_number(col: str) -> str:
    """Digits with at most one dot and nothing else: what nearly every export writes, read without the rule's
    regular expressions (the rule gives such text the same value: a lone dot is decimal). At most 14 digits before
    the dot, so the cast to DECIMAL(18,4) cannot overflow; longer text takes the rule's TRY_CAST. "1.234" is not
    plain: it takes the rule, which reads it by the file's convention."""
    return (
        f"(regexp_full_match(trim({col}), '[0-9]{{1,14}}(\\.[0-9]+)?') "
        f"AND NOT regexp_full_match(trim({col}), '{AMBIGUOUS}'))"
    )


def money_sql(col: str) -> str:
    """Money text -> DECIMAL(18,4), NULL when empty or unreadable (see the rule above)."""
    value = f"TRY_CAST({_money_normalised(col)} AS DECIMAL(18,4))"
    return (
        f"(CASE WHEN {clean(col)} IS NULL THEN NULL WHEN {_plain_number(col)} THEN CAST(trim({col}) AS DECIMAL(18,4)) "
        f"ELSE list_transform([{value}], lambda v: CASE WHEN {_money_negative(col)} THEN -v ELSE v END)[1] END)"
    )


def money_problem(col: str, what: str) -> str:
    """Why a non-empty money text cannot be a cost, fee or spend (NULL when it is fine)."""
    return f"""(CASE
        WHEN {clean(col)} IS NULL OR {_plain_number(col)} THEN NULL
        WHEN {_money_ambiguous(col)}
            THEN 'ambiguous {what} ' || {shown(col)} || ': no other {what} in the file shows whether the separator '
                 || 'marks thousands or decimals; write 1234 or 1,234.00 for a thousand, 1.2340 for one and a bit'
        ELSE list_transform([{money_sql(col)}], lambda v: CASE
            WHEN v IS NULL THEN 'unreadable {what} ' || {shown(col)} || ': write a number such as 12.50'
            WHEN v < 0 THEN 'negative {what} ' || {shown(col)} || ': it cannot be below zero; correct it or remove the line'
            END)[1]
        END)"""


# What a currency sign written beside an amount can stand for; a sign the row's currency is not among is refused.
SIGNS = {
    "$": ("USD", "CAD", "AUD", "NZD", "MXN", "SGD", "HKD", "ARS", "CLP", "COP"),
    "us$": ("USD",),
    "c$": ("CAD",),
    "ca$": ("CAD",),
    "a$": ("AUD",),
    "au$": ("AUD",),
    "mx$": ("MXN",),
    "r$": ("BRL",),
    "€": ("EUR",),
    "£": ("GBP",),
    "¥": ("JPY", "CNY"),
    "₹": ("INR",),
    "rs": ("INR", "PKR", "LKR", "NPR"),
    "kr": ("SEK", "NOK", "DKK", "ISK"),
    "zł": ("PLN",),
    "zl": ("PLN",),
    "kč": ("CZK",),
    "ft": ("HUF",),
    "lei": ("RON",),
    "₺": ("TRY",),
    "tl": ("TRY",),
    "fr": ("CHF",),
    "r": ("ZAR",),
}


def _sign(col: str) -> str:
    """The letters and symbols written beside an amount, lower case: 'rs' for "Rs.201.68", '' for "12.50"."""
    return f"lower(regexp_replace(trim({col}), '[0-9.,()\\-\\s\\x{{00A0}}]', '', 'g'))"


def currency_mismatch(col: str, currency: str, what: str) -> str:
    """Why an amount's currency sign contradicts the row's currency code (NULL when it agrees or either is absent):
    "Rs.201.68" in a row of USD. A sign this table does not know is checked only when it is a 3-letter code."""
    cases = " ".join(f"WHEN {sql_text(sign)} THEN {sql_text('/'.join(codes))}" for sign, codes in SIGNS.items())
    expected = f"(CASE s {cases} ELSE (CASE WHEN regexp_full_match(s, '[a-z]{{3}}') THEN upper(s) END) END)"
    return f"""list_transform([{_sign(col)}], lambda s: list_transform([{expected}], lambda e: CASE
        WHEN e IS NULL OR {currency} IS NULL OR list_contains(string_split(e, '/'), {currency}) THEN NULL
        ELSE '{what} ' || {shown(col)} || ' is written in ' || e || ' but the row''s currency is '
            || {currency} || ': correct the currency column or the amount' END)[1])[1]"""


ISO_DATE = ["%Y-%m-%d"]
# Ad consoles write days as ISO (Google, Meta), "Oct 20, 2025" or 10/20/2025 (Amazon Ads in the US).
AD_DATES = ["%Y-%m-%d", "%Y/%m/%d", "%b %d, %Y", "%B %d, %Y", "%m/%d/%Y", "%m/%d/%y", "%d.%m.%Y"]


def date(col: str, formats: list[str]) -> str:
    fmts = "[" + ", ".join(sql_text(f) for f in formats) + "]"
    return f"CAST(try_strptime({clean(col)}, {fmts}) AS DATE)"


@dataclass
class Located:
    fmt: CostFormat
    header: list[str]
    delimiter: str
    header_line: int  # 1-based physical line of the header
    titles: int  # non-blank lines above the header (report title, date range)
    blanks: int  # blank lines above the header (nothing but spaces or delimiters)
    empties: int  # of those, the lines with nothing at all


def _lines_of(path: Path, limit: int) -> list[str]:
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    return re.split(r"\r\n|\n|\r", text)[:limit]


def _sniff(line: str) -> tuple[str, list[str]]:
    counts = {d: line.count(d) for d in ("\t", ",", ";", "|")}
    delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    row = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    return delimiter, [c.strip().strip("\ufeff") for c in row]


def locate(
    prepared: PreparedFile, name: str, formats: tuple[CostFormat, ...], fallback: CostFormat | None, expected: str
) -> Located:
    """The format and the header line: the first of the first lines that a format recognises.

    fallback (a mapped generic format) takes the first non-blank line when no format recognises any.
    """
    lines = _lines_of(prepared.path, HEAD_LINES)
    titles = blanks = empties = 0
    missing: str | None = None
    for i, line in enumerate(lines):
        if not line.strip(" \t,;"):
            blanks += 1
            empties += line == ""
            continue
        delimiter, header = _sniff(line)
        fmt = next((f for f in formats if f.matches(header)), None)
        if fmt is not None:
            return Located(fmt, header, delimiter, i + 1, titles, blanks, empties)
        missing = missing or next((m for f in formats if f.near_miss and (m := f.near_miss(header))), None)
        titles += 1
    if fallback is not None:
        return Located(
            fallback,
            prepared.header,
            prepared.delimiter,
            prepared.header_line,
            0,
            prepared.blank_before_header,
            prepared.empty_before_header,
        )
    if missing:
        raise UnknownFormatError(f"{name}: {missing}", header=prepared.header)
    raise UnknownFormatError(
        f"{name}: the columns do not match a known {expected}; the first line holds "
        + ", ".join(prepared.header[:12])
        + (", ..." if len(prepared.header) > 12 else ""),
        header=prepared.header,
    )


def _read_raw(con, prepared: PreparedFile, ncols: int) -> None:
    for t in ("_rej", "_rejscan"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols)) + "}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _read AS SELECT * FROM read_csv(
            $path, delim=$delim, quote=$quote, escape=$quote, header=false, skip=$skip, columns={columns},
            auto_detect=false, store_rejects=true, rejects_table='_rej', rejects_scan='_rejscan',
            max_line_size={MAX_LINE})""",
        {
            "path": str(prepared.path),
            "delim": prepared.delimiter,
            "quote": prepared.quote,
            "skip": prepared.header_line,
        },
    )
    # A materialised table keeps the file's order in its rowid: the record number (temp tables count from an offset).
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _raw AS SELECT rowid - (SELECT min(rowid) FROM _read) + 1 AS _rn, * FROM _read"
    )


def _record_lines(con, prepared: PreparedFile, records: int) -> None:
    """_lines(rn, line): the physical line each record DuckDB returned starts on.

    DuckDB numbers records, drops blank lines and leaves out the lines it refused; the seller needs the line an
    editor shows. Cost files are small, so Python's own CSV reader walks the file when the counts differ.
    """
    ends = count_line_ends(prepared.path)
    if ends.physical - prepared.header_line == records:  # one record per line: the usual file
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _lines AS SELECT _rn AS rn, _rn + $h AS line FROM _raw",
            {"h": prepared.header_line},
        )
        return
    refused = {int(r[0]) for r in con.execute("SELECT DISTINCT line FROM _rej").fetchall()}
    starts = []
    with open(prepared.path, encoding="utf-8", errors="replace", newline="") as fh:
        for _ in range(prepared.header_line):
            fh.readline()
        quoting = {"quotechar": prepared.quote} if prepared.quote else {"quoting": csv.QUOTE_NONE}
        reader = csv.reader(fh, delimiter=prepared.delimiter, strict=False, **quoting)
        line = prepared.header_line + 1
        for row in reader:
            if row and line not in refused:
                starts.append(line)
            line = prepared.header_line + reader.line_num + 1
    con.execute("CREATE OR REPLACE TEMP TABLE _lines (rn BIGINT, line BIGINT)")
    if starts:
        con.executemany("INSERT INTO _lines VALUES (?, ?)", list(enumerate(starts[:records], start=1)))


def _money_marks(con, texts: list[str]) -> str | None:
    """The file's decimal mark, 'dot' or 'comma', as the values of its money columns show it; None when they do not
    or disagree."""
    found = {sqlexpr.amount_marks(con, t, "_raw", {}) for t in texts if t != "NULL"}
    return found.pop() if len(found) == 1 else None


@dataclass
class Parsed:
    report: CostFileReport
    located: Located
    # After read(): _parsed holds the loadable rows only, with the format's columns plus `line`.


def read(
    con,
    path: Path | str,
    name: str,
    *,
    kind_label: str,
    formats: tuple[CostFormat, ...],
    fallback: CostFormat | None = None,
    context: dict | None = None,
    check: Callable[[Located], None] | None = None,
    max_rejects: int,
) -> Parsed:
    """Read one file into the temp table _parsed (loadable rows, with their line) and account for every line.

    context: named parameters the format's SQL uses ($channel, $currency...). Raises NoOrdersError-like InputError
    when nothing could be loaded; check may refuse the file once its format is known. The caller drops the temp
    tables with drop_temp().
    """
    prepared = prepare(path, name)
    try:
        located = locate(prepared, name, formats, fallback, kind_label)
        fmt = located.fmt
        if check:
            check(located)
        prepared.header, prepared.delimiter, prepared.quote = located.header, located.delimiter, fmt.quote
        prepared.header_line = located.header_line
        # Blank lines above the header count as blank lines; title lines are counted here, as skipped.
        prepared.blank_before_header = located.blanks
        prepared.empty_before_header = located.empties
        idents = {}
        for i, h in enumerate(located.header):
            idents.setdefault(h.strip().lower(), f'"c{i}"')
        cols = fmt.columns(Cols(idents), located.header)
        try:
            _read_raw(con, prepared, len(located.header))
        except duckdb.Error:
            raise UnreadableFileError(
                f"{name}: the file could not be read as a table; its lines do not follow one layout. "
                "Export it again, or save it as CSV (UTF-8) from a spreadsheet program"
            ) from None
        select = ", ".join(f"{sql} AS {alias}" for alias, sql in cols.items())
        text = (
            "concat_ws("
            + sql_text(located.delimiter)
            + ", "
            + ", ".join(f"coalesce({i}, '')" for i in idents.values())
            + ")"
        )
        sql = f"""CREATE OR REPLACE TEMP TABLE _parsed AS
            SELECT *, CASE WHEN _skip IS NULL THEN {fmt.reject} END AS _reject FROM (
                SELECT *, {fmt.skip} AS _skip FROM (
                    SELECT _rn, left({text}, {TEXT_SHOWN}) AS _text, {select} FROM _raw))"""
        params = {**(context or {}), "money_marks": _money_marks(con, [cols[m] for m in fmt.money])}
        con.execute(sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)})
        if fmt.repeat_key:
            con.execute(
                f"""UPDATE _parsed SET _skip = $reason FROM (
                    SELECT _rn AS rn FROM _parsed WHERE _skip IS NULL AND _reject IS NULL
                    QUALIFY _rn < max(_rn) OVER (PARTITION BY {fmt.repeat_key})) d
                WHERE _parsed._rn = d.rn""",
                {"reason": fmt.repeat_reason},
            )
        n_records = con.execute("SELECT count(*) FROM _raw").fetchone()[0]
        acc = account(con, prepared, name, fmt, "_rn", set(), None, max_rejects)
        _record_lines(con, prepared, n_records)
        report = _report(con, name, fmt, acc, located, max_rejects)
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _parsed AS
            SELECT p.* EXCLUDE (_skip, _reject, _text), l.line FROM _parsed p JOIN _lines l ON l.rn = p._rn
            WHERE p._skip IS NULL AND p._reject IS NULL ORDER BY p._rn"""
        )
        if not report.loaded:
            raise NoOrdersError(nothing_loaded(report))
        return Parsed(report, located)
    finally:
        prepared.cleanup()


def _report(con, name: str, fmt: CostFormat, acc, located: Located, limit: int) -> CostFileReport:
    """The file's report. Rejected data rows are numbered through _lines, which knows values that span lines (a
    Shopify product description); account() numbers the lines the CSV reader refused."""
    data = con.execute(
        """SELECT l.line, p._reject, p._text FROM _parsed p JOIN _lines l ON l.rn = p._rn
        WHERE p._reject IS NOT NULL ORDER BY l.line LIMIT $n""",
        {"n": limit},
    ).fetchall()
    data_reasons = {r[0] for r in con.execute("SELECT DISTINCT _reject FROM _parsed").fetchall()}
    raw = dict(con.execute("SELECT line, any_value(csv_line) FROM _rej GROUP BY line").fetchall())
    rejects = [
        (int(n), r, (raw.get(n) or "").rstrip("\r\n")[:TEXT_SHOWN]) for n, r in acc.rejects if r not in data_reasons
    ]
    rejects = sorted(rejects + [(int(n), r, t or "") for n, r, t in data])[:limit]
    skipped = dict(acc.skipped)
    if located.titles:
        skipped["report title line above the header"] = located.titles
    report = CostFileReport(name, fmt.kind, fmt.name, fmt.label)
    report.lines = acc.lines + located.titles
    report.skipped_reasons = skipped
    report.skipped = sum(skipped.values())
    report.rejected = acc.rejected
    report.rejects = [{"line": n, "reason": r, "text": t} for n, r, t in rejects]
    report.loaded = report.lines - report.skipped - report.rejected
    return report


def drop_temp(con) -> None:
    try:
        for t in ("_read", "_raw", "_parsed", "_rej", "_rejscan", "_lines"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
    except duckdb.TransactionException:
        pass  # a failed statement aborted the transaction; its rollback drops them


def nothing_loaded(report: CostFileReport) -> str:
    """Why a readable file gave nothing, in one sentence with its first reasons."""
    if not report.lines:
        return f"{report.name}: the {report.format_label} has a header but no lines after it"
    parts = [f"{n:,} skipped ({r})" for r, n in sorted(report.skipped_reasons.items(), key=lambda kv: (-kv[1], kv[0]))]
    if report.rejected:
        first = "; ".join(f"line {r['line']}: {r['reason']}" for r in report.rejects[:3])
        parts.append(f"{report.rejected:,} rejected ({first}{', ...' if report.rejected > 3 else ''})")
    return f"{report.name}: nothing could be loaded from the {report.format_label}: of its {report.lines:,} lines, " + (
        " and ".join(parts)
    )

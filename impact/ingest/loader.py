"""The import pipeline: prepared text -> DuckDB's CSV reader -> canonical lines, every line accounted for."""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from ..currencies import ISO_4217, normal_code
from ..distinct import count_distinct
from ..errors import NoOrdersError, UnknownFormatError, UnreadableFileError
from ..linegroups import LineGroups
from ..settings import Settings
from ..store import LINES_COLUMNS
from ..windows import iso_utc
from . import dates, generic, memo, quotes, shipping, sqlexpr
from .accounting import account
from .base import IDENT, Cols, Format
from .formats import detect, near_miss
from .merge import SHIPPING_COLUMNS, merge_new_lines
from .textfile import (
    LineEnds,
    PreparedFile,
    count_line_ends,
    normalise_line_ends,
    prepare,
    read_mixed,
)

EARLIEST = datetime(1995, 1, 1)  # before any of these marketplaces sold online
MAX_LINE = 4 << 20  # a line longer than this is rejected with its line number
BUFFER_BYTES = 256 << 20


@dataclass
class FileReport:
    file_id: int
    name: str
    format: str
    format_label: str
    encoding: str
    lines: int = 0
    loaded: int = 0
    duplicates: int = 0
    skipped: int = 0
    rejected: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    rejects: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a shipping file added, in sentences

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "format": self.format,
            "lines": self.lines,
            "loaded": self.loaded,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "skipped_reasons": self.skipped_reasons,
            "rejects": self.rejects,
        } | ({"notes": self.notes} if self.notes else {})


@dataclass
class IngestReport:
    files: list[FileReport]
    orders: int
    lines: int
    currency: list[str]
    channels: dict[str, dict]
    first: datetime | None
    last: datetime | None
    day_precision_lines: int = 0
    costs: Any = None  # the cost files' import report (impact.costs.CostReport) when the seller gave any
    # The grouped scan the report was read from (impact.linegroups), when ingest_files was asked to keep it for an
    # analysis of the same lines that follows at once; never in the JSON.
    groups: LineGroups | None = None

    def to_json(self) -> dict:
        out = {
            "files": [f.to_json() for f in self.files],
            "orders": self.orders,
            "lines": self.lines,
            "currency": self.currency,
            "channels": self.channels,
            "first": iso_utc(self.first),
            "last": iso_utc(self.last),
        }
        if self.costs is not None:
            out["costs"] = self.costs.to_json()
        return out


def _column_idents(header: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for i, name in enumerate(header):
        key = name.strip().lower()
        if key and key not in mapping:  # with duplicate headers the first column wins
            mapping[key] = f'"c{i}"'
    return mapping


def _select_format(prepared: PreparedFile, name: str, mapping: dict | None, settings: Settings) -> tuple[Format, dict]:
    fmt = detect(prepared.header)
    if fmt is not None and (not mapping or not generic.mapping_fits(mapping, prepared.header)):
        # A known export keeps its own reading when the --map given for the other files names columns it lacks
        # (orders.txt with a mapped shipments CSV).
        return fmt, {}
    store = generic.MappingStore(settings.mappings_path)
    chosen = mapping if generic.names_columns(mapping) else store.get(prepared.header)
    if chosen and mapping and "date_order" in mapping:
        chosen = {**chosen, "date_order": mapping["date_order"]}
    if not chosen:
        close = near_miss(prepared.header)
        if close:
            fmt, missing = close
            article = "an" if fmt.label[0].lower() in "aeiou" else "a"
            raise UnknownFormatError(
                f"{name}: {article} {fmt.label} without {' and '.join(missing)}: export it again with all its columns, "
                "or map its columns (order id, date, amount) to import it",
                header=prepared.header,
            )
        raise UnknownFormatError(
            f"{name}: the columns do not match a known export (Amazon, Shopify, eBay, Etsy, WooCommerce); "
            "map its columns (order id, date, amount) to import it",
            header=prepared.header,
        )
    clean = generic.validate_mapping(chosen, prepared.header)
    if generic.names_columns(mapping):
        store.remember(prepared.header, clean)
    if shipping.is_shipping_mapping(clean):
        return shipping.build_format(clean), clean
    return generic.build_format(clean), clean


def _csv_source(
    prepared: PreparedFile, used: list[int], *, rejects: bool = True, whole: bool = True
) -> tuple[str, dict]:
    """A subquery reading the needed columns of the file as text, and its parameters."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(prepared.header))) + "}"
    select = ", ".join(f'"c{i}"' for i in used) or "NULL AS _none"
    opts = "store_rejects=true, rejects_table='_rej', rejects_scan='_rejscan'" if rejects else "ignore_errors=true"
    sql = f"""(SELECT {select}
        FROM read_csv($path, delim=$delim, quote=$quote, escape=$quote, header=false, skip=$skip,
                      columns={columns}, auto_detect=false, {opts}, max_line_size={MAX_LINE},
                      buffer_size=$buffer))"""
    return sql, {
        "path": str(prepared.path),
        "delim": prepared.delimiter,
        "quote": prepared.quote,
        "skip": prepared.header_line,
        "buffer": _buffer_size(prepared.path) if whole else 2 * MAX_LINE,
    }


def _buffer_size(path: Path) -> int:
    """Large reader buffers: the parse keeps file order, and with DuckDB's default (16 x the line limit) its threads
    wait on each other at every buffer boundary; 256 MB made the 2 M-line parse ~20% faster for ~40 MB more memory.
    (Such a table is slow to UPDATE in bulk, which is one reason `lines` stores no per-row source line.)
    Never more than the file needs, never less than one maximal line."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return max(2 * MAX_LINE, min(BUFFER_BYTES, size + 1))


def _drop_rejects(con) -> None:
    for t in ("_rej", "_rejscan"):
        con.execute(f"DROP TABLE IF EXISTS {t}")


def _read_raw(con, prepared: PreparedFile, used: list[int]) -> None:
    """Materialise the needed columns: only for formats whose rows depend on earlier rows (Shopify)."""
    _drop_rejects(con)
    sql, params = _csv_source(prepared, used)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _raw AS SELECT * FROM {sql}", params)


def _sample_format(
    con,
    col: str,
    tz: str,
    formats: list[str] | None,
    source: str,
    params: dict,
    sample: int = memo.SAMPLE,
    batch: int = 6,
) -> str | None:
    """The single timestamp format that reads every sampled value exactly as the general parser does, if any."""
    # strptime with %z reads ISO text with an offset at about half the cost of the ISO cast and its guard.
    candidates = [*sqlexpr.aware_formats(formats), sqlexpr.ISO, *(formats or sqlexpr.NAIVE_FORMATS)]
    try:
        # The general parse once per sampled value; each candidate must agree with it on every value.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _sample AS SELECT v, {sqlexpr.timestamp_utc("v", formats)} AS g FROM (
            SELECT DISTINCT trim({col}) AS v FROM (SELECT {col} FROM {source} WHERE nullif(trim({col}), '') IS NOT NULL
                                                   LIMIT {int(sample)}))""",
            {**params, "tz": tz},
        )
        # A few candidates per query, in order: files usually match one of the first, and one query testing all
        # of them costs more than the whole sample (~0.1 s for 36).
        for i in range(0, len(candidates), batch):
            chunk = candidates[i : i + batch]
            tests = ", ".join(f"count(*) > 0 AND bool_and(f{j} IS NOT NULL AND f{j} = g)" for j in range(len(chunk)))
            fasts = ", ".join(f"{sqlexpr.fast_timestamp_utc('v', fmt)} AS f{j}" for j, fmt in enumerate(chunk))
            sql = f"SELECT {tests} FROM (SELECT {fasts}, g FROM _sample)"
            ok = con.execute(sql, {"tz": tz} if "$tz" in sql else {}).fetchone()
            found = next((fmt for fmt, good in zip(chunk, ok, strict=True) if good), None)
            if found:
                return found
        return None
    finally:
        con.execute("DROP TABLE IF EXISTS _sample")


def _runaway_starts(con) -> list[int]:
    """Byte offsets of the records the reader saw run on over several lines (a quote that never closed)."""
    return [
        int(pos)
        for (pos,) in con.execute(
            """SELECT min(line_byte_position) FROM _rej
               WHERE error_type <> 'CAST' AND strpos(trim(csv_line, chr(10) || chr(13)), chr(10)) > 0
               GROUP BY line ORDER BY line"""
        ).fetchall()
    ]


def _recover_runaway_quotes(con, prepared: PreparedFile, read, max_rounds: int = 3) -> set[int]:
    """A quote that never closes swallows every following line into one bad record; give those lines back.

    When the parse rejected a record that spans lines, one streaming pass (impact.ingest.quotes) replaces every line
    that opens a value which never closes by a marker line, and the file is read once more: the markers are rejected
    on their own and the good lines after them load. A second pass runs only if the reader still sees a record run
    on (a stray quote the pass could not tell from text). Returns the markers' line numbers as the reader numbers
    them, whose rejects the caller explains as unbalanced quotes."""
    marker = quotes.MARKER.decode()
    for _ in range(max_rounds):
        runaway = _runaway_starts(con)
        if not runaway:
            break
        repaired, _ = quotes.repair_unclosed_quotes(
            prepared.path,
            delimiter=prepared.delimiter,
            quote=prepared.quote,
            columns=len(prepared.header),
            max_record=MAX_LINE,
            runaway=runaway,
        )
        if repaired is None:
            break
        prepared.temp_paths.append(repaired)
        if prepared.path in prepared.temp_paths[:-1]:
            # A copy made earlier in this import is superseded: one copy on disk at a time.
            prepared.path.unlink(missing_ok=True)
            prepared.temp_paths.remove(prepared.path)
        prepared.path = repaired
        read()
    return {
        int(line)
        for (line,) in con.execute(
            "SELECT DISTINCT line FROM _rej WHERE trim(csv_line, chr(13) || chr(10)) = $m", {"m": marker}
        ).fetchall()
    }


def _reject_reason_sql() -> str:
    """Why a parsed row cannot be loaded, or NULL. Works on the lines-shaped columns of the parse."""
    date_text = "left(trim(_raw_date), 40)"
    amount_text = "left(trim(_raw_amount), 40)"
    return f"""(CASE
        -- the common case first, in cheap comparisons; NaN and infinity fail BETWEEN
        WHEN order_id IS NOT NULL AND purchased_at BETWEEN TIMESTAMP '{EARLIEST:%Y-%m-%d}'
                                                      AND now()::TIMESTAMP + INTERVAL 2 DAY
             AND revenue BETWEEN 0 AND 1e9 AND quantity BETWEEN 0 AND 1e7 THEN NULL
        WHEN order_id IS NULL THEN 'missing order id'
        WHEN nullif(trim(_raw_date), '') IS NULL THEN 'missing purchase date'
        WHEN purchased_at IS NULL AND NOT {sqlexpr.offset_ok("trim(_raw_date)")}
            THEN 'impossible UTC offset in purchase date "' || {date_text} || '": offsets run from -12:00 to +14:00 '
                 || 'in quarter hours; correct the offset or export the dates again'
        WHEN purchased_at IS NULL THEN 'unreadable purchase date "' || {date_text} || '"'
        WHEN purchased_at < TIMESTAMP '{EARLIEST:%Y-%m-%d}' OR purchased_at > now()::TIMESTAMP + INTERVAL 2 DAY
            THEN 'purchase date out of range "' || {date_text} || '"'
        -- before the amount: eBay's and Etsy's amounts are a price times the quantity
        WHEN isnan(quantity) THEN 'unreadable quantity: write the number of items in digits, such as 2'
        WHEN revenue IS NULL AND nullif(trim(_raw_amount), '') IS NOT NULL THEN {sqlexpr.amount_problem("trim(_raw_amount)")}
        WHEN isnan(revenue) OR isinf(revenue) THEN 'amount is not a number "' || {amount_text} || '"'
        WHEN abs(revenue) > 1e9 THEN 'amount too large "' || {amount_text} || '"'
        WHEN revenue < 0 THEN 'negative amount "' || {amount_text} || '"'
        WHEN quantity < 0 OR quantity > 1e7 THEN 'impossible quantity'
        ELSE NULL END)"""


class _Parse:
    """One file's parse: its format's fields as SQL over the file's columns, worked out once, and the reads that
    write the rows into _parsed (again after each repair of the file)."""

    def __init__(
        self, con, prepared: PreparedFile, name: str, file_id: int, *, tz: str, mapping: dict | None, settings: Settings
    ):
        self.con, self.prepared, self.name = con, prepared, name
        self.fmt, used_mapping = _select_format(prepared, name, mapping, settings)
        prepared.quote = self.fmt.quote
        self.cols = Cols(_column_idents(prepared.header))
        self.fields = self.fmt.fields(self.cols)
        self.fields.setdefault("channel", f"'{self.fmt.channel}'")
        skips = self.fmt.skips(self.cols)
        self.used = self._used_columns(skips)
        # The sample reads the head of the file only: a small buffer.
        self.sample = _csv_source(self.prepared, self.used, rejects=False, whole=False)
        memo.load_head(self.con, *self.sample)
        self.given = (used_mapping or mapping or {}).get("date_order")
        self.date_columns = [
            c for k in ("purchased_at", "shipped_at", "promised_at") if (c := self.fields.get(k, "NULL")) != "NULL"
        ]
        self.date_order = self._date_order()
        self.date_formats = dates.formats(self.date_order)
        # Rows of most formats stand alone and are parsed as DuckDB reads them; the row number is then the rowid
        # of _parsed. Shopify's continuation rows need their order's first row, so that file is read first.
        self.ordered = bool(self.fmt.inherit)
        self.params = {"tz": tz, "currency": settings.default_currency, "file_id": file_id}
        self.skips, self.tz = skips, tz
        self.select, self.skip_sql, self.memo_params = self._columns(skips, tz)

    # Whether the parse's rejects tell the rest of the file's date order (see settle_dates); a shipping file's
    # parse does not reject unreadable dates by purchase date, so its whole file is read for them beforehand.
    marks_dates = True

    def _date_order(self) -> str | None:
        """The file's date order (see impact.ingest.dates) as far as its head tells; the parse then checks it on
        every line (settle_dates) when the file is longer than its head."""
        found = self.head_found = dates.evidence(self.con, self.date_columns, "_head", {})
        rows = self.con.execute("SELECT count(*) FROM _head").fetchone()[0]
        self.date_check = bool(found[0]) and rows >= memo.SAMPLE
        if self.date_check and not self.marks_dates:
            # Slash dates, and more lines than the head: the order is decided by all of them (a file sorted by
            # date may hold its only day above 12 in its last lines).
            found = dates.evidence(self.con, self.date_columns, *_csv_source(self.prepared, self.used, rejects=False))
            self.date_check = False
        return self._decide(found, wait=self.date_check)

    def _decide(self, found: tuple, *, wait: bool = False) -> str | None:
        return dates.decide(
            self.name,
            found,
            given=self.given,
            convention=self.fmt.date_order,
            hint=lambda: dates.currency_hint(self.con, self.fields.get("currency", "NULL")),
            wait=wait,
        )

    def settle_dates(self) -> None:
        """The date order from every line of the parse; the file is parsed again in the rare case that lines beyond
        its head decide otherwise than the head did (or decide at all)."""
        if not self.date_check:
            return
        self.date_check = False
        n, day_first, month_first = dates.rejected_evidence(self.con)
        _, head_day, head_month = self.head_found
        order = self._decide((n, head_day or day_first, head_month or month_first))
        if order != self.date_order:
            self.date_order, self.date_formats = order, dates.formats(order)
            self.select, self.skip_sql, self.memo_params = self._columns(self.skips, self.tz)
            self.read_or_explain()

    def _used_columns(self, skips: list[tuple[str, str]]) -> list[int]:
        """Numbers of the file's columns that any field, skip rule or inherited column reads."""
        sql_text = " ".join(self.fields.values()) + " ".join(c for c, _ in skips)
        for h in self.fmt.inherit:
            sql_text += " " + self.cols(h)
        return sorted({int(i) for i in IDENT.findall(sql_text)})

    def _columns(self, skips: list[tuple[str, str]], tz: str) -> tuple[str, str, dict]:
        """The SELECT list shaped like `lines`, the skip reason's SQL and the parameters both need."""
        sample_sql, sample_params = self.sample
        # Whether "1.234" is a thousand or one and a bit is read from the amounts the head shows; unshown, refused.
        self.params["amount_marks"] = sqlexpr.amount_marks(self.con, self.fields["revenue_text"], "_head", {})

        def sample_source(col: str) -> tuple[str, dict]:
            # The head already read serves when it holds the whole file or a value on every line; a sparse column
            # (ship dates) reads on until it has enough values.
            filled, rows = self.con.execute(
                f"SELECT count(*) FILTER (nullif(trim({col}), '') IS NOT NULL), count(*) FROM _head"
            ).fetchone()
            return ("_head", {}) if rows < memo.SAMPLE or filled >= memo.SAMPLE else (sample_sql, sample_params)

        fields = self.fields
        fast = {
            key: _sample_format(self.con, fields[key], tz, self.date_formats, *sample_source(fields[key]))
            for key in ("purchased_at", "shipped_at", "promised_at")
            if fields[key] != "NULL"
        }

        self._bind_offset_hint()

        def parse_ts(key: str) -> str:
            if fields[key] == "NULL":
                return "NULL"
            if key == "purchased_at":
                return sqlexpr.timestamp_utc(fields[key], self.date_formats, fast.get(key), self.hint)
            # A date-only ship-by allows the whole day; purchase and ship dates stay at the day's start.
            parse = sqlexpr.promise_utc if key == "promised_at" else sqlexpr.timestamp_utc
            return parse(fields[key], self.date_formats, fast.get(key))

        skip_case = (
            "CASE " + " ".join(f"WHEN {cond} THEN '{reason}'" for cond, reason in skips) + " ELSE NULL END"
            if skips
            else "NULL"
        )
        values = {
            "channel": fields["channel"],
            "marketplace": f"coalesce({fields['marketplace']}, {fields['channel']})",
            "order_id": fields["order_id"],
            # occurrence 1; the rare repeated key within an order is renumbered afterwards
            "line_key": f"{fields['line_key']} || '#1'",
            "purchased_at": parse_ts("purchased_at"),
            "time_precision": sqlexpr.precision(fields["purchased_at"]),
            "sku": fields["sku"],
            "product_name": fields["product_name"],
            "quantity": f"coalesce({fields['quantity']}, 1)",
            "revenue": fields["revenue"],
            "currency": f"coalesce({fields['currency']}, $currency)",
            "status": fields["status"],
            "fulfilment": fields["fulfilment"],
            "shipped_at": parse_ts("shipped_at"),
            "promised_at": parse_ts("promised_at"),
            "ship_country": fields["ship_country"],
            "file_id": "$file_id",
            "ship_precision": sqlexpr.ship_precision(fields["shipped_at"]),
            "carrier": fields.get("carrier", "NULL"),
            "cancelled_by": fields.get("cancelled_by", "NULL"),
        }
        # An export with none of the shipping columns is parsed without them (for 2 M lines their NULLs held ~60 MB
        # at the parse's peak, beside the reader's buffers): merge_new_lines adds them, last as in `lines`.
        # The first file's parse becomes `lines` itself: its columns in the order of `lines`.
        absent = SHIPPING_COLUMNS if all(values[k] == "NULL" for k in SHIPPING_COLUMNS) else ()
        values = {k: values[k] for k in LINES_COLUMNS if k not in absent}
        # Status, currency, sales channel... take a few values: those of the file's head are worked out once.
        memoized, memo_params = memo.memoize(self.con, {**values, "_skip": skip_case}, self.params)
        skip_sql = memoized.pop("_skip")
        # The parse writes rows already shaped (and typed) like `lines`, so the first file becomes the table
        # itself without a copy; _skip and _reject say which rows must go before that.
        # Amounts are parsed as DOUBLE so that NaN, infinity and huge values get reasons of their own (parse() then
        # stores the amounts kept exactly, as `lines` does).
        select = ",\n".join(
            f"CAST({v} AS {'DOUBLE' if k == 'revenue' else LINES_COLUMNS[k]}) AS {k}" for k, v in memoized.items()
        )
        return select, skip_sql, memo_params

    def _bind_offset_hint(self) -> None:
        """The commonest end of the head's purchase dates, when it is an offset (+00:00 in an Amazon report), as
        self.hint and the parameter $offset_hint (see sqlexpr.offset_hint)."""
        self.hint = None
        self.params.pop("offset_hint", None)
        if self.fields["purchased_at"] != "NULL":
            ends = self.con.execute(
                f"""SELECT right(trim({self.fields["purchased_at"]}), 6) AS e FROM _head WHERE e <> ''
                    GROUP BY e ORDER BY count(*) DESC, e LIMIT 1"""
            ).fetchone()
            self.hint = sqlexpr.offset_hint(ends[0] if ends else None)
        if self.hint:
            self.params["offset_hint"] = self.hint

    @property
    def record(self) -> str:
        """A row's record number in _parsed: its rowid when rows were parsed in file order, else kept in _rn."""
        return "_rn" if self.ordered else "(rowid + 1)"

    def parse(self, source: str, params: dict) -> None:
        # Rows parsed in file order are numbered by their rowid; Shopify's are not, so they carry their number.
        record = ", rn AS _rn" if self.ordered else ""
        # The order's merchandise net, which its lines are scaled to add up to (see _allocate_order_net).
        net = f", CAST({self.fields['order_net']} AS DOUBLE) AS _order_net" if "order_net" in self.fields else ""
        sql = f"""CREATE OR REPLACE TABLE _parsed AS
            SELECT * EXCLUDE (_raw_date, _raw_amount) REPLACE (
                CASE WHEN _skip IS NULL THEN {_reject_reason_sql()} END AS _reject,
                TRY_CAST(revenue AS {LINES_COLUMNS["revenue"]}) AS revenue) FROM (
            SELECT *, NULL::VARCHAR AS _reject, {sqlexpr.utc_offset_key("_raw_date", self.hint)} AS _offset_key
            FROM (
                SELECT {self.select},
                    {self.skip_sql} AS _skip{record},
                    {self.fields["purchased_at"]} AS _raw_date, {self.fields["revenue_text"]} AS _raw_amount{net}
                FROM {source}))"""
        # $offset_hint is bound only where the date's format uses it.
        bound = {k: v for k, v in {**self.params, **self.memo_params, **params}.items() if f"${k}" in sql}
        self.con.execute(sql, bound)

    def read(self) -> None:
        # A re-read (after a repair) would otherwise hold the last parse's table and the new one at once: the peak of
        # an import with broken quotes was that of two parses.
        self.con.execute("DROP TABLE IF EXISTS _parsed")
        if not self.ordered:
            _drop_rejects(self.con)
            self.parse(*_csv_source(self.prepared, self.used))
            return
        _read_raw(self.con, self.prepared, self.used)
        order_col = self.cols("Name")
        inherit = [self.cols(h) for h in self.fmt.inherit if self.cols(h) != "NULL"]
        source = "(SELECT rowid + 1 AS rn, * FROM _raw)"
        if inherit:
            filled = ", ".join(
                f"coalesce(nullif(trim({c}), ''), first_value(nullif(trim({c}), '') IGNORE NULLS) "
                f"OVER (PARTITION BY {order_col} ORDER BY rn)) AS {c}"
                for c in inherit
            )
            source = f"(SELECT * REPLACE ({filled}) FROM {source})"
        self.parse(source, {})

    def read_or_explain(self) -> None:
        try:
            self.read()
        except duckdb.Error:
            # The reader's own words name its internals; the seller needs to know what to do instead.
            raise UnreadableFileError(
                f"{self.name}: the file could not be read as a table; its lines do not follow one layout. "
                "Export the report again, or save it as CSV (UTF-8) from a spreadsheet program"
            ) from None


class _ShipParse(_Parse):
    """A shipping file's parse: order id, channel, ship time, promise, carrier and cancellation request per row,
    nothing else (no names, no addresses)."""

    marks_dates = False  # its date order is read from the whole file before the parse

    def _columns(self, skips: list[tuple[str, str]], tz: str) -> tuple[str, str, dict]:
        f = self.fields
        shipped = sqlexpr.timestamp_utc(f["shipped_at"], self.date_formats) if f["shipped_at"] != "NULL" else "NULL"
        promised = sqlexpr.promise_utc(f["promised_at"], self.date_formats) if f["promised_at"] != "NULL" else "NULL"
        cols = {
            "channel": f["channel"],
            "order_id": f["order_id"],
            "shipped_at": shipped,
            "ship_precision": sqlexpr.ship_precision(f["shipped_at"]),
            "promised_at": promised,
            "carrier": f["carrier"],
            "cancelled_by": f["cancelled_by"],
        }
        select = ",\n".join(f"CAST({v} AS {LINES_COLUMNS[k]}) AS {k}" for k, v in cols.items())
        skip_sql = (
            "CASE " + " ".join(f"WHEN {cond} THEN '{reason}'" for cond, reason in skips) + " ELSE NULL END"
            if skips
            else "NULL"
        )
        return select, skip_sql, {}

    def parse(self, source: str, params: dict) -> None:
        f = self.fields
        raw_ship = f"{f['shipped_at']}" if f["shipped_at"] != "NULL" else "NULL::VARCHAR"
        raw_promise = f"{f['promised_at']}" if f["promised_at"] != "NULL" else "NULL::VARCHAR"
        lo, hi = f"TIMESTAMP '{EARLIEST:%Y-%m-%d}'", "now()::TIMESTAMP + INTERVAL 30 DAY"
        reason = f"""(CASE
            WHEN order_id IS NULL THEN 'missing order id'
            WHEN shipped_at IS NULL AND nullif(trim(_raw_ship), '') IS NOT NULL
                THEN 'unreadable ship date "' || left(trim(_raw_ship), 40) || '"'
            WHEN promised_at IS NULL AND nullif(trim(_raw_promise), '') IS NOT NULL
                THEN 'unreadable ship-by date "' || left(trim(_raw_promise), 40) || '"'
            WHEN shipped_at NOT BETWEEN {lo} AND {hi}
                THEN 'ship date out of range "' || left(trim(_raw_ship), 40) || '"'
            ELSE NULL END)"""
        nothing = "shipped_at IS NULL AND promised_at IS NULL AND cancelled_by IS NULL"
        self.con.execute(
            f"""CREATE OR REPLACE TABLE _parsed AS
            SELECT * EXCLUDE (_raw_ship, _raw_promise) REPLACE (
                CASE WHEN _skip IS NULL THEN {reason} END AS _reject,
                coalesce(_skip, CASE WHEN {reason} IS NULL AND {nothing} THEN '{shipping.NOTHING}' END) AS _skip)
            FROM (
                SELECT {self.select}, {self.skip_sql} AS _skip, NULL::VARCHAR AS _reject,
                       {raw_ship} AS _raw_ship, {raw_promise} AS _raw_promise
                FROM {source})""",
            {k: v for k, v in {**self.params, **params}.items() if f"${k}" in self.select + source},
        )


def _read_file(con, parse: _Parse) -> tuple[LineEnds | None, set[int]]:
    """Parse the file into _parsed, repairing what the reader trips on: line ends that disagree, text that is not
    UTF-8 after all, quotes that never close. Returns the line count of the file read (None if a repair replaced
    it) and the lines of the quotes that never close."""
    prepared = parse.prepared
    # The line count (a plain pass over the bytes) runs while DuckDB reads, on the core it leaves idle.
    counted_path = prepared.path
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        counting = pool.submit(count_line_ends, counted_path)
        parse.read_or_explain()
        counted = counting.result()
    if not counted.consistent:
        # Line ends disagree beyond the head prepare() looked at: DuckDB may have joined or dropped lines.
        prepared.path = normalise_line_ends(prepared.path)
        prepared.temp_paths.append(prepared.path)
        parse.read_or_explain()
    bad_encoding = con.execute("SELECT count(*) FROM _rej WHERE error_type = 'INVALID ENCODING'").fetchone()[0]
    if bad_encoding and prepared.encoding.startswith("utf-8"):
        # Not all UTF-8 (Windows-1252 text beyond the sampled head): only the lines that are not are read that way,
        # and the report says which.
        read_mixed(prepared, parse.name)
        parse.read_or_explain()
    broken = _recover_runaway_quotes(con, prepared, parse.read_or_explain)
    parse.settle_dates()
    return (counted if prepared.path == counted_path else None), broken


def _reject_unknown_currencies(con) -> None:
    """Rows whose currency is not an ISO 4217 code (a look-alike, invisible characters, text) are rejected with the
    value shown; a full-width code is stored as its ASCII self. One pass over a column of a few distinct values."""
    found = [
        c
        for (c,) in con.execute(
            "SELECT DISTINCT currency FROM _parsed WHERE _reject IS NULL AND _skip IS NULL"
        ).fetchall()
    ]
    for code in found:
        if code is None or code in ISO_4217:
            continue
        normal = normal_code(code)
        if normal in ISO_4217:
            con.execute("UPDATE _parsed SET currency = $n WHERE currency = $c", {"n": normal, "c": code})
            continue
        shown = code.encode("unicode_escape").decode("ascii")[:40]
        con.execute(
            "UPDATE _parsed SET _reject = $r WHERE currency = $c AND _reject IS NULL AND _skip IS NULL",
            {"r": f'unknown currency code "{shown}" (not ISO 4217: use codes such as USD, EUR, GBP)', "c": code},
        )


def _drop_flagged_rows(con, flagged: bool) -> None:
    """Delete the skipped and rejected rows and the columns that flagged them."""
    if flagged:
        con.execute("DELETE FROM _parsed WHERE _skip IS NOT NULL OR _reject IS NOT NULL")
    con.execute("ALTER TABLE _parsed DROP COLUMN _skip")
    con.execute("ALTER TABLE _parsed DROP COLUMN _reject")


def _record_offsets(con, file_id: int, hint: str | None) -> None:
    """The file's orders per UTC hour and the UTC offset their text carried (NULL: none), kept in import_zone for
    impact.zone to read the seller's zone from; the per-row offset itself is not kept in `lines`. hint: the parse's
    offset hint (see sqlexpr.utc_offset_key)."""
    # The lines are counted per hour and offset key (a few per hour), and each key's offset worked out once.
    key = sqlexpr.offset_key("stored", hint)
    con.execute(
        f"""INSERT INTO import_zone
            SELECT $id, hour, CAST({sqlexpr.offset_of_key("k")} AS SMALLINT) AS utc_offset, sum(n)
            FROM (SELECT hour, {key} AS k, n FROM (
                SELECT date_trunc('hour', purchased_at) AS hour, _offset_key AS stored, count(*) AS n
                FROM _parsed GROUP BY ALL))
            GROUP BY hour, utc_offset""",
        {"id": file_id, **({"offset_hint": hint} if "$offset_hint" in key else {})},
    )
    con.execute("ALTER TABLE _parsed DROP COLUMN _offset_key")


def _allocate_order_net(con, record: str) -> None:
    """Scale each order's lines so that they add up to the order's net (its `_order_net`, e.g. Shopify's Subtotal):
    order-level discounts land on the lines pro rata, exactly to the cent (the order's last line takes the rounding
    remainder). Orders without a net, or whose lines are all 0, keep their lines as they are."""
    con.execute(
        f"""CREATE OR REPLACE TABLE _parsed AS
        WITH a AS (
            SELECT *, {record} AS _rec, sum(revenue) OVER (PARTITION BY order_id) AS _tot,
                   row_number() OVER (PARTITION BY order_id ORDER BY {record} DESC) AS _last,
                   CAST(round(_order_net, 4) AS {LINES_COLUMNS["revenue"]}) AS _net
            FROM _parsed),
        b AS (
            -- the ratio in DOUBLE (a DECIMAL product of two large amounts overflows), each share back to DECIMAL
            SELECT *, CASE WHEN _net IS NOT NULL AND _tot > 0 THEN CAST(round(
                CAST(_net AS DOUBLE) * CAST(revenue AS DOUBLE) / CAST(_tot AS DOUBLE), 4)
                AS {LINES_COLUMNS["revenue"]}) END AS _share
            FROM a)
        SELECT * EXCLUDE (_order_net, _rec, _tot, _last, _net, _share) REPLACE (
            CAST(CASE WHEN _share IS NULL THEN revenue
                      WHEN _last = 1 THEN _net - (sum(_share) OVER (PARTITION BY order_id) - _share)
                      ELSE _share END AS {LINES_COLUMNS["revenue"]}) AS revenue)
        FROM b ORDER BY _rec"""
    )


def _number_repeated_keys(con, channel_sql: str, record: str) -> None:
    """Occurrence numbers tell apart two lines of one order with the same sku; most files have none."""
    # A format's own channel is one constant, left out of the hash (a sixth of the check's time).
    # Distinct 64-bit hashes are counted faster than three strings are grouped (and sorted faster than DuckDB
    # groups them, see impact.distinct); fewer hashes than lines means a repeated hash, which is then checked exactly.
    key_hash = "hash(channel, order_id, line_key)" if IDENT.search(channel_sql) else "hash(order_id, line_key)"
    hashes = con.execute(f"SELECT {key_hash} AS h FROM _parsed").fetchnumpy()["h"]
    repeats = (
        count_distinct(hashes) < len(hashes)
        and con.execute(
            "SELECT EXISTS (SELECT 1 FROM _parsed GROUP BY channel, order_id, line_key HAVING count(*) > 1)"
        ).fetchone()[0]
    )
    if repeats:
        con.execute(
            f"""UPDATE _parsed SET line_key = x.k FROM (
                SELECT rowid AS rid, left(line_key, length(line_key) - 1)
                       || row_number() OVER (PARTITION BY channel, order_id, line_key ORDER BY {record}) AS k
                FROM _parsed QUALIFY count(*) OVER (PARTITION BY channel, order_id, line_key) > 1) x
            WHERE _parsed.rowid = x.rid"""
        )


def load_file(
    con, path: Path, name: str, file_id: int, *, tz: str, mapping: dict | None, settings: Settings
) -> FileReport:
    """Import one export into `lines`: read, parse, account for every line, renumber repeated keys, merge."""
    prepared = prepare(path, name)
    try:
        fmt, _ = _select_format(prepared, name, mapping, settings)
        if fmt.kind == "shipping":
            return _load_shipping(con, prepared, name, file_id, tz=tz, mapping=mapping, settings=settings)
        parse = _Parse(con, prepared, name, file_id, tz=tz, mapping=mapping, settings=settings)
        counted, broken = _read_file(con, parse)
        _reject_unknown_currencies(con)
        acc = account(con, prepared, name, parse.fmt, parse.record, broken, counted, settings.max_rejects_listed)
        _drop_flagged_rows(con, acc.flagged_rows)
        _record_offsets(con, file_id, parse.hint)
        if "order_net" in parse.fields:
            _allocate_order_net(con, parse.record)
        _number_repeated_keys(con, parse.fields["channel"], parse.record)
        if parse.ordered:
            con.execute("ALTER TABLE _parsed DROP COLUMN _rn")
        report = _file_report(file_id, name, parse.fmt, prepared, acc, settings)
        if not report.loaded:
            raise NoOrdersError(_nothing_loaded(report))
        merge_new_lines(con, file_id)
        return report
    finally:
        prepared.cleanup()
        for t in ("_raw", "_parsed", "_rej", "_rejscan", "_new", "_head"):
            con.execute(f"DROP TABLE IF EXISTS {t}")


def _file_report(file_id: int, name: str, fmt: Format, prepared: PreparedFile, acc, settings: Settings) -> FileReport:
    """A file's import report from its accounting: loaded is what is left of its lines once skips and rejects go."""
    report = FileReport(file_id, name, fmt.name, fmt.label, prepared.encoding)
    report.notes = list(prepared.notes)
    report.skipped_reasons = acc.skipped
    report.skipped = sum(acc.skipped.values())
    report.rejected = acc.rejected
    report.rejects = [{"line": n, "reason": r} for n, r in acc.rejects[: settings.max_rejects_listed]]
    report.lines = acc.lines
    report.loaded = report.lines - report.skipped - report.rejected
    return report


def _load_shipping(
    con, prepared: PreparedFile, name: str, file_id: int, *, tz: str, mapping: dict | None, settings: Settings
) -> FileReport:
    """Add a shipping file's rows to the orders already imported (see impact.ingest.shipping); no line is created."""
    if not con.execute("SELECT EXISTS (SELECT 1 FROM lines)").fetchone()[0]:
        raise NoOrdersError(
            f"{name}: a shipping file adds ship times to orders, and no order export has been imported: import the "
            "order exports (Amazon, eBay, Etsy, Shopify...) with it"
        )
    parse = _ShipParse(con, prepared, name, file_id, tz=tz, mapping=mapping, settings=settings)
    counted, broken = _read_file(con, parse)
    shipping.match_rows(con)
    acc = account(con, prepared, name, parse.fmt, parse.record, broken, counted, settings.max_rejects_listed)
    _drop_flagged_rows(con, acc.flagged_rows)
    counts = shipping.apply_rows(con)
    report = _file_report(file_id, name, parse.fmt, prepared, acc, settings)
    report.notes += shipping.notes(counts)
    con.execute(
        "INSERT INTO import_files (file_id, newest, loaded, duplicates) VALUES ($id, NULL, $n, 0)",
        {"id": file_id, "n": report.loaded},
    )
    return report


def _nothing_loaded(report: FileReport) -> str:
    """Why a readable file gave no order, in one sentence with its first reasons."""
    if not report.lines:
        return f"{report.name}: the {report.format_label} has a header but no order lines after it"
    parts = [
        f"{n:,} skipped ({reason})"
        for reason, n in sorted(report.skipped_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    if report.rejected:
        first = "; ".join(f"line {r['line']}: {r['reason']}" for r in report.rejects[:3])
        parts.append(f"{report.rejected:,} rejected (" + first + (", ..." if report.rejected > 3 else "") + ")")
    lines = "line" if report.lines == 1 else "lines"
    return (
        f"{report.name}: no order could be loaded from the {report.format_label}: of its {report.lines:,} {lines}, "
        + " and ".join(parts)
    )

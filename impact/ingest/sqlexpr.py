"""SQL expression builders that parse export text (amounts, timestamps, quantities) inside DuckDB.

Every builder takes an already-quoted column identifier and returns a SQL expression string. The only value
spliced in is the seller's time zone, which is passed as the named parameter $tz.
"""

from __future__ import annotations

import re

# Formats whose text carries a UTC offset (or Z).
AWARE_FORMATS = [
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M %z",
    "%b-%d-%y %H:%M:%S %z",
    "%b-%d-%Y %H:%M:%S %z",
    "%m/%d/%Y %H:%M:%S %z",
    "%m/%d/%y %H:%M:%S %z",
]
# Formats without an offset: interpreted in the seller's time zone ($tz).
NAIVE_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    # Two-digit years before the year-first slash formats, which would read 12/12/21 as the year 12.
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%b-%d-%y %H:%M:%S",
    "%b-%d-%y",
    "%b-%d-%Y",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
]
# Day-first slash dates, for files whose dates are day first (impact.ingest.dates decides): 03/04/25 reads both ways.
DAY_FIRST_FORMATS = [
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
# Zone abbreviations seen in US and European exports, as fixed offsets.
ZONE_ABBREVIATIONS = {
    "UTC": "+0000",
    "GMT": "+0000",
    "BST": "+0100",
    "CET": "+0100",
    "CEST": "+0200",
    "EET": "+0200",
    "EEST": "+0300",
    "EST": "-0500",
    "EDT": "-0400",
    "CST": "-0600",
    "CDT": "-0500",
    "MST": "-0700",
    "MDT": "-0600",
    "PST": "-0800",
    "PDT": "-0700",
    "AKST": "-0900",
    "AKDT": "-0800",
    "HST": "-1000",
    "JST": "+0900",
    "AEST": "+1000",
    "AEDT": "+1100",
}

_EXCEL_SERIAL = r"^\d{5}(\.\d+)?$"
_HAS_OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"
_ABBREV = r"\s([A-Z]{3,4})$"


def aware_formats(formats: list[str] | None) -> list[str]:
    """The formats with an offset that go with a file's offset-less ones: day first when those are."""
    if formats and any("%d/%m" in f for f in formats):
        return [f.replace("%m/%d", "%d/%m") for f in AWARE_FORMATS]
    return AWARE_FORMATS


def _list(formats: list[str]) -> str:
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in formats) + "]"


def clean(col: str) -> str:
    """Trimmed text, NULL when empty. Trimming copies the string, so it only happens when there is a space to trim."""
    return (
        f"(CASE WHEN prefix({col}, ' ') OR suffix({col}, ' ') THEN nullif(trim({col}), '') ELSE nullif({col}, '') END)"
    )


# A time with an offset at the end (its third group); and text ending in 'Z' or in an offset a clock can show
# (-12:00 to +14:00 by quarter hours), the colon as written. Both are anchored at the end only, which RE2 matches
# backwards from the end: ~5x cheaper per row than extracting the offset and testing it, which cost more than
# reading the time itself.
_TIME_OFFSET_END = r"[0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*([+-][0-9]{2}:?[0-9]{2})$"
_VALID_OFFSET_END = (
    r"(Z|\+(0[0-9]|1[0-3]){colon}(00|15|30|45)|-(0[0-9]|1[01]){colon}(00|15|30|45)|\+14{colon}00|-12{colon}00)$"
)


def offset_hint(text: str | None) -> str | None:
    """The offset that ends `text` (the commonest end of a file's dates), if it is one a clock can show: '+00:00',
    '-0400' or 'Z'. Text that ends in it passes offset_ok, so the parse binds it as $offset_hint and tests it first
    with one suffix() (see fast_timestamp_utc)."""
    text = (text or "").rstrip()
    valid = _VALID_OFFSET_END.format(colon=":?")
    return next((tail for tail in (text[-6:], text[-5:], text[-1:]) if re.fullmatch(valid, tail)), None)


def offset_ok(v: str) -> str:
    """False when the text ends in a time with a UTC offset no place uses (+99:99, +23:59), else true."""
    # Where a time and an offset end the text, that offset is the one the second pattern tests.
    valid = _VALID_OFFSET_END.format(colon=":?")
    return f"coalesce(NOT regexp_matches({v}, '{_TIME_OFFSET_END}') OR regexp_matches({v}, '{valid}'), true)"


ISO = "iso"  # fast-path name: ISO 8601 with Z or +hh:mm, read by DuckDB's own cast


def utc_naive(tstz: str) -> str:
    """A TIMESTAMPTZ as the naive UTC TIMESTAMP `lines` stores.

    The same instant as timezone('UTC', x), at half the cost: the epoch value is taken as is, with no zone lookup.
    """
    return f"make_timestamp(epoch_us({tstz}))"


def fast_timestamp_utc(col: str, fmt: str, *, trimmed: bool = True, hint: str | None = None) -> str:
    """One format only: NULL where it does not apply, so a fuller parse can take over (see timestamp_utc).

    trimmed=False reads the text as it is: a value with stray spaces then gives NULL and the caller falls back.
    hint: the value bound as $offset_hint (see offset_hint); text ending in it skips the offset check's patterns.
    """
    v = clean(col) if trimmed else col
    if fmt == ISO:
        # Only text that carries its offset: DuckDB would read a naive time as UTC, not in the seller's zone.
        guard = f"regexp_matches({v}, '{_VALID_OFFSET_END.format(colon=':')}')"
        if hint and (hint == "Z" or ":" in hint):
            guard = f"(suffix({v}, $offset_hint) OR {guard})"
        return f"(CASE WHEN {guard} THEN {utc_naive(f'TRY_CAST({v} AS TIMESTAMPTZ)')} END)"
    literal = "'" + fmt.replace("'", "''") + "'"
    if "%z" in fmt:
        guard = f"(suffix({v}, $offset_hint) OR {offset_ok(v)})" if hint else offset_ok(v)
        return f"(CASE WHEN {guard} THEN {utc_naive(f'try_strptime({v}, {literal})')} END)"
    return utc_naive(f"timezone($tz, try_strptime({v}, {literal}))")


def timestamp_utc(col: str, formats: list[str] | None = None, fast: str | None = None, hint: str | None = None) -> str:
    """Text -> naive UTC TIMESTAMP, or NULL when it cannot be read.

    Handles ISO 8601 with offsets, offset-less local times (in $tz), eBay's MMM-DD-YY, US and European dates, and
    Excel serial day numbers (1900 date system), which files re-saved by Excel contain. `fast` names the one format
    a file's sample uses; rows it reads skip the slower general parse. hint: see fast_timestamp_utc.
    """
    if fast:
        # Text as it is first: trimming copies every value, and only values with stray spaces need it. A CASE, not
        # one coalesce of the three: DuckDB computes the parts the two slower parses share for every row in a
        # coalesce (half the time of this expression), but within a CASE branch only for the rows that reach it.
        untrimmed = fast_timestamp_utc(col, fast, trimmed=False, hint=hint)
        return (
            f"(CASE WHEN {untrimmed} IS NOT NULL THEN {untrimmed} "
            f"ELSE coalesce({fast_timestamp_utc(col, fast)}, {timestamp_utc(col, formats)}) END)"
        )
    v = clean(col)
    naive = _list(formats or NAIVE_FORMATS)
    aware = _list(aware_formats(formats))
    zone = "(CASE regexp_extract({v}, '{a}', 1) {w} END)".format(
        v=v, a=_ABBREV, w=" ".join(f"WHEN '{k}' THEN '{o}'" for k, o in ZONE_ABBREVIATIONS.items())
    )
    excel = utc_naive(
        f"timezone($tz, TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST({v} AS DOUBLE) * 86400000000) AS BIGINT)))"
    )
    abbreviated = utc_naive(f"try_strptime(regexp_replace({v}, '{_ABBREV}', '') || ' ' || {zone}, {aware})")
    with_offset = utc_naive(f"coalesce(TRY_CAST({v} AS TIMESTAMPTZ), try_strptime({v}, {aware}))")
    local = utc_naive(f"timezone($tz, try_strptime({v}, {naive}))")
    return f"""(CASE
        WHEN {v} IS NULL THEN NULL
        WHEN regexp_matches({v}, '{_EXCEL_SERIAL}') AND TRY_CAST({v} AS DOUBLE) BETWEEN 20000 AND 80000 THEN {excel}
        WHEN regexp_matches({v}, '{_ABBREV}') THEN {abbreviated}
        WHEN regexp_matches({v}, '{_HAS_OFFSET}') THEN (CASE WHEN {offset_ok(v)} THEN {with_offset} END)
        ELSE {local}
    END)"""


def promise_utc(col: str, formats: list[str] | None = None, fast: str | None = None) -> str:
    """A ship-by promise as a naive UTC TIMESTAMP: timestamp_utc, except that a date without a time of day is read
    as the end of that day in $tz.

    A marketplace's "ship by Oct-21" allows the whole of Oct-21, so midnight would drop the orders due on an outage
    day from its due set and make a shipment timed later that day late. The end is the day's last microsecond
    (23:59:59 to the second) rather than the next midnight: a date-only shipment on the next day is stored at that
    midnight, and lateness is `shipped_at > promise`, so the next midnight would keep it on time.
    """
    parsed = timestamp_utc(col, formats, fast)
    # Back to the local calendar day and to its end there, so a DST change that day moves the end with the zone.
    local_day = f"date_trunc('day', timezone($tz, timezone('UTC', {parsed})))"
    end_of_day = utc_naive(f"timezone($tz, {local_day} + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND)")
    return f"(CASE WHEN {precision(col)} = 'day' THEN {end_of_day} ELSE {parsed} END)"


def precision(col: str) -> str:
    """'second' when the text has a time of day (or an Excel serial with a fraction), else 'day'."""
    v = clean(col)
    # Spaces around the text change neither test, so the untrimmed text is tested first.
    return f"""(CASE WHEN contains({col}, ':') THEN 'second'
        WHEN contains({col}, '.') AND TRY_CAST({v} AS DOUBLE) BETWEEN 20000 AND 80000 THEN 'second'
        ELSE 'day' END)"""


def truthy(col: str) -> str:
    """A yes/no column ('true', 'Yes', '1'...) read as true."""
    return f"lower(coalesce({clean(col)}, '')) IN ('true', 'yes', 'y', '1', 'x')"


def cancel_requested_by(col: str) -> str:
    """Amazon's is-buyer-requested-cancellation as cancelled_by: 'buyer' when true, 'seller' when it says false
    (a cancellation the buyer did not ask for), NULL when empty."""
    if col == "NULL":
        return "NULL"
    return f"(CASE WHEN {truthy(col)} THEN 'buyer' WHEN {clean(col)} IS NOT NULL THEN 'seller' END)"


def ship_precision(col: str) -> str:
    """precision() of a ship time, NULL where there is none (a NULL column, or an empty value)."""
    if col == "NULL":
        return "NULL"
    return f"(CASE WHEN {clean(col)} IS NOT NULL THEN {precision(col)} END)"


# Every plain number that cannot be read two ways: digits with no dot, or a dot whose side shows it is a decimal
# point (not 1 to 3 digits then exactly 3, which may be 1.234 or 1,234 written with a dot for thousands).
_PLAIN = r"-?[0-9]+(\.([0-9]{1,2}|[0-9]{4,}))?|-?([0-9]{4,}|0)\.[0-9]{3}"
# Sign, currency (a symbol or up to three letters, before or after), the number with its separators, brackets.
_MONEY = (
    r"^(\()?\s*([-+−]?)\s*(\p{Sc}|\pL{1,3}\.?\s?\p{Sc}?)?\s*([-−]?)\s*([0-9][0-9.,  '’]*[0-9]\.?|[0-9]\.?|[.,][0-9]+)"
    r"\s*(\p{Sc}|\pL{1,3}\.?)?\s*(\))?$"
)
_MONEY_SQL = _MONEY.replace("'", "''")
# What "1.234" or "1,234" (one group of three after 1 to 3 digits) means, from the other values of the column:
# $amount_marks is 'dot' (decimal point, comma for thousands), 'comma' (decimal comma), or NULL (not shown: refused).
AMBIGUOUS = r"[1-9][0-9]{0,2}[.,][0-9]{3}"


def _number(n: str) -> str:
    """The digits-and-separators part of a money text as plain decimal text, NULL when it is no number."""
    return rf"""(CASE
        WHEN regexp_full_match({n}, '[0-9]+(\.[0-9]*)?|\.[0-9]+') AND NOT regexp_full_match({n}, '{AMBIGUOUS}')
            THEN {n}
        WHEN regexp_full_match({n}, '{AMBIGUOUS}') THEN (CASE
            WHEN $amount_marks = 'dot' THEN replace({n}, ',', '')
            WHEN $amount_marks = 'comma' THEN replace(replace({n}, '.', ''), ',', '.') END)
        WHEN regexp_full_match({n}, '[0-9]{{1,3}}(,[0-9]{{3}})+(\.[0-9]+)?') THEN replace({n}, ',', '')
        WHEN regexp_full_match({n}, '[0-9]{{1,3}}(\.[0-9]{{3}})+(,[0-9]+)?') THEN replace(replace({n}, '.', ''), ',', '.')
        WHEN regexp_full_match({n}, '[0-9]+,[0-9]+|,[0-9]+') THEN replace({n}, ',', '.')
        WHEN regexp_full_match({n}, '[0-9]{{1,3}}([  ''’][0-9]{{3}})+([.,][0-9]+)?')
            THEN replace(regexp_replace({n}, '[  ''’]', '', 'g'), ',', '.')
        END)"""


def amount(col: str) -> str:
    """Money text -> DOUBLE: '$1,249.00', '1.249,00 €', 'EUR 12,50', '(5.00)'. NULL when unreadable.

    Strict: hex, exponents, underscores, stray separators ('$1,2,3') and text around the number are NULL (the parse
    rejects them with a reason); '1.234' follows the column's convention ($amount_marks, see amount_marks()).
    """
    v = clean(col)
    parts = f"regexp_extract({v}, '{_MONEY_SQL}', ['open', 's1', 'cur', 's2', 'n', 'cur2', 'close'])"
    money = f"""list_transform([{parts}], lambda m: CASE
        WHEN m.n = '' OR (m.open = '') <> (m.close = '') OR (m.s1 <> '' AND m.s2 <> '') THEN NULL
        ELSE (CASE WHEN m.open <> '' OR m.s1 IN ('-', '−') OR m.s2 <> '' THEN -1 ELSE 1 END)
            * CAST({_number("m.n")} AS DOUBLE) END)[1]"""
    # Plain numbers, the common case, are read by one cast of the text as it is; the rule only runs for the others.
    # A price with two decimals ('12.50') is known plain without the pattern when it reads back unchanged as a
    # DECIMAL(18,2) (that prints exactly -?digits.dd): ~40% cheaper on the 2 M-line report, the same DOUBLE. That
    # DECIMAL, computed once, gives the DOUBLE (exactly the text's own cast on 4 M sampled prices) without a second
    # read of the text.
    return f"""(CASE WHEN {col} = TRY_CAST({col} AS DECIMAL(18,2))::VARCHAR THEN CAST(TRY_CAST({col} AS DECIMAL(18,2)) AS DOUBLE)
        WHEN regexp_full_match({col}, '{_PLAIN}') THEN CAST({col} AS DOUBLE)
        WHEN {v} IS NULL THEN NULL ELSE {money} END)"""


def amount_problem(raw: str) -> str:
    """Why a money text that amount() could not read is refused, naming the value and the fix (text is trimmed)."""
    shown = f"left({raw}, 40)"
    return f"""(CASE WHEN regexp_full_match(regexp_extract({raw}, '{_MONEY_SQL}', 5), '{AMBIGUOUS}')
        THEN 'ambiguous amount "' || {shown} || '": no other amount in the file shows whether the separator marks '
             || 'thousands or decimals; write 1234 or 1.234 (or 1,234.00)'
        WHEN lower({raw}) IN ('nan', '-nan', 'inf', '-inf', '+inf', 'infinity', '-infinity', '+infinity')
        THEN 'amount is not a number "' || {shown} || '": write the amount in digits, such as 1234.50'
        ELSE 'unreadable amount "' || {shown} || '": write a plain number such as 1234.50 (no hex, exponent or '
             || 'underscore; commas only between groups of three digits)' END)"""


def amount_marks(con, col: str, source: str, params: dict) -> str | None:
    """The column's decimal mark, 'dot' or 'comma', as its values show it; None when they do not (or disagree)."""
    v = clean(col)
    dot = r"'[0-9]\.[0-9]{1,2}$|[0-9]\.[0-9]{4,}$|,[0-9]{3}\.[0-9]+$|,[0-9]{3},[0-9]{3}'"
    comma = r"'[0-9],[0-9]{1,2}$|[0-9],[0-9]{4,}$|\.[0-9]{3},[0-9]+$|\.[0-9]{3}\.[0-9]{3}'"
    digits = f"regexp_replace({v}, '[^0-9.,]', '', 'g')"
    dots, commas = con.execute(
        f"SELECT count(*) FILTER (regexp_matches({digits}, {dot})), count(*) FILTER (regexp_matches({digits}, {comma}))"
        f" FROM {source}",
        params,
    ).fetchone()
    if dots and not commas:
        return "dot"
    if commas and not dots:
        return "comma"
    return None


def currency_from_symbol(col: str) -> str:
    """ISO code from the symbol in a money string (eBay and WooCommerce carry no currency column)."""
    v = clean(col)
    return f"""(CASE
        WHEN {v} IS NULL THEN NULL
        WHEN {v} LIKE 'AU%$%' THEN 'AUD' WHEN {v} LIKE 'C%$%' THEN 'CAD' WHEN {v} LIKE '%£%' THEN 'GBP'
        WHEN {v} LIKE '%€%' OR {v} LIKE '%EUR%' THEN 'EUR' WHEN {v} LIKE '%¥%' THEN 'JPY'
        WHEN {v} LIKE '%$%' OR {v} LIKE '%USD%' THEN 'USD'
        ELSE nullif(regexp_extract({v}, '([A-Z]{{3}})', 1), '')
    END)"""


def quantity(col: str) -> str:
    """Item count text -> DOUBLE: digits, a decimal point, commas between groups of three ('1,000'); NULL when empty
    (the parse counts one item). Anything else ('0x1F', '1_000', '1e3', '1,5') is NaN, which the parse rejects as
    an unreadable quantity: a cast alone read '1_000' as 1000, and dropping commas read '1,5' as 15."""
    v = clean(col)
    return rf"""(CASE WHEN {v} IS NULL THEN NULL
        WHEN regexp_full_match({v}, '-?[0-9]+(\.[0-9]+)?') THEN CAST({v} AS DOUBLE)
        WHEN regexp_full_match({v}, '[0-9]{{1,3}}(,[0-9]{{3}})+') THEN CAST(replace({v}, ',', '') AS DOUBLE)
        ELSE CAST('NaN' AS DOUBLE) END)"""


def utc_offset_minutes(col: str) -> str:
    """The UTC offset a timestamp's text carries, in minutes east of UTC (Z and +00:00 are 0; a zone abbreviation
    such as PDT is its fixed offset), or NULL for a time without one (read in $tz) and for a date alone.

    The offsets of a file tell the seller's zone (impact.zone): Shopify writes the shop's own offset on every order.
    """
    return offset_of_key(utc_offset_key(col))


def utc_offset_key(col: str, hint: str | None = None) -> str:
    """All that utc_offset_minutes reads of a timestamp's text: its last six characters, NULL when it has no time.

    An import keeps this per line and works out the offset once per distinct key and hour: the offset per line cost
    a quarter of an Amazon report's parse. hint: the value bound as $offset_hint; when it is six characters long,
    text ending in it is found with one suffix() and keyed NULL, and a text without an offset keyed '' (a column of
    NULLs is written faster than one of the same text: 0.02 s of the 2 M-line parse); `offset_key` reads it back.
    """
    v = clean(col)
    key = f"(CASE WHEN {v} IS NULL OR NOT contains({v}, ':') THEN NULL ELSE right({v}, 6) END)"
    if hint and len(hint) == 6:
        return f"(CASE WHEN suffix({col}, $offset_hint) THEN NULL ELSE coalesce({key}, '') END)"
    return key


def offset_key(stored: str, hint: str | None) -> str:
    """The utc_offset_key a parse stored with `hint`, as utc_offset_key without a hint gives it."""
    return f"nullif(coalesce({stored}, $offset_hint), '')" if hint and len(hint) == 6 else stored


def offset_of_key(key: str) -> str:
    """The offset in minutes of a utc_offset_key, read with string slices (a regular expression cost as much as the
    rest of an Amazon parse)."""

    def signed(at: int, hours: str, minutes: str) -> str:
        # An offset is at most 14 hours of at most 59 minutes: '10-2025' ending a date is not one.
        h, m = f"TRY_CAST({hours} AS INTEGER)", f"TRY_CAST({minutes} AS INTEGER)"
        sign = f"(CASE substr({key}, {at}, 1) WHEN '-' THEN -1 ELSE 1 END)"
        return f"(CASE WHEN {h} <= 14 AND {m} < 60 THEN {sign} * ({h} * 60 + {m}) END)"

    abbreviations = " ".join(
        f"WHEN '{k}' THEN {(-1 if o[0] == '-' else 1) * (int(o[1:3]) * 60 + int(o[3:]))}"
        for k, o in ZONE_ABBREVIATIONS.items()
    )
    # The last six characters hold an offset ('+05:30', '+0530'), a zone abbreviation after a space (' PDT'), or 'Z'.
    return f"""(CASE
        WHEN {key} IS NULL THEN NULL
        WHEN suffix({key}, 'Z') THEN 0
        WHEN substr({key}, -6, 1) IN ('+', '-') AND substr({key}, -3, 1) = ':'
            THEN {signed(-6, f"substr({key}, -5, 2)", f"right({key}, 2)")}
        WHEN substr({key}, -5, 1) IN ('+', '-') AND substr({key}, -6, 1) NOT IN ('+', '-', ':')
            THEN {signed(-5, f"substr({key}, -4, 2)", f"right({key}, 2)")}
        WHEN substr({key}, -1, 1) BETWEEN 'A' AND 'Z'
            THEN (CASE regexp_extract({key}, '{_ABBREV}', 1) {abbreviations} END)
        ELSE NULL END)"""

"""Which way a file writes its slash dates: day first (31/12/2023) or month first (12/31/2023), decided once per file.

A date such as 03/04/2024 reads either way, and a reader that guessed would load every such date swapped without a
word. So the order is taken from every value of the file's date columns: a number above 12 in the first place means
day first, in the second place month first. A file whose values cannot decide takes the order the seller gave
(`date_order`), else its format's own convention (Etsy writes MM/DD/YY), else its currency (a US-dollar file is
month first, a euro or pound file day first), else it is refused with the fix named; a file with both is refused.
"""

from __future__ import annotations

from ..errors import InputError
from . import sqlexpr

ORDERS = ("month_first", "day_first")
# Where Excel writes dates month first: the United States (and the dollar files of its sellers).
_MONTH_FIRST_CURRENCIES = frozenset({"USD"})
# Currencies of countries whose spreadsheets write the day first.
_DAY_FIRST_CURRENCIES = frozenset(
    "EUR GBP AUD NZD INR PKR ZAR BRL MXN SGD HKD MYR IDR TRY PLN CHF SEK NOK DKK CZK HUF RON ILS AED SAR EGP NGN "
    "KES THB VND ARS CLP COP PEN".split()
)
FIX = "--map date_order=day_first or date_order=month_first (in the app: the file's 'Date order')"


class DateOrderError(InputError):
    """A file's slash dates cannot be read without knowing (or contradict) the order of day and month."""

    def __init__(self, message: str, name: str):
        super().__init__(message)
        self.name = name


def formats(order: str | None) -> list[str] | None:
    """The offset-less formats a file with this date order is read with (None: the usual list, month first)."""
    if order == "day_first":
        return sqlexpr.DAY_FIRST_FORMATS + [f for f in sqlexpr.NAIVE_FORMATS if "%m/%d" not in f]
    return None


def _parts(v: str) -> tuple[str, str, str]:
    """SQL: is `v` a slash date, and its first and second numbers (split_part and a cast rather than a regular
    expression: a third of the cost on every value of a large file)."""
    a, b = (f"TRY_CAST(trim(split_part({v}, '/', {i})) AS INTEGER)" for i in (1, 2))
    return f"({v} LIKE '%_/%_/%_' AND {a} BETWEEN 1 AND 31 AND {b} BETWEEN 1 AND 31)", a, b


def evidence(con, columns: list[str], source: str, params: dict) -> tuple[int, str | None, str | None]:
    """(slash dates, one whose first number is above 12, one whose second number is above 12) over `source`."""
    if not columns:
        return 0, None, None
    slash, a, b = _parts("v")
    values = "[" + ", ".join(f"trim(CAST({c} AS VARCHAR))" for c in columns) + "]"
    n, day_first, month_first = con.execute(
        f"""SELECT count(*), min(v) FILTER ({a} >= 13 AND {b} <= 12), min(v) FILTER ({b} >= 13 AND {a} <= 12)
            FROM (SELECT unnest({values}) AS v FROM {source}) WHERE {slash}""",
        params,
    ).fetchone()
    return int(n), day_first, month_first


def rejected_evidence(con, table: str = "_parsed") -> tuple[int, str | None, str | None]:
    """evidence() from a parse already made: the purchase dates it read, and among the dates it could not read one
    that can only be day first and one that can only be month first. A file read month first rejects 31/12/2023
    as unreadable (and one read day first 12/31/2023), so the lines beyond the head that decide are found among the
    few rejects, at no cost to the other lines."""
    slash, a, b = _parts("v")
    n, day_first, month_first = con.execute(
        f"""SELECT (SELECT count(purchased_at) FROM {table}), min(v) FILTER ({a} >= 13 AND {b} <= 12),
                   min(v) FILTER ({b} >= 13 AND {a} <= 12)
            FROM (SELECT regexp_extract(_reject, '"(.*)"$', 1) AS v FROM {table}
                  WHERE _reject LIKE 'unreadable purchase date%') WHERE {slash}"""
    ).fetchone()
    return int(n or 0), day_first, month_first


def currency_hint(con, currency_sql: str, head: str = "_head") -> str | None:
    """The date order the file's most frequent currency suggests, if it suggests one."""
    if currency_sql in ("NULL", "$currency"):
        return None
    code = con.execute(f"SELECT mode(c) FROM (SELECT {currency_sql} AS c FROM {head}) WHERE c IS NOT NULL").fetchone()
    code = (code[0] or "").upper() if code else ""
    if code in _MONTH_FIRST_CURRENCIES:
        return "month_first"
    if code in _DAY_FIRST_CURRENCIES:
        return "day_first"
    return None


def decide(
    name: str,
    found: tuple[int, str | None, str | None],
    *,
    given: str | None,
    convention: str | None,
    hint,
    wait: bool = False,
) -> str | None:
    """The file's date order from the evidence, else the order given, its format's convention or `hint()`.

    None when the file has no slash date (nothing to decide), or when nothing decides yet and `wait` (the rest of
    the file may). Raises DateOrderError when the values contradict each other or the order given, or when nothing
    decides.
    """
    n, day_first, month_first = found
    given = given if given in ORDERS else None
    if day_first and month_first:
        raise DateOrderError(
            f"{name}: its dates are written both day first ('{day_first}') and month first ('{month_first}'), so "
            "some would load swapped; export the report again, or split the file where the date format changes",
            name,
        )
    seen = "day_first" if day_first else "month_first" if month_first else None
    if seen and given and seen != given:
        example = day_first or month_first
        raise DateOrderError(
            f"{name}: date_order={given} was given, but the date '{example}' can only be "
            f"{'day/month' if seen == 'day_first' else 'month/day'}; import it with --map date_order={seen}",
            name,
        )
    if seen or not n:
        return seen
    order = given or convention or hint()
    if order or wait:
        return order
    dated = f"its {n:,} dates" if n != 1 else "its date"
    raise DateOrderError(
        f"{name}: {dated} could be day/month or month/day (none has a number above 12 in the first or second place); "
        f"say which with {FIX}",
        name,
    )

"""Tests for impact/costs/reader.py: money and date parsing in SQL, header location, line accounting."""

from decimal import Decimal

import duckdb
import pytest

from impact.costs.reader import currency_mismatch, money_problem, money_sql


@pytest.fixture(scope="module")
def db():
    c = duckdb.connect()
    yield c
    c.close()


def _money(db, text, marks=None):
    sql = f"SELECT {money_sql('$v')}, {money_problem('$v', 'cost')}"
    return db.execute(sql, {"v": text, "money_marks": marks}).fetchone()


@pytest.mark.parametrize(
    "text,value",
    [
        ("12.50", "12.50"),
        ("$12.50", "12.50"),
        ("1,234.50", "1234.50"),
        ("12,50", "12.50"),
        ("1.234,50", "1234.50"),
        ("1,234,567", "1234567"),
        ("0,125", "0.125"),
        ("EUR 12,50", "12.50"),
        ("12.50 USD", "12.50"),
        ("US$ 7", "7"),
        (" 3.99 ", "3.99"),
        ("Rs.201.68", "201.68"),
        ("R$ 1.234,56", "1234.56"),
        ("12,50 zł", "12.50"),
        ("kr 99", "99"),
        ("12.50 kr.", "12.50"),
        ("₹1,499.00", "1499.00"),
    ],
)
def test_money_reads_the_documented_forms(db, text, value):
    """Dots, commas, symbols and codes are read by the documented rule into exact decimals."""
    parsed, problem = _money(db, text)
    assert parsed == Decimal(value) and problem is None


@pytest.mark.parametrize(
    "text,reason",
    [
        ("abc", 'unreadable cost "abc"'),
        ("-3.00", 'negative cost "-3.00"'),
        ("(5.00)", 'negative cost "(5.00)"'),
        ("-Rs.3.00", 'negative cost "-Rs.3.00"'),
        ("(5 kr)", 'negative cost "(5 kr)"'),
        ("1,234", 'ambiguous cost "1,234"'),
        ("1.2.3", 'unreadable cost "1.2.3"'),
        ("12.50abc4", 'unreadable cost "12.50abc4"'),
        ("1.234", 'ambiguous cost "1.234": no other cost in the file shows whether the separator marks thousands '),
        ("0x1F", 'unreadable cost "0x1F": write a number such as 12.50'),
        ("$1,2,3", 'unreadable cost "$1,2,3": write a number such as 12.50'),
        ("1_000", 'unreadable cost "1_000": write a number such as 12.50'),
    ],
)
def test_money_problems_are_named(db, text, reason):
    """Unreadable, negative and ambiguous amounts each get their own reason quoting the text."""
    assert _money(db, text)[1].startswith(reason)


@pytest.mark.parametrize(
    "text,marks,value",
    [
        ("1.234", "dot", "1.234"),
        ("1.234", "comma", "1234"),
        ("1,234", "dot", "1234"),
        ("1,234", "comma", "1.234"),
        ("$1.234", "comma", "1234"),
        ("12.50", "comma", "12.50"),
        ("0.125", None, "0.125"),
    ],
)
def test_one_group_of_three_digits_follows_the_files_decimal_mark(db, text, marks, value):
    """'1.234' and '1,234' read as the file's other amounts write their decimals; a leading 0 is never a thousand."""
    assert _money(db, text, marks) == (Decimal(value), None)


def test_empty_money_is_null_without_a_problem(db):
    """An empty cell is neither a value nor a problem: the format decides whether to skip it."""
    assert _money(db, "  ") == (None, None)


@pytest.mark.parametrize(
    "text,currency,reason",
    [
        ("Rs.201.68", "INR", None),
        ("R$ 1.234,56", "BRL", None),
        ("kr 99", "NOK", None),
        ("12,50 zł", "PLN", None),
        ("$5.00", "CAD", None),
        ("12.50", "USD", None),
        ("Rs.201.68", None, None),
        ("Rs.201.68", "USD", 'spend "Rs.201.68" is written in INR/PKR/LKR/NPR but the row\'s currency is USD'),
        ("12,50 zł", "EUR", 'spend "12,50 zł" is written in PLN but the row\'s currency is EUR'),
        ("12.50 GBP", "EUR", 'spend "12.50 GBP" is written in GBP but the row\'s currency is EUR'),
    ],
)
def test_a_currency_sign_is_checked_against_the_rows_currency(db, text, currency, reason):
    """A sign or code beside the amount must be one the row's currency can be written with; the reason names both."""
    got = db.execute(f"SELECT {currency_mismatch('$v', '$c', 'spend')}", {"v": text, "c": currency}).fetchone()[0]
    if reason is None:
        assert got is None
    else:
        assert got == reason + ": correct the currency column or the amount"

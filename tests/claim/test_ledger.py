"""The extra-expenses ledger: every line loaded, blank or rejected with its line number and reason; a ledger with a
rejected row is refused whole."""

from datetime import datetime
from decimal import Decimal

import pytest

from impact.claim import load_ledger, read_ledger
from impact.claim.statement import assign_expenses
from impact.errors import InputError

GOOD = """date,description,amount,receipt,shortfall_avoided
2025-10-20,Overtime to re-key orders,240.00,INV-1182,
2025-10-21,"Backup checkout, one month","1,200.50",R-77,3000

2025-10-21,Expedited shipping,$85,UPS-3,
"""


def test_a_good_ledger_loads_every_row_exactly():
    """Three expenses and one blank line; amounts exact, thousands separators and a currency sign read."""
    led = read_ledger(GOOD, "expenses.csv").check()
    assert (led.lines, len(led.rows), led.blank, led.rejected) == (4, 3, 1, [])
    assert led.total == Decimal("1525.50")
    assert led.rows[1].shortfall_avoided == Decimal("3000.00") and led.rows[1].line == 3
    assert led.to_json()["rows"][0]["receipt"] == "INV-1182"


def test_bad_rows_are_rejected_with_line_and_reason_and_refuse_the_ledger(tmp_path):
    """Each bad row is named by its line number and reason; check() refuses the whole ledger in one sentence."""
    path = tmp_path / "expenses.csv"
    path.write_text(
        "date,description,amount,receipt\n"
        "2025-10-20,Overtime,240.00,INV-1\n"
        "20/10/2025,Overtime,240.00,INV-2\n"
        "2025-10-20,Refund,-5,INV-3\n"
        "2025-10-20,Courier,abc,INV-4\n"
        "2025-10-20,Courier,12.00,\n"
        "2025-10-20,,12.00,INV-6\n"
        "2025-10-20,Courier,1.005,INV-7\n"
    )
    led = load_ledger(path)
    assert len(led.rows) + led.blank + len(led.rejected) == led.lines == 7
    assert [n for n, _ in led.rejected] == [3, 4, 5, 6, 7, 8]
    reasons = dict(led.rejected)
    assert "not a date" in reasons[3] and "not above 0" in reasons[4] and "not a number" in reasons[5]
    assert "receipt" in reasons[6] and "description" in reasons[7] and "two decimals" in reasons[8]
    with pytest.raises(InputError, match=r"expenses.csv: 6 of 7 expense rows rejected.*line 3: date") as err:
        led.check()
    assert "\n" not in str(err.value)


def test_missing_columns_and_unreadable_files_are_input_errors(tmp_path):
    """A ledger without the required columns, or that does not exist, is one InputError."""
    with pytest.raises(InputError, match="no amount, receipt column"):
        read_ledger("date,description\n2025-10-20,x\n")
    with pytest.raises(InputError, match="cannot read the extra-expenses file"):
        load_ledger(tmp_path / "missing.csv")


def test_expenses_go_to_the_window_whose_period_holds_their_date():
    """Each expense joins the outage whose period holds its date; one dated outside every period is rejected."""
    led = read_ledger(GOOD + "2025-12-01,Late invoice,10,X-1\n")
    periods = [
        (datetime(2025, 10, 20, 6), datetime(2025, 10, 20, 23)),
        (datetime(2025, 10, 21, 1), datetime(2025, 10, 22)),
    ]
    per = assign_expenses(led, periods)
    assert [len(p) for p in per] == [1, 2]
    assert led.rejected == [
        (
            6,
            "dated 2025-12-01 outside every claimed outage's period (2025-10-20 to 2025-10-20, "
            "2025-10-21 to 2025-10-22)",
        )
    ]

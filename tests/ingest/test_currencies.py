"""Tests for currency codes at import (impact.currencies): look-alikes rejected with their line, full-width read as
ISO, so no invisible or Markdown text becomes a currency."""

import pytest

from impact.currencies import iso_code
from impact.errors import InputError
from impact.ingest import ingest_files

MAPPING = {"order_id": "Order", "purchased_at": "Date", "revenue": "Total", "currency": "Cur", "channel_value": "other"}


def test_look_alike_codes_are_rejected_with_their_line_and_full_width_is_iso(con, tmp_path, monkeypatch):
    """USD and full-width ＵＳＤ load as USD; a zero-width space, a Cyrillic letter, a bidi override and a Markdown
    image are each rejected with the line number and the value's hidden characters shown."""
    monkeypatch.setenv("IMPACT_MAPPINGS_PATH", str(tmp_path / "mappings.json"))
    f = tmp_path / "orders.csv"
    f.write_text(
        "Order,Date,Total,Cur\n"
        "A1,2025-10-20 08:00,10.00,USD\n"
        "A2,2025-10-20 09:00,20.00,ＵＳＤ\n"
        "A3,2025-10-20 10:00,30.00,U\u200bSD\n"
        "A4,2025-10-20 11:00,40.00,\u0423SD\n"
        "A5,2025-10-20 12:00,50.00,USD\u202e\n"
        "A6,2025-10-20 13:00,60.00,![C](http://x.test/c.png)\n",
        encoding="utf-8",
    )
    report = ingest_files(con, [f], mapping=MAPPING).to_json()
    file = report["files"][0]
    assert (file["loaded"], file["rejected"]) == (2, 4)
    assert report["currency"] == ["USD"] and report["channels"]["other"]["revenue"] == 30.0
    assert [r["line"] for r in file["rejects"]] == [4, 5, 6, 7]
    assert file["rejects"][0]["reason"] == (
        'unknown currency code "U\\u200bSD" (not ISO 4217: use codes such as USD, EUR, GBP)'
    )
    assert '"\\u0423SD"' in file["rejects"][1]["reason"] and '"USD\\u202e"' in file["rejects"][2]["reason"]


def test_an_option_naming_a_look_alike_is_refused():
    """iso_code reads full-width codes and refuses a look-alike, showing its hidden character."""
    assert iso_code("ｅｕｒ") == "EUR"
    with pytest.raises(InputError) as err:
        iso_code("U\u200bSD")
    assert str(err.value) == (
        'currency expects a three-letter ISO 4217 currency code such as EUR, USD or GBP; got "U\\u200bSD"'
    )

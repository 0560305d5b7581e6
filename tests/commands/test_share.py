"""Tests for `python -m impact share`: create from files, --list, --revoke, --revoke-id, and its errors."""

import json
import subprocess
import sys
import types

import pytest
from testdata import ROOT

from impact import analysis
from impact.__main__ import main
from impact.errors import ShareError
from impact.share import create_share, open_share
from impact.share.url_builder import token_from_query

AMAZON = "amazon_all_orders_32.txt"

# Every test runs against the DuckDB file and PostgreSQL (conftest.py: share_backend).
pytestmark = pytest.mark.usefixtures("share_backend")


def run(capsys, *argv):
    code = main(["share", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def stand_in_analysis(monkeypatch):
    """A stand-in for the analysis engine (the sample file has too little history for the real one) that returns
    real per-channel sums from the session database plus an order list, so the wiring and the privacy scrub are
    tested end to end; calls are recorded."""
    calls = []

    def analyze(con, windows, options, **_keywords):
        calls.append({"windows": windows, "recovery_hours": options.recovery_hours, "confidence": options.confidence})
        rows = con.execute(
            "SELECT channel, sum(revenue) FROM lines WHERE status <> 'cancelled' GROUP BY 1 ORDER BY 1"
        ).fetchall()
        orders = [
            {"order_id": r[0], "revenue": r[1]}
            for r in con.execute("SELECT order_id, sum(revenue) FROM lines GROUP BY 1").fetchall()
        ]
        result = {
            "windows": [{"start": "x", "by_channel": [{"channel": c, "revenue": v} for c, v in rows], "orders": orders}]
        }
        return types.SimpleNamespace(to_json=lambda: result)

    monkeypatch.setattr(analysis, "analyze", analyze)  # the service imports it where it runs it
    return calls


def test_list_when_nothing_shared(capsys):
    """--list with no database says so and exits 0; --json gives an empty list."""
    assert run(capsys, "--list") == (0, "no active shares\n", "")
    assert json.loads(run(capsys, "--list", "--json")[1]) == []


def test_create_from_files(capsys, data_dir, stand_in_analysis):
    """share FILE --window creates a link whose snapshot holds the analysis and ingest counts, never order ids."""
    code, out, err = run(
        capsys,
        str(data_dir / AMAZON),
        "--window",
        "2024-01-01T10:00Z",
        "2024-01-01T12:00+00:00",
        "--channels",
        "amazon",
        "--expires-days",
        "7",
        "--confidence",
        "0.8",
        "--json",
    )
    assert (code, err) == (0, "")
    link = json.loads(out)
    assert set(link) == {"token", "url", "expires", "id"}
    assert token_from_query(link["url"]) == link["token"]
    assert link["expires"].endswith("Z")
    (call,) = stand_in_analysis
    assert call["confidence"] == 0.8 and call["recovery_hours"] == 24
    assert [w.channels for w in call["windows"]] == [("amazon",)]
    shared = open_share(link["token"])
    assert shared["windows"][0]["start"] == "2024-01-01T10:00:00Z" and shared["windows"][0]["channels"] == ["amazon"]
    assert shared["settings"] == {"tz": "UTC", "confidence": 0.8, "recovery_hours": 24, "channels": ["amazon"]}
    assert shared["analysis"]["windows"][0]["by_channel"][0]["channel"] == "amazon"
    assert shared["analysis"]["windows"][0]["orders"] == []
    assert shared["ingest"]["files"][0]["format"] == "amazon_all_orders"
    text = json.dumps(shared)
    assert AMAZON not in text and "111-0000001" not in text


def test_create_human_output(capsys, data_dir, stand_in_analysis):
    """Without --json the link, its expiry and how to revoke it are printed."""
    code, out, _ = run(capsys, str(data_dir / AMAZON), "--window", "2024-01-01T10:00Z", "2024-01-01T12:00Z")
    assert code == 0
    url = next(line for line in out.splitlines() if "?share=" in line)
    assert open_share(token_from_query(url))
    assert "--revoke-id" in out


def test_list_and_revoke(capsys):
    """--list shows ids and dates but no token; --revoke takes the token or the whole link; revoking twice fails."""
    a, b = (
        create_share({"windows": [{"start": "2025-10-20T06:48:00Z", "end": "2025-10-20T10:00:00Z"}]}),
        create_share({}),
    )
    code, out, _ = run(capsys, "--list")
    assert code == 0 and a.id in out and b.id in out and "2025-10-20 06:48–10:00 UTC (all channels)" in out
    assert a.token not in out and b.token not in out
    rows = json.loads(run(capsys, "--list", "--json")[1])
    assert {r["id"] for r in rows} == {a.id, b.id} and a.token not in json.dumps(rows)
    assert run(capsys, "--revoke", a.url)[0] == 0
    with pytest.raises(ShareError):
        open_share(a.token)
    code, _, err = run(capsys, "--revoke", a.token)
    assert code == 2 and err == "error: no active share has this token\n"
    assert run(capsys, "--revoke-id", b.id, "--json") == (0, '{"revoked": true}\n', "")
    assert [r["id"] for r in json.loads(run(capsys, "--list", "--json")[1])] == []
    assert {r["status"] for r in json.loads(run(capsys, "--list", "--all", "--json")[1])} == {"revoked"}


@pytest.mark.parametrize(
    "argv, words",
    [
        ([], "FILE"),
        (["--list", "orders.csv"], "take no FILE"),
        (["--all"], "--all goes with --list"),
        (["orders.csv"], "--window"),
        (["--revoke-id", "zzz"], "no active share"),
        (["--list", "--revoke", "x"], None),  # argparse: mutually exclusive
        (["x.csv", "--window", "2024-01-01T10:00", "2024-01-01T12:00Z"], "no time zone"),
        (["x.csv", "--window", "2024-01-01T10:00Z", "2024-01-01T12:00Z", "--channels", "amazn"], "not a channel"),
    ],
)
def test_usage_errors_are_one_line(capsys, argv, words):
    """Misuse exits 2 with one line on stderr and no traceback."""
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert "Traceback" not in err
    if words:
        assert err.startswith("error: ") and words in err and len(err.splitlines()) == 1


def test_bad_expiry_from_cli(capsys, data_dir, stand_in_analysis):
    """--expires-days 0 is refused before anything is saved."""
    code, _, err = run(
        capsys, str(data_dir / AMAZON), "--window", "2024-01-01T10:00Z", "2024-01-01T12:00Z", "--expires-days", "0"
    )
    assert code == 2 and "1 to 3650 days" in err
    assert run(capsys, "--list", "--all", "--json")[1] == "[]\n"


def test_revoke_from_a_new_process_sticks():
    """A share made here is revoked by a fresh `python -m impact share --revoke` process, and stays revoked here."""
    link = create_share({})
    proc = subprocess.run(
        [sys.executable, "-m", "impact", "share", "--revoke", link.url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    with pytest.raises(ShareError):
        open_share(link.token)

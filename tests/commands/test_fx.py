"""Tests for `python -m impact fx`: the rates in use, as text and JSON, and --update against a local server."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import pytest

import impact.__main__ as cli
from impact.costs.fx import SNAPSHOT


@pytest.fixture(autouse=True)
def _only_fx(tmp_path, monkeypatch):
    # The real main() with its error handling, on this command only; downloads go to a temporary file.
    monkeypatch.setattr(cli, "COMMANDS", ("fx",))
    monkeypatch.setenv("IMPACT_FX_RATES", str(tmp_path / "fx_rates.csv.gz"))
    monkeypatch.setenv("IMPACT_FEED_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("IMPACT_FEED_TIMEOUT_TOTAL", "5")
    monkeypatch.setenv("IMPACT_FEED_CACHE_SECONDS", "0")


def run(capsys, *argv):
    code = cli.main(["fx", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def newer_zip() -> bytes:
    """The snapshot with one more ECB day on top (2026-11-02), zipped as the ECB ships it."""
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8") as f:
        header, last, rest = f.read().split("\n", 2)
    newer = "2026-11-02" + last[len("2026-10-30") :]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("eurofxref-hist.csv", f"{header}\n{newer}\n{last}\n{rest}")
    return buffer.getvalue()


def test_json_describes_the_snapshot(capsys):
    """fx --json prints the snapshot's source, first and last day and currencies."""
    code, out, err = run(capsys, "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert (data["first_day"], data["last_day"]) == ("2015-01-02", "2026-10-30")
    assert "USD" in data["currencies"] and "EUR" in data["currencies"] and "snapshot" in data["source"]


def test_text(capsys):
    """fx without options prints the source, the days and the currencies as lines of text."""
    code, out, _err = run(capsys)
    assert code == 0
    assert "2015-01-02 to 2026-10-30" in out and "currencies: AUD" in out


def test_update_prints_what_changed(capsys, feed_server, monkeypatch, tmp_path):
    """fx --update fetches a newer history, says the rates now end later, and a second run says nothing changed."""
    body = newer_zip()
    feed_server.routes["/eurofxref-hist.zip"] = lambda h: h.send_plain(200, body, "application/zip")
    monkeypatch.setenv("IMPACT_FX_URL", feed_server.url("/eurofxref-hist.zip"))
    code, out, err = run(capsys, "--update", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["changed"] and data["before"]["last_day"] == "2026-10-30" and data["after"]["last_day"] == "2026-11-02"
    assert (tmp_path / "fx_rates.csv.gz").is_file()
    code, out, _err = run(capsys, "--update")
    assert code == 0 and out.startswith("already up to date")


def test_update_failure_is_one_line(capsys, feed_server, monkeypatch):
    """A failed download is one error line on stderr and exit 2."""
    monkeypatch.setenv("IMPACT_FX_URL", feed_server.url("/500"))
    code, out, err = run(capsys, "--update")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1

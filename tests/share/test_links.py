"""Tests for share links (impact/share/links.py): tokens, privacy scrub, expiry, revocation, several processes, crashes.

Each test runs against both share stores, the DuckDB file and PostgreSQL (the share_backend fixture in conftest.py),
except those marked duckdb_only: the file's own locking, or no store at all.
"""

import base64
import hashlib
import json
import math
import os
import random
import signal
import subprocess
import sys
import threading
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import psycopg
import pytest

from impact.errors import InputError, ShareError
from impact.ingest import ingest_files
from impact.settings import load_settings
from impact.share import (
    INVALID,
    build_snapshot,
    create_share,
    list_shares,
    load_share,
    new_token,
    open_share,
    revoke_share,
    revoke_share_id,
    scrub_snapshot,
    token_hash,
)
from impact.share.url_builder import token_from_query
from impact.store import persistent_db
from impact.windows import window_from_strings

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 11, 1, 12, 0, 0)

pytestmark = pytest.mark.usefixtures("share_backend")


def snapshot(**extra) -> dict:
    """A small snapshot shaped like the app's: settings, one window, analysis aggregates."""
    window = window_from_strings("2025-10-20T06:48Z", "2025-10-20T10:00Z", "amazon", title="AWS us-east-1")
    analysis = {
        "windows": [
            {
                "start": "2025-10-20T06:48:00Z",
                "revenue": {"expected": 1200.5, "lost": 800.25},
                "hourly": [{"hour": "2025-10-20T07:00:00Z", "actual": 3.0, "expected": 60.0}],
            }
        ]
    }
    return build_snapshot(
        settings={"confidence": 0.9, "tz": "Europe/Berlin"},
        windows=[window],
        analysis=analysis,
        view={"tab": "revenue", "tz": "Europe/Berlin"},
        **extra,
    )


def child_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def db_rows(sql: str, params=None) -> list[tuple]:
    """Run SQL (with ? parameters) straight on the store IMPACT_DB names, behind impact.share's back."""
    target = os.environ["IMPACT_DB"]
    if target.startswith("postgresql://"):
        with psycopg.connect(target, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params or [])
            return cur.fetchall() if cur.description else []
    con = duckdb.connect(target)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_round_trip_and_link():
    """A created share opens to the same scrubbed snapshot, and its link carries the token."""
    snap = snapshot()
    link = create_share(snap, now=NOW)
    assert open_share(link.token, now=NOW) == scrub_snapshot(snap)
    assert link.url == f"{load_settings().app_url}/?share={link.token}"
    assert token_from_query(link.url) == link.token
    assert link.expires == NOW + timedelta(days=30)
    view = load_share(link.token, now=NOW)
    assert (view.id, view.created, view.expires) == (link.id, NOW, link.expires)


def test_tokens_have_256_random_bits():
    """Tokens decode to 32 bytes and never repeat, in shares and straight from new_token."""
    tokens = {create_share({}, now=NOW).token for _ in range(8)} | {new_token() for _ in range(2000)}
    assert len(tokens) == 2008
    for t in tokens:
        assert len(base64.urlsafe_b64decode(t + "=")) == 32
    # 2,008 draws would hold ~31 tokens starting with '-' (1 in 64); none may, or `share --revoke TOKEN` breaks.
    assert not any(t.startswith("-") for t in tokens)


def test_only_the_hash_is_stored():
    """The database holds SHA-256 of the token and never the token itself, in any column."""
    link = create_share(snapshot(), now=NOW)
    rows = db_rows("SELECT * FROM shares")
    assert len(rows) == 1
    assert token_hash(link.token) == hashlib.sha256(link.token.encode()).hexdigest()
    assert db_rows("SELECT count(*) FROM shares WHERE token_hash = ?", [token_hash(link.token)]) == [(1,)]
    for value in rows[0]:
        raw = bytes(value) if isinstance(value, bytes | bytearray | memoryview) else str(value).encode()
        assert link.token.encode() not in raw
        if isinstance(value, bytes):
            assert link.token.encode() not in zlib.decompress(value)


@pytest.mark.parametrize("token", ["", "nope", None, 12, "A" * 43, "A" * 44, "%" * 43, "http://localhost:8501/"])
def test_wrong_and_malformed_tokens_say_only_not_valid(token):
    """Unknown or malformed tokens raise ShareError whose whole message is 'this link is not valid'."""
    create_share(snapshot(), now=NOW)
    with pytest.raises(ShareError) as err:
        open_share(token, now=NOW)
    assert str(err.value) == INVALID


def test_expiry_is_chosen_at_creation():
    """A link opens until its expiry and not from that instant on; default 30 days, or as chosen."""
    default = create_share(snapshot(), now=NOW)
    week = create_share(snapshot(), expires_days=7, now=NOW)
    assert week.expires == NOW + timedelta(days=7)
    open_share(week.token, now=NOW + timedelta(days=7) - timedelta(seconds=1))
    for token, at in ((week.token, NOW + timedelta(days=7)), (default.token, NOW + timedelta(days=30, seconds=1))):
        with pytest.raises(ShareError) as err:
            open_share(token, now=at)
        assert str(err.value) == INVALID
    assert open_share(default.token, now=NOW + timedelta(days=29))


def test_expiry_default_from_settings(monkeypatch):
    """IMPACT_SHARE_EXPIRES_DAYS sets the default lifetime."""
    monkeypatch.setenv("IMPACT_SHARE_EXPIRES_DAYS", "3")
    assert create_share({}, now=NOW).expires == NOW + timedelta(days=3)


@pytest.mark.parametrize("days", [0, -1, 3651, 1.5, True, "7"])
def test_bad_expiry_refused(days):
    """Expiry must be a whole number of days from 1 to 3650; nothing is saved otherwise."""
    with pytest.raises(InputError, match="expire after 1 to 3650 days"):
        create_share(snapshot(), expires_days=days, now=NOW)
    assert list_shares(include_inactive=True) == []


def test_aware_now_is_utc():
    """An aware `now` is converted to UTC, so a +02:00 clock expires a link at the same instant."""
    link = create_share({}, expires_days=1, now=datetime(2025, 11, 1, 14, 0, tzinfo=UTC).astimezone())
    assert link.expires == datetime(2025, 11, 2, 14, 0)


def test_revoke():
    """A revoked link stops working at once; revoking twice or an unknown token reports False."""
    link = create_share(snapshot(), now=NOW)
    other = create_share(snapshot(), now=NOW)
    assert revoke_share(link.token, now=NOW) is True
    with pytest.raises(ShareError) as err:
        open_share(link.token, now=NOW)
    assert str(err.value) == INVALID
    assert revoke_share(link.token, now=NOW) is False
    assert revoke_share("A" * 43) is False
    assert revoke_share("garbage") is False
    assert open_share(other.token, now=NOW)
    assert revoke_share_id(other.id, now=NOW) is True
    assert revoke_share_id(other.id, now=NOW) is False
    assert revoke_share_id("'; DROP TABLE shares; --") is False
    with pytest.raises(ShareError):
        open_share(other.token, now=NOW)


def test_list_shows_active_shares_without_secrets():
    """list_shares gives id, dates, status and label of active shares, never tokens or hashes."""
    active = create_share(snapshot(), now=NOW)
    revoked = create_share(snapshot(), now=NOW)
    expired = create_share(snapshot(), expires_days=1, now=NOW - timedelta(days=2))
    revoke_share(revoked.token, now=NOW)
    rows = list_shares(now=NOW)
    assert [r["id"] for r in rows] == [active.id]
    assert set(rows[0]) == {"id", "created", "expires", "revoked", "status", "label", "bytes"}
    assert rows[0]["created"] == "2025-11-01T12:00:00Z" and rows[0]["expires"] == "2025-12-01T12:00:00Z"
    assert rows[0]["label"] == "2025-10-20 06:48–10:00 UTC (amazon)"
    everything = list_shares(now=NOW, include_inactive=True)
    assert {r["id"]: r["status"] for r in everything} == {
        active.id: "active",
        revoked.id: "revoked",
        expired.id: "expired",
    }
    text = json.dumps(everything)
    for link in (active, revoked, expired):
        assert link.token not in text and token_hash(link.token) not in text


@pytest.mark.duckdb_only
def test_missing_database_is_not_created():
    """Opening, listing or revoking against a database file that does not exist creates nothing."""
    path = Path(os.environ["IMPACT_DB"])
    assert not path.exists()
    with pytest.raises(ShareError) as err:
        open_share("A" * 43)
    assert str(err.value) == INVALID
    assert list_shares() == [] and revoke_share("A" * 43) is False
    assert not path.exists()


def test_damaged_payload_is_refused():
    """A row whose payload no longer matches its checksum is 'not valid', never half-read."""
    link = create_share(snapshot(), now=NOW)
    payload = db_rows("SELECT payload FROM shares")[0][0]
    broken = bytearray(payload)
    broken[len(broken) // 2] ^= 0xFF
    db_rows("UPDATE shares SET payload = ?", [bytes(broken)])
    with pytest.raises(ShareError) as err:
        open_share(link.token, now=NOW)
    assert str(err.value) == INVALID


@pytest.mark.duckdb_only
def test_not_a_database_file(tmp_path, monkeypatch):
    """IMPACT_DB pointing at a file that is not DuckDB gives one clear ShareError."""
    bad = tmp_path / "notes.duckdb"
    bad.write_text("not a database\n" * 100)
    monkeypatch.setenv("IMPACT_DB", str(bad))
    with pytest.raises(ShareError, match="cannot be used.*IMPACT_DB"):
        create_share(snapshot())


# -- privacy scrub -------------------------------------------------------------------------------------------------


@pytest.mark.duckdb_only
def test_scrub_drops_order_level_and_personal_data():
    """Order records, file names, rejects, personal keys, emails and server paths are dropped; aggregates stay."""
    raw = {
        "version": 7,
        "secret_section": {"anything": 1},
        "settings": {
            "confidence": 0.8,
            "db_path": "/srv/impact.duckdb",
            "mappings_path": "/srv/m.json",
            "app_url": "http://internal:8501",
            "feed_timeout_total": 15,
            "recovery_hours": 24,
        },
        "windows": [
            {
                "start": "2025-10-20T06:48:00Z",
                "end": "2025-10-20T10:00:00Z",
                "channels": ["amazon"],
                "extra": {"feed_body": "..."},
            }
        ],
        "analysis": {
            "windows": [
                {
                    "revenue": {"expected": 100.0, "lost": 40.0, "ci": [30.0, 50.0]},
                    "missing_orders": [{"order_id": "114-1234567-1234567", "revenue": 19.99}],
                    "late": [{"Order Number": "#1001", "sku": "A1"}, {"sku": "A1", "late_lines": 4}],
                    "by_channel": [{"channel": "amazon", "lost": 40.0}],
                    "buyer_email": "x@example.com",
                    "Customer Name": "Jane Roe",
                    "ship-postal-code": "10115",
                    "note": "ask jane.roe@example.com",
                    "source_file": "jane_roe_orders.csv",
                    "elasticity": 0.5,
                    "capacity": 3,
                }
            ],
        },
        "ingest": {
            "files": [
                {
                    "name": "jane_roe_orders.csv",
                    "format": "shopify_orders",
                    "lines": 10,
                    "loaded": 8,
                    "duplicates": 0,
                    "skipped": 1,
                    "rejected": 1,
                    "skipped_reasons": {"blank line": 1},
                    "rejects": [{"line": 7, "reason": "bad date 'Jane'"}],
                }
            ],
            "orders": 6,
            "lines": 8,
            "currency": ["EUR"],
            "channels": {"shopify": {"orders": 6}},
        },
    }
    out = scrub_snapshot(raw)
    assert set(out) == {"version", "settings", "windows", "analysis", "ingest"}
    assert out["version"] == 1
    assert out["settings"] == {"confidence": 0.8, "recovery_hours": 24}
    assert out["windows"] == [{"start": "2025-10-20T06:48:00Z", "end": "2025-10-20T10:00:00Z", "channels": ["amazon"]}]
    w = out["analysis"]["windows"][0]
    assert w == {
        "revenue": {"expected": 100.0, "lost": 40.0, "ci": [30.0, 50.0]},
        "missing_orders": [],
        "late": [{"sku": "A1", "late_lines": 4}],
        "by_channel": [{"channel": "amazon", "lost": 40.0}],
        "elasticity": 0.5,
        "capacity": 3,
    }
    assert out["ingest"] == {
        "orders": 6,
        "lines": 8,
        "currency": ["EUR"],
        "channels": {"shopify": {"orders": 6}},
        "files": [
            {
                "format": "shopify_orders",
                "lines": 10,
                "loaded": 8,
                "duplicates": 0,
                "skipped": 1,
                "rejected": 1,
                "skipped_reasons": {"blank line": 1},
            }
        ],
    }
    text = json.dumps(out)
    for secret in ("114-1234567", "#1001", "example.com", "Jane", "jane", "10115", "/srv", "internal"):
        assert secret not in text


@pytest.mark.duckdb_only
def test_scrub_makes_plain_json():
    """Datetimes, numpy numbers and arrays become JSON; NaN and infinity become null; objects are dropped."""
    out = scrub_snapshot(
        {
            "analysis": {
                "at": datetime(2025, 10, 20, 8, 0, tzinfo=UTC),
                "n": np.int64(3),
                "x": np.float32(0.5),
                "nan": math.nan,
                "inf": np.float64("inf"),
                "arr": np.array([1.0, 2.0]),
                "obj": object(),
                "tuple": (1, 2),
                3: "int key",
            }
        }
    )
    assert out["analysis"] == {
        "at": "2025-10-20T08:00:00Z",
        "n": 3,
        "x": 0.5,
        "nan": None,
        "inf": None,
        "arr": [1.0, 2.0],
        "tuple": [1, 2],
        "3": "int key",
    }
    json.dumps(out, allow_nan=False)


@pytest.mark.duckdb_only
def test_scrub_drops_tables_of_orders():
    """A DataFrame (such as the late-order evidence list) is never shared; a Series of numbers becomes a list."""
    evidence = pd.DataFrame({"order_id": ["111-1", "111-2"], "hours_late": [3.0, 5.0]})
    out = scrub_snapshot({"shipments": {"late": 2, "orders": evidence, "hourly": pd.Series([1.0, 2.0])}})
    assert out["shipments"] == {"late": 2, "hourly": [1.0, 2.0]}


def test_snapshot_from_real_ingest_holds_no_order_ids(con, data_dir):
    """A snapshot built from a real import carries its counts but no order id and no file name."""
    names = ["amazon_all_orders_32.txt", "shopify_orders_export.csv"]
    report = ingest_files(con, [data_dir / n for n in names if (data_dir / n).exists()])
    order_ids = [r[0] for r in con.execute("SELECT DISTINCT order_id FROM lines").fetchall()]
    assert len(order_ids) > 5
    link = create_share(build_snapshot(ingest=report, settings=load_settings()), now=NOW)
    shared = open_share(link.token, now=NOW)
    assert shared["ingest"]["lines"] == report.lines and shared["ingest"]["orders"] == report.orders
    assert sum(f["loaded"] for f in shared["ingest"]["files"]) == sum(f.loaded for f in report.files)
    text = json.dumps(shared)
    for oid in order_ids:
        assert oid not in text
    for f in report.files:
        assert f.name not in text
    assert "impact.duckdb" not in text and "mappings" not in text


@pytest.mark.duckdb_only
def test_unknown_section_in_build_snapshot():
    """build_snapshot names a misspelt section instead of silently dropping it."""
    with pytest.raises(ValueError, match="chart"):
        build_snapshot(chart={})


def test_too_large_snapshot_refused(monkeypatch):
    """A snapshot over the size cap is refused with a plain sentence and nothing is saved."""
    monkeypatch.setattr("impact.share.links.MAX_SNAPSHOT_BYTES", 1000)
    with pytest.raises(ShareError, match="too large to share"):
        create_share({"analysis": {"hourly": list(range(1000))}})
    assert list_shares(include_inactive=True) == []


# -- several processes, threads and crashes ------------------------------------------------------------------------

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[3] == "read")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


@pytest.mark.duckdb_only
def test_waits_for_a_locked_file_then_gives_up_clearly(monkeypatch):
    """While another process holds the file a share waits and succeeds; with too short a wait it says busy."""
    create_share({}, now=NOW)  # the file exists before the other process takes it
    path = os.environ["IMPACT_DB"]
    holder = subprocess.Popen([sys.executable, "-c", HOLD, path, "1.0", "write"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("IMPACT_SHARE_LOCK_TIMEOUT", "0.1")
        with pytest.raises(ShareError, match="busy"):
            create_share({}, now=NOW)
        monkeypatch.setenv("IMPACT_SHARE_LOCK_TIMEOUT", "10")
        started = time.monotonic()
        link = create_share(snapshot(), now=NOW)
        assert time.monotonic() - started > 0.2  # it really waited for the holder
    finally:
        holder.wait(timeout=10)
    assert open_share(link.token, now=NOW) == snapshot()


@pytest.mark.duckdb_only
def test_readers_do_not_block_each_other(monkeypatch):
    """A process reading the file does not stop another from opening links, but does hold back writes."""
    link = create_share(snapshot(), now=NOW)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, os.environ["IMPACT_DB"], "1.0", "read"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("IMPACT_SHARE_LOCK_TIMEOUT", "0.05")
        assert open_share(link.token, now=NOW) == snapshot()
        assert [r["id"] for r in list_shares(now=NOW)] == [link.id]
        with pytest.raises(ShareError, match="busy"):
            revoke_share(link.token, now=NOW)
    finally:
        holder.wait(timeout=10)


READ_LOOP = """
import sys, time
from impact.share import open_share
open_share(sys.argv[1])
print("reading", flush=True)
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    open_share(sys.argv[1])
"""


def test_steady_readers_do_not_starve_a_writer(monkeypatch):
    """With other processes opening links back to back, a new share still gets its turn well within the wait."""
    link = create_share({})
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READ_LOOP, link.token, "2.5"],
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
            cwd=ROOT,
        )
        for _ in range(2)
    ]
    try:
        for r in readers:
            assert r.stdout.readline().strip() == "reading"
        monkeypatch.setenv("IMPACT_SHARE_LOCK_TIMEOUT", "1.5")
        for _ in range(3):
            assert open_share(create_share({"analysis": {"n": 1}}).token) == {"version": 1, "analysis": {"n": 1}}
        assert all(r.poll() is None for r in readers)  # the readers were still at it throughout
    finally:
        for r in readers:
            r.wait(timeout=30)
            r.stdout.close()
    assert all(r.returncode == 0 for r in readers)


@pytest.mark.duckdb_only
def test_works_beside_a_connection_this_process_keeps_open(monkeypatch):
    """Another module holding the file read-write in this process (saved views) does not block shares."""
    create_share({}, now=NOW)
    monkeypatch.setenv("IMPACT_SHARE_LOCK_TIMEOUT", "0.05")
    held = persistent_db()
    try:
        link = create_share(snapshot(), now=NOW)
        assert open_share(link.token, now=NOW) == snapshot()
        assert len(list_shares(now=NOW)) == 2
        assert revoke_share(link.token, now=NOW)
    finally:
        held.close()


WORKER = """
import json, sys
from impact.share import create_share, open_share
n, tag = int(sys.argv[1]), sys.argv[2]
made = []
for i in range(n):
    made.append(create_share({"analysis": {"tag": tag, "i": i}}).token)
    for j in {0, i}:  # open the first and the newest, interleaved with the other processes' writes
        assert open_share(made[j])["analysis"] == {"tag": tag, "i": j}
print(json.dumps(made))
"""


def test_several_processes_share_one_file():
    """Processes creating and opening shares at once on one file all succeed, and a fresh process reads them all."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, "3", f"p{k}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
            cwd=ROOT,
        )
        for k in range(3)
    ]
    made = {}
    for k, p in enumerate(procs):
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        made[f"p{k}"] = json.loads(out)
    for tag, tokens in made.items():
        for i, t in enumerate(tokens):
            assert open_share(t)["analysis"] == {"tag": tag, "i": i}
    assert len(list_shares()) == 9


def test_threads_share_one_file():
    """Threads of one process (as in the app server) create and open shares at once without conflicts."""
    errors, made = [], []

    def work(k):
        try:
            for i in range(5):
                link = create_share({"analysis": {"k": k, "i": i}})
                assert open_share(link.token)["analysis"] == {"k": k, "i": i}
                made.append(link.token)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(made) == 20 and len(list_shares()) == 20


WRITER = """
import hashlib, json, os, sys
from impact.share import create_share
for i in range(int(sys.argv[1]), 10**6):
    blob = os.urandom(200_000).hex()  # large and barely compressible, so a kill lands mid-write
    link = create_share({"analysis": {"seq": i, "blob": blob, "sha": hashlib.sha256(blob.encode()).hexdigest()}})
    print(json.dumps([i, link.token]), flush=True)
"""


def test_killed_mid_write_leaves_every_share_whole_or_absent():
    """SIGKILL while writing many shares: the file still opens, every row is complete, every reported share opens."""
    reported = []
    rng = random.Random(7)
    for _round in range(3):
        p = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(len(reported) * 1000 + _round * 100_000)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=child_env(),
            cwd=ROOT,
        )
        for _ in range(2):  # let a few shares land, then kill at a random point of the next write
            reported.append(json.loads(p.stdout.readline()))
        time.sleep(rng.uniform(0.0, 0.08))
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
        reported += [json.loads(line) for line in p.stdout.read().splitlines() if line.strip()]
        p.stdout.close()
    rows = db_rows("SELECT payload, payload_sha256 FROM shares")
    assert len(rows) >= len(reported)
    seqs = set()
    for payload, digest in rows:
        assert hashlib.sha256(payload).hexdigest() == digest
        analysis = json.loads(zlib.decompress(payload))["analysis"]
        assert hashlib.sha256(analysis["blob"].encode()).hexdigest() == analysis["sha"]
        seqs.add(analysis["seq"])
    assert len(seqs) == len(rows)
    for seq, token in reported:
        assert open_share(token)["analysis"]["seq"] == seq
    create_share({}, now=NOW)  # and the file still takes new shares

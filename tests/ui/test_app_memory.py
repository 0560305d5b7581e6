"""app_memory: ended Streamlit sessions are reaped (database closed, uploads dropped); malloc settings apply."""

import asyncio
import logging
import os
import platform
import subprocess
import sys
import threading
import weakref
from pathlib import Path

import pytest
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.script_data import ScriptData
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from impact.store import session_db
from ui import app_memory

ROOT = Path(__file__).resolve().parents[2]
# Seconds a disconnected session may be resumed (server.disconnectedSessionTTL): long enough that the first check
# runs inside the window even on a loaded CI machine.
TTL = 2.0


class _Client:
    """A browser tab as Streamlit's session manager sees it; this test sends it nothing."""

    def write_forward_msg(self, msg) -> None:
        pass


async def _ended_session():
    """A session connected, given a database and an uploaded file, then disconnected, through Streamlit's own
    session manager and storage; returns (storage, uploads, session id, weak reference to the database)."""
    uploads = MemoryUploadedFileManager("/_stcore/upload_file")
    storage = MemorySessionStorage(ttl_seconds=TTL)
    manager = WebsocketSessionManager(storage, uploads, ScriptCache(), None)
    session_id = manager.connect_session(_Client(), ScriptData("app.py", is_hello=False), {})
    session = manager.get_active_session_info(session_id).session
    con = session_db()
    con.execute("INSERT INTO lines (order_id, revenue) VALUES ('A-1', 10.0)")
    session.session_state["con"] = con
    uploads.add_file(session_id, UploadedFileRec(file_id="f1", name="orders.txt", type="text/plain", data=b"x" * 1000))
    manager.disconnect_session(session_id)
    return storage, uploads, session_id, weakref.ref(con)


def test_expired_session_is_reaped_and_its_database_freed(caplog):
    """After the reconnect window a disconnected session's database is freed and its uploads dropped, not before."""
    caplog.set_level(logging.ERROR)  # session_state outside a script run warns; irrelevant here

    async def scenario():
        storage, uploads, session_id, con = await _ended_session()
        reaped = []
        assert app_memory.reap_expired_sessions(storage, reaped.append) == 0  # may still reconnect
        assert storage.get(session_id) is not None and con() is not None
        await asyncio.sleep(TTL + 0.3)
        # Streamlit by itself still holds the expired session's database and upload (streamlit#12506).
        assert con() is not None and uploads.get_files(session_id, ["f1"])
        assert app_memory.reap_expired_sessions(storage, reaped.append) == 1
        assert reaped == [1]
        assert con() is None
        assert uploads.get_files(session_id, ["f1"]) == []
        assert app_memory.reap_expired_sessions(storage, reaped.append) == 0 and reaped == [1]

    # A thread of its own: other tests (Playwright's sync API) may leave an event loop running in this one.
    failure = []
    worker = threading.Thread(target=lambda: _run_catching(scenario, failure))
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


def _run_catching(scenario, failure: list) -> None:
    try:
        asyncio.run(scenario())
    except BaseException as exc:  # noqa: BLE001 - re-raised in the test's own thread
        failure.append(exc)


def test_reaper_does_not_start_outside_streamlit_run():
    """Without a Streamlit server in the process (CLI, tests) the reaper reports it is not running."""
    assert app_memory.start_session_reaper() is False


# Run in a child process: malloc's thresholds are process-wide and depend on what the process freed before.
_MALLOC_PROBE = """
import ctypes, sys
from ui import app_memory
libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes, libc.free.argtypes = ctypes.c_void_p, [ctypes.c_size_t], [ctypes.c_void_p]
def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
if sys.argv[1] == "pin":
    assert app_memory.pin_mmap_threshold()
libc.free(libc.malloc(4 << 20))  # freeing an mmapped block is what raises glibc's dynamic threshold
before = rss()
blocks = [libc.malloc(512 << 10) for _ in range(60)]  # 30 MB in DuckDB-buffer-sized blocks
for b in blocks:
    ctypes.memset(b, 1, 512 << 10)
for b in blocks[:-1]:
    libc.free(b)
freed = rss()
trimmed = app_memory.release_free_memory()
print(before, freed, rss(), trimmed)
"""


def _malloc_probe(mode: str) -> list[int]:
    # glibc's own defaults: no MALLOC_* tuning inherited from whatever ran before in this process.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", _MALLOC_PROBE, mode], cwd=ROOT, capture_output=True, text=True, check=True, env=env
    ).stdout
    return [int(v == "True") if v in ("True", "False") else int(v) for v in out.split()]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc settings exist on glibc only")
def test_pinned_mmap_threshold_returns_freed_blocks():
    """With the threshold pinned, freed large blocks leave the process at once; glibc's default keeps them."""
    before, freed, _, _ = _malloc_probe("pin")
    assert freed - before < 10
    before, freed, trimmed_rss, trimmed = _malloc_probe("default")
    assert freed - before > 20  # the retention the pin avoids
    assert trimmed and trimmed_rss - before < 10  # and what malloc_trim hands back after a reap

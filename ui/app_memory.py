"""Memory of the Streamlit server: a finished session's data is freed, and freed memory goes back to the system.

Streamlit keeps a disconnected session for `server.disconnectedSessionTTL` seconds so that a browser that
reconnects finds its state. Its in-memory session storage (a TTLCache) removes an expired session only when
another session is written to it, and even then does not shut it down (streamlit/streamlit#12506, still so in
1.67): on a quiet server a finished seller's session state (their DuckDB database, their results) and the bytes
of their uploaded files stay in memory until the next visitor leaves. `start_session_reaper` removes such sessions
once their reconnect window has passed, shuts them down (which drops their uploaded files) and empties their
state (which closes their database, the last reference to it).

glibc's malloc serves a large block (DuckDB's buffers, column arrays) with its own mmap, returned to the system
when freed, but each time such a block is freed it raises its mmap threshold (up to 32 MiB), so later large
blocks come from its per-thread heaps (up to 8 per core: 16 on a 2-core machine), where freed memory stays: after the sessions had been reaped the server still held 130 MB more than before them.
`pin_mmap_threshold` keeps the threshold at glibc's initial 128 KiB and `release_free_memory` (malloc_trim)
hands back free heap pages after a reap. Both do nothing where the C library is not glibc. (MALLOC_ARENA_MAX=2 in
the environment works about as well, but only when set before the server starts: by the first script run
Streamlit's threads have already made the heaps.)

This module uses two internals of Streamlit's runtime (its session storage and its event loop); when they are
not as expected the reaper logs it and does not start, and the app runs as before.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("impact.app")

REAP_INTERVAL = 5.0  # seconds between looks for sessions whose reconnect window has passed
MMAP_THRESHOLD = 128 * 1024  # glibc's initial value; setting it also turns off its dynamic raise
_M_MMAP_THRESHOLD = -3  # mallopt parameter number, from glibc's malloc.h

_lock = threading.Lock()
_started: bool | None = None  # None: not tried yet in this server; False: could not start (warned once)


@functools.cache
def _glibc():
    """The process's C library when it is glibc (the one with mallopt and malloc_trim), else None."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if all(hasattr(libc, f) for f in ("gnu_get_libc_version", "mallopt", "malloc_trim")) else None


def pin_mmap_threshold(threshold: int = MMAP_THRESHOLD) -> bool:
    """Blocks of `threshold` bytes or more get their own mmap for good (like MALLOC_MMAP_THRESHOLD_), so freeing
    them returns them to the system; True when the C library took the setting."""
    libc = _glibc()
    return bool(libc and libc.mallopt(_M_MMAP_THRESHOLD, int(threshold)) == 1)


def release_free_memory() -> bool:
    """Give the system back the free pages malloc holds (malloc_trim); True when some were given back."""
    libc = _glibc()
    return bool(libc and libc.malloc_trim(0) == 1)


def reap_expired_sessions(storage: Any, on_reaped: Callable[[int], None] | None = None) -> int:
    """Remove from Streamlit's session storage the sessions whose reconnect window has passed, shut each down
    and empty its state; return how many. Must run on Streamlit's event loop (the storage is not thread-safe).

    `storage` is a streamlit MemorySessionStorage; `on_reaped(n)` is called once when n > 0 sessions went.
    """
    removed = storage._cache.expire()
    for _session_id, info in removed:
        session = info.session
        # shutdown() stops its script and forgets its uploaded files and session caches. The session object itself
        # can outlive this (Streamlit's send loop keeps the last session it served), so its state is emptied too:
        # that is what holds the seller's database and results.
        for release in (session.shutdown, session.session_state.clear):
            try:
                release()
            except Exception:  # noqa: BLE001 - one broken session must not keep the others in memory
                log.exception("releasing an expired session failed")
    if removed and on_reaped is not None:
        on_reaped(len(removed))
    return len(removed)


def start_session_reaper(interval: float = REAP_INTERVAL) -> bool:
    """Once per server process: pin malloc's mmap threshold and reap expired sessions every `interval` seconds on
    Streamlit's event loop, trimming malloc after each reap. Cheap to call on every script run. Returns whether
    the reaper runs (False outside `streamlit run` or on a Streamlit whose internals differ). app.py calls it on
    every run because Streamlit alone would keep an ended session's database and uploads."""
    global _started
    with _lock:
        if _started is not None:
            return _started
        try:
            from streamlit.runtime import Runtime
            from streamlit.runtime.memory_session_storage import MemorySessionStorage

            if not Runtime.exists():
                return False
            runtime = Runtime.instance()
            storage = runtime._session_mgr._session_storage
            loop = runtime._get_async_objs().eventloop
            if not isinstance(storage, MemorySessionStorage) or not callable(getattr(storage._cache, "expire", None)):
                raise TypeError(f"unexpected session storage {type(storage).__name__}")
        except Exception as exc:  # noqa: BLE001 - without the reaper the app still works, it only keeps memory
            log.warning("ended sessions will not be reaped: %s", exc)
            _started = False
            return False
        _started = True
    pin_mmap_threshold()

    def trim_later(_n: int) -> None:
        # malloc_trim walks the heaps; off the event loop (ctypes releases the GIL while it runs).
        loop.run_in_executor(None, release_free_memory)

    def tick() -> None:
        try:
            reap_expired_sessions(storage, trim_later)
        except Exception:  # noqa: BLE001 - keep reaping later rather than stop for good
            log.exception("reaping expired sessions failed")
        loop.call_later(interval, tick)

    loop.call_soon_threadsafe(tick)
    return True

"""A throwaway PostgreSQL server for tests: initdb in a temporary directory, pg_ctl on a free loopback port.

The binaries are looked up on PATH, then in Debian's /usr/lib/postgresql/<version>/bin (where `apt-get install
postgresql` puts them, off PATH). initdb refuses to run as root, so as root the server runs as an unprivileged user
(`postgres` when it exists, else `nobody`) through runuser, in a directory that user owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

SUPERUSER = "impact"


def find_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl, newest version first; None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    candidates = [Path(found).resolve().parent] if found else []
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += [
        Path(p) for p in sorted(versions, key=lambda p: int(Path(p).parent.name.split(".")[0]), reverse=True)
    ]
    for d in candidates:
        if (d / "initdb").exists() and (d / "pg_ctl").exists() and (d / "postgres").exists():
            return d
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """`with PostgresServer() as server: server.create_database("x")` -> a postgresql:// URL (trust auth, loopback)."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.run_as = None
        if os.geteuid() == 0:
            self.run_as = "postgres" if _user_exists("postgres") else "nobody"
        # Short path under /tmp: a Unix socket path may not pass ~107 bytes, and pytest's own temporary directories
        # are private to root (0700), so the server's user could not reach them.
        self.root = Path(tempfile.mkdtemp(prefix="impact-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        if self.run_as:
            user = pwd.getpwnam(self.run_as)
            os.chown(self.root, user.pw_uid, user.pw_gid)

    def _cmd(self, *argv: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *argv] if self.run_as else list(argv)

    def start(self) -> PostgresServer:
        subprocess.run(
            self._cmd(
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ),
            check=True,
            capture_output=True,
            timeout=120,
            cwd=self.root,
        )
        for attempt in range(3):  # a free port can be taken between choosing it and the server binding it
            self.port = _free_port()
            # fsync off: the server is thrown away after the tests, and durability across an OS crash is not tested.
            options = (
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            proc = subprocess.run(
                self._cmd(
                    str(self.bin_dir / "pg_ctl"),
                    "start",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-o",
                    options,
                ),
                capture_output=True,
                text=True,
                timeout=90,
                cwd=self.root,
            )
            if proc.returncode == 0:
                return self
            if attempt == 2:
                raise RuntimeError(f"pg_ctl start failed: {proc.stderr.strip()}\n{self.log_tail()}")
            time.sleep(0.5)
        return self

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                self._cmd(str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate", "-w"),
                capture_output=True,
                timeout=60,
                cwd=self.root,
            )
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False

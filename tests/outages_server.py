"""A real HTTP server on 127.0.0.1 for the feed tests: recorded payloads, plus every way a feed can misbehave.

Each misbehaving route is bounded in time and bytes and stops when the fixture ends, so no test can leave a thread
spinning or send anything off this machine.
"""

from __future__ import annotations

import gzip
import ssl
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

FEEDS = Path(__file__).parent / "data" / "feeds"
REAL_FEEDS = Path(__file__).parent / "data" / "real" / "feeds"
MB = 1_000_000


_BOMB: list[bytes] = []


def _bomb() -> bytes:
    """30 MB of spaces gzipped to about 30 KB, built once."""
    if not _BOMB:
        _BOMB.append(gzip.compress(b" " * (30 * MB), compresslevel=6))
    return _BOMB[0]


class _Handler(BaseHTTPRequestHandler):
    server_version = "FeedFixture/1.0"

    def do_GET(self):  # noqa: N802 - the name http.server dispatches to
        feed: FeedServer = self.server.feed  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        feed.record(path, self.headers)
        route = feed.routes.get(path)
        if route is None:
            self.send_plain(404, b"not found")
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on purpose (size cap, deadline)

    def log_message(self, *args):  # keep test output clean
        pass

    def send_plain(self, code: int, body: bytes, content_type: str = "text/plain", headers: dict | None = None):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class FeedServer:
    def __init__(self, tls: bool = False):
        self.stop = threading.Event()
        self.hits: Counter = Counter()
        self.headers: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.routes = self._routes()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        if tls:
            # A self-signed certificate for localhost that no client trusts: TLS runs, verification must fail.
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(FEEDS / "localhost-cert.pem", FEEDS / "localhost-key.pem")
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.httpd.feed = self  # type: ignore[attr-defined]
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def record(self, path: str, headers) -> None:
        with self._lock:
            self.hits[path] += 1
            self.headers[path] = dict(headers)

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # ------------------------------------------------------------------ routes

    def _routes(self) -> dict:
        def file(name: str, content_type: str, folder: Path = FEEDS):
            body = (folder / name).read_bytes()
            return lambda h: h.send_plain(200, body, content_type)

        def redirect(location: str, code: int = 302):
            return lambda h: h.send_plain(code, b"", headers={"Location": location})

        def hang(h):
            # Accepts the request and never answers: only the client's deadline ends it.
            self.stop.wait(30)

        def drip(h):
            # Headers at once, then one byte every 0.2 s: no single read ever times out, only a total deadline helps.
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            for _ in range(150):
                if self.stop.is_set():
                    return
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(0.2)

        def big(declare_length: bool):
            def send(h):
                size = 50 * MB
                h.send_response(200)
                h.send_header("Content-Type", "application/json")
                if declare_length:
                    h.send_header("Content-Length", str(size))
                h.end_headers()
                chunk = b"[" * MB
                for _ in range(size // MB):
                    if self.stop.is_set():
                        return
                    h.wfile.write(chunk)

            return send

        def gzip_bomb(h):
            h.send_plain(200, _bomb(), "application/json", {"Content-Encoding": "gzip"})

        return {
            "/statuspage/api/v2/incidents.json": file("statuspage_incidents.json", "application/json; charset=utf-8"),
            "/aws/ec2-us-east-1.rss": file("aws_ec2_us_east_1.rss", "application/rss+xml"),
            "/history.atom": file("statuspage_history.atom", "application/atom+xml"),
            "/gcp/incidents.json": file("gcp_incidents.json", "application/json"),
            # Real saved feeds (tests/data/real/feeds/README.md), served as their sites serve them.
            "/streamyard/history.rss": file("streamyard_history.rss", "application/rss+xml", REAL_FEEDS),
            "/streamyard/history.atom": file("streamyard_history.atom", "application/atom+xml", REAL_FEEDS),
            "/aws/all.rss": file("aws_all_2021-12.rss", "application/rss+xml", REAL_FEEDS),
            "/emma/api/v2/incidents.json": file("emma_statuspage_incidents.json", "application/json", REAL_FEEDS),
            "/hang": hang,
            "/drip": drip,
            "/500": lambda h: h.send_plain(500, b"<html><body>Internal Server Error</body></html>", "text/html"),
            "/big": big(True),
            "/big-no-length": big(False),
            "/gzip-bomb": gzip_bomb,
            "/invalid.json": lambda h: h.send_plain(200, b'{"incidents": [{"id": "a", ', "application/json"),
            "/wrong-schema.json": lambda h: h.send_plain(200, b'{"status": {"indicator": "none"}}', "application/json"),
            "/page.html": lambda h: h.send_plain(200, b"<!DOCTYPE html><html><body>Status</body></html>", "text/html"),
            "/html.json": lambda h: h.send_plain(200, b"<!DOCTYPE html><html><body>Status</body></html>", "text/html"),
            "/loop-a": redirect("/loop-b"),
            "/loop-b": redirect("/loop-a"),
            "/to-file": redirect("file:///etc/passwd"),
            "/to-ftp": redirect("ftp://127.0.0.1/feed.json", 301),
            "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
            "/moved": redirect("/statuspage/api/v2/incidents.json", 301),
            **{f"/chain-{i}": redirect(f"/chain-{i + 1}") for i in range(10)},
            "/no-location": lambda h: h.send_plain(302, b""),
        }

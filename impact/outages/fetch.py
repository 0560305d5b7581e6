"""Fetching a status feed safely: bounded in time and size, web schemes only, no internal addresses.

A feed address comes from the user, so the fetcher must not become a way to reach the machine's own network (the
cloud metadata service at 169.254.169.254, an admin page on 10.x) or to hang the app. Every hop of a redirect is
checked again, the host name is resolved once and the connection is pinned to the address that was checked (so a
second DNS answer cannot swap in an internal address), and a watchdog cuts the socket at the total deadline because
requests' own timeout applies to each read, not to the whole download.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..errors import FeedError
from ..settings import Settings, load_settings

MAX_REDIRECTS = 5
REDIRECT_CODES = (301, 302, 303, 307, 308)
USER_AGENT = "OutageImpact/1.0 (+status feed reader)"
ACCEPT = "application/json, application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_CHUNK = 64 * 1024
_CACHE_ENTRIES = 128


@dataclass(frozen=True)
class FetchResult:
    url: str  # the address asked for
    final_url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime  # naive UTC

    @property
    def charset(self) -> str | None:
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None

    def text(self) -> str:
        """The body as text: a byte-order mark wins (the AWS health JSON is UTF-16), then the declared charset."""
        body = self.body
        if body.startswith((b"\xff\xfe", b"\xfe\xff")):
            return body.decode("utf-16")
        if body.startswith(b"\xef\xbb\xbf"):
            return body[3:].decode("utf-8", errors="replace")
        charset = self.charset or "utf-8"
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            return body.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- addresses


def blocked_reason(address: str, *, allow_private: bool) -> str | None:
    """Why an IP address must not be fetched from, or None when it may be.

    Link-local (which holds the cloud metadata service), unspecified, multicast and reserved addresses are refused
    even when private addresses are allowed: allow_private exists for a status page on the company network or on
    this machine, and none of those ranges can hold one.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return blocked_reason(str(mapped), allow_private=allow_private)
        if ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64 embeds an IPv4 address in the low 32 bits
            return blocked_reason(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)), allow_private=allow_private)
    if ip.is_link_local:
        return "link-local (this range holds cloud metadata services)"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_loopback:
        return None if allow_private else "loopback (this machine)"
    if ip.is_global:
        return None
    if ip.is_reserved:
        return "reserved"
    # RFC 1918, unique-local IPv6, carrier-grade NAT, documentation and benchmark ranges.
    return None if allow_private else "private network"


def _resolve(host: str, port: int, deadline: float) -> list[str]:
    """getaddrinfo has no timeout of its own, so it runs in a daemon thread that we stop waiting for."""
    box: dict = {}

    def work():
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            box["error"] = exc

    worker = threading.Thread(target=work, name="feed-dns", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise FeedError(f"looking up the address of '{host}' took too long (DNS did not answer)")
    if "error" in box:
        raise FeedError(f"could not find the server '{host}' (DNS lookup failed): check the address")
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in box["infos"]:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    if not addresses:
        raise FeedError(f"could not find the server '{host}' (DNS returned no address)")
    return addresses


def check_url(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of a feed address; anything but a plain http(s) address is refused."""
    if not isinstance(url, str) or not url.strip():
        raise FeedError("no feed address was given")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FeedError(f"'{url}' is not a valid web address") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "no scheme"
        raise FeedError(f"'{url}' uses {shown}; only http:// and https:// feed addresses can be fetched")
    if not parts.hostname:
        raise FeedError(f"'{url}' has no host name")
    if parts.username or parts.password:
        raise FeedError(f"'{url}' contains a user name or password; give the public feed address instead")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def _checked_addresses(url: str, settings: Settings, deadline: float) -> list[str]:
    _scheme, host, port = check_url(url)
    addresses = _resolve(host, port, deadline)
    for address in addresses:
        reason = blocked_reason(address, allow_private=settings.feed_allow_private)
        if reason:
            hint = "" if "link-local" in reason else " (IMPACT_FEED_ALLOW_PRIVATE=1 allows private addresses)"
            shown = host if host == address else f"'{host}' ({address})"
            raise FeedError(f"refusing to fetch {shown}: it is an internal address, {reason}{hint}")
    return addresses


# --------------------------------------------------------------------------- pinned connections


class _Watchdog:
    """Holds the live socket so that a timer can cut it when the total deadline passes."""

    def __init__(self):
        self.sock: socket.socket | None = None
        self.fired = False
        self._lock = threading.Lock()

    def register(self, sock: socket.socket) -> None:
        with self._lock:
            self.sock = sock
            if self.fired:
                self._cut()

    def fire(self) -> None:
        with self._lock:
            self.fired = True
            self._cut()

    def _cut(self) -> None:
        if self.sock is not None:
            try:
                # shutdown, unlike close, wakes a recv() blocked in another thread.
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _pinned_adapter(address: str, watchdog: _Watchdog):
    """An adapter (requests' HTTPAdapter) whose connections go to `address` whatever the URL's host resolves to now.

    The Host header, TLS SNI and certificate check still use the URL's host name, because only the socket's
    destination is replaced.
    """
    # Deferred, as in _fetch_from: requests and urllib3 cost ~0.1 s of CPU at every start of the CLI (analyze
    # imports this module through impact.outages) though only a feed download needs them.
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
    from urllib3.util import connection as urllib3_connection

    def new_conn(self):
        try:
            sock = urllib3_connection.create_connection(
                (address, self.port),
                self.timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )
        except TimeoutError as exc:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from exc
        except OSError as exc:
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc
        watchdog.register(sock)
        return sock

    conn_http = type("PinnedHTTPConnection", (HTTPConnection,), {"_new_conn": new_conn})
    conn_https = type("PinnedHTTPSConnection", (HTTPSConnection,), {"_new_conn": new_conn})
    pool_http = type("PinnedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": conn_http})
    pool_https = type("PinnedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": conn_https})

    adapter = HTTPAdapter(max_retries=0, pool_connections=1, pool_maxsize=1)
    adapter.poolmanager.pool_classes_by_scheme = {"http": pool_http, "https": pool_https}
    return adapter


# --------------------------------------------------------------------------- fetching


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


def _status_message(url: str, code: int) -> str:
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "unknown status"
    if code == 404:
        return f"{url} answered 404 ({phrase}): there is no feed at this address, check it"
    if code in (401, 403):
        return f"{url} answered {code} ({phrase}): the feed is not public"
    if code == 429:
        return f"{url} answered 429 ({phrase}): the status site is limiting requests, try again in a few minutes"
    if code >= 500:
        return f"{url} answered {code} ({phrase}): the status site has a problem of its own, try again later"
    return f"{url} answered {code} ({phrase}) instead of a feed"


def _timeout_message(url: str, settings: Settings) -> str:
    return f"{url} did not deliver the feed within {settings.feed_timeout_total:g} s (timed out)"


class _ConnectFailed(FeedError):
    """No connection could be made to one address; the next address of the host may still work."""


def _fetch_once(url: str, settings: Settings, deadline: float) -> tuple[Any, bytes, str | None]:
    """One request without following redirects: (requests' Response, body, redirect location or None).

    Every address of the host has been checked; they are tried in the resolver's order until one accepts.
    """
    addresses = _checked_addresses(url, settings, deadline)
    for address in addresses[:-1]:
        try:
            return _fetch_from(url, address, settings, deadline)
        except _ConnectFailed:
            continue
    try:
        return _fetch_from(url, addresses[-1], settings, deadline)
    except _ConnectFailed as exc:
        raise FeedError(str(exc)) from None


def _fetch_from(url: str, address: str, settings: Settings, deadline: float):
    # Deferred: requests costs ~0.1 s of CPU at every start of the CLI, and only a feed download needs it.
    import requests

    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FeedError(_timeout_message(url, settings))
    watchdog = _Watchdog()
    timer = threading.Timer(remaining, watchdog.fire)
    timer.daemon = True
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment: the pinned address must be the peer
    session.mount("http://", _pinned_adapter(address, watchdog))
    session.mount("https://", _pinned_adapter(address, watchdog))
    response = None
    timer.start()
    try:
        response = session.get(
            url,
            stream=True,
            allow_redirects=False,
            timeout=(min(settings.feed_timeout_connect, remaining), remaining),
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
        )
        if response.status_code in REDIRECT_CODES:
            location = response.headers.get("Location")
            if not location:
                raise FeedError(f"{url} answered {response.status_code} (a redirect) without saying where to")
            return response, b"", location
        if response.status_code >= 400:
            raise FeedError(_status_message(url, response.status_code))
        limit = settings.feed_max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FeedError(f"the response from {url} is {_mb(int(declared))}, over the {_mb(limit)} limit for a feed")
        body = bytearray()
        # iter_content decodes gzip as it goes, so the limit also stops a small compressed bomb.
        for chunk in response.iter_content(_CHUNK):
            body += chunk
            if len(body) > limit:
                raise FeedError(f"the response from {url} is over the {_mb(limit)} limit for a feed; stopped reading")
            if time.monotonic() > deadline:
                raise FeedError(_timeout_message(url, settings))
        if watchdog.fired:  # a cut socket can look like a normal end of a body without Content-Length
            raise FeedError(_timeout_message(url, settings))
        return response, bytes(body), None
    except FeedError:
        raise
    except requests.exceptions.ConnectTimeout:
        if watchdog.fired:
            raise FeedError(_timeout_message(url, settings)) from None
        raise FeedError(
            f"{url} did not accept a connection within {settings.feed_timeout_connect:g} s (timed out)"
        ) from None
    except requests.exceptions.SSLError:
        raise FeedError(f"the secure connection to {url} failed (certificate or TLS problem)") from None
    except requests.exceptions.ReadTimeout:
        raise FeedError(_timeout_message(url, settings)) from None
    except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
        if watchdog.fired:
            raise FeedError(_timeout_message(url, settings)) from None
        if response is None and "refused" in str(exc).lower():
            raise _ConnectFailed(f"{url} refused the connection (nothing is listening there)") from None
        if response is None and "failed to establish" in str(exc).lower():
            raise _ConnectFailed(f"could not connect to {url} (the server is unreachable)") from None
        raise FeedError(f"the connection to {url} failed or was cut off before the feed was complete") from None
    except requests.exceptions.ContentDecodingError:
        raise FeedError(f"{url} sent a compressed response that could not be decoded") from None
    except requests.exceptions.RequestException:
        raise FeedError(f"could not fetch {url}: the request failed") from None
    finally:
        timer.cancel()
        if response is not None:
            response.close()
        session.close()


_cache: dict[tuple[str, bool], tuple[float, FetchResult]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def fetch(url: str, *, settings: Settings | None = None, use_cache: bool = True) -> FetchResult:
    """GET a feed address, following at most MAX_REDIRECTS redirects; every failure is a FeedError.

    Successful responses are kept for Settings.feed_cache_seconds, keyed by address, so reruns in the app do not
    hammer a status page.
    """
    settings = settings or load_settings()
    url = url.strip() if isinstance(url, str) else url
    key = (url, bool(settings.feed_allow_private))
    ttl = float(settings.feed_cache_seconds)
    if use_cache and ttl > 0:
        with _cache_lock:
            hit = _cache.get(key)
            if hit and hit[0] > time.monotonic():
                return hit[1]
    deadline = time.monotonic() + settings.feed_timeout_total
    seen = [url]
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        response, body, location = _fetch_once(current, settings, deadline)
        if location is None:
            result = FetchResult(
                url=url,
                final_url=current,
                status=response.status_code,
                content_type=response.headers.get("Content-Type", ""),
                body=body,
                fetched_at=datetime.now(UTC).replace(tzinfo=None),
            )
            if use_cache and ttl > 0:
                with _cache_lock:
                    if len(_cache) >= _CACHE_ENTRIES:
                        _cache.pop(min(_cache, key=lambda k: _cache[k][0]))
                    _cache[key] = (time.monotonic() + ttl, result)
            return result
        target = urljoin(current, location.strip())
        scheme = urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            raise FeedError(
                f"{current} redirected to a {scheme or 'non-web'}: address; only http(s) redirects are followed"
            )
        if target in seen:
            raise FeedError(f"{url} redirects in a loop ({current} -> {target})")
        seen.append(target)
        current = target
    raise FeedError(f"{url} redirected more than {MAX_REDIRECTS} times; giving up")

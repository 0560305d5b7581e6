"""Tests for the safe feed fetcher, against a real HTTP server on 127.0.0.1 (no mocked requests)."""

from __future__ import annotations

import time

import pytest
import requests
from outages_server import FEEDS, FeedServer

import impact.outages.fetch as fetch_module
from impact.errors import FeedError
from impact.outages.fetch import (
    MAX_REDIRECTS,
    _pinned_adapter,
    _Watchdog,
    blocked_reason,
    check_url,
    clear_cache,
    fetch,
)
from impact.settings import Settings


def settings(**overrides) -> Settings:
    values = dict(
        feed_allow_private=True,
        feed_timeout_connect=1.0,
        feed_timeout_total=1.5,
        feed_max_bytes=5_000_000,
        feed_cache_seconds=0,
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_cache()
    yield
    clear_cache()


def test_fetches_a_recorded_feed(feed_server):
    """A feed on an allowed address comes back whole, with its content type."""
    result = fetch(feed_server.url("/statuspage/api/v2/incidents.json"), settings=settings())
    assert result.status == 200
    assert result.content_type.startswith("application/json")
    assert b'"incidents"' in result.body
    assert result.text().lstrip().startswith("{")


def test_hanging_server_times_out_within_the_total_deadline(feed_server):
    """A server that never answers is abandoned at the total timeout with a clear message."""
    began = time.monotonic()
    with pytest.raises(FeedError, match="timed out"):
        fetch(feed_server.url("/hang"), settings=settings())
    assert time.monotonic() - began < 3.5


def test_slow_drip_body_is_cut_at_the_total_deadline(feed_server):
    """A body trickling in byte by byte never trips the per-read timeout, so the total deadline must end it."""
    began = time.monotonic()
    with pytest.raises(FeedError, match="timed out"):
        fetch(feed_server.url("/drip"), settings=settings())
    assert time.monotonic() - began < 3.5


def test_server_error_is_reported_with_its_status(feed_server):
    """A 500 answer names the status and says the problem is on the status site's side."""
    with pytest.raises(FeedError, match="500 .*Internal Server Error.*try again later"):
        fetch(feed_server.url("/500"), settings=settings())


def test_missing_page_is_reported_as_404(feed_server):
    """An address with nothing behind it says 404 and asks to check the address."""
    with pytest.raises(FeedError, match="404 .*check it"):
        fetch(feed_server.url("/nothing-here.json"), settings=settings())


def test_declared_50_mb_body_is_refused_before_reading(feed_server):
    """A Content-Length over the cap is refused at once."""
    began = time.monotonic()
    with pytest.raises(FeedError, match="50 MB, over the 5 MB limit"):
        fetch(feed_server.url("/big"), settings=settings(feed_timeout_total=10))
    assert time.monotonic() - began < 5


def test_undeclared_50_mb_body_is_cut_while_streaming(feed_server):
    """A body without a length is read only up to the cap, then abandoned."""
    with pytest.raises(FeedError, match="over the 5 MB limit.*stopped reading"):
        fetch(feed_server.url("/big-no-length"), settings=settings(feed_timeout_total=10))


def test_gzip_bomb_is_cut_at_the_decoded_size(feed_server):
    """A 30 KB gzip body that inflates to 30 MB is stopped by the cap on decoded bytes."""
    with pytest.raises(FeedError, match="over the 5 MB limit"):
        fetch(feed_server.url("/gzip-bomb"), settings=settings(feed_timeout_total=10))


def test_redirect_loop_is_detected(feed_server):
    """Two addresses redirecting to each other stop with a loop message, not after the redirect limit."""
    with pytest.raises(FeedError, match="redirects in a loop"):
        fetch(feed_server.url("/loop-a"), settings=settings())
    assert feed_server.hits["/loop-a"] == 1


def test_long_redirect_chain_stops_at_the_limit(feed_server):
    """A chain of distinct redirects is followed at most MAX_REDIRECTS times."""
    with pytest.raises(FeedError, match=f"more than {MAX_REDIRECTS} times"):
        fetch(feed_server.url("/chain-0"), settings=settings())
    assert sum(feed_server.hits[f"/chain-{i}"] for i in range(10)) == MAX_REDIRECTS + 1


@pytest.mark.parametrize(("path", "scheme"), [("/to-file", "file"), ("/to-ftp", "ftp")])
def test_redirect_to_a_non_http_scheme_is_refused(feed_server, path, scheme):
    """A redirect to file:// or ftp:// is refused by scheme, never followed."""
    with pytest.raises(FeedError, match=f"redirected to a {scheme}: address"):
        fetch(feed_server.url(path), settings=settings())


def test_redirect_is_followed_to_the_feed(feed_server):
    """An ordinary permanent redirect is followed and the final address recorded."""
    result = fetch(feed_server.url("/moved"), settings=settings())
    assert result.final_url.endswith("/statuspage/api/v2/incidents.json")
    assert b'"incidents"' in result.body


def test_redirect_without_location_is_an_error(feed_server):
    """A redirect that names no target is reported instead of being treated as the feed."""
    with pytest.raises(FeedError, match="without saying where"):
        fetch(feed_server.url("/no-location"), settings=settings())


def test_loopback_is_refused_when_private_addresses_are_not_allowed(feed_server):
    """With allow-private off, a loopback address is refused before any connection is made."""
    with pytest.raises(FeedError, match="internal address, loopback"):
        fetch(feed_server.url("/statuspage/api/v2/incidents.json"), settings=settings(feed_allow_private=False))
    with pytest.raises(FeedError, match="internal address, loopback"):
        fetch(feed_server.url("/history.atom", host="localhost"), settings=settings(feed_allow_private=False))
    assert sum(feed_server.hits.values()) == 0


@pytest.mark.parametrize("allow_private", [False, True])
def test_metadata_address_is_refused(allow_private):
    """169.254.169.254 (cloud metadata) is refused with or without allow-private, without connecting."""
    began = time.monotonic()
    with pytest.raises(FeedError, match="link-local"):
        fetch("http://169.254.169.254/latest/meta-data/", settings=settings(feed_allow_private=allow_private))
    assert time.monotonic() - began < 1


def test_redirect_to_metadata_is_refused_at_the_hop(feed_server):
    """Each redirect hop is checked again: a public-looking feed cannot bounce the fetcher to 169.254.169.254."""
    with pytest.raises(FeedError, match="169.254.169.254.*link-local"):
        fetch(feed_server.url("/to-metadata"), settings=settings())


def test_host_header_survives_address_pinning(feed_server):
    """The connection goes to the checked address while the Host header still names the host asked for."""
    fetch(feed_server.url("/history.atom", host="localhost"), settings=settings())
    assert feed_server.headers["/history.atom"]["Host"] == f"localhost:{feed_server.port}"


def test_unknown_host_is_a_dns_failure():
    """A host name that does not resolve says so."""
    with pytest.raises(FeedError, match="DNS lookup failed"):
        fetch("http://no-such-status-page.invalid/api/v2/incidents.json", settings=settings())


def test_connection_refused_is_reported(feed_server):
    """A port with nothing listening gives a refused-connection message."""
    port = feed_server.port
    feed_server.close()
    with pytest.raises(FeedError, match="refused the connection"):
        fetch(f"http://127.0.0.1:{port}/x.json", settings=settings())


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "only http:// and https://"),
        ("ftp://example.com/feed", "only http:// and https://"),
        ("example.com/feed", "no scheme"),
        ("http://user:secret@example.com/feed", "user name or password"),
        ("http://[::1/feed", "not a valid web address"),
        ("", "no feed address"),
    ],
)
def test_bad_addresses_are_refused_before_any_lookup(url, message):
    """Non-web schemes, credentials and malformed addresses never reach DNS."""
    with pytest.raises(FeedError, match=message):
        check_url(url)


@pytest.mark.parametrize(
    ("address", "allowed_private", "allowed_public"),
    [
        ("8.8.8.8", True, True),
        ("127.0.0.1", True, False),
        ("10.1.2.3", True, False),
        ("192.168.0.10", True, False),
        ("172.16.5.4", True, False),
        ("100.64.0.1", True, False),
        ("::1", True, False),
        ("fd00::1", True, False),
        ("::ffff:127.0.0.1", True, False),
        ("169.254.169.254", False, False),
        ("fe80::1", False, False),
        ("0.0.0.0", False, False),
        ("224.0.0.1", False, False),
    ],
)
def test_address_policy(address, allowed_private, allowed_public):
    """Private ranges open only with allow-private; link-local, unspecified and multicast never."""
    assert (blocked_reason(address, allow_private=True) is None) is allowed_private
    assert (blocked_reason(address, allow_private=False) is None) is allowed_public


def test_responses_are_cached_by_address(feed_server):
    """A second fetch within the cache time is served from memory; with caching off it goes to the server."""
    url = feed_server.url("/gcp/incidents.json")
    first = fetch(url, settings=settings(feed_cache_seconds=300))
    second = fetch(url, settings=settings(feed_cache_seconds=300))
    assert second is first
    assert feed_server.hits["/gcp/incidents.json"] == 1
    fetch(url, settings=settings(feed_cache_seconds=0))
    assert feed_server.hits["/gcp/incidents.json"] == 2


def test_failures_are_not_cached(feed_server):
    """An error is retried on the next call rather than remembered."""
    for _ in range(2):
        with pytest.raises(FeedError):
            fetch(feed_server.url("/500"), settings=settings(feed_cache_seconds=300))
    assert feed_server.hits["/500"] == 2


def test_next_address_is_tried_when_one_refuses(feed_server, monkeypatch):
    """A host with several addresses is served by the first that accepts (both checked before connecting)."""
    monkeypatch.setattr(fetch_module, "_resolve", lambda host, port, deadline: ["127.0.0.2", "127.0.0.1"])
    result = fetch(feed_server.url("/gcp/incidents.json", host="status.test"), settings=settings())
    assert result.status == 200
    assert feed_server.headers["/gcp/incidents.json"]["Host"] == f"status.test:{feed_server.port}"
    with pytest.raises(FeedError, match=r"\(127.0.0.2\): it is an internal address, loopback"):
        fetch(feed_server.url("/gcp/incidents.json", host="status.test"), settings=settings(feed_allow_private=False))


def test_untrusted_certificate_is_refused():
    """HTTPS runs through the pinned connection and an untrusted certificate is a clear TLS error."""
    server = FeedServer(tls=True)
    try:
        with pytest.raises(FeedError, match="certificate or TLS problem"):
            fetch(server.url("/gcp/incidents.json", host="localhost"), settings=settings())
    finally:
        server.close()


def test_pinned_https_keeps_hostname_verification():
    """Pinning the socket to a checked address keeps SNI and the certificate's host name check on the URL's host."""
    server = FeedServer(tls=True)
    session = requests.Session()
    session.trust_env = False
    session.mount("https://", _pinned_adapter("127.0.0.1", _Watchdog()))
    ca = str(FEEDS / "localhost-cert.pem")
    try:
        ok = session.get(server.url("/gcp/incidents.json", host="localhost"), timeout=3, verify=ca)
        assert ok.status_code == 200 and ok.content.lstrip().startswith(b"[")
        # Same socket destination, other host name: the certificate does not name it, so TLS must fail.
        with pytest.raises(requests.exceptions.SSLError, match="Hostname mismatch"):
            session.get(server.url("/gcp/incidents.json", host="status.test"), timeout=3, verify=ca)
    finally:
        session.close()
        server.close()

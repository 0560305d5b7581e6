"""Tests for building and reading share links (impact/share/url_builder.py)."""

import secrets

import pytest

from impact.errors import ShareError
from impact.share.url_builder import TOKEN_LENGTH, is_valid_token, share_param, share_url, token_from_query

TOKEN = secrets.token_urlsafe(32)


def test_token_length_matches_secrets():
    """token_urlsafe(32) always gives TOKEN_LENGTH characters, and those are accepted."""
    tokens = [secrets.token_urlsafe(32) for _ in range(200)]
    assert {len(t) for t in tokens} == {TOKEN_LENGTH}
    assert all(is_valid_token(t) for t in tokens)


@pytest.mark.parametrize(
    "bad",
    [
        None,
        42,
        "",
        "short",
        TOKEN[:-1],
        TOKEN + "A",
        TOKEN[:-1] + "=",
        TOKEN[:-1] + "/",
        TOKEN[:-1] + "+",
        TOKEN[:-1] + " ",
        TOKEN[:-1] + "é",
        TOKEN[:-1] + "\n",
    ],
)
def test_malformed_tokens_refused(bad):
    """Wrong length, base64 padding or non-URL-safe characters are not tokens."""
    assert not is_valid_token(bad)


@pytest.mark.parametrize(
    "base, expected",
    [
        ("http://localhost:8501", "http://localhost:8501/?share="),
        ("http://localhost:8501/", "http://localhost:8501/?share="),
        ("https://impact.example.com/app", "https://impact.example.com/app/?share="),
        ("https://impact.example.com/app/?lang=de#top", "https://impact.example.com/app/?lang=de&share="),
        ("https://impact.example.com/?share=old", "https://impact.example.com/?share="),
    ],
)
def test_share_url_shapes(base, expected):
    """The link is <app url>/?share=<token>, keeping the app's path and other parameters, dropping any old token."""
    assert share_url(base, TOKEN) == expected + TOKEN


def test_share_url_refuses_bad_base_and_token():
    """A non-http app address or a malformed token raises ShareError instead of building a broken link."""
    with pytest.raises(ShareError, match="IMPACT_APP_URL"):
        share_url("ftp://example.com", TOKEN)
    with pytest.raises(ShareError, match="IMPACT_APP_URL"):
        share_url("localhost:8501", TOKEN)
    with pytest.raises(ShareError):
        share_url("http://localhost:8501", "not-a-token")


@pytest.mark.parametrize(
    "source",
    [
        lambda t: share_url("https://x.example/app", t),
        lambda t: f"?share={t}",
        lambda t: f"share={t}",
        lambda t: f"  {t}  ",
        lambda t: {"share": t},
        lambda t: {"share": [t]},
        lambda t: {"tab": "charts", "share": t},
    ],
)
def test_token_from_query_reads_every_form(source):
    """Links, query strings, query mappings (st.query_params, parse_qs) and bare tokens all give the token back."""
    assert token_from_query(source(TOKEN)) == TOKEN


def test_round_trip_many_tokens():
    """Every issued token survives share_url -> token_from_query unchanged."""
    for _ in range(200):
        t = secrets.token_urlsafe(32)
        assert token_from_query(share_url("http://localhost:8501", t)) == t


def test_absent_versus_malformed():
    """No share parameter is None (normal app); a malformed one is a value that token_from_query refuses."""
    for absent in (None, {}, {"tab": "x"}, "http://localhost:8501/", "?tab=x"):
        assert share_param(absent) is None
        assert token_from_query(absent) is None
    for malformed, raw in (
        ({"share": "abc"}, "abc"),
        ("?share=", ""),
        ({"share": [TOKEN, TOKEN]}, ""),
        (f"?share={TOKEN}&share={TOKEN}", ""),
        ("http://h/?share=%00", "\x00"),
    ):
        assert share_param(malformed) == raw
        assert token_from_query(malformed) is None


def test_huge_input_is_cut():
    """A megabyte of junk is refused without being kept whole."""
    junk = "A" * 1_000_000
    assert len(share_param(junk)) <= 4096
    assert token_from_query("?share=" + junk) is None

"""Tests for ui.common's escaping of file text into Markdown: no markup, no live link, no hidden characters."""

from ui.common import md_escape


def test_file_text_reaches_markdown_without_links_or_markup():
    """URLs, www hosts and e-mail addresses are defanged, markup characters escaped, controls and bidi shown."""
    assert md_escape("![C](http://evil.example/c.png)") == r"!\[C\](http\[\:\]//evil.example/c.png)"
    assert md_escape("www.evil.example ops@evil.example") == r"www\[.\]evil.example ops\[@\]evil.example"
    assert md_escape("Café **-0** \x1b[2K\u202e") == r"Café \*\*-0\*\* \\u001b\[2K\\u202e"


def _locale_page():
    import streamlit as st

    from impact.present import format_money
    from ui.common import use_browser_locale

    st.write(f"{use_browser_locale()} {format_money(1234.56, 'EUR')}")


def test_the_sellers_locale_setting_wins_over_the_browsers(monkeypatch):
    """A test run has no browser locale, so en_US; IMPACT_LOCALE=de_DE writes the page's money the German way."""
    from uipages import run_page

    from impact import present

    try:
        assert [m.value for m in run_page(_locale_page).markdown] == ["en_US €1,234.56"]
        monkeypatch.setenv("IMPACT_LOCALE", "de_DE")
        assert [m.value for m in run_page(_locale_page).markdown] == ["de_DE 1.234,56\xa0€"]
    finally:
        present.use_locale(None)

"""Tests for ui.common's escaping of file text into Markdown: no markup, no live link, no hidden characters."""

from ui.common import md_escape


def test_file_text_reaches_markdown_without_links_or_markup():
    """URLs, www hosts and e-mail addresses are defanged, markup characters escaped, controls and bidi shown."""
    assert md_escape("![C](http://evil.example/c.png)") == r"!\[C\](http\[\:\]//evil.example/c.png)"
    assert md_escape("www.evil.example ops@evil.example") == r"www\[.\]evil.example ops\[@\]evil.example"
    assert md_escape("Café **-0** \x1b[2K\u202e") == r"Café \*\*-0\*\* \\u001b\[2K\\u202e"

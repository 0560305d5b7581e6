"""Text for a terminal: what the CLI prints can never drive the operator's terminal.

A SKU, a file name or a reject reason comes from a seller's file, and a terminal obeys control sequences inside
text: ESC sequences set the window title or clear lines, and bidi overrides reorder what is shown. The CLI's
standard output and error pass through `TerminalSafe`, which writes each such character as its `\\uXXXX` escape:
visible, and in a JSON string the same character again, so `--json` output of ordinary data is unchanged byte for
byte. Tabs and line ends pass.
"""

from __future__ import annotations

import re
from typing import TextIO

__all__ = ["UNSAFE_CHARACTERS", "TerminalSafe", "terminal_text"]

# C0 controls but tab and line ends, DEL and C1 controls (8-bit CSI), zero-width and bidi formatting characters.
UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def terminal_text(text: str) -> str:
    """`text` with every character a terminal would obey or hide written as its \\uXXXX escape."""
    return UNSAFE_CHARACTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class TerminalSafe:
    """A text stream that writes `terminal_text` of everything to the stream it wraps (binary `.buffer` writes, such
    as a CSV or a zip sent to standard output, pass as they are: they are files, not text for a terminal)."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_text(text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)

"""What program output looks like on a page meant for people: the check every document that leaves the product
(the claim pack's PDF and workbook, the appeal letters) must pass."""

import re

# File names and addresses legitimately hold underscores and dots; they are taken out before the checks.
_NAMES = re.compile(r"https?://\S+|\b[\w.-]+\.(?:txt|csv|tsv|xlsx|pdf|json|zip)\b")
_CHECKS = [
    ("None", re.compile(r"\bNone\b")),
    ("True/False", re.compile(r"\b(?:True|False)\b")),
    ("a dict or set", re.compile(r"[{}]")),
    ("an empty list", re.compile(r"\[\s*\]")),
    ("a snake_case key", re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")),
    ("a float beyond the shown precision", re.compile(r"\d\.\d{3,}")),
    ("a field path", re.compile(r"\w\[\]\.|\b\w+\.\w+\[")),
]


def program_output(text: str) -> list[str]:
    """Each piece of program output in `text`, as 'what: the excerpt'; empty when the text reads as written."""
    clean = _NAMES.sub(" ", text)
    found = []
    for what, pattern in _CHECKS:
        for m in pattern.finditer(clean):
            found.append(f"{what}: ...{clean[max(0, m.start() - 40) : m.end() + 40]}...")
    return found

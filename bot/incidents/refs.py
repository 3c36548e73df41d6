"""Which incident a command means: `#ID` anywhere in its words, else the incident whose channel it is."""

from __future__ import annotations

import re

_REF = re.compile(r"^#(\d{1,9})$")


def split_ref(words: list[str]) -> tuple[int | None, list[str]]:
    """The first `#ID` among `words`, and the words without it."""
    for i, word in enumerate(words):
        found = _REF.match(word)
        if found:
            return int(found.group(1)), words[:i] + words[i + 1 :]
    return None, list(words)


def strip_ref(text: str) -> str:
    """`text` without its first `#ID` word (for free text such as a resolve summary)."""
    return re.sub(r"(^|\s)#\d{1,9}(?=\s|$)", " ", text, count=1).strip()

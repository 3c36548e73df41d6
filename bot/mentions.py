"""User mentions as slash commands deliver them (the manifest sets `should_escape: true`)."""

from __future__ import annotations

import re

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def mentioned_user(word: str) -> str | None:
    """`<@U0BOB|bob>` or `<@U0BOB>` -> `U0BOB`; None for anything else."""
    found = _MENTION.match(word.strip())
    return found.group(1) if found else None

"""Markdown for the post-mortem document: escaping untrusted text, Slack markup as words, dates. Pure."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\s*)(?:([-+=#])|(\d+)([.)]))")
_SLACK_MARKUP = re.compile(r"<([@#!])?([^<>|]*)(?:\|([^<>]*))?>")


# --- escaping ------------------------------------------------------------------------------------


def md(text: Any) -> str:
    """Untrusted text made inert in Markdown: HTML and Markdown syntax escaped, one line."""
    s = " ".join(str(text).split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    # What would start a list, a heading or a rule at the start of a line.
    return _LINE_START.sub(
        lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"),
        s,
        count=1,
    )


def md_block(text: Any) -> str:
    """Like `md`, keeping the line breaks (each line escaped on its own)."""
    lines = [md(line) for line in str(text).splitlines()]
    return "  \n".join(line for line in lines if line)


class Names:
    """Slack user ids as the document names people (their id in the configuration, or the Slack id)."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def raw(self, who: str) -> str:
        return self.names.get(who, who)

    def __call__(self, who: str | None) -> str:
        return md(self.raw(who)) if who else "—"


def plain_text(text: str, names: Names) -> str:
    """Slack markup as plain words: `<@U1|bob>` -> `@bob`, `<#C1|ops>` -> `#ops`, `<url|label>` -> `label (url)`;
    and no bold asterisks (the bot's own page reasons use them). Escape the result with `md`."""

    def one(m: re.Match[str]) -> str:
        sigil, target, label = m.group(1), m.group(2), m.group(3)
        if sigil == "@":
            return "@" + (names.raw(target) if target in names.names else (label or target))
        if sigil == "#":
            return "#" + (label or target)
        if sigil == "!":
            return "@" + (label or target).split("^")[-1].lstrip("@")
        return f"{label} ({target})" if label else target

    return _SLACK_MARKUP.sub(one, text).replace("*", "")


# --- dates and times -----------------------------------------------------------------------------


def local(at: datetime, tz: str) -> datetime:
    return at.astimezone(ZoneInfo(tz))


def date_label(day: date | None) -> str:
    """`Mon 30 Nov 2026`."""
    if day is None:
        return "—"
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def day_label(at: datetime, tz: str) -> str:
    return date_label(local(at, tz).date())


def time_label(at: datetime, tz: str) -> str:
    """`23:40 CET`."""
    d = local(at, tz)
    return f"{d:%H:%M} {d.tzname()}"


def short_when(at: datetime, tz: str) -> str:
    """`Sun 22 Nov 23:40 CET`."""
    d = local(at, tz)
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {time_label(at, tz)}"


def when_label(at: datetime | None, tz: str) -> str:
    """`Sun 22 Nov 2026 23:40 CET`."""
    return f"{day_label(at, tz)} {time_label(at, tz)}" if at else "—"


def duration_label(delta: timedelta | None) -> str:
    """`2d 3h 5m`, `10h 15m`, `7m`."""
    if delta is None:
        return "—"
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours or days:
        parts.append(f"{hours}h")
    parts.append(f"{mins}m")
    return " ".join(parts)

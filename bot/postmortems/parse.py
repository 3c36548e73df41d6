"""Reading what people type after `/postmortem`: incident ids, mentions, due dates, links. Pure."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.errors import UsageError
from bot.mentions import mentioned_user

_INCIDENT_RE = re.compile(r"^#?(\d{1,9})$")
_RAW_USER_RE = re.compile(r"^@?([UW][A-Z0-9]{2,})$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PLUS_DAYS_RE = re.compile(r"^\+(\d{1,3})d$")
_LINK_RE = re.compile(r"^<?(https?://[^\s|<>]+)(?:\|[^>]*)?>?$")
_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip

DATE_FORMS = "YYYY-MM-DD, today, tomorrow, +Nd (e.g. +7d) or a weekday (mon … sun)"


def incident_id(word: str) -> int | None:
    """`#42` or `42` -> 42; anything else -> None."""
    match = _INCIDENT_RE.match(word.strip())
    return int(match.group(1)) if match else None


def user_id(word: str) -> str | None:
    """`<@U0BOB|bob>`, `<@U0BOB>` or `U0BOB` -> `U0BOB`; anything else -> None."""
    match = _RAW_USER_RE.match(word.strip())
    return mentioned_user(word) or (match.group(1) if match else None)


def due_date(text: str, today: date) -> date:
    """A due date typed by a person whose local date is `today`. Past dates are the caller's to refuse."""
    s = text.strip().lower()
    if s == "today":
        return today
    if s == "tomorrow":
        return today + timedelta(days=1)
    if s in _WEEKDAYS:  # the next such day, never today
        ahead = (_WEEKDAYS[s] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    match = _PLUS_DAYS_RE.match(s)
    if match:
        return today + timedelta(days=int(match.group(1)))
    match = _DATE_RE.match(s)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise UsageError(f"`{text}` is not a date.") from None
    raise UsageError(f"`{text}` is not a due date; use {DATE_FORMS}.")


def link(word: str) -> str | None:
    """An http(s) URL as typed (Slack wraps it as `<https://…>` or `<https://…|label>`); else None."""
    match = _LINK_RE.match(word.strip())
    return match.group(1) if match else None


def split_due(words: list[str]) -> tuple[list[str], str | None]:
    """`[…, "due", "2026-12-01"]` -> `([…], "2026-12-01")`; no trailing `due DATE` -> `(words, None)`."""
    if len(words) >= 2 and words[-2].lower() == "due":
        return words[:-2], words[-1]
    return words, None

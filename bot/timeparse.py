"""Times typed in Slack (``FROM``, ``TO``, ``until TIME``), read in the caller's time zone.

Accepted (case-insensitive): ``now``, ``+DURATION`` (``+4h``, ``+1h30m``), ``HH:MM`` (the next such
local time strictly after now), ``today HH:MM``, ``tomorrow HH:MM``, ``mon HH:MM`` (the next such
weekday and time), ``YYYY-MM-DD HH:MM``, ``YYYY-MM-DDTHH:MM``, ``YYYY-MM-DD`` (local midnight).
An ISO 8601 time with an explicit offset (``2026-12-24T09:00Z``, ``...+01:00``) is taken as written.

Everything returned is an aware UTC datetime. A local time inside a DST gap is refused with a
``TimeParseError``; an ambiguous one (the repeated hour when clocks go back) means its first occurrence.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.durations import DURATION_FORMS, parse_duration

__all__ = [
    "TIME_FORMS",
    "TimeParseError",
    "format_local",
    "get_zone",
    "local_to_utc",
    "parse_user_time",
    "split_time_args",
]

TIME_FORMS = (
    "now, +DURATION (e.g. +4h, +30m, +1d), HH:MM, today HH:MM, tomorrow HH:MM, mon HH:MM, "
    "YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DDTHH:MM"
)

_WEEKDAYS = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:t|\s+)(\d{1,2}:\d{2})$")
_OFFSET_RE = re.compile(r"^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})$")


class TimeParseError(ValueError):
    """A time typed by a person that cannot be used; the message says why and what is accepted."""


def get_zone(tz: str | ZoneInfo) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name; ``TimeParseError`` for an unknown one."""
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise TimeParseError(f"unknown time zone '{tz}' (use an IANA name such as Europe/Berlin)") from None


def _zone_name(zone: ZoneInfo) -> str:
    return zone.key or str(zone)


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone, fold=0)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def local_to_utc(naive: datetime, tz: str | ZoneInfo) -> datetime:
    """A naive wall-clock time in ``tz`` as an aware UTC datetime.

    Ambiguous times (clocks going back) resolve to the first occurrence; non-existent ones
    (clocks going forward) raise ``TimeParseError`` naming when the clocks move.
    """
    zone = get_zone(tz)
    naive = naive.replace(tzinfo=None)
    if not _exists(naive, zone):
        # Walk back to the last wall-clock minute that exists: the gap starts one minute later.
        probe = naive.replace(second=0, microsecond=0)
        for _ in range(3 * 24 * 60):
            probe -= timedelta(minutes=1)
            if _exists(probe, zone):
                break
        gap_start = probe + timedelta(minutes=1)
        raise TimeParseError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {_zone_name(zone)} "
            f"(clocks move forward at {gap_start:%H:%M})"
        )
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _parse_clock(text: str, original: str) -> time:
    match = _CLOCK_RE.match(text)
    if match is None:
        raise TimeParseError(f"'{original}' is not a time; use {TIME_FORMS}")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise TimeParseError(f"'{original}': {text} is not a time of day (00:00 to 23:59)")
    return time(hour, minute)


def _parse_date(text: str, original: str) -> date:
    match = _DATE_RE.match(text)
    if match is None:
        raise TimeParseError(f"'{original}' is not a time; use {TIME_FORMS}")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise TimeParseError(f"'{original}': {text} is not a date") from None


def _next_occurrence(days: list[date], at: time, now: datetime, zone: ZoneInfo) -> datetime:
    """The first of ``days`` at wall-clock ``at`` that is strictly after ``now``.

    A candidate that falls in a DST gap is refused if it would otherwise have been chosen
    (it is still ahead on the wall clock); when the wall clock shows ``at`` twice, the second
    occurrence counts if the first has already passed.
    """
    now_local = now.astimezone(zone).replace(tzinfo=None)
    for day in days:
        naive = datetime.combine(day, at)
        if not _exists(naive, zone):
            if naive > now_local:
                local_to_utc(naive, zone)  # raises with the explanation
            continue
        for fold in (0, 1):
            candidate = naive.replace(tzinfo=zone, fold=fold).astimezone(UTC)
            if candidate > now:
                return candidate
    raise TimeParseError(f"no {at:%H:%M} found after now")  # pragma: no cover - days always suffice


def parse_user_time(text: str, *, now: datetime, tz: str) -> datetime:
    """Read a time typed in Slack by a person in time zone ``tz``; returns an aware UTC datetime.

    ``now`` must be timezone-aware. Raises ``TimeParseError`` (a ``ValueError``) for bad syntax,
    impossible dates and local times that do not exist because of a DST change.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_user_time needs a timezone-aware now")
    now = now.astimezone(UTC)
    zone = get_zone(tz)
    original = " ".join(str(text).split())
    s = original.lower()
    if not s:
        raise TimeParseError(f"a time is missing; use {TIME_FORMS}")

    if s == "now":
        return now

    if s.startswith("+"):
        try:
            return now + parse_duration(s[1:])
        except ValueError:
            raise TimeParseError(
                f"'{original}' is not a duration from now; write + and a duration ({DURATION_FORMS})"
            ) from None

    if _CLOCK_RE.match(s):
        at = _parse_clock(s, original)
        today = now.astimezone(zone).date()
        return _next_occurrence([today + timedelta(days=n) for n in range(3)], at, now, zone)

    words = s.split(" ")
    if len(words) == 2 and (words[0] in ("today", "tomorrow") or words[0] in _WEEKDAYS):
        first, clock = words
        at = _parse_clock(clock, original)
        today = now.astimezone(zone).date()
        if first == "today":
            return local_to_utc(datetime.combine(today, at), zone)
        if first == "tomorrow":
            return local_to_utc(datetime.combine(today + timedelta(days=1), at), zone)
        weekday = _WEEKDAYS[first]
        ahead = (weekday - today.weekday()) % 7
        days = [today + timedelta(days=ahead), today + timedelta(days=ahead + 7)]
        return _next_occurrence(days, at, now, zone)

    if _OFFSET_RE.match(s):
        try:
            parsed = datetime.fromisoformat(s.upper())
        except ValueError:
            raise TimeParseError(f"'{original}' is not a valid date and time") from None
        return parsed.astimezone(UTC)

    match = _DATETIME_RE.match(s)
    if match:
        day = _parse_date(match.group(1), original)
        at = _parse_clock(match.group(2), original)
        return local_to_utc(datetime.combine(day, at), zone)

    if _DATE_RE.match(s):
        day = _parse_date(s, original)
        return local_to_utc(datetime.combine(day, time(0, 0)), zone)

    raise TimeParseError(f"'{original}' is not a time; use {TIME_FORMS}")


def split_time_args(tokens: list[str]) -> tuple[str, list[str]]:
    """Take one time expression from the front of ``tokens``; return ``(expression, rest)``.

    ``tomorrow 09:00``, ``today 09:00``, ``mon 09:00`` and ``2026-12-24 09:00`` are two tokens;
    everything else is one. Only splits: ``parse_user_time`` judges the expression.
    """
    if not tokens:
        raise TimeParseError(f"a time is missing; use {TIME_FORMS}")
    first = tokens[0]
    lowered = first.lower()
    if len(tokens) >= 2 and _CLOCK_RE.match(tokens[1]):
        if lowered in ("today", "tomorrow") or lowered in _WEEKDAYS or _DATE_RE.match(first):
            return f"{first} {tokens[1]}", list(tokens[2:])
    return first, list(tokens[1:])


def format_local(dt: datetime, tz: str | ZoneInfo) -> str:
    """``Tue 24 Dec 09:00 CET``: an aware datetime shown on the wall clock of ``tz`` (locale-independent)."""
    zone = get_zone(tz)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    local = dt.astimezone(zone)
    abbreviation = local.tzname() or _zone_name(zone)
    return (
        f"{_DAY_ABBR[local.weekday()]} {local.day} {_MONTH_ABBR[local.month - 1]} "
        f"{local:%H:%M} {abbreviation}"
    )

"""Single values of ``opsbridge.yaml``: ids, time zones, durations, times, dates, with clear messages."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, PlainValidator

from bot.durations import DURATION_FORMS, format_duration, parse_duration

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SLACK_USER_RE = re.compile(r"^[UW][A-Z0-9]+$")
_CHANNEL_RE = re.compile(r"^[CG][A-Z0-9]+$")
_USERGROUP_RE = re.compile(r"^S[A-Z0-9]+$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_LOCAL_DT_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            f"'{value}' is not a valid id (letters, digits, '-', '_' and '.', starting with a letter or digit)"
        )
    return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{value}' (use an IANA name such as Europe/Berlin)") from None
    return value


def _pattern(regex: re.Pattern[str], what: str):
    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(f"'{value}' is not {what}")
        return value

    return check


def _parse_duration_value(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, str):
        result = parse_duration(value)
    else:
        raise ValueError(f"a duration needs a unit: use {DURATION_FORMS}, got {value!r}")
    if result <= timedelta(0):
        raise ValueError("a duration must be longer than zero")
    return result


def _parse_clock(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        match = _CLOCK_RE.match(value.strip())
        if match and int(match.group(1)) <= 23 and int(match.group(2)) <= 59:
            return time(int(match.group(1)), int(match.group(2)))
    raise ValueError(f'must be a time of day "HH:MM" (00:00 to 23:59), got {value!r}')


def parse_local_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError('must be a local time without a UTC offset, like "2026-11-02T09:00"')
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0))
    if isinstance(value, str):
        match = _LOCAL_DT_RE.match(value.strip())
        if match:
            year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
            try:
                return datetime(year, month, day, hour, minute, second)
            except ValueError as exc:
                raise ValueError(f"'{value}' is not a valid date and time ({exc})") from None
    raise ValueError(f'must be a local date and time "YYYY-MM-DDTHH:MM", got {value!r}')


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        match = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", value.strip())
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError as exc:
                raise ValueError(f"'{value}' is not a valid date ({exc})") from None
    raise ValueError(f'must be a date "YYYY-MM-DD", got {value!r}')


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


Id = Annotated[str, AfterValidator(_check_id)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
SlackUserId = Annotated[str, AfterValidator(_pattern(_SLACK_USER_RE, "a Slack user id like U0123ABCD"))]
ChannelId = Annotated[
    str, AfterValidator(_pattern(_CHANNEL_RE, "a Slack channel id like C0123ABCD (not a #name)"))
]
UsergroupId = Annotated[str, AfterValidator(_pattern(_USERGROUP_RE, "a Slack user group id like S0123ABCD"))]
Email = Annotated[str, AfterValidator(_pattern(_EMAIL_RE, "an email address"))]
GithubRepo = Annotated[str, AfterValidator(_pattern(_REPO_RE, 'a GitHub repository "owner/repo"'))]
IntegrationKey = Annotated[
    str, AfterValidator(_pattern(_KEY_RE, "a valid integration key (letters, digits, '-' and '_')"))
]
Duration = Annotated[
    timedelta,
    PlainValidator(_parse_duration_value),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
]
ClockTime = Annotated[
    time,
    PlainValidator(_parse_clock),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str, when_used="json"),
]
LocalDateTime = Annotated[
    datetime,
    PlainValidator(parse_local_datetime),
    PlainSerializer(lambda d: d.strftime("%Y-%m-%dT%H:%M"), return_type=str, when_used="json"),
]
Day = Annotated[
    date,
    PlainValidator(_parse_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str, when_used="json"),
]
Severity = Annotated[Literal["sev1", "sev2", "sev3", "sev4"], BeforeValidator(_lower)]

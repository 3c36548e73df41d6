"""`/oncall` arguments read into typed requests. Pure: words, `now` and the caller's zone in.

Handlers call these, then hand the typed request to a service; every mistake is a `UsageError`
whose message says what was wrong, so the one error path shows it with the usage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import UsageError
from bot.mentions import mentioned_user
from bot.timeparse import TimeParseError, parse_user_time, split_time_args

MAX_OVERRIDE = timedelta(days=31)

# `<@U0BOB|bob>` (slash commands with should_escape), `<@U0BOB>`, or a typed `@bob` / `bob`.


@dataclass(frozen=True)
class UserRef:
    """Who a person meant: a Slack user id from an escaped mention, or a name they typed."""

    slack_id: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        return f"<@{self.slack_id}>" if self.slack_id else f"'{self.name}'"


@dataclass(frozen=True)
class OverrideArgs:
    schedule: str
    person: UserRef
    start: datetime
    end: datetime


@dataclass(frozen=True)
class CoverArgs:
    schedule: str
    start: datetime | None = None  # None: the caller's current or next shift
    end: datetime | None = None


def parse_user_ref(word: str) -> UserRef:
    slack_id = mentioned_user(word)
    if slack_id:
        return UserRef(slack_id=slack_id)
    name = word.removeprefix("@").strip()
    if not name or name.startswith("<"):
        raise UsageError(f"`{word}` is not a person; mention them like @bob.")
    return UserRef(name=name)


def check_window(start: datetime, end: datetime) -> None:
    """Refuse an override window that ends before it starts or lasts longer than 31 days."""
    if end <= start:
        raise UsageError("The end of the override must be after its start.")
    if end - start > MAX_OVERRIDE:
        raise UsageError("An override can last at most 31 days; split a longer absence into several.")


def parse_window(words: list[str], *, now: datetime, tz: str) -> tuple[datetime, datetime]:
    """FROM TO (each may be two words, like `tomorrow 09:00`) in the caller's zone, checked."""
    try:
        first, rest = split_time_args(words)
        if not rest:
            raise UsageError("Give both FROM and TO, e.g. `now +4h` or `tomorrow 09:00 tomorrow 18:00`.")
        second, extra = split_time_args(rest)
        start = parse_user_time(first, now=now, tz=tz)
        end = parse_user_time(second, now=now, tz=tz)
    except TimeParseError as exc:
        raise UsageError(str(exc)) from None
    if extra:
        raise UsageError(f"Unexpected `{' '.join(extra)}` after TO.")
    check_window(start, end)
    return start, end


def parse_override(args: list[str], *, now: datetime, tz: str) -> OverrideArgs:
    """`SCHEDULE @user FROM TO` (the words after `override`)."""
    if len(args) < 4:
        raise UsageError("`/oncall override` needs SCHEDULE @user FROM TO.")
    schedule, who = args[0], parse_user_ref(args[1])
    start, end = parse_window(args[2:], now=now, tz=tz)
    return OverrideArgs(schedule=schedule, person=who, start=start, end=end)


def parse_cover(args: list[str], *, now: datetime, tz: str) -> CoverArgs:
    """`SCHEDULE [FROM TO]` (the words after `cover`)."""
    if not args:
        raise UsageError("`/oncall cover` needs the SCHEDULE whose shift you want covered.")
    if len(args) == 1:
        return CoverArgs(schedule=args[0])
    start, end = parse_window(args[1:], now=now, tz=tz)
    return CoverArgs(schedule=args[0], start=start, end=end)


def parse_next(args: list[str]) -> str | None:
    """`[SCHEDULE]` (the words after `next`)."""
    if len(args) > 1:
        raise UsageError("`/oncall next` takes at most one SCHEDULE.")
    return args[0] if args else None

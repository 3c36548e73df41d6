"""Business days, due dates and when to chase: pure functions of plain values.

A business day is Monday to Friday. Working hours are 09:00 to 17:00 on the owner's wall clock
(`WorkingHours`). For a due date D, reminders go out at the start of working hours on:

* the business day before D,
* D itself (the first business day on or after D, when D falls on a weekend),
* then every 2 business days after that while the work is not done (overdue).

`next_reminder_at(due, tz, after)` is the first of those instants strictly after `after`; the engine
stores it in a row and claims it when it comes. A reminder that comes due outside working hours
(the bot was down, say) is held until working hours start again: `deliverable_at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "WorkingHours",
    "add_business_days",
    "business_days_between",
    "default_due_date",
    "deliverable_at",
    "is_business_day",
    "local_date",
    "next_reminder_at",
    "reminder_days",
]

OVERDUE_EVERY = 2  # business days between two reminders once the due date has passed


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(9, 0)
    end: time = time(17, 0)


DEFAULT_HOURS = WorkingHours()


def is_business_day(day: date) -> bool:
    return day.weekday() < 5


def add_business_days(day: date, count: int) -> date:
    """`count` business days after `day` (before it when negative); 0 gives `day` itself."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_business_day(day):
            remaining -= 1
    return day


def next_business_day(day: date) -> date:
    """`day` when it is a business day, else the first one after it."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def business_days_between(start: date, end: date) -> int:
    """How many business days after `start`, up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -business_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_business_day(start + timedelta(days=n)))


def local_date(at: datetime, tz: str) -> date:
    return at.astimezone(ZoneInfo(tz)).date()


def default_due_date(start: datetime, tz: str, business_days: int) -> date:
    """`business_days` business days after the local date of `start` in `tz`."""
    return add_business_days(local_date(start, tz), business_days)


def _at(day: date, clock: time, tz: str) -> datetime:
    """Wall-clock `clock` on `day` in `tz`, as UTC. A time in a DST gap lands just after the gap."""
    zone = ZoneInfo(tz)
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def reminder_days(due: date) -> tuple[date, date]:
    """The business day before `due`, and the day the due reminder goes out (`due` or the next business day)."""
    return add_business_days(due, -1), next_business_day(due)


def next_reminder_at(due: date, tz: str, after: datetime, *, hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """The first reminder instant strictly after `after` (see the module docstring)."""
    before, on_due = reminder_days(due)
    for day in (before, on_due):
        at = _at(day, hours.start, tz)
        if at > after:
            return at
    # Overdue: every OVERDUE_EVERY business days after the due reminder. Start counting near `after`.
    elapsed = max(business_days_between(on_due, local_date(after, tz)), 0)
    step = elapsed - elapsed % OVERDUE_EVERY
    while True:
        at = _at(add_business_days(on_due, step), hours.start, tz)
        if at > after:
            return at
        step += OVERDUE_EVERY


def in_working_hours(at: datetime, tz: str, hours: WorkingHours = DEFAULT_HOURS) -> bool:
    local = at.astimezone(ZoneInfo(tz))
    return is_business_day(local.date()) and hours.start <= local.time().replace(tzinfo=None) < hours.end


def deliverable_at(now: datetime, tz: str, hours: WorkingHours = DEFAULT_HOURS) -> datetime:
    """`now` when it is inside working hours, else when working hours next start."""
    if in_working_hours(now, tz, hours):
        return now
    day = local_date(now, tz)
    while True:
        if is_business_day(day):
            start = _at(day, hours.start, tz)
            if start > now:
                return start
        day += timedelta(days=1)

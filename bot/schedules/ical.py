"""A schedule's final shifts as an iCalendar file, for calendar apps to subscribe to. Pure.

Times are written in UTC (calendar apps show them in the reader's zone), so a DST change needs no
VTIMEZONE: the engine already placed each handoff at its local wall-clock time. UIDs are built
from the schedule, the person and the start, so a refresh updates events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from bot.schedules.engine import HORIZON
from bot.schedules.model import Schedule
from bot.schedules.shiftlist import shifts_in_window

# person id -> (display name, role)
Describe = Callable[[str], tuple[str, str]]


def calendar_bytes(
    schedule: Schedule, now: datetime, describe: Describe, *, window: timedelta = HORIZON
) -> bytes:
    """The next 90 days (`window`) of `schedule` from `now`: one VEVENT per person's shift."""
    end = now + window
    cal = Calendar()
    cal.add("prodid", "-//opsbridge//on-call//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"On call: {schedule.id}")
    cal.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for shift in shifts_in_window(schedule, now, end):
        assert shift.person is not None
        name, role = describe(shift.person)
        event = Event()
        start = shift.start.astimezone(UTC)
        event.add("uid", f"{schedule.id}-{shift.person}-{start:%Y%m%dT%H%M%SZ}@opsbridge")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", shift.end.astimezone(UTC))
        event.add("summary", f"{name} ({role}) on call: {schedule.id}")
        event.add("description", f"{name} ({role}) holds the pager for {schedule.id}.")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()

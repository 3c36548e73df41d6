"""Final shifts as people see them: one entry per person's stretch, not per engine piece.

The engine splits a stretch where its source changes (a layer, then an override of the same
person); nobody new is paged there, so lists, calendars and "your next shifts" join such pieces.
Pure: schedules and instants in, shifts out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.schedules.engine import HORIZON, on_call_at, shifts_between, upcoming_shifts
from bot.schedules.model import Schedule, Shift


def join_same_person(shifts: Iterable[Shift]) -> list[Shift]:
    """Drop gaps and join touching pieces of the same person (the first piece's source is kept)."""
    joined: list[Shift] = []
    for shift in shifts:
        if shift.person is None:
            continue
        last = joined[-1] if joined else None
        if last is not None and last.person == shift.person and last.end == shift.start:
            joined[-1] = Shift(last.start, shift.end, last.person, last.source)
        else:
            joined.append(shift)
    return joined


def shifts_in_window(schedule: Schedule, start: datetime, end: datetime) -> list[Shift]:
    """People's shifts overlapping [start, end); the one running at `start` keeps its real start,
    the last one is cut at `end`. Used for the calendar (90 days)."""
    shifts = join_same_person(shifts_between(schedule, start, end))
    if shifts and shifts[0].start == start:
        current = on_call_at(schedule, start)
        if current is not None and current.person == shifts[0].person:
            shifts[0] = Shift(min(current.start, start), shifts[0].end, current.person, shifts[0].source)
    return shifts


def current_and_next(schedule: Schedule, at: datetime, count: int) -> tuple[Shift | None, list[Shift]]:
    """The shift running at `at` (None in a gap) and up to `count` shifts after it (90 days ahead)."""
    pieces = upcoming_shifts(schedule, at, 2 * count + 4)
    shifts = join_same_person(pieces)
    current = shifts[0] if shifts and shifts[0].start <= at else None
    following = shifts[1:] if current is not None else shifts
    return current, following[:count]


def shifts_of(schedule: Schedule, person: str, at: datetime, count: int) -> list[Shift]:
    """`person`'s current (if on call at `at`) and next shifts, at most `count`, within 90 days."""
    window = shifts_in_window(schedule, at, at + HORIZON)
    return [shift for shift in window if shift.person == person][:count]

"""Time to acknowledge and time to resolve, computed from an incident's events (pure).

The timeline is the one source: the `opened` event starts the clock, the first `acknowledged`
stops MTTA, the last `resolved` (unless the incident was `reopened` after it) stops MTTR.
An incident resolved without an acknowledgement has no time to acknowledge: nobody answered a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol


class Event(Protocol):
    kind: str
    at: datetime


def _sorted(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=lambda e: e.at)


def opened_at(events: Iterable[Event]) -> datetime | None:
    return next((e.at for e in _sorted(events) if e.kind == "opened"), None)


def time_to_acknowledge(events: Iterable[Event]) -> timedelta | None:
    ordered = _sorted(events)
    start = opened_at(ordered)
    ack = next((e.at for e in ordered if e.kind == "acknowledged"), None)
    return ack - start if start is not None and ack is not None else None


def time_to_resolve(events: Iterable[Event]) -> timedelta | None:
    ordered = _sorted(events)
    start = opened_at(ordered)
    end: datetime | None = None
    for event in ordered:
        if event.kind == "resolved":
            end = event.at
        elif event.kind == "reopened":
            end = None
    return end - start if start is not None and end is not None else None


def mean(durations: Sequence[timedelta | None]) -> timedelta | None:
    """The mean over incidents that have the measure (MTTA or MTTR over many incidents)."""
    known = [d for d in durations if d is not None]
    return sum(known, timedelta()) / len(known) if known else None


def mtta(incidents: Iterable[Iterable[Event]]) -> timedelta | None:
    return mean([time_to_acknowledge(events) for events in incidents])


def mttr(incidents: Iterable[Iterable[Event]]) -> timedelta | None:
    return mean([time_to_resolve(events) for events in incidents])


def format_duration(delta: timedelta | None) -> str:
    """`4m 10s`, `2h 05m`, `1d 3h`; `—` when unknown."""
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"

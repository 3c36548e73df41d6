"""Stored schedules turned into the engine's plain values, and the on-call answer services need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.schedules.engine import on_call_at
from bot.schedules.model import Layer, Override, Restriction, Schedule, Shift
from bot.schedules.rotation import to_local
from storage import schedules as store
from storage.schedules import ScheduleRecord


def _clock_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def to_engine(record: ScheduleRecord) -> Schedule:
    """Plain values for the pure engine: no session, no clock."""
    layers = tuple(
        Layer(
            name=ly.name,
            rotation=ly.rotation,  # type: ignore[arg-type]
            start=datetime.fromisoformat(ly.start_local),
            members=tuple(ly.members),
            shift=timedelta(seconds=ly.shift_seconds)
            if ly.rotation == "custom" and ly.shift_seconds
            else None,
            restrictions=tuple(
                Restriction(days=frozenset(r["days"]), start=_clock_time(r["from"]), end=_clock_time(r["to"]))
                for r in ly.restrictions
            ),
        )
        for ly in record.layers
    )
    overrides = tuple(
        Override(person=o.person_id, start=o.start_at, end=o.end_at, id=o.id) for o in record.overrides
    )
    return Schedule(
        id=record.schedule.id, timezone=record.schedule.timezone, layers=layers, overrides=overrides
    )


def active_shadows(record: ScheduleRecord, at: datetime) -> list[str]:
    """Shadows whose end date (inclusive, in the schedule's zone) has not passed at `at`."""
    today = to_local(at, record.schedule.timezone).date()
    return sorted(sh.person_id for sh in record.shadows if sh.until is None or sh.until >= today)


@dataclass
class OnCall:
    schedule_id: str
    shift: Shift | None  # None: nobody (a gap)
    shadows: list[str]

    @property
    def person(self) -> str | None:
        return self.shift.person if self.shift else None


async def on_call_now(session: AsyncSession, schedule_id: str, at: datetime) -> OnCall | None:
    """Who holds the pager of `schedule_id` at `at`; None when the schedule does not exist."""
    record = await store.load(session, schedule_id, overrides_after=at - timedelta(days=100))
    if record is None:
        return None
    return OnCall(schedule_id, on_call_at(to_engine(record), at), active_shadows(record, at))

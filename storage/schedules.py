"""Queries for schedules: everything the engine needs to say who is on call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Override, Person, Schedule, ScheduleLayer, ScheduleShadow


@dataclass
class ScheduleRecord:
    schedule: Schedule
    layers: list[ScheduleLayer]
    shadows: list[ScheduleShadow]
    overrides: list[Override]


async def load(
    session: AsyncSession, schedule_id: str, *, overrides_after: datetime | None = None
) -> ScheduleRecord | None:
    schedule = await session.get(Schedule, schedule_id)
    if schedule is None:
        return None
    layers = (
        await session.scalars(
            select(ScheduleLayer)
            .where(ScheduleLayer.schedule_id == schedule_id)
            .order_by(ScheduleLayer.position)
        )
    ).all()
    shadows = (
        await session.scalars(select(ScheduleShadow).where(ScheduleShadow.schedule_id == schedule_id))
    ).all()
    query = select(Override).where(Override.schedule_id == schedule_id)
    if overrides_after is not None:
        query = query.where(Override.end_at > overrides_after)
    overrides = (await session.scalars(query.order_by(Override.id))).all()
    return ScheduleRecord(schedule, list(layers), list(shadows), list(overrides))


async def load_all(session: AsyncSession, *, overrides_after: datetime | None = None) -> list[ScheduleRecord]:
    ids = (await session.scalars(select(Schedule.id).order_by(Schedule.id))).all()
    records = [await load(session, sid, overrides_after=overrides_after) for sid in ids]
    return [r for r in records if r is not None]


async def schedule_ids(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(Schedule.id).order_by(Schedule.id))).all())


async def people_by_id(session: AsyncSession, ids: set[str] | None = None) -> dict[str, Person]:
    query = select(Person)
    if ids is not None:
        query = query.where(Person.id.in_(ids))
    return {p.id: p for p in await session.scalars(query)}

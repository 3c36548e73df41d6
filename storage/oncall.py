"""Queries behind on-call: people by Slack id, where a schedule talks, handoff claims, cover requests.

The claims (`claim_handoff_window`, `claim_cover_request`, `record_notice`) are compare-and-set or
insert-if-absent, so two replicas (or a replica and itself after a restart) do each thing once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CoverRequest,
    Incident,
    Override,
    Person,
    Schedule,
    ScheduleNotice,
    Service,
    Setting,
    Team,
)
from storage.upsert import insert_ignore


async def setting(session: AsyncSession, key: str, default: Any = None) -> Any:
    row = await session.get(Setting, key)
    return default if row is None or row.value is None else row.value


async def person_by_slack(session: AsyncSession, slack_user_id: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.slack_user_id == slack_user_id).limit(1))


async def person_ids(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(Person.id).order_by(Person.id))).all())


async def team_schedule_ids(session: AsyncSession, team_id: str) -> list[str]:
    query = select(Schedule.id).where(Schedule.team_id == team_id).order_by(Schedule.id)
    return list((await session.scalars(query)).all())


async def announce_channel(session: AsyncSession, schedule: Schedule) -> str | None:
    """Where a schedule's handoffs and cover requests go: the team's channel, else the schedule's
    own, else the workspace's incidents channel. None when none is configured."""
    if schedule.team_id:
        team = await session.get(Team, schedule.team_id)
        if team is not None and team.channel:
            return team.channel
    if schedule.channel:
        return schedule.channel
    channels = await setting(session, "channels", {}) or {}
    return channels.get("incidents") if isinstance(channels, dict) else None


async def open_incidents_of_team(session: AsyncSession, team_id: str) -> list[Incident]:
    """Incidents not yet resolved on the services the team owns: what a handoff hands over."""
    query = (
        select(Incident)
        .join(Service, Service.id == Incident.service_id)
        .where(Service.team_id == team_id, Incident.state != "resolved")
        .order_by(Incident.id)
    )
    return list((await session.scalars(query)).all())


async def claim_handoff_window(
    session: AsyncSession, schedule_id: str, old: datetime | None, new: datetime
) -> bool:
    """Move the schedule's handoff cursor from `old` to `new`; False when someone else moved it."""
    condition = Schedule.handoff_cursor.is_(None) if old is None else Schedule.handoff_cursor == old
    result = await session.execute(
        update(Schedule).where(Schedule.id == schedule_id, condition).values(handoff_cursor=new)
    )
    return result.rowcount == 1


async def record_notice(
    session: AsyncSession, schedule_id: str, kind: str, at: datetime, person_id: str = ""
) -> bool:
    """True the first time a notice (schedule, kind, instant, person) is recorded, False after."""
    return await insert_ignore(
        session, ScheduleNotice, {"schedule_id": schedule_id, "kind": kind, "at": at, "person_id": person_id}
    )


async def has_notice(
    session: AsyncSession, schedule_id: str, kind: str, at: datetime, person_id: str = ""
) -> bool:
    """A cheap read before `record_notice`, so passes with nothing new to say do not write."""
    return await session.get(ScheduleNotice, (schedule_id, kind, at, person_id)) is not None


async def add_override(
    session: AsyncSession,
    *,
    schedule_id: str,
    person_id: str,
    start: datetime,
    end: datetime,
    now: datetime,
    replaces: str | None,
    created_by: str | None,
    source: str,
) -> Override:
    override = Override(
        schedule_id=schedule_id,
        person_id=person_id,
        replaces_person_id=replaces,
        start_at=start,
        end_at=end,
        created_by=created_by,
        source=source,
        created_at=now,
    )
    session.add(override)
    await session.flush()
    return override


async def add_cover_request(
    session: AsyncSession,
    *,
    schedule_id: str,
    start: datetime,
    end: datetime,
    requested_by: str,
    now: datetime,
) -> CoverRequest:
    request = CoverRequest(
        schedule_id=schedule_id, start_at=start, end_at=end, requested_by=requested_by, created_at=now
    )
    session.add(request)
    await session.flush()
    return request


async def claim_cover_request(session: AsyncSession, request_id: int, taker: str, now: datetime) -> bool:
    """Compare-and-set on `taken_by IS NULL`: exactly one presser of *Take* wins."""
    result = await session.execute(
        update(CoverRequest)
        .where(CoverRequest.id == request_id, CoverRequest.taken_by.is_(None))
        .values(taken_by=taker, taken_at=now)
    )
    return result.rowcount == 1


async def link_cover_override(session: AsyncSession, request_id: int, override_id: int) -> None:
    await session.execute(
        update(CoverRequest).where(CoverRequest.id == request_id).values(override_id=override_id)
    )


async def cover_taken_by(session: AsyncSession, request_id: int) -> str | None:
    return await session.scalar(select(CoverRequest.taken_by).where(CoverRequest.id == request_id))

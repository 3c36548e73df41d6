"""Queries behind the incidents experience: channel requests, roles, status and reminders, archives.

Work that two replicas (or a handler and the engine) could both pick up is claimed with an
`UPDATE ... WHERE <still due>` whose rowcount says who won, as everywhere else.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Incident, IncidentChannelRequest, IncidentRole, Person, Service
from storage.upsert import insert_ignore

OPEN_STATES = ("triggered", "acknowledged")


# --- channel requests -----------------------------------------------------------------------------


async def request_channel(session: AsyncSession, incident_id: int, now: datetime) -> bool:
    """Ask for the incident's channel (once): True when this call asked."""
    return await insert_ignore(
        session,
        IncidentChannelRequest,
        {"incident_id": incident_id, "due_at": now, "attempts": 0, "requested_at": now},
    )


async def channel_requested(session: AsyncSession, incident_id: int) -> bool:
    return await session.get(IncidentChannelRequest, incident_id) is not None


async def due_channel_requests(session: AsyncSession, now: datetime, limit: int = 20) -> list[int]:
    rows = await session.scalars(
        select(IncidentChannelRequest.incident_id)
        .where(IncidentChannelRequest.due_at <= now)
        .order_by(IncidentChannelRequest.due_at)
        .limit(limit)
    )
    return list(rows)


async def claim_channel_request(
    session: AsyncSession, incident_id: int, now: datetime, lease: timedelta
) -> IncidentChannelRequest | None:
    """Take the request for `lease` (nobody else creates the channel meanwhile); None if not due or taken."""
    result = await session.execute(
        update(IncidentChannelRequest)
        .where(IncidentChannelRequest.incident_id == incident_id, IncidentChannelRequest.due_at <= now)
        .values(due_at=now + lease, attempts=IncidentChannelRequest.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return await session.get(IncidentChannelRequest, incident_id, populate_existing=True)


async def retry_channel_request(session: AsyncSession, incident_id: int, when: datetime, error: str) -> None:
    await session.execute(
        update(IncidentChannelRequest)
        .where(IncidentChannelRequest.incident_id == incident_id)
        .values(due_at=when, last_error=error[:2000])
    )


async def drop_channel_request(session: AsyncSession, incident_id: int) -> None:
    await session.execute(
        delete(IncidentChannelRequest).where(IncidentChannelRequest.incident_id == incident_id)
    )


async def next_channel_request(session: AsyncSession) -> datetime | None:
    return await session.scalar(select(func.min(IncidentChannelRequest.due_at)))


async def store_channel(session: AsyncSession, incident_id: int, channel_id: str, name: str) -> bool:
    """Record the created channel on the incident, unless it already has one."""
    result = await session.execute(
        update(Incident)
        .where(Incident.id == incident_id, Incident.channel_id.is_(None))
        .values(channel_id=channel_id, channel_name=name)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


# --- incidents ------------------------------------------------------------------------------------


async def change(
    session: AsyncSession, incident_id: int, *, where: dict[str, Any] | None = None, **values: Any
) -> bool:
    """Compare-and-set on any columns of one incident: `where` holds the values it must still have."""
    query = update(Incident).where(Incident.id == incident_id)
    for column, expected in (where or {}).items():
        attribute = getattr(Incident, column)
        if isinstance(expected, tuple):
            query = query.where(attribute.in_(expected))
        elif expected is None:
            query = query.where(attribute.is_(None))
        else:
            query = query.where(attribute == expected)
    result = await session.execute(query.values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


async def open_incidents(session: AsyncSession, limit: int = 50) -> list[Incident]:
    rows = await session.scalars(
        select(Incident)
        .where(Incident.state.in_(OPEN_STATES))
        .order_by(Incident.severity, Incident.created_at)
        .limit(limit)
    )
    return list(rows)


async def count_open(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).where(Incident.state.in_(OPEN_STATES))) or 0)


async def services(session: AsyncSession) -> list[Service]:
    return list(await session.scalars(select(Service).order_by(Service.id)))


async def people_by_slack(session: AsyncSession, user_ids: set[str]) -> dict[str, Person]:
    if not user_ids:
        return {}
    rows = await session.scalars(select(Person).where(Person.slack_user_id.in_(user_ids)))
    return {p.slack_user_id: p for p in rows if p.slack_user_id}


# --- roles ----------------------------------------------------------------------------------------


async def roles(session: AsyncSession, incident_id: int) -> dict[str, str]:
    rows = await session.scalars(
        select(IncidentRole)
        .where(IncidentRole.incident_id == incident_id)
        .execution_options(populate_existing=True)
    )
    return {row.role: row.slack_user_id for row in rows}


async def roles_of_many(session: AsyncSession, incident_ids: list[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {i: {} for i in incident_ids}
    if incident_ids:
        rows = await session.scalars(select(IncidentRole).where(IncidentRole.incident_id.in_(incident_ids)))
        for row in rows:
            out[row.incident_id][row.role] = row.slack_user_id
    return out


async def set_role(
    session: AsyncSession, incident_id: int, role: str, user_id: str, now: datetime
) -> str | None:
    """Give `role` to `user_id`; returns who held it before (None if nobody)."""
    existing = await session.get(IncidentRole, (incident_id, role), populate_existing=True)
    if existing is not None:
        previous = existing.slack_user_id
        existing.slack_user_id, existing.assigned_at = user_id, now
        await session.flush()
        return previous
    if not await insert_ignore(
        session,
        IncidentRole,
        {"incident_id": incident_id, "role": role, "slack_user_id": user_id, "assigned_at": now},
    ):
        return await set_role(session, incident_id, role, user_id, now)  # assigned at the same moment
    return None


# --- due work: status reminders and archives --------------------------------------------------------


async def due_reminders(session: AsyncSession, now: datetime, limit: int = 100) -> list[Incident]:
    rows = await session.scalars(
        select(Incident)
        .where(Incident.state.in_(OPEN_STATES), Incident.status_reminder_at <= now)
        .order_by(Incident.status_reminder_at)
        .limit(limit)
    )
    return list(rows)


async def next_reminder(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(func.min(Incident.status_reminder_at)).where(Incident.state.in_(OPEN_STATES))
    )


async def due_archives(session: AsyncSession, now: datetime, limit: int = 100) -> list[Incident]:
    rows = await session.scalars(
        select(Incident)
        .where(Incident.state == "resolved", Incident.archive_at <= now)
        .order_by(Incident.archive_at)
        .limit(limit)
    )
    return list(rows)


async def next_archive(session: AsyncSession) -> datetime | None:
    return await session.scalar(select(func.min(Incident.archive_at)).where(Incident.state == "resolved"))


async def claim_reminder(
    session: AsyncSession, incident_id: int, now: datetime, next_at: datetime | None
) -> bool:
    """Take a due status reminder: moves `status_reminder_at` on, so it is sent once."""
    result = await session.execute(
        update(Incident)
        .where(
            Incident.id == incident_id, Incident.state.in_(OPEN_STATES), Incident.status_reminder_at <= now
        )
        .values(status_reminder_at=next_at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def claim_archive(session: AsyncSession, incident_id: int, now: datetime) -> bool:
    """Take a due archive (still resolved: a reopened incident cleared it)."""
    result = await session.execute(
        update(Incident)
        .where(Incident.id == incident_id, Incident.state == "resolved", Incident.archive_at <= now)
        .values(archive_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1

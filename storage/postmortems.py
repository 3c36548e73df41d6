"""Queries for post-mortems and action items: create once, claim reminders by compare-and-set."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ActionItem,
    Incident,
    IncidentEvent,
    IncidentRole,
    Page,
    Person,
    Postmortem,
    Setting,
)
from storage.upsert import insert_ignore

OPEN_STATES = ("prompted", "assigned")


async def get(session: AsyncSession, incident_id: int) -> Postmortem | None:
    return await session.get(Postmortem, incident_id)


async def create(session: AsyncSession, values: dict[str, Any]) -> Postmortem | None:
    """Insert the incident's post-mortem unless it has one; returns the new row, or None if it existed."""
    row = dict(values, reminders_sent=0, due_explicit=values.get("due_explicit", False))
    if not await insert_ignore(session, Postmortem, row):
        return None
    return await session.get(Postmortem, values["incident_id"], populate_existing=True)


async def setting(session: AsyncSession, key: str, default: Any = None) -> Any:
    row = await session.get(Setting, key)
    return default if row is None or row.value is None else row.value


async def person_by_slack(session: AsyncSession, slack_user_id: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.slack_user_id == slack_user_id).limit(1))


async def people_by_slack(session: AsyncSession) -> dict[str, Person]:
    return {p.slack_user_id: p for p in await session.scalars(select(Person)) if p.slack_user_id}


async def role_holder(session: AsyncSession, incident_id: int, role: str) -> str | None:
    row = await session.get(IncidentRole, (incident_id, role))
    return row.slack_user_id if row else None


async def incident_by_channel(session: AsyncSession, channel_id: str) -> Incident | None:
    return await session.scalar(
        select(Incident).where(Incident.channel_id == channel_id).order_by(Incident.id.desc()).limit(1)
    )


async def timeline(
    session: AsyncSession, incident_id: int
) -> tuple[list[IncidentEvent], list[Page], list[IncidentRole]]:
    events = (
        await session.scalars(
            select(IncidentEvent)
            .where(IncidentEvent.incident_id == incident_id)
            .order_by(IncidentEvent.at, IncidentEvent.id)
        )
    ).all()
    pages = (
        await session.scalars(select(Page).where(Page.incident_id == incident_id).order_by(Page.at, Page.id))
    ).all()
    roles = (await session.scalars(select(IncidentRole).where(IncidentRole.incident_id == incident_id))).all()
    return list(events), list(pages), list(roles)


async def action_items(session: AsyncSession, incident_id: int) -> list[ActionItem]:
    rows = await session.scalars(
        select(ActionItem).where(ActionItem.incident_id == incident_id).order_by(ActionItem.id)
    )
    return list(rows.all())


async def open_postmortems(session: AsyncSession) -> list[Postmortem]:
    rows = await session.scalars(select(Postmortem).where(Postmortem.state.in_(OPEN_STATES)))
    return list(rows.all())


async def open_action_items(session: AsyncSession) -> list[ActionItem]:
    return list((await session.scalars(select(ActionItem).where(ActionItem.state == "open"))).all())


async def incidents(session: AsyncSession, ids: set[int]) -> dict[int, Incident]:
    if not ids:
        return {}
    return {i.id: i for i in await session.scalars(select(Incident).where(Incident.id.in_(ids)))}


# --- reminders: the database is the timer --------------------------------------------------------


async def due_postmortems(session: AsyncSession, now: datetime, limit: int = 100) -> list[Postmortem]:
    query = (
        select(Postmortem)
        .where(Postmortem.state == "assigned", Postmortem.next_reminder_at <= now)
        .order_by(Postmortem.next_reminder_at)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def due_action_items(session: AsyncSession, now: datetime, limit: int = 100) -> list[ActionItem]:
    query = (
        select(ActionItem)
        .where(ActionItem.state == "open", ActionItem.next_reminder_at <= now)
        .order_by(ActionItem.next_reminder_at)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def claim_postmortem_reminder(
    session: AsyncSession, incident_id: int, expected: datetime, next_at: datetime | None, *, sent: bool
) -> bool:
    """Move the timer from `expected` to `next_at` if nobody else did: the caller owns this reminder."""
    values: dict[str, Any] = {"next_reminder_at": next_at}
    if sent:
        values["reminders_sent"] = Postmortem.reminders_sent + 1
    result = await session.execute(
        update(Postmortem)
        .where(
            Postmortem.incident_id == incident_id,
            Postmortem.state == "assigned",
            Postmortem.next_reminder_at == expected,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def claim_action_reminder(
    session: AsyncSession, item_id: int, expected: datetime, next_at: datetime | None, *, sent: bool
) -> bool:
    values: dict[str, Any] = {"next_reminder_at": next_at}
    if sent:
        values["reminders_sent"] = ActionItem.reminders_sent + 1
    result = await session.execute(
        update(ActionItem)
        .where(ActionItem.id == item_id, ActionItem.state == "open", ActionItem.next_reminder_at == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def next_reminder(session: AsyncSession) -> datetime | None:
    first = await session.scalar(
        select(func.min(Postmortem.next_reminder_at)).where(Postmortem.state == "assigned")
    )
    second = await session.scalar(
        select(func.min(ActionItem.next_reminder_at)).where(ActionItem.state == "open")
    )
    return min((t for t in (first, second) if t is not None), default=None)

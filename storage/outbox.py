"""Queries behind the outbox: enqueue, claim by compare-and-set, record the outcome."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, SlackMessage
from storage.upsert import insert_ignore


async def add(
    session: AsyncSession,
    *,
    method: str,
    lane: str,
    payload: dict[str, Any],
    now: datetime,
    dedup_key: str | None = None,
    message_key: str | None = None,
) -> bool:
    """Queue one call. With a dedup_key, a second identical request is dropped: returns False."""
    values = dict(
        method=method,
        lane=lane,
        payload=payload,
        now=now,
        dedup_key=dedup_key,
        message_key=message_key,
    )
    row = dict(values, state="pending", attempts=0, next_attempt_at=now, created_at=now)
    row.pop("now")
    if dedup_key is None:
        session.add(OutboxMessage(**row))
        return True
    return await insert_ignore(session, OutboxMessage, row)


async def lane_of_message(session: AsyncSession, message_key: str) -> str | None:
    """The lane a message was (or will be) posted in, so its updates queue up behind the post."""
    row = await session.scalar(
        select(OutboxMessage.lane)
        .where(OutboxMessage.message_key == message_key)
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    if row is not None:
        return row
    return await session.scalar(select(SlackMessage.channel).where(SlackMessage.key == message_key))


async def heads_of_lanes(session: AsyncSession, now: datetime, limit: int = 500) -> list[OutboxMessage]:
    """The oldest pending message of each lane, if it is due and unclaimed: lanes deliver in order."""
    rows = (
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.state == "pending")
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    ).all()
    heads: dict[str, OutboxMessage] = {}
    for row in rows:
        heads.setdefault(row.lane, row)
    return [
        row
        for row in heads.values()
        if row.next_attempt_at <= now and (row.claimed_until is None or row.claimed_until <= now)
    ]


async def claim(session: AsyncSession, message_id: int, now: datetime, lease: timedelta) -> bool:
    """Compare-and-set: only one sender (of any replica) wins a message for the lease."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.state == "pending",
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        )
        .values(claimed_until=now + lease)
    )
    return result.rowcount == 1


async def mark_sent(
    session: AsyncSession, message: OutboxMessage, now: datetime, *, ts: str | None, channel: str | None
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(
            state="sent",
            sent_at=now,
            result_ts=ts,
            result_channel=channel,
            claimed_until=None,
            attempts=OutboxMessage.attempts + 1,
        )
    )
    if message.message_key and ts and channel:
        await remember_message(session, message.message_key, channel, ts, now)


async def remember_message(session: AsyncSession, key: str, channel: str, ts: str, now: datetime) -> None:
    existing = await session.get(SlackMessage, key)
    if existing is None:
        session.add(SlackMessage(key=key, channel=channel, ts=ts, posted_at=now))


async def retry_later(
    session: AsyncSession, message_id: int, when: datetime, error: str, *, count: bool
) -> None:
    values: dict[str, Any] = dict(next_attempt_at=when, claimed_until=None, last_error=error)
    if count:
        values["attempts"] = OutboxMessage.attempts + 1
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))


async def give_up(session: AsyncSession, message_id: int, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(state="dead", claimed_until=None, last_error=error, attempts=OutboxMessage.attempts + 1)
    )


async def find_message(session: AsyncSession, key: str) -> SlackMessage | None:
    return await session.get(SlackMessage, key)


async def pending_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).where(OutboxMessage.state == "pending")) or 0)


async def next_due(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.state == "pending")
    )

"""Chasing owners: the engine's due work for post-mortem and action item reminders.

Every row carries `next_reminder_at`. A pass takes the rows that are due and, one transaction
each, moves the timer by compare-and-set (`UPDATE … WHERE next_reminder_at = <the time read>`)
and queues the DM in the same transaction: two replicas or two wake-ups send one reminder, a
restart repeats none and loses none. A reminder that comes due outside its owner's working hours
(after downtime, say) waits for working hours instead of arriving at night.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.blocks import postmortems as blocks
from bot.postmortems.business import (
    business_days_between,
    deliverable_at,
    in_working_hours,
    local_date,
    next_reminder_at,
)
from bot.postmortems.gather import document_url
from bot.postmortems.service import ref
from storage import postmortems as store
from storage.db import Database
from storage.models import ActionItem, Incident, Postmortem

log = logging.getLogger("opsbridge.postmortems.reminders")


def due_work(db: Database, public_url: str) -> Callable[[datetime], Awaitable[datetime | None]]:
    """The function the engine runs on every pass (`ctx.engine.register("postmortem-reminders", …)`)."""

    async def work(now: datetime) -> datetime | None:
        async with db.sessions() as session:
            postmortems = [
                (p.incident_id, p.next_reminder_at) for p in await store.due_postmortems(session, now)
            ]
            items = [(i.id, i.next_reminder_at) for i in await store.due_action_items(session, now)]
        for incident_id, expected in postmortems:
            async with db.transaction() as session:
                await remind_postmortem(session, incident_id, expected, now, public_url)
        for item_id, expected in items:
            async with db.transaction() as session:
                await remind_action_item(session, item_id, expected, now)
        async with db.sessions() as session:
            return await store.next_reminder(session)

    return work


def _due_text(row: Postmortem | ActionItem, now: datetime) -> str:
    today = local_date(now, row.timezone)
    return blocks.when_due(row.due_date, today, business_days_between(row.due_date, today))


async def remind_postmortem(
    session: AsyncSession, incident_id: int, expected: datetime, now: datetime, public_url: str
) -> bool:
    """Send the reminder that was due at `expected`, if this caller wins it. Returns True when sent."""
    pm = await store.get(session, incident_id)
    if pm is None or pm.owner is None:
        return False
    if not in_working_hours(now, pm.timezone):
        await store.claim_postmortem_reminder(
            session, incident_id, expected, deliverable_at(now, pm.timezone), sent=False
        )
        return False
    following = next_reminder_at(pm.due_date, pm.timezone, now)
    if not await store.claim_postmortem_reminder(session, incident_id, expected, following, sent=True):
        return False
    incident = await session.get(Incident, incident_id)
    text = blocks.postmortem_reminder(
        ref(incident), due_text=_due_text(pm, now), document=document_url(public_url, pm)
    )
    await outbox.post(
        session, channel=pm.owner, text=text, now=now,
        dedup_key=f"postmortem:{incident_id}:reminder:{pm.owner}:{expected.isoformat()}",
    )  # fmt: skip
    log.info("post-mortem #%s: reminded %s (next %s)", incident_id, pm.owner, following.isoformat())
    return True


async def remind_action_item(session: AsyncSession, item_id: int, expected: datetime, now: datetime) -> bool:
    item = await session.get(ActionItem, item_id)
    if item is None:
        return False
    if not in_working_hours(now, item.timezone):
        await store.claim_action_reminder(
            session, item_id, expected, deliverable_at(now, item.timezone), sent=False
        )
        return False
    following = next_reminder_at(item.due_date, item.timezone, now)
    if not await store.claim_action_reminder(session, item_id, expected, following, sent=True):
        return False
    incident = await session.get(Incident, item.incident_id)
    text = blocks.action_reminder(item.id, item.text, ref(incident), due_text=_due_text(item, now))
    await outbox.post(
        session, channel=item.owner, text=text, now=now,
        dedup_key=f"postmortem-action:{item_id}:reminder:{item.owner}:{expected.isoformat()}",
    )  # fmt: skip
    log.info("action item %s: reminded %s (next %s)", item_id, item.owner, following.isoformat())
    return True

"""The incidents' due work for the engine: status reminders, and archiving channels 7 days after a resolve.

Both are read from the database (`incidents.status_reminder_at`, `incidents.archive_at`) and
claimed by compare-and-set, so two replicas or two wake-ups act once; their Slack messages are
outbox rows written in the claiming transaction. Channel creation has its own due work
(`channels.due_work`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot import outbox
from bot.blocks import incidents as blocks
from bot.incidents import channels, status
from bot.incidents.render import incidents_channel, view_of
from storage import incident_channels as chstore
from storage import incidents as store

log = logging.getLogger("opsbridge.incidents")


def due_work(ctx) -> Callable[[datetime], Awaitable[datetime | None]]:
    async def incidents_due(now: datetime) -> datetime | None:
        async with ctx.db.sessions() as session:
            reminders = [i.id for i in await chstore.due_reminders(session, now)]
            archives = [i.id for i in await chstore.due_archives(session, now)]
        for incident_id in reminders:
            try:
                await remind(ctx, incident_id, now)
            except Exception:
                log.exception("status reminder for incident #%s failed", incident_id)
        for incident_id in archives:
            try:
                await archive(ctx, incident_id, now)
            except Exception:
                log.exception("archiving the channel of incident #%s failed", incident_id)
        if reminders or archives:
            ctx.sender.wake()
        async with ctx.db.sessions() as session:
            upcoming = [
                t for t in (await chstore.next_reminder(session), await chstore.next_archive(session)) if t
            ]
        return min(upcoming) if upcoming else None

    return incidents_due


async def remind(ctx, incident_id: int, now: datetime) -> bool:
    """Tell the commander (else the incident's channel) that no status update was posted lately."""
    async with ctx.db.transaction() as session:
        incident = await store.get(session, incident_id)
        if incident is None:
            return False
        interval = status.reminder_interval(incident.severity)
        if not await chstore.claim_reminder(session, incident.id, now, now + interval if interval else None):
            return False
        if interval is None:
            return False
        view = await view_of(session, incident)
        text = blocks.status_reminder(view, interval)
        commander = view.roles.get("commander")
        target = commander or incident.channel_id or await incidents_channel(session, incident)
        if target is None:
            return False
        await outbox.post(
            session,
            channel=target,
            text=text,
            now=now,
            dedup_key=f"incident:{incident.id}:status-reminder:{int(now.timestamp())}",
        )
    log.info("incident #%s: status reminder sent to %s", incident_id, target)
    return True


async def archive(ctx, incident_id: int, now: datetime) -> bool:
    async with ctx.db.transaction() as session:
        incident = await store.get(session, incident_id)
        if incident is None or not await chstore.claim_archive(session, incident.id, now):
            return False
        if not incident.channel_id:
            return False
        await channels.archive(session, incident, await view_of(session, incident), now)
    log.info("incident #%s: archiving #%s", incident_id, incident.channel_name)
    return True

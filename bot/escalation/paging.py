"""Writing pages: Page rows, the DM with buttons, the line in the incident's channel, the events.

All of it is written in the caller's transaction (the escalation step or the manual page that
causes it), so a page exists exactly when the step that decided it does. Each DM is an outbox
message named `page:{page_id}` (also its dedup key), so when the incident is acknowledged or
resolved, `refresh_pages` rewrites every DM in place and its buttons become a status line.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.blocks.pages import PageView, page_blocks, page_text, paged_line
from bot.blocks.pages import nobody_answered as nobody_answered_text
from bot.blocks.text import truncate
from bot.escalation.policy import Policy
from bot.escalation.targets import Resolution
from storage import incidents as store
from storage.models import Incident, IncidentEvent, Page


async def notice_channel(session: AsyncSession, incident: Incident) -> str | None:
    """Where lines about this incident go: its own channel, else its service's, else the incidents channel."""
    if incident.channel_id:
        return incident.channel_id
    return await incidents_channel(session, incident)


async def incidents_channel(session: AsyncSession, incident: Incident) -> str | None:
    """The broad incidents channel (the service's, else the workspace's), for `@here` calls."""
    service = await store.service(session, incident.service_id)
    if service is not None and service.incident_channel:
        return service.incident_channel
    channels = await store.setting(session, "channels", {}) or {}
    return channels.get("incidents") or incident.channel_id


async def service_label(session: AsyncSession, incident: Incident) -> str | None:
    service = await store.service(session, incident.service_id)
    if service is None:
        return None
    return service.name or service.id


def view_of(incident: Incident, page: Page, service: str | None) -> PageView:
    return PageView(
        incident_id=incident.id,
        title=incident.title,
        severity=incident.severity,
        service=service,
        reason=page.reason,
        description=incident.description,
        links=tuple(incident.links or ()),
        state=incident.state,
        by=incident.resolved_by if incident.state == "resolved" else incident.acknowledged_by,
        at=incident.resolved_at if incident.state == "resolved" else incident.acknowledged_at,
        shadowing=page.shadowing if page.is_shadow else None,
    )


async def page(
    session: AsyncSession,
    incident: Incident,
    resolution: Resolution,
    *,
    now: datetime,
    by: str,
    reason: str,
    level: int | None = None,
    loop: int = 0,
) -> tuple[list[Page], list[IncidentEvent]]:
    """Page everyone in `resolution` for `incident`. `reason` is trusted mrkdwn built by the bot
    ("level 2 of escalation policy *payments*", "paged by <@U…>"): never put typed text in it."""
    rows = [
        Page(
            incident_id=incident.id,
            slack_user_id=r.slack_user_id,
            person_id=r.person_id,
            level=level,
            loop=loop,
            reason=truncate(reason, 200),
            is_shadow=r.is_shadow,
            shadowing=r.shadowing,
            at=now,
        )
        for r in resolution.recipients
    ]
    session.add_all(rows)
    await session.flush()
    service = await service_label(session, incident)
    for row in rows:
        view = view_of(incident, row, service)
        key = f"page:{row.id}"
        await outbox.post(
            session,
            channel=row.slack_user_id,
            text=page_text(view),
            blocks=page_blocks(view),
            now=now,
            key=key,
            dedup_key=key,
        )
    channel = await notice_channel(session, incident)
    if channel:
        responders = [r.slack_user_id for r in rows if not r.is_shadow]
        shadows = [r.slack_user_id for r in rows if r.is_shadow]
        text = paged_line(
            incident.id, incident.title, incident.severity, responders, shadows, reason, resolution.problems
        )
        await outbox.post(session, channel=channel, text=text, now=now)
    events = [
        IncidentEvent(
            incident_id=incident.id,
            at=now,
            kind="paged",
            actor=by,
            data={
                "page_id": row.id,
                "slack": row.slack_user_id,
                "person": row.person_id,
                "level": level,
                "loop": loop,
                "reason": row.reason,
                "shadow": row.is_shadow,
                "via": r.via,
            },
        )
        for row, r in zip(rows, resolution.recipients, strict=True)
    ]
    if not rows:
        events.append(
            IncidentEvent(
                incident_id=incident.id,
                at=now,
                kind="page_failed",
                actor=by,
                data={
                    "level": level,
                    "loop": loop,
                    "reason": truncate(reason, 200),
                    "problems": resolution.problems,
                },
            )
        )
    session.add_all(events)
    await session.flush()
    return rows, events


async def refresh_pages(session: AsyncSession, incident: Incident, now: datetime) -> None:
    """Rewrite every page DM of `incident` to show its state (the buttons become a status line)."""
    rows = await store.pages(session, incident.id)
    if not rows:
        return
    service = await service_label(session, incident)
    for row in rows:
        view = view_of(incident, row, service)
        await outbox.upsert(
            session,
            key=f"page:{row.id}",
            channel=row.slack_user_id,
            text=page_text(view),
            blocks=page_blocks(view),
            now=now,
        )


async def nobody_answered(session: AsyncSession, incident: Incident, policy: Policy, now: datetime) -> None:
    """Every level was paged `repeat + 1` times and nobody acknowledged: call the whole channel."""
    channel = await incidents_channel(session, incident)
    if not channel:
        return
    text = nobody_answered_text(incident.id, incident.title, incident.severity, policy.id, policy.repeat + 1)
    await outbox.post(
        session,
        channel=channel,
        text=text,
        now=now,
        dedup_key=f"incident:{incident.id}:nobody-answered:{incident.esc_loop}",
    )

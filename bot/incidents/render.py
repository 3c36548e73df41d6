"""The incidents experience as one observer of every incident change (`bot.incidents.observers`).

On each change, in the change's own transaction:
1. defaults and timers follow it: commander defaults, a channel request, the status reminder,
   the archive date after a resolve (`_follow`);
2. the announcement in the incidents channel is re-rendered in place (outbox `upsert`, key
   `incident:{id}:announcement`), and so is the header of the incident's channel
   (`incident:{id}:header`), its topic when something in it changed, and invitations for people
   who just became involved;
3. the posts a change calls for: a status update (in the channel and under the announcement),
   the resolution summary with MTTA/MTTR and who did what, a reopening.
Everything is an outbox row: it exists exactly when the change does.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.blocks import incidents as blocks
from bot.blocks.deploys import recent_deploys_block as render_deploys
from bot.blocks.incidents import IncidentView
from bot.deploys.service import recent_deploys
from bot.incidents import channels, measures, roles, status
from bot.incidents.observers import observe
from storage import incident_channels as chstore
from storage import incidents as store
from storage.models import Incident, IncidentEvent

log = logging.getLogger("opsbridge.incidents")

TOPIC_KINDS = {
    "channel_created",
    "severity_changed",
    "status_update",
    "role_assigned",
    "acknowledged",
    "resolved",
    "reopened",
}
DEPLOYS_WINDOW = timedelta(hours=24)


def announcement_key(incident_id: int) -> str:
    return f"incident:{incident_id}:announcement"


def header_key(incident_id: int) -> str:
    return f"incident:{incident_id}:header"


async def incidents_channel(session: AsyncSession, incident: Incident) -> str | None:
    """Where the announcement lives: the service's incident channel, else the workspace's."""
    service = await store.service(session, incident.service_id)
    if service is not None and service.incident_channel:
        return service.incident_channel
    return ((await store.setting(session, "channels", {})) or {}).get("incidents")


async def _postmortem_link(session: AsyncSession, incident_id: int) -> str | None:
    try:
        from bot.postmortems import postmortem_link
    except ImportError:
        return None
    return await postmortem_link(session, incident_id)


async def view_of(
    session: AsyncSession, incident: Incident, events: list[IncidentEvent] | None = None
) -> IncidentView:
    """Everything the messages show, read from the database (plain values for the builders)."""
    events = events if events is not None else await store.events(session, incident.id)
    service = await store.service(session, incident.service_id)
    update = next((e for e in reversed(events) if e.kind == "status_update"), None)
    return IncidentView(
        id=incident.id,
        title=incident.title,
        severity=incident.severity,
        state=incident.state,
        status=incident.status,
        created_at=incident.created_at,
        source=incident.source,
        service=(service.name or service.id) if service else None,
        channel_id=incident.channel_id,
        channel_pending=not incident.channel_id and await chstore.channel_requested(session, incident.id),
        roles=await chstore.roles(session, incident.id),
        declared_by=incident.declared_by,
        description=incident.description,
        links=tuple(incident.links or ()),
        acknowledged_by=incident.acknowledged_by,
        acknowledged_at=incident.acknowledged_at,
        resolved_by=incident.resolved_by,
        resolved_at=incident.resolved_at,
        summary=incident.summary,
        last_update=(update.data or {}).get("text") if update else None,
        last_update_at=update.at if update else None,
        time_to_acknowledge=measures.time_to_acknowledge(events),
        time_to_resolve=measures.time_to_resolve(events),
        postmortem=await _postmortem_link(session, incident.id) if incident.state == "resolved" else None,
    )


async def commander_handle(session: AsyncSession, user_id: str | None) -> str | None:
    """`@alice` for a configured person (plain text for the topic), else a mention Slack resolves."""
    if not user_id:
        return None
    person = (await chstore.people_by_slack(session, {user_id})).get(user_id)
    return f"@{person.id}" if person is not None else f"<@{user_id}>"


async def recent_deploys_block(session: AsyncSession, incident: Incident) -> dict | None:
    """The service's deploys of the 24 hours before the incident."""
    if not incident.service_id:
        return None
    deploys = await recent_deploys(session, incident.service_id, incident.created_at - DEPLOYS_WINDOW)
    return render_deploys(list(deploys))


# --- the observer --------------------------------------------------------------------------------


@observe
async def render_incident(
    session: AsyncSession, incident: Incident, events: list[IncidentEvent], now: datetime
) -> None:
    added = await _follow(session, incident, events, now)
    incident = await store.get(session, incident.id)  # fresh: defaults and timers changed it
    if incident is None:
        return
    changes = [*events, *added]
    history = await store.events(session, incident.id)
    view = await view_of(session, incident, history)
    kinds = {e.kind for e in changes}
    where = await _show_announcement(session, incident, view, now)
    if incident.channel_id:
        await _render_channel(session, incident, view, changes, kinds, now)
    await _posts(session, incident, view, changes, history, where, now)


async def _follow(
    session: AsyncSession, incident: Incident, events: list[IncidentEvent], now: datetime
) -> list[IncidentEvent]:
    """Defaults and timers that follow a change (their events are rendered with it)."""
    kinds = {e.kind for e in events}
    added = await roles.default_commander(session, incident, events, now)
    if "opened" in kinds:
        await chstore.change(
            session,
            incident.id,
            where={"state": chstore.OPEN_STATES},
            status_reminder_at=status.next_reminder(incident.severity, incident.last_status_at, now),
        )
        await channels.request(session, incident, now)
    if "severity_changed" in kinds:
        await channels.request(session, incident, now)
    if "resolved" in kinds:
        await chstore.change(
            session,
            incident.id,
            where={"state": "resolved"},
            status_reminder_at=None,
            archive_at=now + channels.ARCHIVE_AFTER if incident.channel_id else None,
        )
        await chstore.drop_channel_request(session, incident.id)
        try:
            from bot.postmortems import on_incident_resolved
        except ImportError:
            pass
        else:
            await on_incident_resolved(session, incident, now)  # idempotent; its own observer may ask first
    return added


async def _show_announcement(
    session: AsyncSession, incident: Incident, view: IncidentView, now: datetime
) -> str | None:
    """Post or update the incident's one announcement; returns the channel it lives in, if any."""
    where = await incidents_channel(session, incident)
    if where:
        text, body = blocks.announcement(view)
        await outbox.upsert(
            session, key=announcement_key(incident.id), channel=where, text=text, blocks=body, now=now
        )
    return where


async def _show_header(session: AsyncSession, incident: Incident, view: IncidentView, now: datetime) -> None:
    """Post or update the header message of the incident's own channel."""
    text, body = blocks.channel_header(view, await recent_deploys_block(session, incident))
    await outbox.upsert(
        session, key=header_key(incident.id), channel=incident.channel_id, text=text, blocks=body, now=now
    )


async def _render_channel(
    session: AsyncSession,
    incident: Incident,
    view: IncidentView,
    changes: list[IncidentEvent],
    kinds: set[str],
    now: datetime,
) -> None:
    await _show_header(session, incident, view, now)
    if kinds & TOPIC_KINDS:
        handle = await commander_handle(session, view.roles.get("commander"))
        await channels.set_topic(session, incident, blocks.topic(view, handle), now)
    invited: list[str | None] = []
    for event in changes:
        data = event.data or {}
        if event.kind == "channel_created":
            invited += [incident.declared_by, *view.roles.values()]
            invited += await channels.service_on_call(session, incident.service_id, now)
            invited += [p.slack_user_id for p in await store.pages(session, incident.id)]
        elif event.kind == "paged":
            invited.append(data.get("slack"))
        elif event.kind == "role_assigned":
            invited.append(data.get("user"))
        elif event.kind in ("acknowledged", "reopened"):
            invited.append(event.actor)
    await channels.invite(session, incident, invited, now)
    if "channel_created" in kinds:
        await channels.bookmark_links(session, incident, now)
    if any(e.kind == "reopened" and (e.data or {}).get("unarchive") for e in changes):
        await outbox.call(
            session,
            "conversations.unarchive",
            {"channel": incident.channel_id},
            lane=incident.channel_id,
            now=now,
        )


async def _posts(
    session: AsyncSession,
    incident: Incident,
    view: IncidentView,
    changes: list[IncidentEvent],
    history: list[IncidentEvent],
    where: str | None,
    now: datetime,
) -> None:
    thread = announcement_key(incident.id) if where else None
    for event in changes:
        data = event.data or {}
        if event.kind == "status_update":
            text, body = blocks.status_update(
                view,
                data.get("status") or view.status,
                data.get("previous") or "",
                data.get("text") or "",
                event.actor,
            )
            await _post_both(
                session,
                incident,
                where,
                thread,
                text,
                body,
                now,
                f"incident:{incident.id}:post:status:{event.id}",
            )
        elif event.kind == "resolved":
            involved = roles.involvement(incident, view.roles, history)
            text, body = blocks.resolved_post(view, involved)
            target = incident.channel_id or where
            if target:
                await outbox.post(
                    session,
                    channel=target,
                    text=text,
                    blocks=body,
                    now=now,
                    thread_key=None if incident.channel_id else thread,
                    dedup_key=f"incident:{incident.id}:post:summary:{event.id}",
                )
        elif event.kind == "reopened":
            text = blocks.reopened_post(view, event.actor)
            await _post_both(
                session,
                incident,
                where,
                thread,
                text,
                None,
                now,
                f"incident:{incident.id}:post:reopened:{event.id}",
            )


async def _post_both(
    session: AsyncSession,
    incident: Incident,
    where: str | None,
    thread: str | None,
    text: str,
    body: list[dict] | None,
    now: datetime,
    dedup: str,
) -> None:
    """In the incident's channel, and in the announcement's thread in the incidents channel."""
    if incident.channel_id:
        await outbox.post(
            session,
            channel=incident.channel_id,
            text=text,
            blocks=body,
            now=now,
            dedup_key=f"{dedup}:channel",
        )
    if where and where != incident.channel_id:
        await outbox.post(
            session,
            channel=where,
            text=text,
            blocks=body,
            now=now,
            thread_key=thread,
            dedup_key=f"{dedup}:announcement",
        )


async def refresh(session: AsyncSession, incident_id: int, now: datetime) -> None:
    """Re-render the announcement and the channel header of an incident after something outside the
    incident changed what they show (a finished post-mortem's link). Call it in that transaction."""
    incident = await store.get(session, incident_id)
    if incident is None:
        return
    view = await view_of(session, incident)
    await _show_announcement(session, incident, view, now)
    if incident.channel_id:
        await _show_header(session, incident, view, now)

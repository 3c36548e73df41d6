"""Who hears about a deploy, and where: the living message, the failure reply and the DMs.

Everything goes through the outbox in the caller's transaction, so a deploy and its messages
exist together or not at all. The living message is keyed `deploy:{id}`: the first event posts
it, every later one updates it in place.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.blocks import deploys as render
from bot.schedules.service import on_call_for_team
from storage import deploys as store
from storage.models import Deploy, Freeze, Incident, IncidentRole, Service

log = logging.getLogger("opsbridge.deploys")


def message_key(deploy_id: int) -> str:
    return f"deploy:{deploy_id}"


async def deploy_channel(session: AsyncSession, service: Service | None) -> str | None:
    """The service's deploy channel, else the workspace's (`channels.deploys`), else None."""
    if service is not None and service.deploy_channel:
        return service.deploy_channel
    channels = await store.setting(session, "channels") or {}
    return channels.get("deploys") if isinstance(channels, dict) else None


async def dev_on_call(session: AsyncSession, team_id: str | None, at: datetime) -> list[str]:
    """Slack ids of the team's people on call at `at` whose role is `dev` (all of them if none is),
    as `/incident page service:NAME` pages them."""
    if not team_id:
        return []
    people = await on_call_for_team(session, team_id, at, role="dev")
    return [p.slack_user_id for p in people if p.slack_user_id]


async def freeze_owner(session: AsyncSession, freeze: Freeze) -> str | None:
    """The Slack user to tell about a deploy during `freeze`: whoever froze, or for an incident's
    automatic freeze its commander (else whoever declared it)."""
    if freeze.created_by:
        return freeze.created_by
    if freeze.incident_id is None:
        return None
    commander = await session.get(IncidentRole, (freeze.incident_id, "commander"))
    if commander is not None:
        return commander.slack_user_id
    incident = await session.get(Incident, freeze.incident_id)
    return incident.declared_by if incident is not None else None


async def publish(session: AsyncSession, deploy: Deploy, now: datetime) -> bool:
    """Post or update the deploy's living message. False when there is no channel to post in."""
    service = await store.service(session, deploy.service_id)
    channel = await deploy_channel(session, service)
    if channel is None:
        log.warning(
            "deploy #%s of %s: no deploy channel configured; not posted", deploy.id, deploy.service_id
        )
        return False
    freeze = await session.get(Freeze, deploy.during_freeze_id) if deploy.during_freeze_id else None
    text, blocks = render.deploy_message(deploy, freeze=freeze)
    await outbox.upsert(
        session, key=message_key(deploy.id), channel=channel, text=text, blocks=blocks, now=now
    )
    return True


async def announce_failure(
    session: AsyncSession, deploy: Deploy, now: datetime, *, posted: bool
) -> list[str]:
    """A threaded reply under the deploy's message and a DM to each dev on call. Returns who was told."""
    service = await store.service(session, deploy.service_id)
    on_call = await dev_on_call(session, service.team_id if service else None, now)
    if posted:
        channel = await deploy_channel(session, service)
        await outbox.post(
            session,
            channel=channel or "",
            text=render.failure_reply(deploy, on_call),
            now=now,
            thread_key=message_key(deploy.id),
        )
    for user_id in on_call:
        await outbox.post(session, channel=user_id, text=render.failure_dm(deploy), now=now)
    return on_call


async def tell_freeze_owner(
    session: AsyncSession, deploy: Deploy, freeze: Freeze, now: datetime
) -> str | None:
    owner = await freeze_owner(session, freeze)
    if owner:
        await outbox.post(
            session,
            channel=owner,
            text=render.freeze_owner_dm(deploy, freeze),
            now=now,
            dedup_key=f"deploy:{deploy.id}:freeze-owner",
        )
    return owner


async def announce(
    session: AsyncSession, service_id: str | None, text: str, blocks: list[dict], now: datetime
) -> None:
    """A freeze or unfreeze notice in the deploy channel it concerns (the global one for `all`)."""
    service = await store.service(session, service_id) if service_id else None
    channel = await deploy_channel(session, service)
    if channel:
        await outbox.post(session, channel=channel, text=text, blocks=blocks, now=now)

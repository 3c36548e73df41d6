"""Helpers for the incident tests: reading the bot's state, waiting for it, the message shortcut."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import select

from storage.models import Incident, IncidentEvent


async def incident(bot, incident_id: int = 1) -> Incident:
    async with bot.ctx.db.sessions() as session:
        return await session.get(Incident, incident_id)


async def events(bot, incident_id: int = 1, kind: str | None = None) -> list[IncidentEvent]:
    async with bot.ctx.db.sessions() as session:
        query = (
            select(IncidentEvent).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id)
        )
        if kind:
            query = query.where(IncidentEvent.kind == kind)
        return list(await session.scalars(query))


async def settled(bot, check, *, what: str = "the condition", tries: int = 250) -> Any:
    """Bolt acks before its listener finishes: wait until `await check()` is truthy, delivering meanwhile."""
    for _ in range(tries):
        found = await check()
        if found:
            await bot.deliver()
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"{what} never happened")


async def channel_of(bot, incident_id: int = 1) -> str:
    async def check():
        found = await incident(bot, incident_id)
        return found.channel_id if found else None

    return await settled(bot, check, what=f"incident #{incident_id} getting its channel")


async def message_shortcut(slack, user_id: str, message, callback_id: str = "declare_incident_from_message"):
    """Use a message shortcut on `message`, as Slack sends it (`message_action`)."""
    ws = slack.workspace
    user = ws.users[user_id]
    channel = ws.channels[message.channel]
    payload = {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": slack.triggers.issue(user_id),
        "user": {"id": user_id, "username": user.name, "name": user.name, "team_id": ws.team_id},
        "team": {"id": ws.team_id, "domain": ws.domain},
        "channel": {"id": channel.id, "name": channel.name},
        "message": message.to_slack(),
        "message_ts": message.ts,
        "action_ts": f"{time.time():.6f}",
        "token": slack.verification_token,
        "api_app_id": ws.app_id,
        "response_url": f"{slack.url}respond/none",
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return await slack.post_interaction(payload)

"""The timeline: every incident event (recorded by whoever changed the incident), plus messages
people mark in the incident's channel with :pushpin: or pin there.

A marked message becomes a `pinned` event (actor: who marked it; data: its author, text and ts),
once per message however often it is marked. `/incident timeline` reads the events back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.text import truncate
from bot.incidents import lifecycle
from storage import incidents as store
from storage.models import Incident, IncidentEvent

PIN_REACTIONS = ("pushpin", "round_pushpin")
TEXT_LIMIT = 3000


def message_time(ts: str | None) -> str | None:
    """Slack's `ts` as an ISO time (when the marked message was written)."""
    try:
        return datetime.fromtimestamp(float(ts or ""), UTC).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


def message_text(message: dict[str, Any]) -> str:
    """What a message says: its text, else the text of its blocks, else its files' names."""
    text = str(message.get("text") or "").strip()
    if text:
        return text
    parts: list[str] = []
    for block in message.get("blocks") or []:
        inner = block.get("text")
        if isinstance(inner, dict) and inner.get("text"):
            parts.append(str(inner["text"]))
    parts += [str(f.get("name") or f.get("title") or "") for f in message.get("files") or []]
    return "\n".join(p for p in parts if p).strip() or "(a message without text)"


async def capture(
    session: AsyncSession,
    incident: Incident,
    message: dict[str, Any],
    *,
    marked_by: str,
    via: str,
    now: datetime,
) -> IncidentEvent | None:
    """Add a marked message to the timeline; None when it is already there."""
    ts = str(message.get("ts") or "")
    if not ts:
        return None
    for event in await store.events(session, incident.id):
        if event.kind == "pinned" and (event.data or {}).get("ts") == ts:
            return None
    data = {
        "ts": ts,
        "channel": incident.channel_id,
        "author": message.get("user") or message.get("bot_id") or message.get("username"),
        "text": truncate(message_text(message), TEXT_LIMIT),
        "posted_at": message_time(ts),
        "via": via,
    }
    return await lifecycle.record_event(session, incident, "pinned", actor=marked_by, now=now, data=data)


async def events(session: AsyncSession, incident_id: int) -> list[IncidentEvent]:
    return await store.events(session, incident_id)

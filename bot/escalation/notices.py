"""A line in the incident's channel when someone acknowledges or resolves: an incident observer.

The page lines say who was paged; these say who took it (escalation stopped) and who ended it, as
new messages (the incidents announcement is updated in place, which notifies nobody). Registered
through `bot.incidents.observers.observe` when this module is imported (by the paging handlers);
remove them with `observers.forget(announce_answers)`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.blocks.pages import actor, incident_label
from bot.blocks.text import escape, truncate
from bot.escalation.paging import notice_channel
from bot.incidents.observers import observe
from storage.models import Incident, IncidentEvent


def answer_line(incident: Incident, event: IncidentEvent) -> str | None:
    label = incident_label(incident.id, incident.severity, incident.title)
    if event.kind == "acknowledged":
        return (
            f":ballot_box_with_check: {actor(event.actor)} acknowledged incident {label}: escalation stopped."
        )
    if event.kind == "resolved":
        summary = (event.data or {}).get("summary")
        tail = f" Summary: {escape(truncate(summary, 500))}" if summary else ""
        return f":white_check_mark: {actor(event.actor)} resolved incident {label}.{tail}"
    return None


@observe
async def announce_answers(
    session: AsyncSession, incident: Incident, events: list[IncidentEvent], now: datetime
) -> None:
    lines = [(event, answer_line(incident, event)) for event in events]
    lines = [(event, line) for event, line in lines if line]
    if not lines:
        return
    channel = await notice_channel(session, incident)
    if not channel:
        return
    for event, line in lines:
        await outbox.post(
            session,
            channel=channel,
            text=line,
            now=now,
            dedup_key=f"paging:{incident.id}:{event.kind}:{event.id}",
        )

"""Declaring an incident from Slack: checks what was typed, then opens it through the lifecycle.

The rest follows from the `opened` event (see `render`): the declarer is commander by default, a
channel is requested (`details.declared_via` says a person declared it; the handler creates the
channel right after the commit, `channels.create`), the announcement is posted, and the
service's escalation policy pages its first level if the severity pages (sev1 to sev3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotFound
from bot.incidents import lifecycle
from bot.incidents.commands import check_title
from bot.incidents.lifecycle import Outcome
from storage import incident_channels as chstore
from storage import incidents as store

DESCRIPTION_LIMIT = 4000


async def service_choices(session: AsyncSession) -> list[tuple[str, str]]:
    """(id, name) of every service, for the form's picker."""
    return [(s.id, s.name or s.id) for s in await chstore.services(session)]


async def check_service(session: AsyncSession, service_id: str | None) -> str | None:
    if not service_id:
        return None
    service = await store.service(session, service_id)
    if service is None:
        service = await store.service(session, service_id.lower())
    if service is None:
        names = (
            ", ".join(f"`{ident}`" for ident, _ in await service_choices(session)) or "none are configured"
        )
        raise NotFound(f"There is no service `{service_id}`. Services: {names}.")
    return service.id


async def declare(
    session: AsyncSession,
    *,
    now: datetime,
    title: str,
    severity: int,
    service_id: str | None,
    declared_by: str,
    description: str | None = None,
    links: list[dict[str, Any]] | None = None,
    via: str = "command",
) -> Outcome:
    """Open an incident a person declared (title 1..200 characters, severity 1..4); `via` (command,
    form, message) is kept in its details, and is what asks for its channel."""
    title = check_title(title)
    service = await check_service(session, service_id)
    description = (description or "").strip()[:DESCRIPTION_LIMIT] or None
    outcome = await lifecycle.open_incident(
        session,
        now=now,
        title=title,
        severity=severity,
        service_id=service,
        source="slack",
        declared_by=declared_by,
        description=description,
        links=links or (),
        details={"declared_via": via},
    )
    outcome.message = f"You declared incident #{outcome.incident.id}."
    return outcome

"""Freezes: a person (or a sev1 incident) stops deploys of a service, or of everything.

A freeze is a row with a start, an optional end (`until`) and an `ended_at` once lifted: whether
something is frozen is a query at `now`, so expiry needs no timer and survives restarts. The
gate endpoint, `/deploy status` and the deploy warning all ask `matching_freeze`.

A sev1 incident on a service with `auto_freeze_on_sev1` freezes that service's production deploys
until the incident is resolved; the incident lifecycle calls `freeze_for_incident` when an
incident becomes sev1 and `lift_incident_freeze` when it is resolved (both idempotent).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks import deploys as render
from bot.blocks.text import mention
from bot.deploys import notify
from bot.deploys.model import environment_matches
from storage import deploys as store
from storage.models import Freeze, Incident

INCIDENT_FREEZE_ENVIRONMENT = "production"


async def matching_freeze(
    session: AsyncSession, service_id: str, environment: str | None, now: datetime
) -> Freeze | None:
    """The oldest freeze in force at `now` covering `service_id` in `environment` (None: any)."""
    for freeze in await store.active_freezes(session, now, service_id):
        if environment_matches(freeze.environment, environment):
            return freeze
    return None


async def freeze(
    session: AsyncSession,
    *,
    service_id: str | None,
    reason: str,
    by: str | None,
    now: datetime,
    until: datetime | None = None,
    environment: str | None = None,
    incident_id: int | None = None,
) -> Freeze:
    """Start a freeze now and announce it in the deploy channel it concerns."""
    row = Freeze(
        service_id=service_id,
        environment=environment,
        reason=reason,
        created_by=by,
        start_at=now,
        until=until,
        incident_id=incident_id,
    )
    session.add(row)
    await session.flush()
    text, blocks = render.freeze_announcement(row)
    await notify.announce(session, service_id, text, blocks, now)
    return row


async def unfreeze(session: AsyncSession, *, service_id: str | None, by: str, now: datetime) -> list[Freeze]:
    """Lift the freezes aimed at `service_id` (None: the ones of all services). Returns them."""
    ended = await store.end_freezes(session, now, by=by, service_id=service_id, everything=service_id is None)
    if ended:
        text, blocks = render.unfreeze_announcement(ended, mention(by))
        await notify.announce(session, service_id, text, blocks, now)
    return ended


async def freeze_for_incident(session: AsyncSession, incident: Incident, now: datetime) -> Freeze | None:
    """Freeze production deploys of a sev1 incident's service until the incident is resolved.

    Nothing happens (None) for other severities, incidents without a service, services with
    `auto_freeze_on_sev1: false`, or resolved incidents; calling it again returns the same freeze.
    """
    if incident.severity != 1 or not incident.service_id or incident.resolved_at is not None:
        return None
    service = await store.service(session, incident.service_id)
    if service is None or not service.auto_freeze_on_sev1:
        return None
    existing = await store.incident_freeze(session, incident.id)
    if existing is not None:
        return existing
    return await freeze(
        session,
        service_id=service.id,
        environment=INCIDENT_FREEZE_ENVIRONMENT,
        reason=f"sev1 incident #{incident.id}: {incident.title}",
        by=None,
        now=now,
        incident_id=incident.id,
    )


async def lift_incident_freeze(session: AsyncSession, incident: Incident, now: datetime) -> list[Freeze]:
    """End the automatic freeze of an incident (when it is resolved, or no longer sev1)."""
    ended = await store.end_freezes(session, now, by=f"incident:{incident.id}", incident_id=incident.id)
    if ended:
        text, blocks = render.unfreeze_announcement(ended, f"incident #{incident.id} resolved")
        await notify.announce(session, incident.service_id, text, blocks, now)
    return ended


async def freezer_name(session: AsyncSession, freeze: Freeze) -> str:
    """Who froze, for a pipeline's log: the person's id from the configuration, a Slack id, or the incident."""
    if freeze.incident_id is not None and not freeze.created_by:
        return f"incident #{freeze.incident_id}"
    if not freeze.created_by:
        return "unknown"
    person = await store.person_by_slack(session, freeze.created_by)
    return person.id if person else freeze.created_by


async def gate_answer(
    session: AsyncSession, service_id: str, environment: str | None, now: datetime
) -> dict[str, Any]:
    """The body of `GET /api/v1/deploys/freeze`: `{"frozen": false}` or the freeze that holds it."""
    found = await matching_freeze(session, service_id, environment, now)
    if found is None:
        return {"frozen": False, "service": service_id, "environment": environment}
    return {
        "frozen": True,
        "reason": found.reason,
        "until": found.until.isoformat().replace("+00:00", "Z") if found.until else None,
        "by": await freezer_name(session, found),
        "service": service_id,
        "environment": environment,
        "scope": {"service": found.service_id or "all", "environment": found.environment},
        "since": found.start_at.isoformat().replace("+00:00", "Z"),
        "incident": found.incident_id,
    }

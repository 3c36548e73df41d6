"""Deploys follow incidents: a sev1 freezes its service's production deploys until it is resolved,
and the deploys just before an incident are marked as suspected change failures.

Registered as an incident observer, so it runs in the same transaction as the incident change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deploys.freezes import freeze_for_incident, lift_incident_freeze
from bot.deploys.service import mark_suspected_change_failures
from bot.incidents.observers import observe
from storage.models import Incident, IncidentEvent

SEVERITY_EVENTS = {"opened", "severity_changed", "reopened"}


@observe
async def follow_incident(
    session: AsyncSession, incident: Incident, events: list[IncidentEvent], now: datetime
) -> None:
    kinds = {event.kind for event in events}
    if "opened" in kinds:
        await mark_suspected_change_failures(session, incident, now)
    if "resolved" in kinds or (kinds & SEVERITY_EVENTS and incident.severity != 1):
        await lift_incident_freeze(session, incident, now)
    elif kinds & SEVERITY_EVENTS:
        await freeze_for_incident(session, incident, now)

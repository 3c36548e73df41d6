"""Alerts applied to incidents: open one per alert key and service, update it, acknowledge or resolve it.

The open_alerts table binds (service, key) to the open incident; a re-sent or repeated alert finds
it and changes nothing but a timeline entry when what is firing changed. Two requests racing for
a new key both try to bind it; the primary key lets one win (`lifecycle.open_incident`), so one
key makes one incident and one page, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts.alertmanager import AlertGroup
from bot.alerts.pagerduty import PdEvent
from bot.alerts.severity import to_sev, worst_sev
from bot.incidents import lifecycle
from bot.incidents.lifecycle import Outcome
from storage import incidents as store
from storage.models import Incident, Service


@dataclass
class IntakeResult:
    action: str  # opened | updated | duplicate | acknowledged | resolved | ignored
    outcome: Outcome | None = None

    @property
    def changed(self) -> bool:
        return self.action not in ("duplicate", "ignored")

    @property
    def incident_id(self) -> int | None:
        return self.outcome.incident.id if self.outcome else None


async def _open_incident(session: AsyncSession, service_id: str, key: str) -> Incident | None:
    bound = await store.open_alert(session, service_id, key)
    return await store.get(session, bound.incident_id) if bound else None


async def _note_change(
    session: AsyncSession,
    incident: Incident,
    actor: str,
    now: datetime,
    *,
    fingerprint: object,
    **data: object,
) -> str:
    """Record an `alert_updated` event when what fires changed; a plain re-send records nothing."""
    details = dict(incident.details or {})
    if details.get("firing") == fingerprint:
        return "duplicate"
    details["firing"] = fingerprint
    incident.details = details
    await lifecycle.record_event(session, incident, "alert_updated", actor=actor, now=now, data=dict(data))
    return "updated"


async def resent(
    session: AsyncSession, integration_key: str, dedup_key: str, fingerprint: object
) -> IntakeResult | None:
    """The common case under a storm: the same alert again, nothing changed. One query, no writes."""
    incident = await store.incident_for_alert(session, integration_key, dedup_key)
    if incident is not None and (incident.details or {}).get("firing") == fingerprint:
        return IntakeResult("duplicate", Outcome(incident, changed=False))
    return None


async def alertmanager_group(
    session: AsyncSession, service: Service, group: AlertGroup, now: datetime
) -> IntakeResult:
    incident = await _open_incident(session, service.id, group.group_key)
    if group.status == "resolved":
        if incident is None:
            return IntakeResult("ignored")
        outcome = await lifecycle.resolve(
            session,
            incident.id,
            by="alertmanager",
            now=now,
            authorize=False,
            summary="Every alert of the group has resolved.",
        )
        return IntakeResult("resolved" if outcome.changed else "ignored", outcome)
    if incident is None:
        outcome = await lifecycle.open_incident(
            session,
            now=now,
            title=group.title(),
            severity=worst_sev(group.severities(), service.severity_map),
            service_id=service.id,
            source="alertmanager",
            description=group.description(),
            links=group.links(),
            details=group.details(),
            dedup_key=group.group_key,
        )
        return IntakeResult("opened" if outcome.opened else "duplicate", outcome)
    action = await _note_change(
        session,
        incident,
        "alertmanager",
        now,
        fingerprint=group.fingerprints,
        title=group.title(),
        firing=len(group.firing),
    )
    return IntakeResult(action, Outcome(incident, changed=action == "updated"))


async def pagerduty_event(
    session: AsyncSession, service: Service, event: PdEvent, now: datetime
) -> IntakeResult:
    """Apply one Events API v2 event; acknowledge/resolve for an unknown key is dropped, as PagerDuty does."""
    assert event.dedup_key, "a trigger gets its key before it gets here"
    incident = await _open_incident(session, service.id, event.dedup_key)
    actor = "pagerduty"
    if event.action in ("acknowledge", "resolve"):
        if incident is None:
            return IntakeResult("ignored")
        if event.action == "acknowledge":
            outcome = await lifecycle.acknowledge(session, incident.id, by=actor, now=now, authorize=False)
            return IntakeResult("acknowledged" if outcome.changed else "ignored", outcome)
        outcome = await lifecycle.resolve(session, incident.id, by=actor, now=now, authorize=False)
        return IntakeResult("resolved" if outcome.changed else "ignored", outcome)
    if incident is None:
        outcome = await lifecycle.open_incident(
            session,
            now=now,
            title=event.summary,
            severity=to_sev(event.severity, service.severity_map),
            service_id=service.id,
            source="pagerduty",
            description=None,
            links=event.incident_links(),
            details={**event.incident_details(), "firing": event.summary},
            dedup_key=event.dedup_key,
        )
        return IntakeResult("opened" if outcome.opened else "duplicate", outcome)
    action = await _note_change(
        session, incident, actor, now, fingerprint=event.summary, title=event.summary, severity=event.severity
    )
    return IntakeResult(action, Outcome(incident, changed=action == "updated"))

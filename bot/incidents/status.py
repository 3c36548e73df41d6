"""Severity, status updates and reopening: the incident changes a person makes while running it.

Each function takes a session and `now`, changes the incident by compare-and-set, records one
event through `lifecycle.record_event` (so the observers render it), and returns an `Outcome`
like the lifecycle's. Raising the severity so that it pages, while nobody has been paged yet,
starts the escalation policy through `lifecycle.escalate` (level 1, now).

Status reminders: an open sev1 incident without a status update for 30 minutes (sev2: 60) gets a
reminder to its commander; `status_reminder_at` holds when, and moves on with every update.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import PermissionDenied
from bot.escalation.policy import pages_people
from bot.incidents import lifecycle
from bot.incidents.lifecycle import Outcome
from storage import incident_channels as chstore
from storage import incidents as store
from storage.models import Incident

REMINDER_AFTER = {1: timedelta(minutes=30), 2: timedelta(minutes=60)}


def reminder_interval(severity: int) -> timedelta | None:
    """How long an incident of `severity` may go without a status update (None: no reminders)."""
    return REMINDER_AFTER.get(severity)


def next_reminder(severity: int, since: datetime | None, now: datetime) -> datetime | None:
    interval = reminder_interval(severity)
    return (since or now) + interval if interval else None


def _resolved_refusal(incident: Incident, what: str) -> PermissionDenied:
    return PermissionDenied(
        f"Incident #{incident.id} is resolved, so its {what} cannot change; "
        f"`/incident reopen #{incident.id}` if it is back."
    )


async def set_severity(
    session: AsyncSession, incident_id: int, severity: int, *, by: str, now: datetime
) -> Outcome:
    incident = await lifecycle.load(session, incident_id)
    if incident.state == "resolved":
        raise _resolved_refusal(incident, "severity")
    old = incident.severity
    if severity == old:
        return Outcome(incident, changed=False, message=f"Incident #{incident.id} is already SEV{old}.")
    won = await chstore.change(
        session,
        incident.id,
        where={"severity": old, "state": chstore.OPEN_STATES},
        severity=severity,
        status_reminder_at=next_reminder(severity, incident.last_status_at, now),
    )
    await session.refresh(incident)
    if not won:
        return Outcome(
            incident,
            changed=False,
            message=(
                f"Incident #{incident.id} changed at the same moment (it is SEV{incident.severity}, {incident.state})."
            ),
        )
    event = await lifecycle.record_event(
        session, incident, "severity_changed", actor=by, now=now, data={"from": old, "to": severity}
    )
    outcome = Outcome(
        incident, events=[event], message=f"Incident #{incident.id} is now SEV{severity} (was SEV{old})."
    )
    if severity < old and pages_people(severity) and await _nobody_paged(session, incident):
        started = await lifecycle.escalate(session, incident.id, by=by, now=now, authorize=False)
        if started.changed:
            outcome.pages.extend(started.pages)
            outcome.events.extend(started.events)
            who = ", ".join(f"<@{p.slack_user_id}>" for p in started.pages if not p.is_shadow) or "nobody"
            outcome.message += f" It now pages: paged {who}."
    return outcome


async def _nobody_paged(session: AsyncSession, incident: Incident) -> bool:
    """Still waiting for its first page: triggered, never escalated, nobody paged by hand."""
    if incident.state != "triggered" or incident.esc_level != 0 or not incident.policy_id:
        return False
    return not [p for p in await store.pages(session, incident.id) if not p.is_shadow]


async def post_status(
    session: AsyncSession, incident_id: int, *, status: str | None, text: str, by: str, now: datetime
) -> Outcome:
    """A status update (and maybe a new status); `resolved` resolves through the lifecycle."""
    incident = await lifecycle.load(session, incident_id)
    if status == "resolved":
        return await lifecycle.resolve(session, incident.id, by=by, now=now, summary=text or None)
    if incident.state == "resolved":
        raise _resolved_refusal(incident, "status")
    previous = incident.status
    new = status or previous
    won = await chstore.change(
        session,
        incident.id,
        where={"state": chstore.OPEN_STATES},
        status=new,
        last_status_at=now,
        status_reminder_at=next_reminder(incident.severity, now, now),
    )
    await session.refresh(incident)
    if not won:
        raise _resolved_refusal(incident, "status")
    event = await lifecycle.record_event(
        session,
        incident,
        "status_update",
        actor=by,
        now=now,
        data={"status": new, "previous": previous, "text": text},
    )
    changed = f" Status: {new}." if new != previous else ""
    return Outcome(
        incident, events=[event], message=f"Posted a status update on incident #{incident.id}.{changed}"
    )


async def reopen(session: AsyncSession, incident_id: int, *, by: str, now: datetime) -> Outcome:
    """Back to work on a resolved incident: acknowledged (the person reopening has it), investigating,
    its channel no longer due for archiving."""
    incident = await lifecycle.load(session, incident_id)
    if incident.state != "resolved":
        return Outcome(
            incident,
            changed=False,
            message=f"Incident #{incident.id} is not resolved: it is {incident.state}.",
        )
    was_archived = bool(incident.channel_id) and incident.archive_at is None
    won = await store.set_state(
        session,
        incident.id,
        from_states=("resolved",),
        state="acknowledged",
        status="investigating",
        resolved_at=None,
        resolved_by=None,
        archive_at=None,
        next_escalation_at=None,
        last_status_at=now,
        status_reminder_at=next_reminder(incident.severity, now, now),
    )
    await session.refresh(incident)
    if not won:
        return Outcome(
            incident, changed=False, message=f"Incident #{incident.id} was reopened at the same moment."
        )
    event = await lifecycle.record_event(
        session, incident, "reopened", actor=by, now=now, data={"unarchive": was_archived}
    )
    return Outcome(incident, events=[event], message=f"You reopened incident #{incident.id}.")

"""Incident roles: commander, comms, ops and dev leads; who holds them and who was involved.

The commander defaults to the declarer, until the first responder acknowledges: then it is them,
unless someone was named commander with `/incident role commander @user` (an explicit choice is
never overridden by a default). Every assignment is a `role_assigned` event on the timeline.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.incidents import lifecycle
from bot.incidents.channels import is_person
from bot.incidents.commands import ROLE_LABELS
from storage import incident_channels as chstore
from storage import incidents as store
from storage.models import Incident, IncidentEvent


async def assign(
    session: AsyncSession,
    incident: Incident,
    role: str,
    user: str,
    *,
    by: str | None,
    now: datetime,
    default: bool = False,
    notify: bool = True,
) -> IncidentEvent | None:
    """Give `role` to `user`; None when they already hold it (nothing changes)."""
    current = await chstore.roles(session, incident.id)
    if current.get(role) == user:
        return None
    previous = await chstore.set_role(session, incident.id, role, user, now)
    return await lifecycle.record_event(
        session,
        incident,
        "role_assigned",
        actor=by,
        now=now,
        notify_observers=notify,
        data={"role": role, "user": user, "previous": previous, "default": default},
    )


async def _explicit_commander(session: AsyncSession, incident_id: int) -> bool:
    return any(
        e.kind == "role_assigned"
        and (e.data or {}).get("role") == "commander"
        and not (e.data or {}).get("default")
        for e in await store.events(session, incident_id)
    )


async def default_commander(
    session: AsyncSession, incident: Incident, events: list[IncidentEvent], now: datetime
) -> list[IncidentEvent]:
    """Apply the defaults after a change: the declarer on `opened`, the first acknowledger on
    `acknowledged`. Returns the events recorded (observers are not re-run: the caller renders)."""
    added: list[IncidentEvent] = []
    for event in events:
        candidate = None
        if event.kind == "opened" and is_person(incident.declared_by):
            candidate = incident.declared_by
        elif event.kind == "acknowledged" and is_person(event.actor):
            current = (await chstore.roles(session, incident.id)).get("commander")
            if current is None or (
                current == incident.declared_by and not await _explicit_commander(session, incident.id)
            ):
                candidate = event.actor
        if candidate:
            recorded = await assign(
                session, incident, "commander", candidate, by=event.actor, now=now, default=True, notify=False
            )
            if recorded is not None:
                added.append(recorded)
    return added


def involvement(
    incident: Incident, roles: dict[str, str], events: list[IncidentEvent]
) -> list[tuple[str, list[str]]]:
    """Who took part and how: roles first, then what they did (declared, paged, acknowledged...)."""
    seen: dict[str, list[str]] = {}

    def note(user: str | None, what: str) -> None:
        if is_person(user) and what not in seen.setdefault(user, []):
            seen[user].append(what)

    for role, user in roles.items():
        note(user, ROLE_LABELS.get(role, role).lower())
    note(incident.declared_by, "declared it")
    verbs = {
        "acknowledged": "acknowledged",
        "resolved": "resolved",
        "status_update": "posted updates",
        "escalated": "escalated",
        "pinned": "added to the timeline",
        "severity_changed": "changed severity",
    }
    for event in events:
        data = event.data or {}
        if event.kind == "paged" and not data.get("shadow"):
            note(data.get("slack"), "paged")
        elif event.kind == "paged":
            note(data.get("slack"), "followed along (shadow)")
        if event.kind in verbs:
            note(event.actor, verbs[event.kind])
    return list(seen.items())

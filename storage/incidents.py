"""Queries behind incidents and escalation: look-ups, open alert groups, and the compare-and-set claims.

Every state change that two actors could race on (two replicas escalating, two people pressing
*Acknowledge*) is an `UPDATE ... WHERE <old state>` whose rowcount says who won.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.escalation.policy import Level, Policy
from storage.models import (
    EscalationLevel,
    EscalationPolicy,
    Incident,
    IncidentEvent,
    IncidentRole,
    IntegrationKey,
    OpenAlert,
    Page,
    Person,
    Schedule,
    Service,
    Setting,
    TeamMember,
)
from storage.upsert import insert_ignore

OPEN_STATES = ("triggered", "acknowledged")


# --- incidents ------------------------------------------------------------------------------------


async def get(session: AsyncSession, incident_id: int) -> Incident | None:
    return await session.get(Incident, incident_id, populate_existing=True)


async def by_channel(session: AsyncSession, channel_id: str) -> Incident | None:
    """The incident whose own Slack channel this is (the newest, should a channel be reused)."""
    return await session.scalar(
        select(Incident).where(Incident.channel_id == channel_id).order_by(Incident.id.desc()).limit(1)
    )


async def events(session: AsyncSession, incident_id: int) -> list[IncidentEvent]:
    rows = await session.scalars(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.at, IncidentEvent.id)
    )
    return list(rows)


async def set_state(
    session: AsyncSession, incident_id: int, *, from_states: tuple[str, ...], **values: Any
) -> bool:
    """Compare-and-set on the incident's state: True when this call made the change."""
    result = await session.execute(
        update(Incident)
        .where(Incident.id == incident_id, Incident.state.in_(from_states))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def claim_step(
    session: AsyncSession,
    incident_id: int,
    *,
    level: int,
    loop: int,
    new_level: int,
    new_loop: int,
    next_at: datetime | None,
    from_states: tuple[str, ...] = ("triggered",),
) -> bool:
    """Move an incident from escalation position (level, loop) to the next one, once.

    Two replicas (or a timer and a person pressing *Escalate*) may both try: the one whose
    UPDATE still finds the old position wins, the other pages nobody.
    """
    result = await session.execute(
        update(Incident)
        .where(
            Incident.id == incident_id,
            Incident.esc_level == level,
            Incident.esc_loop == loop,
            Incident.state.in_(from_states),
        )
        .values(esc_level=new_level, esc_loop=new_loop, next_escalation_at=next_at, state="triggered")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def due_ids(session: AsyncSession, now: datetime, limit: int = 100) -> list[int]:
    rows = await session.scalars(
        select(Incident.id)
        .where(Incident.state == "triggered", Incident.next_escalation_at <= now)
        .order_by(Incident.next_escalation_at)
        .limit(limit)
    )
    return list(rows)


async def lock_due(session: AsyncSession, incident_id: int, now: datetime) -> Incident | None:
    """The incident if it is still due, locked for this transaction; skipped if another replica holds it."""
    query = select(Incident).where(
        Incident.id == incident_id, Incident.state == "triggered", Incident.next_escalation_at <= now
    )
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return await session.scalar(query.execution_options(populate_existing=True))


async def next_due(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(func.min(Incident.next_escalation_at)).where(Incident.state == "triggered")
    )


# --- open alert groups ----------------------------------------------------------------------------


async def open_alert(session: AsyncSession, service_id: str, dedup_key: str) -> OpenAlert | None:
    return await session.scalar(
        select(OpenAlert)
        .where(OpenAlert.service_id == service_id, OpenAlert.dedup_key == dedup_key)
        .execution_options(populate_existing=True)
    )


async def incident_for_alert(session: AsyncSession, integration_key: str, dedup_key: str) -> Incident | None:
    """The open incident of an alert key sent with this integration key, in one query (the hot path
    of a re-sent alert)."""
    return await session.scalar(
        select(Incident)
        .join(OpenAlert, OpenAlert.incident_id == Incident.id)
        .join(IntegrationKey, IntegrationKey.service_id == OpenAlert.service_id)
        .where(IntegrationKey.key == integration_key, OpenAlert.dedup_key == dedup_key)
    )


async def claim_open_alert(
    session: AsyncSession, service_id: str, dedup_key: str, incident_id: int, now: datetime
) -> bool:
    """Bind an alert key to an incident; False when another request bound it first (its PK wins)."""
    return await insert_ignore(
        session,
        OpenAlert,
        {"service_id": service_id, "dedup_key": dedup_key, "incident_id": incident_id, "opened_at": now},
    )


async def release_open_alerts(session: AsyncSession, incident_id: int) -> None:
    """After a resolve, the same key opens a new incident."""
    await session.execute(delete(OpenAlert).where(OpenAlert.incident_id == incident_id))


async def discard(session: AsyncSession, incident_id: int) -> None:
    """Drop an incident created by a request that lost the race for its alert key."""
    await session.execute(delete(IncidentEvent).where(IncidentEvent.incident_id == incident_id))
    await session.execute(delete(Incident).where(Incident.id == incident_id))


# --- pages ----------------------------------------------------------------------------------------


async def pages(session: AsyncSession, incident_id: int) -> list[Page]:
    return list(await session.scalars(select(Page).where(Page.incident_id == incident_id).order_by(Page.id)))


async def was_paged(session: AsyncSession, incident_id: int, slack_user_id: str) -> bool:
    """Paged as a responder (a shadow's FYI does not count: shadows cannot answer for the primary)."""
    found = await session.scalar(
        select(Page.id)
        .where(
            Page.incident_id == incident_id, Page.slack_user_id == slack_user_id, Page.is_shadow.is_(False)
        )
        .limit(1)
    )
    return found is not None


# --- configuration look-ups -----------------------------------------------------------------------


async def policy(session: AsyncSession, policy_id: str | None) -> Policy | None:
    if not policy_id:
        return None
    row = await session.get(EscalationPolicy, policy_id)
    if row is None:
        return None
    levels = await session.scalars(
        select(EscalationLevel)
        .where(EscalationLevel.policy_id == policy_id)
        .order_by(EscalationLevel.position)
    )
    return Policy(
        id=row.id,
        repeat=row.repeat,
        levels=tuple(Level(tuple(lv.targets), timedelta(seconds=lv.timeout_seconds)) for lv in levels),
    )


async def service(session: AsyncSession, service_id: str | None) -> Service | None:
    return await session.get(Service, service_id) if service_id else None


async def service_for_key(session: AsyncSession, key: str) -> Service | None:
    return await session.scalar(
        select(Service)
        .join(IntegrationKey, IntegrationKey.service_id == Service.id)
        .where(IntegrationKey.key == key)
    )


async def setting(session: AsyncSession, key: str, default: Any = None) -> Any:
    row = await session.get(Setting, key)
    return default if row is None else row.value


async def person(session: AsyncSession, person_id: str) -> Person | None:
    return await session.get(Person, person_id)


async def person_by_slack(session: AsyncSession, slack_user_id: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.slack_user_id == slack_user_id).limit(1))


async def team_members(session: AsyncSession, team_id: str) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .join(TeamMember, TeamMember.person_id == Person.id)
        .where(TeamMember.team_id == team_id)
        .order_by(Person.id)
    )
    return list(rows)


async def schedule_ids(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(Schedule.id)))


async def team_schedules(session: AsyncSession, team_id: str) -> list[str]:
    return list(
        await session.scalars(select(Schedule.id).where(Schedule.team_id == team_id).order_by(Schedule.id))
    )


async def holds_role(session: AsyncSession, incident_id: int, slack_user: str) -> bool:
    """Whether the user is the incident's commander, comms, ops or dev lead."""
    count = await session.scalar(
        select(func.count())
        .select_from(IncidentRole)
        .where(IncidentRole.incident_id == incident_id, IncidentRole.slack_user_id == slack_user)
    )
    return bool(count)

"""The single place incidents change state: alerts, buttons, slash commands and the engine all call here.

Every function takes an open session and `now`, changes the incident with a compare-and-set (so
two replicas, a double click or an alert racing a person do it once), records IncidentEvents with
the actor, writes the outbox rows the change causes (pages, page DM updates) in the same
transaction, and returns an `Outcome`. The caller commits, calls `ctx.committed()`, and may show
`outcome.message` to the person; `tally(metrics, outcome)` counts pages and incidents opened.

Rendering hook: after each change, `bot.incidents.observers.notify` runs every registered observer
with the incident and the events just recorded (see that module). The incidents experience
(announcements, channel header, timeline) plugs in there without editing these functions.

Who may act: for a Slack user (`authorize=True`, the default) acknowledge/escalate/resolve need
them to have been paged for the incident (not as a shadow), to hold a role in it, to have declared
it, or to be an admin. Integrations (Alertmanager, PagerDuty) pass `authorize=False`.
A change that is already done (acknowledge twice, resolve a resolved incident) changes nothing and
returns `changed=False` with a message that says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.pages import actor, when
from bot.errors import NotFound, PermissionDenied, UsageError
from bot.escalation import paging, targets
from bot.escalation.policy import Policy, Step, advance, first_step, pages_people
from bot.incidents.observers import notify
from storage import incidents as store
from storage.models import Incident, IncidentEvent, Page

OPEN = ("triggered", "acknowledged")
SYSTEM = "system"  # the actor of timer-driven escalation


@dataclass
class Outcome:
    incident: Incident
    changed: bool = True
    opened: bool = False
    events: list[IncidentEvent] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    message: str = ""


def tally(metrics: Any, outcome: Outcome) -> None:
    """Count what a committed outcome did (call after the commit, so rolled-back work never counts).
    A shadow's FYI copy is not a page."""
    sent = sum(1 for p in outcome.pages if not p.is_shadow)
    if sent:
        metrics.pages_sent.inc(sent)
    if outcome.opened:
        metrics.incidents_opened.labels(outcome.incident.source).inc()


async def record_event(
    session: AsyncSession,
    incident: Incident,
    kind: str,
    *,
    actor: str | None,
    now: datetime,
    data: dict[str, Any] | None = None,
    notify_observers: bool = True,
) -> IncidentEvent:
    """Add one event to the timeline (status updates, roles, pinned messages...) and tell observers."""
    event = IncidentEvent(incident_id=incident.id, at=now, kind=kind, actor=actor, data=data or {})
    session.add(event)
    await session.flush()
    if notify_observers:
        await notify(session, incident, [event], now)
    return event


async def _finish(session: AsyncSession, outcome: Outcome, now: datetime) -> Outcome:
    await session.flush()
    await notify(session, outcome.incident, outcome.events, now)
    return outcome


async def _event(
    session: AsyncSession, outcome: Outcome, kind: str, actor: str | None, now: datetime, **data: Any
) -> None:
    event = IncidentEvent(incident_id=outcome.incident.id, at=now, kind=kind, actor=actor, data=data)
    session.add(event)
    outcome.events.append(event)


async def load(session: AsyncSession, incident_id: int) -> Incident:
    incident = await store.get(session, incident_id)
    if incident is None:
        raise NotFound(f"There is no incident #{incident_id}.")
    return incident


async def may_respond(session: AsyncSession, incident: Incident, slack_user: str) -> bool:
    """Paged for it (not as a shadow), holding a role in it, its declarer, or an admin."""
    if incident.declared_by == slack_user or await store.was_paged(session, incident.id, slack_user):
        return True
    person = await store.person_by_slack(session, slack_user)
    if person is not None and person.is_admin:
        return True
    return await store.holds_role(session, incident.id, slack_user)


async def _authorize(session: AsyncSession, incident: Incident, by: str, verb: str) -> None:
    if not await may_respond(session, incident, by):
        raise PermissionDenied(
            f"You were not paged for incident #{incident.id}, so you cannot {verb} it: only the people paged "
            "(not shadows), its responders and admins can."
        )


def _already_resolved(incident: Incident) -> Outcome:
    at = f" at {when(incident.resolved_at)}" if incident.resolved_at else ""
    return Outcome(
        incident,
        changed=False,
        message=f"Incident #{incident.id} is already resolved (by {actor(incident.resolved_by)}{at}).",
    )


# --- opening --------------------------------------------------------------------------------------


async def open_incident(
    session: AsyncSession,
    *,
    now: datetime,
    title: str,
    severity: int,
    service_id: str | None,
    source: str,
    declared_by: str | None = None,
    description: str | None = None,
    links: Iterable[dict[str, Any]] = (),
    details: dict[str, Any] | None = None,
    dedup_key: str | None = None,
) -> Outcome:
    """Open an incident and page level 1 of its service's policy at once (if its severity pages).

    With a `dedup_key` (an alert group), the key is bound to the new incident by the open_alerts
    primary key; if another request bound it first, this one's incident is dropped and the
    existing incident is returned with `changed=False`: one key, one incident, one page.
    """
    if not 1 <= severity <= 4:
        raise UsageError(f"Severity must be 1 to 4, not {severity}.")
    service = await store.service(session, service_id)
    incident = Incident(
        service_id=service.id if service else None,
        title=title,
        description=description,
        severity=severity,
        state="triggered",
        status="investigating",
        source=source,
        created_at=now,
        declared_by=declared_by,
        links=list(links),
        details=dict(details or {}),
        policy_id=service.escalation_policy_id if service else None,
        esc_level=0,
        esc_loop=0,
        last_status_at=now,
    )
    session.add(incident)
    await session.flush()
    if dedup_key is not None and service is not None:
        if not await store.claim_open_alert(session, service.id, dedup_key, incident.id, now):
            await store.discard(session, incident.id)
            session.expunge(incident)
            existing = await store.open_alert(session, service.id, dedup_key)
            if existing is None:  # resolved in between: rare enough to let the sender retry
                raise RuntimeError(f"alert key {dedup_key!r} was released while opening; retry")
            return Outcome(
                await load(session, existing.incident_id),
                changed=False,
                message="An incident is already open for this alert.",
            )
    outcome = Outcome(incident, opened=True, message=f"Incident #{incident.id} opened.")
    await _event(
        session,
        outcome,
        "opened",
        declared_by or source,
        now,
        source=source,
        severity=severity,
        service=incident.service_id,
        dedup_key=dedup_key,
    )
    await session.flush()
    policy = await store.policy(session, incident.policy_id)
    if policy is not None and pages_people(severity):
        step = first_step(policy, now)
        if step is not None:
            incident.esc_level, incident.esc_loop, incident.next_escalation_at = (
                step.level,
                step.loop,
                step.next_at,
            )
            await _page_level(session, outcome, policy, step, now, by=SYSTEM)
    return await _finish(session, outcome, now)


async def _page_level(
    session: AsyncSession, outcome: Outcome, policy: Policy, step: Step, now: datetime, *, by: str
) -> None:
    level = policy.levels[step.level - 1]
    resolution = await targets.resolve(session, list(level.targets), now)
    reason = f"level {step.level} of escalation policy *{policy.id}*"
    if step.loop:
        reason += f" (round {step.loop + 1})"
    if by != SYSTEM:
        reason += f", escalated by {actor(by)}"
    rows, events = await paging.page(
        session, outcome.incident, resolution, now=now, by=by, reason=reason, level=step.level, loop=step.loop
    )
    outcome.pages.extend(rows)
    outcome.events.extend(events)


# --- answering ------------------------------------------------------------------------------------


async def acknowledge(
    session: AsyncSession, incident_id: int, *, by: str, now: datetime, authorize: bool = True
) -> Outcome:
    """Stop the escalation: someone has it. Acknowledging twice acknowledges once."""
    incident = await load(session, incident_id)
    if incident.state == "resolved":
        return _already_resolved(incident)
    if authorize:
        await _authorize(session, incident, by, "acknowledge")
    won = await store.set_state(
        session,
        incident.id,
        from_states=("triggered",),
        state="acknowledged",
        next_escalation_at=None,
        acknowledged_at=func.coalesce(Incident.acknowledged_at, now),
        acknowledged_by=func.coalesce(Incident.acknowledged_by, by),
    )
    await session.refresh(incident)
    if not won:
        if incident.state == "resolved":
            return _already_resolved(incident)
        return Outcome(
            incident,
            changed=False,
            message=(
                f"Incident #{incident.id} is already acknowledged by {actor(incident.acknowledged_by)}."
            ),
        )
    outcome = Outcome(incident, message=f"You acknowledged incident #{incident.id}: escalation stopped.")
    await _event(session, outcome, "acknowledged", by, now, level=incident.esc_level, loop=incident.esc_loop)
    await paging.refresh_pages(session, incident, now)
    return await _finish(session, outcome, now)


async def resolve(
    session: AsyncSession,
    incident_id: int,
    *,
    by: str,
    now: datetime,
    summary: str | None = None,
    authorize: bool = True,
) -> Outcome:
    """End it: escalation stops, page DMs show who resolved it, the alert key may open a new incident."""
    incident = await load(session, incident_id)
    if incident.state == "resolved":
        return _already_resolved(incident)
    if authorize:
        await _authorize(session, incident, by, "resolve")
    won = await store.set_state(
        session,
        incident.id,
        from_states=OPEN,
        state="resolved",
        status="resolved",
        next_escalation_at=None,
        resolved_at=now,
        resolved_by=by,
        summary=summary if summary is not None else incident.summary,
    )
    await session.refresh(incident)
    if not won:
        return _already_resolved(incident)
    await store.release_open_alerts(session, incident.id)
    outcome = Outcome(incident, message=f"You resolved incident #{incident.id}.")
    await _event(session, outcome, "resolved", by, now, summary=summary)
    await paging.refresh_pages(session, incident, now)
    return await _finish(session, outcome, now)


async def escalate(
    session: AsyncSession, incident_id: int, *, by: str, now: datetime, authorize: bool = True
) -> Outcome:
    """Page the next level now (an acknowledged incident goes back to triggered: more help is needed)."""
    incident = await load(session, incident_id)
    if incident.state == "resolved":
        return _already_resolved(incident)
    if authorize:
        await _authorize(session, incident, by, "escalate")
    was = incident.state
    policy = await store.policy(session, incident.policy_id)
    if policy is None:
        raise PermissionDenied(
            f"Incident #{incident.id} has no escalation policy: bring people in with "
            f"`/incident page @user|team:NAME|service:NAME #{incident.id}`."
        )
    step = advance(policy, incident.esc_level, incident.esc_loop, now)
    if step is None:
        return Outcome(
            incident,
            changed=False,
            message=(
                f"Every level of escalation policy *{policy.id}* has been paged for incident #{incident.id}; "
                f"page more people with `/incident page @user|team:NAME #{incident.id}`."
            ),
        )
    won = await store.claim_step(
        session,
        incident.id,
        level=incident.esc_level,
        loop=incident.esc_loop,
        new_level=step.level,
        new_loop=step.loop,
        next_at=step.next_at,
        from_states=OPEN,
    )
    await session.refresh(incident)
    if not won:
        return Outcome(
            incident,
            changed=False,
            message=(
                f"Incident #{incident.id} changed at the same moment (now at level {incident.esc_level}, "
                f"{incident.state}); nothing more was paged."
            ),
        )
    outcome = Outcome(incident, message=f"Escalated incident #{incident.id} to level {step.level}.")
    await _event(session, outcome, "escalated", by, now, level=step.level, loop=step.loop, manual=True)
    await _page_level(session, outcome, policy, step, now, by=by)
    if was != incident.state:
        await paging.refresh_pages(session, incident, now)  # acknowledged -> triggered again
    return await _finish(session, outcome, now)


async def page_targets(
    session: AsyncSession,
    incident_id: int,
    target_list: list[str],
    *,
    by: str,
    now: datetime,
    reason: str | None = None,
) -> Outcome:
    """Page people by hand: `person:X`, `team:X` (its people on call now), `schedule:X`, `service:X`
    (its team's developers on call), `slack:U…`. `reason` is trusted mrkdwn (default "paged by @by")."""
    incident = await load(session, incident_id)
    if incident.state == "resolved":
        return _already_resolved(incident)
    resolution = await targets.resolve(session, target_list, now, team_on_call=True)
    outcome = Outcome(incident)
    rows, events = await paging.page(
        session, incident, resolution, now=now, by=by, reason=reason or f"paged by {actor(by)}"
    )
    outcome.pages.extend(rows)
    outcome.events.extend(events)
    who = ", ".join(f"<@{r.slack_user_id}>" for r in rows if not r.is_shadow) or "nobody"
    problems = "".join(f"\n:warning: {p}" for p in resolution.problems)
    outcome.message = f"Paged {who} for incident #{incident.id}.{problems}"
    outcome.changed = bool(rows)
    return await _finish(session, outcome, now)


# --- the timer ------------------------------------------------------------------------------------


async def escalate_due(session: AsyncSession, incident: Incident, now: datetime) -> Outcome:
    """The timer fired for a (locked, due) incident: page its next level, or say nobody answered."""
    policy = await store.policy(session, incident.policy_id)
    step = advance(policy, incident.esc_level, incident.esc_loop, now) if policy else None
    won = await store.claim_step(
        session,
        incident.id,
        level=incident.esc_level,
        loop=incident.esc_loop,
        new_level=step.level if step else incident.esc_level,
        new_loop=step.loop if step else incident.esc_loop,
        next_at=step.next_at if step else None,
    )
    if not won:
        return Outcome(incident, changed=False)
    await session.refresh(incident)
    outcome = Outcome(incident)
    if step is None:
        await _event(
            session,
            outcome,
            "escalation_exhausted",
            SYSTEM,
            now,
            policy=incident.policy_id,
            level=incident.esc_level,
            loop=incident.esc_loop,
        )
        if policy is not None:
            await paging.nobody_answered(session, incident, policy, now)
        return await _finish(session, outcome, now)
    await _event(session, outcome, "escalated", SYSTEM, now, level=step.level, loop=step.loop, manual=False)
    await _page_level(session, outcome, policy, step, now, by=SYSTEM)
    return await _finish(session, outcome, now)

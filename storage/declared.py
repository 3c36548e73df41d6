"""What the configuration file declared, read and written as plain dicts keyed by kind and id.

`opsbridge apply` compares the file with `read_declared` and hands the differences to
`write_declared`. Overrides, cover requests and calendar tokens are not declared: they survive.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    EscalationLevel,
    EscalationPolicy,
    GithubRepo,
    IntegrationKey,
    Person,
    Schedule,
    ScheduleLayer,
    ScheduleShadow,
    Service,
    Setting,
    Team,
    TeamMember,
)

Declared = dict[str, dict[str, dict[str, Any]]]
KINDS = ("settings", "person", "team", "escalation_policy", "schedule", "service")


async def read_declared(session: AsyncSession) -> Declared:
    state: Declared = {kind: {} for kind in KINDS}
    for row in await session.scalars(select(Setting)):
        state["settings"][row.key] = {"value": row.value}
    for p in await session.scalars(select(Person)):
        state["person"][p.id] = dict(
            slack_user_id=p.slack_user_id,
            email=p.email,
            name=p.name,
            role=p.role,
            timezone=p.timezone,
            is_admin=p.is_admin,
        )
    members: dict[str, list[str]] = {}
    for m in await session.scalars(select(TeamMember)):
        members.setdefault(m.team_id, []).append(m.person_id)
    for t in await session.scalars(select(Team)):
        state["team"][t.id] = dict(
            name=t.name,
            slack_usergroup=t.slack_usergroup,
            channel=t.channel,
            members=sorted(members.get(t.id, [])),
        )
    levels: dict[str, list[dict]] = {}
    for lv in await session.scalars(select(EscalationLevel).order_by(EscalationLevel.position)):
        levels.setdefault(lv.policy_id, []).append(
            dict(targets=lv.targets, timeout_seconds=lv.timeout_seconds)
        )
    for pol in await session.scalars(select(EscalationPolicy)):
        state["escalation_policy"][pol.id] = dict(repeat=pol.repeat, levels=levels.get(pol.id, []))
    layers: dict[str, list[dict]] = {}
    for ly in await session.scalars(select(ScheduleLayer).order_by(ScheduleLayer.position)):
        layers.setdefault(ly.schedule_id, []).append(
            dict(
                name=ly.name,
                rotation=ly.rotation,
                shift_seconds=ly.shift_seconds,
                start_local=ly.start_local,
                members=ly.members,
                restrictions=ly.restrictions,
            )
        )
    shadows: dict[str, list[dict]] = {}
    for sh in await session.scalars(select(ScheduleShadow)):
        shadows.setdefault(sh.schedule_id, []).append(
            dict(person=sh.person_id, until=sh.until.isoformat() if sh.until else None)
        )
    for s in await session.scalars(select(Schedule)):
        state["schedule"][s.id] = dict(
            team_id=s.team_id,
            timezone=s.timezone,
            channel=s.channel,
            layers=layers.get(s.id, []),
            shadows=sorted(shadows.get(s.id, []), key=lambda d: d["person"]),
        )
    keys: dict[str, list[str]] = {}
    for k in await session.scalars(select(IntegrationKey)):
        keys.setdefault(k.service_id, []).append(k.key)
    repos: dict[str, list[str]] = {}
    for r in await session.scalars(select(GithubRepo)):
        repos.setdefault(r.service_id, []).append(r.repo)
    for sv in await session.scalars(select(Service)):
        state["service"][sv.id] = dict(
            name=sv.name,
            team_id=sv.team_id,
            escalation_policy_id=sv.escalation_policy_id,
            deploy_channel=sv.deploy_channel,
            incident_channel=sv.incident_channel,
            severity_map=sv.severity_map,
            incident_channel_min_severity=sv.incident_channel_min_severity,
            auto_freeze_on_sev1=sv.auto_freeze_on_sev1,
            deploy_workflows=sv.deploy_workflows,
            integration_keys=sorted(keys.get(sv.id, [])),
            github_repos=sorted(repos.get(sv.id, [])),
        )
    return state


async def write_declared(session: AsyncSession, desired: Declared, current: Declared) -> None:
    """Make the database hold `desired`. Removals go children-first, additions parents-first."""
    for kind in reversed(KINDS):
        for key in set(current[kind]) - set(desired[kind]):
            await _delete(session, kind, key)
    for kind in KINDS:
        for key, values in desired[kind].items():
            if current[kind].get(key) != values:
                await _write(session, kind, key, values, exists=key in current[kind])


async def _delete(session: AsyncSession, kind: str, key: str) -> None:
    model = {
        "settings": Setting,
        "person": Person,
        "team": Team,
        "escalation_policy": EscalationPolicy,
        "schedule": Schedule,
        "service": Service,
    }[kind]
    column = model.key if model is Setting else model.id
    # Children go explicitly too: SQLite only cascades with foreign keys on, and we don't rely on it.
    if kind == "team":
        await session.execute(delete(TeamMember).where(TeamMember.team_id == key))
    if kind == "person":
        await session.execute(delete(TeamMember).where(TeamMember.person_id == key))
    if kind == "escalation_policy":
        await session.execute(delete(EscalationLevel).where(EscalationLevel.policy_id == key))
    if kind == "schedule":
        await session.execute(delete(ScheduleLayer).where(ScheduleLayer.schedule_id == key))
        await session.execute(delete(ScheduleShadow).where(ScheduleShadow.schedule_id == key))
    if kind == "service":
        await session.execute(delete(IntegrationKey).where(IntegrationKey.service_id == key))
        await session.execute(delete(GithubRepo).where(GithubRepo.service_id == key))
    await session.execute(delete(model).where(column == key))


async def _write(session: AsyncSession, kind: str, key: str, values: dict[str, Any], *, exists: bool) -> None:
    values = dict(values)
    if kind == "settings":
        await session.merge(Setting(key=key, value=values["value"]))
    elif kind == "person":
        await session.merge(Person(id=key, **values))
    elif kind == "team":
        members = values.pop("members")
        await session.merge(Team(id=key, **values))
        await session.flush()
        await session.execute(delete(TeamMember).where(TeamMember.team_id == key))
        session.add_all(TeamMember(team_id=key, person_id=m) for m in members)
    elif kind == "escalation_policy":
        levels = values.pop("levels")
        await session.merge(EscalationPolicy(id=key, **values))
        await session.flush()
        await session.execute(delete(EscalationLevel).where(EscalationLevel.policy_id == key))
        session.add_all(EscalationLevel(policy_id=key, position=i, **lv) for i, lv in enumerate(levels))
    elif kind == "schedule":
        layers, shadows = values.pop("layers"), values.pop("shadows")
        existing = await session.get(Schedule, key) if exists else None
        if existing is None:
            session.add(Schedule(id=key, calendar_token=secrets.token_urlsafe(24), **values))
        else:
            for name, value in values.items():
                setattr(existing, name, value)
        await session.flush()
        await session.execute(delete(ScheduleLayer).where(ScheduleLayer.schedule_id == key))
        await session.execute(delete(ScheduleShadow).where(ScheduleShadow.schedule_id == key))
        session.add_all(ScheduleLayer(schedule_id=key, position=i, **ly) for i, ly in enumerate(layers))
        session.add_all(
            ScheduleShadow(
                schedule_id=key,
                person_id=sh["person"],
                until=date.fromisoformat(sh["until"]) if sh["until"] else None,
            )
            for sh in shadows
        )
    elif kind == "service":
        keys, repos = values.pop("integration_keys"), values.pop("github_repos")
        await session.merge(Service(id=key, **values))
        await session.flush()
        await session.execute(delete(IntegrationKey).where(IntegrationKey.service_id == key))
        await session.execute(delete(GithubRepo).where(GithubRepo.service_id == key))
        await session.flush()
        session.add_all(IntegrationKey(key=k, service_id=key) for k in keys)
        session.add_all(GithubRepo(repo=r, service_id=key) for r in repos)
    await session.flush()

"""Queries behind deploys and freezes; the domain in `bot/deploys` decides, these only read and write."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Deploy,
    Freeze,
    GithubRepo,
    IntegrationKey,
    Person,
    Service,
    Setting,
    TeamMember,
)
from storage.upsert import insert_ignore

# ---- services and settings


async def service(session: AsyncSession, service_id: str) -> Service | None:
    return await session.get(Service, service_id)


async def service_ids(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(Service.id).order_by(Service.id))).all())


async def service_for_repo(session: AsyncSession, repo: str) -> Service | None:
    """The service a GitHub repository (`owner/name`, any case) belongs to."""
    mapping = await session.get(GithubRepo, repo.lower())
    return await session.get(Service, mapping.service_id) if mapping else None


async def repos_of(session: AsyncSession, service_id: str) -> list[str]:
    return list(
        (
            await session.scalars(
                select(GithubRepo.repo).where(GithubRepo.service_id == service_id).order_by(GithubRepo.repo)
            )
        ).all()
    )


async def service_for_integration_key(session: AsyncSession, key: str) -> Service | None:
    mapping = await session.get(IntegrationKey, key)
    return await session.get(Service, mapping.service_id) if mapping else None


async def setting(session: AsyncSession, key: str) -> Any:
    row = await session.get(Setting, key)
    return row.value if row else None


async def person_by_slack(session: AsyncSession, user_id: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.slack_user_id == user_id).limit(1))


async def people_by_slack(session: AsyncSession, user_ids: set[str]) -> dict[str, Person]:
    if not user_ids:
        return {}
    rows = await session.scalars(select(Person).where(Person.slack_user_id.in_(user_ids)))
    return {p.slack_user_id: p for p in rows if p.slack_user_id}


async def is_team_member(session: AsyncSession, team_id: str, person_id: str) -> bool:
    return await session.get(TeamMember, (team_id, person_id)) is not None


# ---- deploys


async def find_deploy(
    session: AsyncSession, source: str, external_id: str, *, lock: bool = False
) -> Deploy | None:
    query = select(Deploy).where(Deploy.source == source, Deploy.external_id == external_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def create_deploy(session: AsyncSession, values: dict[str, Any]) -> tuple[Deploy, bool]:
    """Insert a deploy; with an external id, a concurrent insert of the same one wins and this
    returns that row instead. Returns (deploy, created)."""
    if values.get("external_id") is None:
        deploy = Deploy(**values)
        session.add(deploy)
        await session.flush()
        return deploy, True
    created = await insert_ignore(session, Deploy, values)
    deploy = await find_deploy(session, values["source"], values["external_id"], lock=True)
    assert deploy is not None
    return deploy, created


async def deploy_by_id(session: AsyncSession, deploy_id: int) -> Deploy | None:
    return await session.get(Deploy, deploy_id)


async def latest_deploys(session: AsyncSession, service_id: str | None, limit: int = 10) -> list[Deploy]:
    query = select(Deploy).order_by(Deploy.created_at.desc(), Deploy.id.desc()).limit(limit)
    if service_id is not None:
        query = query.where(Deploy.service_id == service_id)
    return list((await session.scalars(query)).all())


async def deploys_between(
    session: AsyncSession, service_id: str, since: datetime, until: datetime | None = None
) -> list[Deploy]:
    """Deploys of a service created in [since, until], newest first."""
    query = select(Deploy).where(Deploy.service_id == service_id, Deploy.created_at >= since)
    if until is not None:
        query = query.where(Deploy.created_at <= until)
    return list((await session.scalars(query.order_by(Deploy.created_at.desc(), Deploy.id.desc()))).all())


async def latest_per_environment(session: AsyncSession, service_id: str, scan: int = 200) -> list[Deploy]:
    """The newest deploy of each environment of a service (looking at its last `scan` deploys)."""
    newest: dict[str, Deploy] = {}
    for deploy in await latest_deploys(session, service_id, scan):
        newest.setdefault(deploy.environment, deploy)
    return sorted(newest.values(), key=lambda d: d.environment)


# ---- freezes


def _active(now: datetime):
    return and_(
        Freeze.ended_at.is_(None),
        Freeze.start_at <= now,
        or_(Freeze.until.is_(None), Freeze.until > now),
    )


async def active_freezes(session: AsyncSession, now: datetime, service_id: str | None = None) -> list[Freeze]:
    """Freezes in force at `now`: of `service_id` and of everything (all of them without one)."""
    query = select(Freeze).where(_active(now))
    if service_id is not None:
        query = query.where(or_(Freeze.service_id == service_id, Freeze.service_id.is_(None)))
    return list((await session.scalars(query.order_by(Freeze.start_at, Freeze.id))).all())


async def end_freezes(
    session: AsyncSession,
    now: datetime,
    *,
    by: str,
    service_id: str | None = None,
    everything: bool = False,
    incident_id: int | None = None,
) -> list[Freeze]:
    """End the active freezes aimed exactly at `service_id` (or at everything, or of an incident).

    Compare-and-set on `ended_at IS NULL`, so two people unfreezing at once end each freeze once.
    """
    query = select(Freeze).where(_active(now))
    if incident_id is not None:
        query = query.where(Freeze.incident_id == incident_id)
    elif everything:
        query = query.where(Freeze.service_id.is_(None))
    else:
        query = query.where(Freeze.service_id == service_id)
    ended: list[Freeze] = []
    for freeze in (await session.scalars(query)).all():
        result = await session.execute(
            update(Freeze)
            .where(Freeze.id == freeze.id, Freeze.ended_at.is_(None))
            .values(ended_at=now, ended_by=by)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            freeze.ended_at, freeze.ended_by = now, by
            ended.append(freeze)
    return ended


async def incident_freeze(session: AsyncSession, incident_id: int) -> Freeze | None:
    """The automatic freeze of an incident that has not been lifted, if any."""
    return await session.scalar(
        select(Freeze).where(Freeze.incident_id == incident_id, Freeze.ended_at.is_(None)).limit(1)
    )

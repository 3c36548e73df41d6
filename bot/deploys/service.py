"""Recording deploys from any source, and what incidents ask about them.

`record_deploy` is the one door: GitHub, the deploy API and PagerDuty change events all end up
here with a `DeployEvent`. The first event of a deploy creates the row (noting a freeze in force),
posts the living message and tells the freeze's owner; later events with the same external id
update the row and the message in place; a move into `failed` adds a threaded reply and DMs the
service's developer on call. An event that changes nothing (a retried webhook) touches nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deploys import github, notify
from bot.deploys.freezes import matching_freeze
from bot.deploys.model import TERMINAL, DeployEvent, Ignored, github_commit_url, next_status
from storage import deploys as store
from storage.models import Deploy, Freeze, Incident

log = logging.getLogger("opsbridge.deploys")

SUSPECT_WINDOW = timedelta(hours=1)
_TRACKED = ("environment", "version", "status", "actor", "url", "commit", "commit_url", "ref", "description")


@dataclass
class Recorded:
    deploy: Deploy
    created: bool
    changed: bool
    freeze: Freeze | None = None
    told: list[str] = field(default_factory=list)  # Slack ids DMed about this event


async def _commit_url(session: AsyncSession, event: DeployEvent) -> str | None:
    """The source's commit link, else one built from the service's first GitHub repository."""
    if event.commit_url or not event.commit:
        return event.commit_url
    repos = await store.repos_of(session, event.service_id)
    return github_commit_url(repos[0], event.commit) if repos else None


def _snapshot(deploy: Deploy) -> tuple[Any, ...]:
    return tuple(getattr(deploy, name) for name in _TRACKED)


async def record_deploy(session: AsyncSession, event: DeployEvent, now: datetime) -> Recorded:
    """Create or update the deploy `event` is about, and queue the Slack messages it causes.

    The service must exist (handlers answer 404 or ignore before calling this).
    """
    commit_url = await _commit_url(session, event)
    deploy = None
    if event.external_id is not None:
        deploy = await store.find_deploy(session, event.source, event.external_id, lock=True)
    freeze: Freeze | None = None
    created = False
    if deploy is None:
        freeze = await matching_freeze(session, event.service_id, event.environment, now)
        deploy, created = await store.create_deploy(session, {
            "service_id": event.service_id, "environment": event.environment, "version": event.version,
            "status": event.status, "source": event.source, "external_id": event.external_id,
            "actor": event.actor, "url": event.url, "commit": event.commit, "commit_url": commit_url,
            "ref": event.ref, "description": event.description, "details": dict(event.details),
            "created_at": now, "updated_at": now, "finished_at": now if event.status in TERMINAL else None,
            "during_freeze_id": freeze.id if freeze else None,
        })  # fmt: skip
        if not created:
            freeze = None  # a concurrent delivery created it first: this one is an update
    previous = None if created else deploy.status
    if not created:
        before = _snapshot(deploy)
        _apply(deploy, event, commit_url)
        if _snapshot(deploy) == before:
            log.info("deploy #%s: %s event changes nothing", deploy.id, event.source)
            return Recorded(deploy, created=False, changed=False)
        deploy.updated_at = now
        if deploy.status != previous:
            deploy.finished_at = now if deploy.status in TERMINAL else None
        await session.flush()
    result = Recorded(deploy, created=created, changed=True, freeze=freeze)
    posted = await notify.publish(session, deploy, now)
    if freeze is not None:
        owner = await notify.tell_freeze_owner(session, deploy, freeze, now)
        result.told += [owner] if owner else []
    if deploy.status == "failed" and previous != "failed":
        result.told += await notify.announce_failure(session, deploy, now, posted=posted)
    log.info(
        "deploy #%s %s %s %s -> %s (%s)",
        deploy.id,
        deploy.service_id,
        deploy.environment,
        deploy.version,
        deploy.status,
        "new" if created else "updated",
    )
    return result


def _apply(deploy: Deploy, event: DeployEvent, commit_url: str | None) -> None:
    deploy.status = next_status(deploy.status, event.status, ordered=event.ordered)
    deploy.environment = event.environment or deploy.environment
    deploy.version = event.version or deploy.version
    for name, value in (
        ("actor", event.actor),
        ("url", event.url),
        ("commit", event.commit),
        ("commit_url", commit_url),
        ("ref", event.ref),
        ("description", event.description),
    ):
        if value is not None:
            setattr(deploy, name, value)
    if event.details:
        deploy.details = {**(deploy.details or {}), **event.details}


async def ingest_github(
    session: AsyncSession, event: str, payload: dict[str, Any], now: datetime
) -> Recorded | Ignored:
    """A verified, not yet seen GitHub delivery: record the deploy it means, or say why not."""
    repo = github.repository_of(payload)
    if repo is None:
        return Ignored(f"{event} delivery without a repository")
    service = await store.service_for_repo(session, repo)
    if service is None:
        log.debug("github %s for %s ignored: the repository maps to no service (github_repos)", event, repo)
        return Ignored(f"repository {repo} is not mapped to a service (add it to a service's github_repos)")
    mapped = github.map_event(
        event, payload, service_id=service.id, deploy_workflows=list(service.deploy_workflows or []), at=now
    )
    if isinstance(mapped, Ignored):
        log.debug("github %s for %s ignored: %s", event, repo, mapped.reason)
        return mapped
    return await record_deploy(session, mapped, now)


async def recent_deploys(session: AsyncSession, service_id: str, since: datetime) -> list[Deploy]:
    """Deploys of a service since `since`, newest first (an incident's first message lists them)."""
    return await store.deploys_between(session, service_id, since)


async def deploy_log(session: AsyncSession, service_id: str | None, limit: int = 10) -> list[Deploy]:
    return await store.latest_deploys(session, service_id, limit)


async def mark_suspected_change_failures(
    session: AsyncSession, incident: Incident, now: datetime
) -> list[Deploy]:
    """Mark the deploys of the incident's service that started or finished within the hour before
    it began as suspected change failures, and show it on their messages. Cancelled deploys shipped
    nothing and are left alone; a deploy keeps the first incident it is suspected of."""
    if not incident.service_id:
        return []
    began = incident.created_at or now
    window_start = began - SUSPECT_WINDOW
    candidates = await store.deploys_between(
        session, incident.service_id, window_start - timedelta(days=1), began
    )
    marked: list[Deploy] = []
    for deploy in candidates:
        in_window = deploy.created_at >= window_start or (
            deploy.finished_at is not None and window_start <= deploy.finished_at <= began
        )
        if not in_window or deploy.status == "cancelled" or deploy.suspected_incident_id is not None:
            continue
        deploy.suspected_incident_id = incident.id
        deploy.updated_at = now
        await notify.publish(session, deploy, now)
        marked.append(deploy)
    return marked

"""Collect what the bot knows about an incident into the plain values the draft is rendered from.

Deploys come from `bot.deploys.recent_deploys(session, service_id, since)` when that module (and
its table) exists; otherwise the draft says deploys are not tracked.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deploys.service import recent_deploys
from bot.postmortems.draft import (
    DEPLOY_WINDOW,
    ActionInfo,
    DeployInfo,
    DraftInput,
    EventInfo,
    PageInfo,
    PersonInfo,
    render_draft,
)
from storage import postmortems as store
from storage.models import Incident, Postmortem

log = logging.getLogger("opsbridge.postmortems")


def document_url(public_url: str, pm: Postmortem) -> str:
    return f"{public_url.rstrip('/')}/postmortems/{pm.incident_id}.md?token={pm.token}"


async def _deploys(session: AsyncSession, incident: Incident) -> list[DeployInfo] | None:
    if not incident.service_id:
        return None
    rows = await recent_deploys(session, incident.service_id, incident.created_at - DEPLOY_WINDOW)
    return [
        DeployInfo(
            at=getattr(d, "started_at", None) or d.created_at,
            service=d.service_id,
            environment=d.environment,
            version=d.version,
            status=d.status,
            actor=d.actor,
            url=d.url,
            commit=d.commit,
        )
        for d in rows
    ]


async def draft_input(session: AsyncSession, incident: Incident, now: datetime) -> DraftInput:
    events, pages, roles = await store.timeline(session, incident.id)
    people = await store.people_by_slack(session)
    pm = await store.get(session, incident.id)
    items = await store.action_items(session, incident.id)
    return DraftInput(
        incident_id=incident.id,
        title=incident.title,
        severity=incident.severity,
        state=incident.state,
        created_at=incident.created_at,
        timezone=await store.setting(session, "timezone", "UTC"),
        generated_at=now,
        service=incident.service_id,
        summary=incident.summary,
        acknowledged_at=incident.acknowledged_at,
        acknowledged_by=incident.acknowledged_by,
        resolved_at=incident.resolved_at,
        resolved_by=incident.resolved_by,
        declared_by=incident.declared_by,
        events=[EventInfo(e.at, e.kind, e.actor, dict(e.data or {})) for e in events],
        pages=[PageInfo(p.at, p.slack_user_id, p.level, p.reason or "", p.is_shadow) for p in pages],
        roles={r.role: r.slack_user_id for r in roles},
        people={uid: PersonInfo(p.name or p.id, p.role) for uid, p in people.items()},
        deploys=await _deploys(session, incident),
        action_items=[ActionInfo(a.id, a.text, a.owner, a.due_date, a.state == "done") for a in items],
        owner=pm.owner if pm else None,
        due_date=pm.due_date if pm else None,
        postmortem_state=pm.state if pm else None,
        link=pm.link if pm else None,
    )


async def configured_template(session: AsyncSession) -> tuple[str | None, str | None]:
    """The configured template's source (None: the built-in), and a problem reading it, if any."""
    path = (await store.setting(session, "postmortems", {}) or {}).get("template")
    if not path:
        return None, None
    try:
        return await asyncio.to_thread(Path(path).read_text, encoding="utf-8"), None
    except OSError as exc:
        return None, f"the configured template {path} cannot be read ({exc.strerror or exc})"


async def render_document(session: AsyncSession, incident: Incident, now: datetime) -> str:
    """The post-mortem document of `incident`: the configured template, or the built-in one if that fails."""
    values = await draft_input(session, incident, now)
    source, problem = await configured_template(session)
    if source is not None:
        try:
            return render_draft(values, source)
        except Exception as exc:  # a broken template must not hide the draft
            problem = f"the configured template failed: {type(exc).__name__}: {exc}"
    text = render_draft(values)
    if problem:
        log.warning("post-mortem #%s: %s; used the built-in template", incident.id, problem)
        text = f"<!-- opsbridge: {problem.replace('--', '- -')}; the built-in template was used -->\n{text}"
    return text

"""Post-mortems: asked for when an incident resolves, owned, given a due date, completed or skipped.

Services take an open session and `now`; Slack messages are outbox rows in the same transaction.
Who may do what (`may_manage`): before anyone owns a post-mortem, any person of the team may
assign it, change its due date or record that it is not needed; once it has an owner, only the
owner, the incident commander and admins may (completing someone else's post-mortem included).
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.blocks import postmortems as blocks
from bot.blocks.text import escape, link, mention
from bot.errors import NotFound, PermissionDenied, UsageError
from bot.postmortems.business import default_due_date, local_date, next_reminder_at
from bot.postmortems.gather import document_url, render_document
from bot.postmortems.markdown import date_label
from storage import postmortems as store
from storage.models import Incident, Person, Postmortem

log = logging.getLogger("opsbridge.postmortems")


class Refused(PermissionDenied):
    """A request that cannot be honoured as asked (a bot as owner, a date in the past): the message, no usage."""


DEFAULTS: dict[str, Any] = {"required_from": "sev2", "due_business_days": 5, "template": None}


async def config(session: AsyncSession) -> dict[str, Any]:
    return {**DEFAULTS, **(await store.setting(session, "postmortems", {}) or {})}


async def workspace_timezone(session: AsyncSession) -> str:
    return await store.setting(session, "timezone", "UTC") or "UTC"


async def incidents_channel(session: AsyncSession) -> str | None:
    return (await store.setting(session, "channels", {}) or {}).get("incidents")


def ref(incident: Incident) -> blocks.IncidentRef:
    return blocks.IncidentRef(incident.id, incident.title, incident.severity)


async def get_incident(session: AsyncSession, incident_id: int) -> Incident:
    incident = await session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"There is no incident #{incident_id}.")
    return incident


async def get_postmortem(session: AsyncSession, incident_id: int) -> Postmortem:
    pm = await store.get(session, incident_id)
    if pm is None:
        raise NotFound(
            f"No post-mortem was asked for on incident #{incident_id}: `/postmortem start #{incident_id}` asks for one."
        )
    return pm


async def member(session: AsyncSession, slack_user_id: str) -> Person:
    """The person of the team with this Slack account; refuses anyone else (guests, bots, strangers)."""
    person = await store.person_by_slack(session, slack_user_id)
    if person is None:
        raise Refused(
            f"{mention(slack_user_id)} is not a member of the team (not among the people of the configuration)."
        )
    return person


async def may_manage(session: AsyncSession, incident: Incident, pm: Postmortem, user: str) -> bool:
    if pm.owner is None:
        return await store.person_by_slack(session, user) is not None
    if user == pm.owner or user == await store.role_holder(session, incident.id, "commander"):
        return True
    person = await store.person_by_slack(session, user)
    return bool(person and person.is_admin)


async def _require_manage(
    session: AsyncSession, incident: Incident, pm: Postmortem, user: str, what: str
) -> None:
    if not await may_manage(session, incident, pm, user):
        if pm.owner is None:
            raise PermissionDenied(f"Only people of the team may {what} the post-mortem of #{incident.id}.")
        raise PermissionDenied(
            f"Only {mention(pm.owner)} (the owner), the incident commander or an admin may {what} "
            f"the post-mortem of #{incident.id}."
        )


def _require_open(pm: Postmortem) -> None:
    if pm.state == "done":
        raise Refused(
            f"The post-mortem of #{pm.incident_id} is already done: {link(pm.link or '', 'the document')}."
        )
    if pm.state == "not_needed":
        raise Refused(
            f"The post-mortem of #{pm.incident_id} was recorded as not needed: {escape(pm.reason or '')}"
        )


def check_due(due: date, now: datetime, tz: str) -> None:
    today = local_date(now, tz)
    if due < today:
        raise Refused(
            f"{date_label(due)} is in the past (today is {date_label(today)} in {tz}): pick a later date."
        )


def _channel_archived(incident: Incident, now: datetime) -> bool:
    """An incident's own channel is archived `ARCHIVE_AFTER` after it resolved (see bot.incidents.channels)."""
    from bot.incidents.channels import ARCHIVE_AFTER

    return (
        incident.state == "resolved"
        and incident.resolved_at is not None
        and now >= incident.resolved_at + ARCHIVE_AFTER
    )


async def _show_prompt(session: AsyncSession, incident: Incident, pm: Postmortem, now: datetime) -> None:
    if not pm.channel_id:
        return
    if pm.channel_id == incident.channel_id and _channel_archived(incident, now):
        return  # Slack refuses updates in an archived channel
    text, body = blocks.prompt(
        ref(incident),
        state=pm.state,
        due=pm.due_date,
        owner=pm.owner,
        by=pm.completed_by,
        reason=pm.reason,
        document=pm.link,
    )
    await outbox.upsert(
        session, key=blocks.prompt_key(incident.id), channel=pm.channel_id, text=text, blocks=body, now=now
    )


# --- asking for one ------------------------------------------------------------------------------


async def on_incident_resolved(session: AsyncSession, incident: Incident, now: datetime) -> Postmortem | None:
    """Called by the incident lifecycle in the transaction that resolves `incident`: asks for a
    post-mortem when its severity is at or above `postmortems.required_from` (sev2 by default)."""
    threshold = int(str((await config(session))["required_from"]).removeprefix("sev"))
    if incident.severity > threshold:
        return None
    return await ask(session, incident, now)


async def ask(
    session: AsyncSession, incident: Incident, now: datetime, *, requested_by: str | None = None
) -> Postmortem:
    """Create the post-mortem (once) and post the prompt in the incident's channel."""
    existing = await store.get(session, incident.id)
    if existing is not None:
        return existing
    tz = await workspace_timezone(session)
    days = int((await config(session))["due_business_days"])
    pm = await store.create(
        session,
        {
            "incident_id": incident.id,
            "state": "prompted",
            "token": secrets.token_urlsafe(24),
            "channel_id": incident.channel_id or await incidents_channel(session),
            "timezone": tz,
            "due_date": default_due_date(now, tz, days),
            "requested_by": requested_by,
            "created_at": now,
        },
    )
    if pm is None:  # created concurrently
        return await get_postmortem(session, incident.id)
    await _show_prompt(session, incident, pm, now)
    log.info("post-mortem asked for incident #%s in %s", incident.id, pm.channel_id)
    return pm


# --- owner and due date --------------------------------------------------------------------------


async def assign(
    session: AsyncSession,
    incident_id: int,
    owner: str,
    *,
    by: str,
    now: datetime,
    public_url: str,
    due: date | None = None,
) -> Postmortem:
    incident = await get_incident(session, incident_id)
    pm = await store.get(session, incident_id) or await ask(session, incident, now, requested_by=by)
    _require_open(pm)
    await _require_manage(session, incident, pm, by, "assign")
    person = await member(session, owner)
    tz = person.timezone or await workspace_timezone(session)
    if due is not None:
        check_due(due, now, tz)
        pm.due_date, pm.due_explicit = due, True
    elif not pm.due_explicit:
        pm.due_date = default_due_date(pm.created_at, tz, int((await config(session))["due_business_days"]))
    if pm.owner == owner and due is None:
        return pm
    pm.owner, pm.timezone, pm.state = owner, tz, "assigned"
    pm.assigned_at, pm.assigned_by = now, by
    pm.next_reminder_at = next_reminder_at(pm.due_date, tz, now)
    url = document_url(public_url, pm)
    text = blocks.owner_dm(ref(incident), due=pm.due_date, document=url, by=None if by == owner else by)
    await outbox.post(session, channel=owner, text=text, now=now)
    if pm.channel_id and pm.draft_uploaded_at is None:
        pm.draft_uploaded_at = now
        await outbox.call(
            session,
            "files.upload_v2",
            {
                "channel": pm.channel_id,
                "content": await render_document(session, incident, now),
                "filename": f"postmortem-{incident.id}.md",
                "title": f"Post-mortem draft #{incident.id}",
                "initial_comment": f"The post-mortem draft of #{incident.id}, owned by {mention(owner)}. "
                f"Always up to date at {url}",
            },
            lane=pm.channel_id,
            now=now,
            dedup_key=f"postmortem:{incident.id}:draft",
        )
    await _show_prompt(session, incident, pm, now)
    return pm


async def set_due(
    session: AsyncSession, incident_id: int, due: date, *, by: str, now: datetime
) -> Postmortem:
    incident = await get_incident(session, incident_id)
    pm = await get_postmortem(session, incident_id)
    _require_open(pm)
    await _require_manage(session, incident, pm, by, "change the due date of")
    check_due(due, now, pm.timezone)
    if pm.due_date == due:
        return pm
    pm.due_date, pm.due_explicit = due, True
    if pm.state == "assigned":
        pm.next_reminder_at = next_reminder_at(due, pm.timezone, now)
        if pm.owner and pm.owner != by:
            text = f":calendar: {mention(by)} moved the post-mortem of {ref(incident).mrkdwn()} to *{date_label(due)}*."
            await outbox.post(session, channel=pm.owner, text=text, now=now)
    await _show_prompt(session, incident, pm, now)
    return pm


# --- closing it ----------------------------------------------------------------------------------


async def not_needed(
    session: AsyncSession, incident_id: int, reason: str, *, by: str, now: datetime
) -> Postmortem:
    incident = await get_incident(session, incident_id)
    pm = await get_postmortem(session, incident_id)
    _require_open(pm)
    await _require_manage(session, incident, pm, by, "skip")
    reason = " ".join(reason.split())
    if len(reason) < 3:
        raise UsageError("Say why no post-mortem is needed: the reason is recorded.")
    pm.state, pm.reason = "not_needed", reason[:2000]
    pm.completed_at, pm.completed_by, pm.next_reminder_at = now, by, None
    await _show_prompt(session, incident, pm, now)
    return pm


async def complete(
    session: AsyncSession,
    incident_id: int,
    *,
    by: str,
    now: datetime,
    public_url: str,
    document: str | None = None,
) -> Postmortem:
    incident = await get_incident(session, incident_id)
    pm = await store.get(session, incident_id) or await ask(session, incident, now, requested_by=by)
    _require_open(pm)
    await _require_manage(session, incident, pm, by, "complete")
    pm.owner = pm.owner or by
    pm.state, pm.link = "done", document or document_url(public_url, pm)
    pm.completed_at, pm.completed_by, pm.next_reminder_at = now, by, None
    channel = await incidents_channel(session) or pm.channel_id
    if channel:
        text = blocks.completed(ref(incident), document=pm.link, by=by, owner=pm.owner)
        await outbox.post(
            session, channel=channel, text=text, now=now, dedup_key=f"postmortem:{incident.id}:done"
        )
    await _show_prompt(session, incident, pm, now)
    from bot.incidents.render import refresh  # the announcement shows the link (`postmortem_link`)

    await refresh(session, incident.id, now)
    return pm


async def postmortem_link(session: AsyncSession, incident_id: int) -> str | None:
    """The finished post-mortem of an incident, for its announcement message; None until it is done."""
    pm = await store.get(session, incident_id)
    return pm.link if pm is not None and pm.state == "done" else None

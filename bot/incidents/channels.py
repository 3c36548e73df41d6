"""A Slack channel per incident: its name, creating it, who is invited, its bookmarks, archiving it.

Creating a channel is an immediate Web API call (its answer is the channel id every later message
needs), so it cannot be an outbox row. The change that wants a channel writes a request row in
its own transaction (`request`); right after the commit, the declaring handler calls `create`,
and the engine's due work does the same for alert-opened incidents and for anything left over
(Slack down, a crash between the two). `create` claims the request by compare-and-set, calls
`conversations.create` (adding `-2`, `-3`… on `name_taken`), and stores the id in a second
transaction that records a `channel_created` event: the observers then invite people, set the
topic, add the bookmarks and post the header, all through the outbox. If Slack refuses for good,
the incident simply has no channel: its lines keep going to the incidents channel.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

import aiohttp
from slack_sdk.errors import SlackApiError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.blocks.incidents import IncidentView, archive_notice
from bot.blocks.text import truncate
from bot.escalation import targets
from bot.incidents import lifecycle
from bot.schedules.stored import on_call_now
from storage import incident_channels as chstore
from storage import incidents as store
from storage.models import Incident, Service

log = logging.getLogger("opsbridge.incidents")

NAME_LIMIT = 80
PREFIX = "inc"
LEASE = timedelta(minutes=2)  # a claimed request is retried after this if its claimer vanished
MAX_ATTEMPTS = 6
ARCHIVE_AFTER = timedelta(days=7)
DEFAULT_MIN_SEVERITY = 2
RETRYABLE = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}


# --- pure ----------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """Lowercase letters and digits, runs of anything else as one `-`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def channel_name(incident_id: int, title: str, suffix: str = "") -> str:
    """`inc-42-checkout-returns-500s` (at most 80 characters, the suffix kept whole)."""
    head = f"{PREFIX}-{incident_id}"
    tail = f"-{suffix}" if suffix else ""
    room = NAME_LIMIT - len(head) - len(tail) - 1
    body = slug(title)[: max(room, 0)].strip("-")
    return f"{head}-{body}{tail}" if body else f"{head}{tail}"


def candidate_names(incident_id: int, title: str) -> Iterable[str]:
    yield channel_name(incident_id, title)
    for n in range(2, 10):
        yield channel_name(incident_id, title, str(n))
    yield channel_name(incident_id, title, secrets.token_hex(3))


def wants_channel(incident: Incident, service: Service | None) -> bool:
    """Declared from Slack (`details.declared_via`): always. Opened by an alert: when at least as
    severe as the service asks (`incident_channel_min_severity`, sev2 by default)."""
    if incident.state == "resolved":
        return False
    if (incident.details or {}).get("declared_via"):
        return True
    if incident.source == "slack":
        return False  # opened by code that did not ask for a channel
    threshold = service.incident_channel_min_severity if service is not None else DEFAULT_MIN_SEVERITY
    return incident.severity <= (threshold or DEFAULT_MIN_SEVERITY)


# --- requests and creation -----------------------------------------------------------------------


async def request(session: AsyncSession, incident: Incident, now: datetime) -> bool:
    """Ask for a channel if the incident should have one and has none yet."""
    if incident.channel_id:
        return False
    if not wants_channel(incident, await store.service(session, incident.service_id)):
        return False
    return await chstore.request_channel(session, incident.id, now)


class _Refused(Exception):
    """Slack said no for good (not a name clash, not a hiccup)."""


async def _create_in_slack(ctx, incident: Incident) -> dict:
    last_error = "name_taken"
    for name in candidate_names(incident.id, incident.title):
        try:
            answer = await ctx.slack.call("conversations.create", name=name, is_private=False)
        except SlackApiError as exc:
            last_error = str(exc.response.get("error") or exc.response.status_code)
            if last_error == "name_taken":
                continue
            if exc.response.status_code == 429 or exc.response.status_code >= 500 or last_error in RETRYABLE:
                raise
            if last_error.startswith("invalid_name") and name != f"{PREFIX}-{incident.id}":
                continue  # a name Slack dislikes: the candidates end with plain ones
            raise _Refused(last_error) from exc
        return answer["channel"]
    raise _Refused(last_error)


async def create(ctx, incident_id: int) -> str | None:
    """Create the incident's channel if it is requested and due; returns the channel id, or None
    (not requested, taken by another replica, postponed after a Slack hiccup, or refused)."""
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        claimed = await chstore.claim_channel_request(session, incident_id, now, LEASE)
        incident = await store.get(session, incident_id) if claimed else None
        if claimed is not None and (incident is None or incident.channel_id or incident.state == "resolved"):
            await chstore.drop_channel_request(session, incident_id)
            return incident.channel_id if incident else None
    if claimed is None or incident is None:
        return None
    try:
        channel = await _create_in_slack(ctx, incident)
    except _Refused as refused:
        log.error("incident #%s: Slack refused to create its channel: %s", incident_id, refused)
        async with ctx.db.transaction() as session:
            await chstore.drop_channel_request(session, incident_id)
            fresh = await store.get(session, incident_id)
            if fresh is not None:
                await lifecycle.record_event(
                    session,
                    fresh,
                    "channel_failed",
                    actor=lifecycle.SYSTEM,
                    now=now,
                    data={"error": str(refused)},
                )
        ctx.committed()
        return None
    except (SlackApiError, TimeoutError, aiohttp.ClientError, OSError) as exc:
        error = (
            str(getattr(exc, "response", {}).get("error", "") or exc)
            if isinstance(exc, SlackApiError)
            else repr(exc)
        )
        async with ctx.db.transaction() as session:
            if claimed.attempts >= MAX_ATTEMPTS:
                log.error(
                    "incident #%s: giving up on its channel after %s attempts: %s",
                    incident_id,
                    claimed.attempts,
                    error,
                )
                await chstore.drop_channel_request(session, incident_id)
            else:
                delay = timedelta(seconds=min(2**claimed.attempts, 120))
                log.warning(
                    "incident #%s: creating its channel failed (%s): retrying in %s",
                    incident_id,
                    error,
                    delay,
                )
                await chstore.retry_channel_request(session, incident_id, now + delay, error)
        ctx.committed()
        return None
    async with ctx.db.transaction() as session:
        await chstore.drop_channel_request(session, incident_id)
        if not await chstore.store_channel(session, incident_id, channel["id"], channel["name"]):
            log.error("incident #%s already had a channel; %s is left unused", incident_id, channel["id"])
            return None
        fresh = await store.get(session, incident_id)
        await lifecycle.record_event(
            session,
            fresh,
            "channel_created",
            actor=lifecycle.SYSTEM,
            now=ctx.clock.now(),
            data={"channel": channel["id"], "name": channel["name"]},
        )
    ctx.committed()
    log.info("incident #%s has its channel #%s (%s)", incident_id, channel["name"], channel["id"])
    return channel["id"]


# --- who is in it --------------------------------------------------------------------------------


async def service_on_call(session: AsyncSession, service_id: str | None, now: datetime) -> list[str]:
    """Slack ids of the service's first responders now: whoever level 1 of its escalation policy
    reaches (its ops on call, usually), else whoever is on call in its team's schedules. The
    developers are brought in by paging them (`/incident page service:NAME`)."""
    service = await store.service(session, service_id)
    if service is None:
        return []
    policy = await store.policy(session, service.escalation_policy_id)
    if policy is not None and policy.levels:
        found = await targets.resolve(session, list(policy.levels[0].targets), now)
        return [r.slack_user_id for r in found.recipients if not r.is_shadow]
    if not service.team_id:
        return []
    people: list[str] = []
    for schedule_id in await store.team_schedules(session, service.team_id):
        answer = await on_call_now(session, schedule_id, now)
        person = await store.person(session, answer.person) if answer and answer.person else None
        if person is not None and person.slack_user_id:
            people.append(person.slack_user_id)
    return people


def is_person(user_id: str | None) -> bool:
    return bool(user_id) and user_id[:1] in ("U", "W") and user_id.isalnum()


async def invite(
    session: AsyncSession, incident: Incident, users: Iterable[str | None], now: datetime
) -> None:
    """Invite people to the incident's channel, each once (an invite per person, its own lane)."""
    if not incident.channel_id:
        return
    for user in dict.fromkeys(u for u in users if is_person(u)):
        await outbox.call(
            session,
            "conversations.invite",
            {"channel": incident.channel_id, "users": user},
            lane=f"invite:{incident.channel_id}:{user}",
            now=now,
            dedup_key=f"incident:{incident.id}:invite:{user}",
        )


async def bookmark_links(session: AsyncSession, incident: Incident, now: datetime) -> None:
    for index, item in enumerate(incident.links or []):
        href = str(item.get("href") or "") if isinstance(item, dict) else ""
        if not href.startswith(("http://", "https://")):
            continue
        title = truncate(" ".join(str(item.get("text") or href).split()), 100)
        await outbox.call(
            session,
            "bookmarks.add",
            {"channel_id": incident.channel_id, "title": title, "type": "link", "link": href},
            lane=f"bookmark:{incident.channel_id}",
            now=now,
            dedup_key=f"incident:{incident.id}:bookmark:{index}",
        )


async def set_topic(session: AsyncSession, incident: Incident, text: str, now: datetime) -> None:
    await outbox.call(
        session,
        "conversations.setTopic",
        {"channel": incident.channel_id, "topic": text},
        lane=f"topic:{incident.channel_id}",
        now=now,
    )


# --- archiving -----------------------------------------------------------------------------------


async def archive(session: AsyncSession, incident: Incident, view: IncidentView, now: datetime) -> None:
    """Say so in the channel, then archive it (same lane: the notice goes first)."""
    await outbox.post(
        session,
        channel=incident.channel_id,
        text=archive_notice(view),
        now=now,
        dedup_key=f"incident:{incident.id}:archive-notice:{int(now.timestamp())}",
    )
    await outbox.call(
        session,
        "conversations.archive",
        {"channel": incident.channel_id},
        lane=incident.channel_id,
        now=now,
        dedup_key=f"incident:{incident.id}:archive:{int(now.timestamp())}",
    )


# --- due work ------------------------------------------------------------------------------------


def due_work(ctx) -> Callable[[datetime], Awaitable[datetime | None]]:
    """Channels still to create (alert-opened incidents, retries after Slack hiccups)."""

    async def create_due(now: datetime) -> datetime | None:
        async with ctx.db.sessions() as session:
            ids = await chstore.due_channel_requests(session, now)
        for incident_id in ids:
            try:
                await create(ctx, incident_id)
            except Exception:
                log.exception("creating the channel of incident #%s failed", incident_id)
        async with ctx.db.sessions() as session:
            return await chstore.next_channel_request(session)

    return create_due

"""`/incident declare|sev|status|page|role|list|timeline|reopen`, the declare form and the
*Declare incident* message shortcut, and :pushpin: / pins in an incident's channel.

Thin: parse (`bot.incidents.commands`), find the incident (`#ID`, else the channel's incident),
check who may act, call one service, answer ephemerally. Changes render themselves through the
incident observers (`bot.incidents.render`, imported here so it registers). `ack|escalate|resolve`
live in `handlers.slack.paging`.
"""

from __future__ import annotations

import json
import logging
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from sqlalchemy.ext.asyncio import AsyncSession

import bot.incidents.render  # noqa: F401  (registers the observer that renders every change)
from bot.blocks import incidents as blocks
from bot.blocks.timeline import timeline as timeline_blocks
from bot.context import Context
from bot.errors import PermissionDenied, UsageError
from bot.incidents import channels, commands, declare, due, lifecycle, roles, status, timeline
from bot.incidents.refs import split_ref, strip_ref
from bot.incidents.render import view_of
from handlers.slack.commands import CommandRequest, CommandRouter, Reply
from handlers.slack.paging import incident_for
from storage import incident_channels as chstore
from storage import incidents as store
from storage.models import Incident

log = logging.getLogger("opsbridge.incidents")


async def require_responder(session: AsyncSession, incident: Incident, user: str, verb: str) -> None:
    if not await lifecycle.may_respond(session, incident, user):
        raise PermissionDenied(
            f"Only the people working on incident #{incident.id} (paged, holding a role, or its declarer) and "
            f"admins can {verb}. Ask its commander to give you a role: `/incident role ops @you #{incident.id}`."
        )


def _done(ctx: Context, outcome: lifecycle.Outcome) -> None:
    ctx.committed()
    lifecycle.tally(ctx.metrics, outcome)


def _words(request: CommandRequest) -> list[str]:
    """The words after the subcommand, without `#ID`."""
    return split_ref(request.args[1:])[1]


async def open_form(ctx: Context, trigger_id: str | None, **prefill) -> None:
    if not trigger_id:
        raise UsageError("Give the incident a title, e.g. `/incident declare Checkout returns 500s sev2`.")
    async with ctx.db.sessions() as session:
        choices = await declare.service_choices(session)
    await ctx.slack.call("views.open", trigger_id=trigger_id, view=blocks.declare_modal(choices, **prefill))


async def declare_now(
    ctx: Context,
    *,
    user: str,
    title: str,
    severity: int,
    service: str | None,
    description: str | None = None,
    links: list[dict] | None = None,
    via: str = "command",
) -> blocks.IncidentView:
    """Declare, commit, then create the channel at once (the engine retries if Slack is slow)."""
    async with ctx.db.transaction() as session:
        outcome = await declare.declare(
            session,
            now=ctx.clock.now(),
            title=title,
            severity=severity,
            service_id=service,
            declared_by=user,
            description=description,
            links=links,
            via=via,
        )
    _done(ctx, outcome)
    try:
        await channels.create(ctx, outcome.incident.id)
    except Exception:  # the incident exists and is announced; the engine tries the channel again
        log.exception("creating the channel of incident #%s failed", outcome.incident.id)
    async with ctx.db.sessions() as session:
        incident = await store.get(session, outcome.incident.id)
        return await view_of(session, incident)


async def _timezone(ctx: Context, session: AsyncSession, user: str) -> str:
    person = await store.person_by_slack(session, user)
    if person is not None and person.timezone:
        return person.timezone
    try:
        zone = ((await ctx.slack.call("users.info", user=user)).get("user") or {}).get("tz")
        if zone:
            ZoneInfo(zone)
            return zone
    except Exception:  # Slack unreachable or an unknown zone: fall back to the workspace's
        log.debug("no time zone for %s from Slack", user)
    return str(await store.setting(session, "timezone", "UTC") or "UTC")


def add_subcommands(routers: dict[str, CommandRouter], ctx: Context) -> None:
    router = routers["/incident"]

    @router.sub("declare", "new", "open")
    async def declare_cmd(ctx: Context, request: CommandRequest) -> Reply | None:
        wanted = commands.parse_declare(request.rest(1))
        if not wanted.title:
            await open_form(
                ctx,
                request.trigger_id,
                severity=wanted.severity,
                service=wanted.service,
                metadata={"channel": request.channel_id},
            )
            return None
        commands.check_title(wanted.title)
        view = await declare_now(
            ctx, user=request.user_id, title=wanted.title, severity=wanted.severity, service=wanted.service
        )
        return Reply(text=blocks.declared_reply(view))

    @router.sub("sev", "severity")
    async def sev_cmd(ctx: Context, request: CommandRequest) -> Reply:
        words = _words(request)
        if len(words) != 1:
            raise UsageError("Give the new severity, e.g. `/incident sev 1`.")
        severity = commands.parse_severity(words[0])
        async with ctx.db.transaction() as session:
            incident = await incident_for(session, request)
            await require_responder(session, incident, request.user_id, "change its severity")
            outcome = await status.set_severity(
                session, incident.id, severity, by=request.user_id, now=ctx.clock.now()
            )
        _done(ctx, outcome)
        return Reply(text=outcome.message)

    @router.sub("status", "update")
    async def status_cmd(ctx: Context, request: CommandRequest) -> Reply:
        wanted = commands.parse_status(strip_ref(request.rest(1)))
        async with ctx.db.transaction() as session:
            incident = await incident_for(session, request)
            await require_responder(session, incident, request.user_id, "post its status")
            outcome = await status.post_status(
                session,
                incident.id,
                status=wanted.status,
                text=wanted.text,
                by=request.user_id,
                now=ctx.clock.now(),
            )
        _done(ctx, outcome)
        return Reply(text=outcome.message)

    @router.sub("page")
    async def page_cmd(ctx: Context, request: CommandRequest) -> Reply:
        targets = commands.parse_targets(_words(request))
        async with ctx.db.transaction() as session:
            incident = await incident_for(session, request)
            await require_responder(session, incident, request.user_id, "page people for it")
            outcome = await lifecycle.page_targets(
                session, incident.id, targets, by=request.user_id, now=ctx.clock.now()
            )
        _done(ctx, outcome)
        invited = (
            " They are invited to its channel." if outcome.changed and outcome.incident.channel_id else ""
        )
        return Reply(text=outcome.message + invited)

    @router.sub("role")
    async def role_cmd(ctx: Context, request: CommandRequest) -> Reply:
        wanted = commands.parse_role(_words(request), request.user_id)
        async with ctx.db.transaction() as session:
            incident = await incident_for(session, request)
            await require_responder(session, incident, request.user_id, "give roles in it")
            if incident.state == "resolved":
                raise PermissionDenied(
                    f"Incident #{incident.id} is resolved; `/incident reopen #{incident.id}` first."
                )
            event = await roles.assign(
                session, incident, wanted.role, wanted.user_id, by=request.user_id, now=ctx.clock.now()
            )
        ctx.committed()
        label = commands.ROLE_LABELS[wanted.role]
        if event is None:
            return Reply(text=f"<@{wanted.user_id}> already is {label.lower()} of incident #{incident.id}.")
        return Reply(text=f"<@{wanted.user_id}> is now {label.lower()} of incident #{incident.id}.")

    @router.sub("reopen")
    async def reopen_cmd(ctx: Context, request: CommandRequest) -> Reply:
        async with ctx.db.transaction() as session:
            incident = await incident_for(session, request)
            await require_responder(session, incident, request.user_id, "reopen it")
            outcome = await status.reopen(session, incident.id, by=request.user_id, now=ctx.clock.now())
        _done(ctx, outcome)
        return Reply(text=outcome.message)

    @router.sub("list", "ls")
    async def list_cmd(ctx: Context, request: CommandRequest) -> Reply:
        async with ctx.db.sessions() as session:
            incidents = await chstore.open_incidents(session)
            held = await chstore.roles_of_many(session, [i.id for i in incidents])
            names = {s.id: s.name or s.id for s in await chstore.services(session)}
        views = [
            blocks.IncidentView(
                id=i.id,
                title=i.title,
                severity=i.severity,
                state=i.state,
                status=i.status,
                created_at=i.created_at,
                service=names.get(i.service_id) if i.service_id else None,
                channel_id=i.channel_id,
                roles=held[i.id],
            )
            for i in incidents
        ]
        text, body = blocks.incident_list(views, ctx.clock.now())
        return Reply(text=text, blocks=body)

    @router.sub("timeline")
    async def timeline_cmd(ctx: Context, request: CommandRequest) -> Reply:
        async with ctx.db.sessions() as session:
            incident = await incident_for(session, request)
            events = await timeline.events(session, incident.id)
            zone = await _timezone(ctx, session, request.user_id)
        label = blocks.IncidentView(
            id=incident.id,
            title=incident.title,
            severity=incident.severity,
            state=incident.state,
            status=incident.status,
            created_at=incident.created_at,
        ).label
        text, body = timeline_blocks(label, events, zone)
        return Reply(text=text, blocks=body)


# --- the form, the shortcut, pins ----------------------------------------------------------------


def _value(values: dict, block: str, key: str = "value"):
    entry = (values.get(block) or {}).get("value") or {}
    if key == "selected_option":
        return (entry.get("selected_option") or {}).get("value")
    return entry.get(key)


def register(app: AsyncApp, ctx: Context) -> None:
    ctx.engine.register("incident_channels", channels.due_work(ctx))
    ctx.engine.register("incident_reminders_and_archives", due.due_work(ctx))

    @app.view(blocks.DECLARE_VIEW)
    async def on_declare_submitted(ack, body, view) -> None:
        values = (view.get("state") or {}).get("values") or {}
        try:
            title = commands.check_title(_value(values, "title") or "")
        except UsageError as error:
            await ack(response_action="errors", errors={"title": str(error)})
            return
        await ack()
        user = body["user"]["id"]
        meta = json.loads(view.get("private_metadata") or "{}")
        links = []
        if meta.get("channel") and meta.get("ts"):
            try:
                found = await ctx.slack.call(
                    "chat.getPermalink", channel=meta["channel"], message_ts=meta["ts"]
                )
                links.append({"href": found["permalink"], "text": "The message it started from"})
            except (SlackApiError, KeyError):
                log.info("no permalink for %s/%s", meta.get("channel"), meta.get("ts"))
        severity = int(_value(values, "severity", "selected_option") or commands.DEFAULT_SEVERITY)
        try:
            declared = await declare_now(
                ctx,
                user=user,
                title=title,
                severity=severity,
                service=_value(values, "service", "selected_option"),
                description=_value(values, "description"),
                links=links,
                via="message" if meta.get("ts") else "form",
            )
        except UsageError as error:
            text = str(error)
        else:
            text = blocks.declared_reply(declared)
        if meta.get("channel"):
            try:
                await ctx.slack.call("chat.postEphemeral", channel=meta["channel"], user=user, text=text)
            except SlackApiError:
                log.info("could not tell %s in %s: %s", user, meta.get("channel"), text)

    @app.shortcut(blocks.SHORTCUT)
    async def on_declare_shortcut(ack, body) -> None:
        await ack()
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        text = str(message.get("text") or "")
        async with ctx.db.sessions() as session:
            people = await chstore.people_by_slack(session, commands.mentioned_users(text))
        names = {user: person.id for user, person in people.items()}
        await open_form(
            ctx,
            body.get("trigger_id"),
            title=commands.title_from_message(text, names),
            description=commands.plain_from_mrkdwn(text, names),
            metadata={"channel": channel, "ts": message.get("ts")},
        )

    @app.event("reaction_added")
    async def on_reaction(event) -> None:
        item = event.get("item") or {}
        if event.get("reaction") not in timeline.PIN_REACTIONS or item.get("type") != "message":
            return
        async with ctx.db.sessions() as session:
            incident = await store.by_channel(session, item.get("channel") or "")
        if incident is None:
            return
        message = await fetch_message(ctx, item["channel"], item.get("ts") or "")
        if message is not None:
            await _capture(ctx, incident.id, message, event.get("user") or "", "reaction")

    @app.event("pin_added")
    async def on_pin(event) -> None:
        item = event.get("item") or {}
        channel = event.get("channel_id") or item.get("channel") or ""
        async with ctx.db.sessions() as session:
            incident = await store.by_channel(session, channel)
        message = item.get("message")
        if incident is not None and isinstance(message, dict):
            await _capture(ctx, incident.id, message, event.get("user") or "", "pin")


async def _capture(ctx: Context, incident_id: int, message: dict, user: str, via: str) -> None:
    async with ctx.db.transaction() as session:
        incident = await store.get(session, incident_id)
        added = await timeline.capture(
            session, incident, message, marked_by=user, via=via, now=ctx.clock.now()
        )
    if added is not None:
        ctx.committed()


async def fetch_message(ctx: Context, channel: str, ts: str) -> dict | None:
    """The message at `ts` in `channel` (a thread reply too)."""
    try:
        found = await ctx.slack.call(
            "conversations.history", channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
        )
        for message in found.get("messages") or []:
            if message.get("ts") == ts:
                return message
        found = await ctx.slack.call(
            "conversations.replies", channel=channel, ts=ts, latest=ts, oldest=ts, inclusive=True, limit=1
        )
        return next((m for m in found.get("messages") or [] if m.get("ts") == ts), None)
    except SlackApiError as exc:
        log.info("could not read message %s in %s: %s", ts, channel, exc.response.get("error"))
        return None

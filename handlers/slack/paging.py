"""Answering pages: the *Acknowledge*/*Escalate*/*Resolve* buttons and `/incident ack|escalate|resolve`.

Handlers stay thin: ack first, find the incident, call `bot.incidents.lifecycle`, tell the person
what happened. Permission and "already done" answers are ephemeral and change nothing. Also wires
the escalation timer into the engine (`register`) and the default answer lines (`bot.escalation.notices`).
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from sqlalchemy.ext.asyncio import AsyncSession

import bot.escalation.notices  # noqa: F401  (registers the acknowledged/resolved channel lines)
from bot.blocks.pages import ACKNOWLEDGE, ESCALATE, RESOLVE
from bot.context import Context
from bot.errors import NotFound, UsageError
from bot.escalation import engine as escalation_engine
from bot.incidents import lifecycle
from bot.incidents.refs import split_ref, strip_ref
from handlers.slack.commands import CommandRequest, CommandRouter, Reply
from storage import incidents as store
from storage.models import Incident

log = logging.getLogger("opsbridge.paging")


async def incident_for(session: AsyncSession, request: CommandRequest) -> Incident:
    """The incident a command is about: `#ID` in its words, else the incident of the channel it was typed in."""
    incident_id, _ = split_ref(request.args[1:])
    if incident_id is not None:
        incident = await store.get(session, incident_id)
        if incident is None:
            raise NotFound(f"There is no incident #{incident_id}.")
        return incident
    incident = await store.by_channel(session, request.channel_id) if request.channel_id else None
    if incident is None:
        verb = request.args[0].lower() if request.args else "ack"
        raise UsageError(
            f"Which incident? This channel is not an incident's channel: run it there, "
            f"or add the incident's number, e.g. `/incident {verb} #42`."
        )
    return incident


def _done(ctx: Context, outcome: lifecycle.Outcome) -> None:
    ctx.committed()
    lifecycle.tally(ctx.metrics, outcome)


def add_subcommands(routers: dict[str, CommandRouter], ctx: Context) -> None:
    router = routers["/incident"]

    @router.sub("ack", "acknowledge")
    async def ack_cmd(ctx: Context, request: CommandRequest) -> Reply:
        async with ctx.db.transaction() as session:
            incident = await incident_for(session, request)
            outcome = await lifecycle.acknowledge(
                session, incident.id, by=request.user_id, now=ctx.clock.now()
            )
        _done(ctx, outcome)
        return Reply(text=outcome.message)

    @router.sub("escalate")
    async def escalate_cmd(ctx: Context, request: CommandRequest) -> Reply:
        async with ctx.db.transaction() as session:
            incident = await incident_for(session, request)
            outcome = await lifecycle.escalate(session, incident.id, by=request.user_id, now=ctx.clock.now())
        _done(ctx, outcome)
        return Reply(text=_paged_message(outcome))

    @router.sub("resolve")
    async def resolve_cmd(ctx: Context, request: CommandRequest) -> Reply:
        summary = strip_ref(request.rest(1)) or None
        async with ctx.db.transaction() as session:
            incident = await incident_for(session, request)
            outcome = await lifecycle.resolve(
                session, incident.id, by=request.user_id, now=ctx.clock.now(), summary=summary
            )
        _done(ctx, outcome)
        return Reply(text=outcome.message)


def _paged_message(outcome: lifecycle.Outcome) -> str:
    if not outcome.changed:
        return outcome.message
    who = (
        ", ".join(f"<@{p.slack_user_id}>" for p in outcome.pages if not p.is_shadow)
        or "nobody (see the channel)"
    )
    return f"{outcome.message} Paged {who}."


OPERATIONS = {
    ACKNOWLEDGE: lifecycle.acknowledge,
    ESCALATE: lifecycle.escalate,
    RESOLVE: lifecycle.resolve,
}


def register(app: AsyncApp, ctx: Context) -> None:
    ctx.engine.register("escalation", escalation_engine.due_work(ctx))
    for action_id, operation in OPERATIONS.items():
        app.action(action_id)(_button(ctx, action_id, operation))


def _button(ctx: Context, action_id: str, operation):
    async def on_click(ack, body, respond) -> None:
        await ack()
        user = body["user"]["id"]
        try:
            incident_id = int(body["actions"][0]["value"])
        except (KeyError, IndexError, TypeError, ValueError):
            log.warning("%s pressed with no incident id: %s", action_id, body.get("actions"))
            return
        try:
            async with ctx.db.transaction() as session:
                outcome = await operation(session, incident_id, by=user, now=ctx.clock.now())
        except UsageError as error:
            await respond(text=str(error), response_type="ephemeral", replace_original=False)
            return
        _done(ctx, outcome)
        if not outcome.changed or action_id == ESCALATE:
            text = _paged_message(outcome) if action_id == ESCALATE else outcome.message
            await respond(text=text, response_type="ephemeral", replace_original=False)

    on_click.__name__ = f"on_{action_id}"
    return on_click

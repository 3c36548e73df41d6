"""`/oncall` and the *Take* button: parse, look up the caller, call one service, render.

Also registers the on-call due work (handoffs, heads-ups) with the engine and the SIGHUP hook
that re-applies the configuration file, since both belong to this domain.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp

from bot.blocks import oncall as blocks
from bot.config.runtime import reapply
from bot.context import Context
from bot.errors import PermissionDenied, UsageError
from bot.schedules import commands as args
from bot.schedules import service
from bot.schedules.handoffs import run_handoffs
from bot.schedules.overrides import create_override, request_cover, take_cover
from handlers.slack.commands import CommandRequest, CommandRouter, Reply

log = logging.getLogger("opsbridge.oncall")

RELOAD_HOOKS = "reload_hooks"  # ctx.extras key: bot.app hands this list to bot.server for SIGHUP


def add_subcommands(routers: dict[str, CommandRouter], ctx: Context) -> None:
    router = routers["/oncall"]
    public_url = ctx.settings.public_url

    async def everyone(ctx: Context, request: CommandRequest) -> Reply:
        now = ctx.clock.now()
        async with ctx.db.sessions() as session:
            who = await service.caller(session, request.user_id)
            reports = await service.overview(session, now, public_url=public_url)
        text, body = blocks.overview(reports, who.timezone)
        return Reply(text=text, blocks=body)

    async def one_schedule(ctx: Context, request: CommandRequest) -> Reply:
        if len(request.args) > 1:
            raise UsageError(f"Unknown subcommand `{request.args[0]}`.")
        now = ctx.clock.now()
        async with ctx.db.sessions() as session:
            who = await service.caller(session, request.user_id)
            report = await service.report(session, request.args[0], now, public_url=public_url)
        text, body = blocks.schedule_detail(report, who.timezone)
        return Reply(text=text, blocks=body)

    async def next_shifts(ctx: Context, request: CommandRequest) -> Reply:
        schedule_id = args.parse_next(request.args[1:])
        now = ctx.clock.now()
        async with ctx.db.sessions() as session:
            who = await service.caller(session, request.user_id)
            if who.person is None:
                raise PermissionDenied("You are not in the on-call roster, so you have no shifts.")
            items = await service.my_shifts(session, who.person.id, now, schedule_id=schedule_id)
        text, body = blocks.my_shifts(items, who.timezone, schedule=schedule_id)
        return Reply(text=text, blocks=body)

    async def override(ctx: Context, request: CommandRequest) -> Reply:
        now = ctx.clock.now()
        async with ctx.db.transaction() as session:
            who = await service.caller(session, request.user_id)
            wanted = args.parse_override(request.args[1:], now=now, tz=who.timezone)
            made = await create_override(
                session,
                caller=who,
                schedule_id=wanted.schedule,
                who=wanted.person,
                start=wanted.start,
                end=wanted.end,
                now=now,
            )
        ctx.committed()
        text, body = blocks.override_done(
            made.schedule_id, made.person, made.replaced, made.start, made.end, who.timezone
        )
        return Reply(text=text, blocks=body)

    async def cover(ctx: Context, request: CommandRequest) -> Reply:
        now = ctx.clock.now()
        async with ctx.db.transaction() as session:
            who = await service.caller(session, request.user_id)
            wanted = args.parse_cover(request.args[1:], now=now, tz=who.timezone)
            asked = await request_cover(
                session, caller=who, schedule_id=wanted.schedule, start=wanted.start, end=wanted.end, now=now
            )
        ctx.committed()
        text, body = blocks.cover_asked(
            asked.channel, asked.schedule_id, asked.start, asked.end, who.timezone
        )
        return Reply(text=text, blocks=body)

    router.default = everyone
    router.fallback = one_schedule
    router.sub("next")(next_shifts)
    router.sub("override")(override)
    router.sub("cover")(cover)


def register(app: AsyncApp, ctx: Context) -> None:
    @app.action(blocks.TAKE_ACTION)
    async def on_take(ack, body, respond) -> None:
        await ack()
        user = body["user"]["id"]
        try:
            request_id = int(body["actions"][0]["value"])
        except (KeyError, IndexError, TypeError, ValueError):
            return
        async with ctx.db.transaction() as session:
            result = await take_cover(session, request_id=request_id, taker_slack=user, now=ctx.clock.now())
        if result.outcome == "taken":
            ctx.committed()
            log.info("cover request %s taken by %s", request_id, user)
            return
        text = blocks.already_taken(result.taken_by) if result.outcome == "already" else result.message
        await respond(text=text, response_type="ephemeral", replace_original=False)

    async def handoffs(now):
        return await run_handoffs(ctx.db, now)

    ctx.engine.register("handoffs", handoffs)

    async def reload() -> None:
        if await reapply(ctx.db, ctx.settings.opsbridge_config, ctx.slack):
            ctx.committed()

    ctx.extras.setdefault(RELOAD_HOOKS, []).append(reload)

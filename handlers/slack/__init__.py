"""Bolt listeners: every module registers its own, `register_all` wires them in one place."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.context import Context
from handlers.slack import commands, deploy, events, incident, oncall, paging, postmortem


def register_all(app: AsyncApp, ctx: Context) -> None:
    routers = commands.new_routers()
    # Each domain adds its subcommands here: `module.add_subcommands(routers, ctx)`.
    oncall.add_subcommands(routers, ctx)
    oncall.register(app, ctx)
    deploy.add_subcommands(routers, ctx)
    postmortem.add_subcommands(routers, ctx)
    postmortem.register(app, ctx)
    paging.add_subcommands(routers, ctx)
    paging.register(app, ctx)
    incident.add_subcommands(routers, ctx)
    incident.register(app, ctx)
    events.register(app, ctx)
    commands.register(app, ctx, routers)

"""Assembles one aiohttp application: Bolt at /slack/events, webhooks, health, metrics, background work.

Nothing happens at import time; `create_app` builds everything from the settings it is given,
so a test can build as many apps as it likes, each with its own database, clock and Slack.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot.clock import Clock, SystemClock
from bot.context import Context
from bot.engine import Engine
from bot.metrics import Metrics
from bot.outbox import OutboxSender
from bot.server import RELOAD_HOOKS
from bot.settings import Settings
from bot.slack import SlackGateway
from handlers.http.routes import add_routes
from handlers.slack import register_all
from storage.db import Database

log = logging.getLogger("opsbridge.app")

CONTEXT = web.AppKey("context", Context)


@dataclass
class Tuning:
    """Knobs for tests and benchmarks; production uses the defaults."""

    lane_interval: float = 1.0  # seconds between two messages in one channel (Slack's ~1/s)
    tick_seconds: float = 2.0  # how often the engine looks for due work no matter what
    background: bool = True  # run the outbox sender and the engine


def build_context(settings: Settings, *, clock: Clock | None = None, tuning: Tuning | None = None) -> Context:
    tuning = tuning or Tuning()
    clock = clock or SystemClock()
    metrics = Metrics()
    db = Database(settings.database_url)
    gateway = SlackGateway(token=settings.slack_bot_token or "", base_url=settings.api_url, metrics=metrics)
    sender = OutboxSender(db, gateway, clock, metrics, lane_interval=tuning.lane_interval)
    engine = Engine(clock, tick_seconds=tuning.tick_seconds)
    engine.after_pass.append(sender.wake)
    return Context(
        settings=settings, db=db, clock=clock, slack=gateway, sender=sender, engine=engine, metrics=metrics
    )


def build_bolt(ctx: Context) -> AsyncApp:
    bolt = AsyncApp(
        client=ctx.slack.client,
        signing_secret=ctx.settings.slack_signing_secret or "socket-mode",
        request_verification_enabled=not ctx.settings.socket_mode,
        process_before_response=False,
    )
    register_all(bolt, ctx)
    return bolt


@web.middleware
async def _count_requests(request: web.Request, handler):
    metrics: Metrics = request.app[CONTEXT].metrics
    route = request.match_info.route.resource.canonical if request.match_info.route.resource else "unmatched"
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        metrics.http_requests.labels(route, str(exc.status)).inc()
        raise
    metrics.http_requests.labels(route, str(response.status)).inc()
    return response


class SocketModeUnavailable(RuntimeError):
    """Slack refused the app-level token: `serve` says so in one line instead of retrying forever."""


async def _connect_socket_mode(ctx: Context, bolt: AsyncApp, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_sdk.errors import SlackApiError

    handler = AsyncSocketModeHandler(bolt, app_token)
    try:
        # The client's connect() retries forever on any error; ask for the URL once ourselves so a bad
        # token fails startup instead (connect() then uses this URL).
        handler.client.wss_uri = await handler.client.issue_new_wss_url()
    except Exception as exc:
        await handler.close_async()
        await ctx.db.dispose()
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
        raise SocketModeUnavailable(
            f"Socket Mode: apps.connections.open failed ({reason}); SLACK_APP_TOKEN must be an app-level "
            "token (xapp-...) with the connections:write scope"
        ) from exc
    ctx.extras["socket_mode"] = handler
    await handler.connect_async()
    log.info("connected to Slack over Socket Mode")


def create_app(
    settings: Settings, *, clock: Clock | None = None, tuning: Tuning | None = None
) -> web.Application:
    tuning = tuning or Tuning()
    ctx = build_context(settings, clock=clock, tuning=tuning)
    bolt = build_bolt(ctx)
    app = web.Application(middlewares=[_count_requests], client_max_size=4 * 1024 * 1024)
    app[CONTEXT] = ctx
    app[RELOAD_HOOKS] = ctx.extras.setdefault("reload_hooks", [])  # SIGHUP; domains append to it
    add_routes(app, ctx, None if settings.socket_mode else bolt)

    async def start_background(_app: web.Application) -> None:
        if settings.socket_mode:
            await _connect_socket_mode(ctx, bolt, settings.slack_app_token or "")
        if tuning.background:
            ctx.sender.start()
            ctx.engine.start()

    async def stop_background(_app: web.Application) -> None:
        handler = ctx.extras.pop("socket_mode", None)
        if handler is not None:
            await handler.close_async()
        await ctx.engine.stop()
        await ctx.sender.stop()
        await ctx.db.dispose()

    app.on_startup.append(start_background)
    app.on_cleanup.append(stop_background)
    return app

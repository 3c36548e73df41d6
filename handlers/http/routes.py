"""Every HTTP route of the server, in one place."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.context import Context
from handlers.http import alertmanager as alertmanager_http
from handlers.http import calendar, deploys_api, github, health, pagerduty_change, postmortems
from handlers.http import pagerduty as pagerduty_http


def add_routes(app: web.Application, ctx: Context, bolt: AsyncApp | None) -> None:
    healthz, readyz, metrics = health.views(ctx)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get(calendar.ROUTE, calendar.view(ctx))
    post_deploy, freeze_gate = deploys_api.views(ctx)
    app.router.add_post("/api/v1/deploys", post_deploy)
    app.router.add_get("/api/v1/deploys/freeze", freeze_gate)
    app.router.add_post("/integrations/github", github.view(ctx))
    app.router.add_post("/v2/change/enqueue", pagerduty_change.view(ctx))
    app.router.add_get("/postmortems/{incident}.md", postmortems.view(ctx))
    app.router.add_post("/integrations/alertmanager/{key}", alertmanager_http.view(ctx))
    app.router.add_post("/v2/enqueue", pagerduty_http.view(ctx))
    if bolt is not None:
        app.router.add_post("/slack/events", _slack_events(bolt))


def _slack_events(bolt: AsyncApp):
    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    return slack_events

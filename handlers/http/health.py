"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.context import Context


def views(ctx: Context):
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(request: web.Request) -> web.Response:
        if await ctx.db.ping():
            return web.json_response({"status": "ready", "database": "reachable"})
        return web.json_response({"status": "not ready", "database": "unreachable"}, status=503)

    async def metrics(request: web.Request) -> web.Response:
        body = ctx.metrics.render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return healthz, readyz, metrics

"""A bare Bolt AsyncApp that only acks `/oncall`: the floor the `ack` benchmark compares us with."""

from __future__ import annotations

import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build(signing_secret: str, api_url: str) -> web.Application:
    bolt = AsyncApp(client=AsyncWebClient(token="xoxb-test", base_url=api_url), signing_secret=signing_secret)

    @bolt.command("/oncall")
    async def only_ack(ack):
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/readyz", healthz)
    return app


if __name__ == "__main__":
    port, secret, api_url = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    web.run_app(build(secret, api_url), host="127.0.0.1", port=port, print=None, access_log=None)

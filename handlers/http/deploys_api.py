"""The deploy API for any CI: `POST /api/v1/deploys` and the freeze gate `GET /api/v1/deploys/freeze`.

Both need `Authorization: Bearer $OPSBRIDGE_API_TOKEN` (compared in constant time); while the
token is unset they answer 503 saying so, rather than being open. Every refusal is JSON with an
`error` a person can act on from a build log.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web

from bot.context import Context
from bot.deploys.api import BadField, parse_deploy_body
from bot.deploys.freezes import gate_answer
from bot.deploys.service import record_deploy
from storage import deploys as store

log = logging.getLogger("opsbridge.deploys_api")


def refusal(ctx: Context, request: web.Request) -> web.Response | None:
    """None when the request carries the API token; otherwise the 503/401 answer to send."""
    token = ctx.settings.opsbridge_api_token
    if not token:
        return web.json_response(
            {
                "error": "OPSBRIDGE_API_TOKEN is not set on the server: the /api/v1 endpoints are disabled until it is"
            },
            status=503,
        )
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        return web.json_response(
            {"error": "missing or wrong bearer token (Authorization: Bearer $OPSBRIDGE_API_TOKEN)"},
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="opsbridge"'},
        )
    return None


async def _unknown_service(session, service_id: str) -> web.Response:
    known = await store.service_ids(session)
    return web.json_response(
        {"error": f"unknown service {service_id!r}", "field": "service", "services": known}, status=404
    )


def views(ctx: Context):
    async def post_deploy(request: web.Request) -> web.Response:
        if (denied := refusal(ctx, request)) is not None:
            return denied
        try:
            body = json.loads(await request.read())
        except (UnicodeDecodeError, json.JSONDecodeError):
            return web.json_response({"error": "the body is not JSON", "field": "body"}, status=400)
        now = ctx.clock.now()
        try:
            event = parse_deploy_body(body, at=now)
        except BadField as bad:
            return web.json_response(bad.as_json(), status=400)
        async with ctx.db.transaction() as session:
            if await store.service(session, event.service_id) is None:
                return await _unknown_service(session, event.service_id)
            recorded = await record_deploy(session, event, now)
        ctx.committed()
        deploy = recorded.deploy
        return web.json_response(
            {
                "deploy_id": deploy.id, "id": deploy.external_id, "service": deploy.service_id,
                "environment": deploy.environment, "version": deploy.version, "status": deploy.status,
                "created": recorded.created, "during_freeze": deploy.during_freeze_id is not None,
            },
            status=201 if recorded.created else 200,
        )  # fmt: skip

    async def freeze_gate(request: web.Request) -> web.Response:
        if (denied := refusal(ctx, request)) is not None:
            return denied
        service_id = request.query.get("service", "").strip()
        if not service_id:
            return web.json_response(
                {"error": "the query parameter 'service' is required", "field": "service"}, status=400
            )
        environment = request.query.get("environment", "").strip() or None
        async with ctx.db.sessions() as session:
            if await store.service(session, service_id) is None:
                return await _unknown_service(session, service_id)
            answer = await gate_answer(session, service_id, environment, ctx.clock.now())
        return web.json_response(answer, status=423 if answer["frozen"] else 200)

    return post_deploy, freeze_gate

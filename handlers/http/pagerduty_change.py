"""`POST /v2/change/enqueue`: PagerDuty change events, shown as deploy notifications.

Speaks PagerDuty's dialect so existing integrations (CI plugins, the PagerDuty GitHub app's
targets) work unchanged: 202 `{"status":"success","message":"Change event processed"}`, and 400
`{"status":"invalid event","message":…,"errors":[…]}`, also for an unknown `routing_key`, as
PagerDuty does. The routing key is one of a service's `integration_keys`.
"""

from __future__ import annotations

import json
import logging

from aiohttp import web

from bot.context import Context
from bot.deploys.pagerduty import InvalidChangeEvent, parse_change_event, to_deploy_event
from bot.deploys.service import record_deploy
from storage import deploys as store

log = logging.getLogger("opsbridge.pagerduty")


def _invalid(errors: list[str]) -> web.Response:
    return web.json_response(
        {"status": "invalid event", "message": "Event object is invalid", "errors": errors}, status=400
    )


def view(ctx: Context):
    async def change_enqueue(request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _invalid(["the body is not JSON"])
        try:
            change = parse_change_event(body)
        except InvalidChangeEvent as bad:
            return _invalid(bad.errors)
        now = ctx.clock.now()
        async with ctx.db.transaction() as session:
            service = await store.service_for_integration_key(session, change.routing_key)
            if service is None:
                log.info("change event refused: unknown routing_key")
                return _invalid(["'routing_key' is not the integration key of any service"])
            recorded = await record_deploy(
                session, to_deploy_event(change, service_id=service.id, at=now), now
            )
        ctx.committed()
        return web.json_response(
            {"status": "success", "message": "Change event processed", "deploy_id": recorded.deploy.id},
            status=202,
        )

    return change_enqueue

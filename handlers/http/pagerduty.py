"""`POST /v2/enqueue`: the PagerDuty Events API v2, answered exactly as PagerDuty answers.

202 `{"status":"success","message":"Event processed","dedup_key":…}`; 400 `{"status":"invalid
event","message":"Event object is invalid","errors":[…]}` for a bad body and for an unknown
routing key. The incident work is one transaction; the outbox sends the pages after it.
"""

from __future__ import annotations

import json
import logging

from aiohttp import web

from bot.alerts import intake
from bot.alerts.pagerduty import SUCCESS, InvalidEvent, parse
from bot.context import Context
from bot.incidents import lifecycle
from storage import incidents as store

log = logging.getLogger("opsbridge.pagerduty")


def _invalid(errors: list[str]) -> web.Response:
    return web.json_response(InvalidEvent(errors).body(), status=400)


def view(ctx: Context):
    async def enqueue(request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return _invalid(["Malformed JSON: the body is not a JSON object"])
        try:
            event = parse(body)
        except InvalidEvent as exc:
            return _invalid(exc.errors)
        if event.action == "trigger":
            event = event.with_generated_key()
        if event.action == "trigger":
            async with ctx.db.sessions() as session:
                result = await intake.resent(session, event.routing_key, event.dedup_key, event.summary)
            if result is not None:
                return web.json_response({**SUCCESS, "dedup_key": event.dedup_key}, status=202)
        async with ctx.db.transaction() as session:
            service = await store.service_for_key(session, event.routing_key)
            if service is None:
                return _invalid(["Invalid routing key"])
            result = await intake.pagerduty_event(session, service, event, ctx.clock.now())
        if result.changed:  # a re-sent alert queued nothing: no need to wake the sender and the engine
            ctx.committed()
        if result.outcome is not None:
            lifecycle.tally(ctx.metrics, result.outcome)
        log.debug("pagerduty %s %s -> %s #%s", service.id, event.action, result.action, result.incident_id)
        return web.json_response({**SUCCESS, "dedup_key": event.dedup_key}, status=202)

    return enqueue

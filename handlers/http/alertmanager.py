"""`POST /integrations/alertmanager/{key}`: Alertmanager's webhook receiver (payload version 4).

Answers as soon as the one transaction commits (the outbox sends the pages): 200 with what was
done; 404 for an unknown integration key; 400 naming the bad field.
"""

from __future__ import annotations

import json
import logging

from aiohttp import web

from bot.alerts import intake
from bot.alerts.alertmanager import PayloadError, parse
from bot.context import Context
from bot.incidents import lifecycle
from storage import incidents as store

log = logging.getLogger("opsbridge.alertmanager")


def _error(status: int, message: str, **extra: str) -> web.Response:
    return web.json_response({"status": "error", "message": message, **extra}, status=status)


def view(ctx: Context):
    async def alertmanager(request: web.Request) -> web.Response:
        key = request.match_info["key"]
        async with ctx.db.sessions() as session:
            service = await store.service_for_key(session, key)
        if service is None:
            return _error(
                404,
                "Unknown integration key: add it to a service's integration_keys in the "
                "configuration file and run `opsbridge apply`.",
            )
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError) as exc:
            return _error(400, f"Malformed JSON: {exc}", field="body")
        try:
            group = parse(body)
        except PayloadError as exc:
            return _error(400, f"Bad Alertmanager payload: {exc}", field=exc.field)
        if group.status == "firing":
            async with ctx.db.sessions() as session:
                same = await intake.resent(session, key, group.group_key, group.fingerprints)
            if same is not None:
                return web.json_response(
                    {"status": "ok", "action": same.action, "incident": same.incident_id}
                )
        async with ctx.db.transaction() as session:
            service = await store.service_for_key(session, key)
            if service is None:
                return _error(404, "Unknown integration key.")
            result = await intake.alertmanager_group(session, service, group, ctx.clock.now())
        if result.changed:  # a re-sent alert queued nothing: no need to wake the sender and the engine
            ctx.committed()
        if result.outcome is not None:
            lifecycle.tally(ctx.metrics, result.outcome)
        log.info("alertmanager %s %s -> %s #%s", service.id, group.status, result.action, result.incident_id)
        return web.json_response({"status": "ok", "action": result.action, "incident": result.incident_id})

    return alertmanager

"""`POST /integrations/github`: GitHub webhooks (`deployment`, `deployment_status`, `workflow_run`, `ping`).

The signature is checked over the raw bytes before anything is parsed or stored, so a forged
delivery costs one HMAC and leaves no trace. `X-GitHub-Delivery` is recorded in the same
transaction as the deploy it causes: a redelivery is answered and does nothing, and a delivery
that failed half-way is not remembered, so GitHub's retry is processed properly.

Answers: 200 processed (or a duplicate, or `ping`), 202 acknowledged and ignored (an event or
repository we do not follow), 400 a body that is not JSON, 401 bad signature, 503 no secret set.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from urllib.parse import parse_qs

from aiohttp import web

from bot.context import Context
from bot.deploys.github import HANDLED_EVENTS
from bot.deploys.model import Ignored
from bot.deploys.service import ingest_github
from storage.models import ProcessedDelivery
from storage.upsert import insert_ignore

log = logging.getLogger("opsbridge.github")


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256: sha256=HEX`, HMAC-SHA256 of the raw body, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def _json_part(body: bytes, content_type: str) -> bytes:
    """The JSON document: the body itself, or its `payload` field when the webhook was set up with
    GitHub's other content type, `application/x-www-form-urlencoded`."""
    if content_type == "application/x-www-form-urlencoded":
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        return fields.get("payload", [""])[0].encode()
    return body


def view(ctx: Context):
    async def github_webhook(request: web.Request) -> web.Response:
        secret = ctx.settings.github_webhook_secret
        if not secret:
            return web.json_response(
                {"error": "GITHUB_WEBHOOK_SECRET is not set: GitHub webhooks are disabled until it is"},
                status=503,
            )
        body = await request.read()
        if not signature_ok(secret, body, request.headers.get("X-Hub-Signature-256")):
            log.warning("github delivery %s refused: bad signature", request.headers.get("X-GitHub-Delivery"))
            return web.json_response({"error": "bad signature (X-Hub-Signature-256)"}, status=401)
        event = request.headers.get("X-GitHub-Event", "")
        delivery = request.headers.get("X-GitHub-Delivery")
        try:
            payload = json.loads(_json_part(body, request.content_type))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return web.json_response(
                {"error": "the body is not JSON (set the content type to application/json)"}, status=400
            )
        if not isinstance(payload, dict):
            return web.json_response({"error": "the body is not a JSON object"}, status=400)
        if event == "ping":
            return web.json_response({"ok": True, "message": "pong", "hook_id": payload.get("hook_id")})
        if event not in HANDLED_EVENTS:
            log.debug("github %s delivery %s ignored: not an event we follow", event, delivery)
            return web.json_response(
                {"status": "ignored", "reason": f"event {event!r} is not followed"}, status=202
            )
        now = ctx.clock.now()
        async with ctx.db.transaction() as session:
            if delivery:
                first = await insert_ignore(
                    session,
                    ProcessedDelivery,
                    {"source": "github", "delivery_id": delivery[:200], "received_at": now},
                )
                if not first:
                    log.info("github delivery %s already processed", delivery)
                    return web.json_response({"status": "duplicate", "delivery": delivery})
            outcome = await ingest_github(session, event, payload, now)
        if isinstance(outcome, Ignored):
            return web.json_response({"status": "ignored", "reason": outcome.reason}, status=202)
        ctx.committed()
        deploy = outcome.deploy
        return web.json_response({
            "status": "created" if outcome.created else ("updated" if outcome.changed else "unchanged"),
            "deploy_id": deploy.id, "service": deploy.service_id, "environment": deploy.environment,
            "deploy_status": deploy.status,
        })  # fmt: skip

    return github_webhook

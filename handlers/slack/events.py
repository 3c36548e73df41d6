"""Events API listeners that belong to no single domain: mentions, and duplicate deliveries."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp

from bot.context import Context
from bot.usage import MENTION_REPLY
from storage.models import ProcessedDelivery
from storage.upsert import insert_ignore

log = logging.getLogger("opsbridge.events")


def register(app: AsyncApp, ctx: Context) -> None:
    @app.middleware
    async def skip_duplicate_events(body, next):
        """Slack retries an event it thinks we missed (same event_id): handle each event once."""
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if body.get("type") == "event_callback" and event_id:
            async with ctx.db.transaction() as session:
                fresh = await insert_ignore(
                    session,
                    ProcessedDelivery,
                    {"source": "slack", "delivery_id": event_id, "received_at": ctx.clock.now()},
                )
            if not fresh:
                log.info("event %s already handled: skipping the retry", event_id)
                return  # Bolt acks with 200 when no listener runs
        await next()

    @app.event("app_mention")
    async def on_mention(event, say) -> None:
        thread = event.get("thread_ts") or event.get("ts")
        await ctx.slack.call(
            "chat.postMessage", channel=event["channel"], text=MENTION_REPLY, thread_ts=thread
        )

    @app.event("message")
    async def on_message(event) -> None:
        """Messages are seen (for incident timelines) but need no answer by default."""

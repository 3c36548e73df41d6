"""Slash commands: one router per command, subcommands registered by each domain's handler module.

The listener acks first, then dispatches; a `UsageError` anywhere becomes an ephemeral reply
with the command's usage. This is the one place that maps errors to what a person sees.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.context import Context
from bot.errors import NotFound, PermissionDenied, UsageError
from bot.usage import usage

log = logging.getLogger("opsbridge.commands")


@dataclass
class Reply:
    text: str
    blocks: list[dict] | None = None
    in_channel: bool = False


@dataclass
class CommandRequest:
    command: str
    user_id: str
    channel_id: str
    text: str
    args: list[str]
    trigger_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> CommandRequest:
        text = (payload.get("text") or "").strip()
        try:
            args = shlex.split(text)
        except ValueError:  # an unbalanced quote: fall back to plain words
            args = text.split()
        return cls(
            command=payload["command"],
            user_id=payload["user_id"],
            channel_id=payload.get("channel_id", ""),
            text=text,
            args=args,
            trigger_id=payload.get("trigger_id"),
            payload=payload,
        )

    def rest(self, skip: int = 1) -> str:
        """The raw text after the first `skip` words, keeping the person's spacing and quotes."""
        text = self.text
        for _ in range(skip):
            parts = text.split(None, 1)
            text = parts[1] if len(parts) > 1 else ""
        return text.strip()


Subcommand = Callable[[Context, CommandRequest], Awaitable[Reply | str | None]]


class CommandRouter:
    """`/incident ack` goes to the `ack` subcommand; words that name no subcommand go to `fallback`."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.subcommands: dict[str, Subcommand] = {}
        self.fallback: Subcommand | None = None
        self.default: Subcommand | None = None  # no arguments at all

    def sub(self, *names: str) -> Callable[[Subcommand], Subcommand]:
        def decorate(fn: Subcommand) -> Subcommand:
            for name in names:
                self.subcommands[name] = fn
            return fn

        return decorate

    async def dispatch(self, ctx: Context, request: CommandRequest) -> Reply | str | None:
        if not request.args:
            if self.default is None:
                return usage(self.command)
            return await self.default(ctx, request)
        word = request.args[0].lower()
        if word in ("help", "-h", "--help", "?"):
            return usage(self.command)
        handler = self.subcommands.get(word)
        if handler is not None:
            return await handler(ctx, request)
        if self.fallback is not None:
            return await self.fallback(ctx, request)
        raise UsageError(f"Unknown subcommand `{word}`.")


def new_routers() -> dict[str, CommandRouter]:
    """Fresh routers per app, so two apps in one process (tests) never share listeners."""
    return {name: CommandRouter(name) for name in ("/oncall", "/incident", "/deploy", "/postmortem")}


def error_reply(command: str, error: UsageError) -> Reply:
    if isinstance(error, NotFound | PermissionDenied):
        return Reply(text=str(error))
    return Reply(text=usage(command, str(error) or None))


def register(app: AsyncApp, ctx: Context, routers: dict[str, CommandRouter]) -> None:
    for name, router in routers.items():
        app.command(name)(_listener(ctx, router))


def _listener(ctx: Context, router: CommandRouter):
    async def listener(ack, command, respond) -> None:
        await ack()
        request = CommandRequest.from_payload(command)
        log.info("%s %s by %s in %s", request.command, request.text, request.user_id, request.channel_id)
        try:
            reply = await router.dispatch(ctx, request)
        except UsageError as error:
            reply = error_reply(router.command, error)
        except Exception:
            log.exception("%s %s failed", request.command, request.text)
            reply = Reply(
                text=":warning: Something went wrong on our side; it has been logged. Please try again."
            )
        if reply is None:
            return
        if isinstance(reply, str):
            reply = Reply(text=reply)
        await respond(
            text=reply.text,
            blocks=reply.blocks,
            response_type="in_channel" if reply.in_channel else "ephemeral",
        )

    return listener

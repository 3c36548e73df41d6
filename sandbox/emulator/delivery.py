"""Sending signed requests to the bot's ``/slack/events`` as Slack does (the emulator's outbound side)."""

from __future__ import annotations

import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp

from .signing import signed_headers

if TYPE_CHECKING:
    from .person import Person
    from .socket_mode import SocketMode
    from .state import Workspace


@dataclass
class BotResponse:
    """The bot's HTTP answer, with how long it took (Slack gives up after 3 s)."""

    status: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        return json.loads(self.text) if self.text.strip() else None


@dataclass
class Delivered:
    kind: str  # event | command | interaction | raw
    payload: Any
    response: BotResponse


class Delivery:
    workspace: Workspace
    signing_secret: str
    verification_token: str
    bot_url: str | None
    socket: SocketMode

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._event_seq = itertools.count(1)
        self.delivered: list[Delivered] = []

    def connect(self, events_url: str) -> None:
        """Where the bot listens for Slack (its ``/slack/events`` URL)."""
        self.bot_url = events_url

    def user(self, user_id: str) -> Person:
        from .person import Person

        if self.workspace.user(user_id) is None:
            raise AssertionError(f"no user {user_id} in the workspace; add it with workspace.add_user()")
        return Person(self, user_id)  # type: ignore[arg-type]

    async def close_session(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post_to_bot(
        self,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        *,
        timestamp: int | None = None,
        signing_secret: str | None = None,
        kind: str = "raw",
        payload: Any = None,
    ) -> BotResponse:
        """POST ``body`` signed (with ``signing_secret``, default ours; ``timestamp``, default now).
        In Socket Mode, commands, interactions and events go over the socket instead (socket_mode.py)."""
        if self.socket.handles(kind, payload):
            response = await self.socket.deliver(kind, payload, headers)
            self.delivered.append(Delivered(kind, payload, response))
            return response
        if not self.bot_url:
            raise RuntimeError(
                "no bot connected: call emulator.connect(events_url) first (or start it in Socket Mode)"
            )
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        all_headers.update(signed_headers(signing_secret or self.signing_secret, body, timestamp))
        all_headers.update(headers or {})
        started = time.monotonic()
        async with self._session.post(self.bot_url, data=body, headers=all_headers) as res:
            text = await res.text()
            response = BotResponse(res.status, text, dict(res.headers), time.monotonic() - started)
        self.delivered.append(Delivered(kind, payload, response))
        return response

    async def post_form(self, fields: dict[str, str], *, kind: str = "command", **kw: Any) -> BotResponse:
        body = urlencode(fields).encode()
        return await self.post_to_bot(
            body, "application/x-www-form-urlencoded", kind=kind, payload=fields, **kw
        )

    async def post_interaction(self, payload: dict, **kw: Any) -> BotResponse:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post_to_bot(
            body, "application/x-www-form-urlencoded", kind="interaction", payload=payload, **kw
        )

    def new_event_id(self) -> str:
        return f"Ev{next(self._event_seq):04d}{secrets.token_hex(4).upper()}"

    def envelope(self, event: dict, *, event_id: str | None = None) -> dict:
        ws = self.workspace
        return {
            "token": self.verification_token,
            "team_id": ws.team_id,
            "context_team_id": ws.team_id,
            "context_enterprise_id": None,
            "api_app_id": ws.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or self.new_event_id(),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": ws.team_id,
                    "user_id": ws.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + secrets.token_hex(16),
        }

    async def deliver_event(
        self,
        event: dict,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        *,
        event_id: str | None = None,
    ) -> BotResponse:
        """Send an Events API ``event_callback``; pass the same ``event_id`` with ``retry_num`` for a retry."""
        event.setdefault("event_ts", event.get("ts") or f"{time.time():.6f}")
        envelope = self.envelope(event, event_id=event_id)
        headers = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        body = json.dumps(envelope).encode()
        return await self.post_to_bot(body, "application/json", headers, kind="event", payload=envelope)

    async def url_verification(self, challenge: str | None = None) -> BotResponse:
        """Slack's ``url_verification`` handshake; the bot should echo ``challenge``."""
        payload = {
            "token": self.verification_token,
            "challenge": challenge or secrets.token_urlsafe(24),
            "type": "url_verification",
        }
        return await self.post_to_bot(
            json.dumps(payload).encode(), "application/json", kind="event", payload=payload
        )

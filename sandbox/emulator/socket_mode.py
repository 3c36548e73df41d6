"""Socket Mode: ``apps.connections.open`` and the WebSocket Slack pushes envelopes through.

The bot (slack_sdk's ``SocketModeClient``) calls ``apps.connections.open`` with the app-level token
(``xapp-…``), connects to the returned ``ws://…/socket/<id>``, is greeted with ``hello``, then gets
envelopes ``{"envelope_id", "type": "slash_commands"|"interactive"|"events_api", "payload",
"accepts_response_payload"}`` and acknowledges each with ``{"envelope_id", "payload"?}``. The ack's
payload plays the part of the HTTP response body (only where ``accepts_response_payload``).
``disconnect(reason)`` sends Slack's ``disconnect`` message; the client then opens a new connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
import uuid
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode, WSMsgType, web

from .api import Params, method
from .delivery import BotResponse

if TYPE_CHECKING:
    from .server import SlackEmulator

log = logging.getLogger("sandbox.emulator.socket")

APP_TOKEN_METHODS = {"apps.connections.open"}  # methods that take the app-level token, not the bot's
ENVELOPE_TYPES = {"command": "slash_commands", "interaction": "interactive", "event": "events_api"}
ANSWERABLE = {"view_submission", "block_suggestion"}  # interactive payloads whose ack body Slack uses


class SocketClosed(Exception):
    pass


class SocketMode:
    """The emulator's Socket Mode side: issued URLs, open sockets, envelopes waiting for their ack."""

    def __init__(self, emu: SlackEmulator) -> None:
        self.emu = emu
        self.forced = False  # use_socket_mode(): always deliver over the socket
        self.ack_timeout = 3.0  # Slack waits ~3 s for an ack
        self.issued: dict[str, float] = {}  # socket id -> when apps.connections.open issued it
        self.sockets: list[web.WebSocketResponse] = []  # open and greeted, oldest first
        self.connections = 0  # sockets ever opened (a reconnect after `disconnect` adds one)
        self.envelopes: list[dict] = []  # every envelope sent, in order
        self._opening = 0
        self._pending: dict[str, tuple[web.WebSocketResponse, asyncio.Future]] = {}

    # ---- state
    @property
    def connected(self) -> bool:
        return any(not ws.closed for ws in self.sockets)

    @property
    def active(self) -> bool:
        """Deliver over the socket: forced, or a socket is (being) connected and no ``bot_url`` is set."""
        return self.forced or (self.emu.bot_url is None and (self.connected or self._opening > 0))

    def handles(self, kind: str, payload: Any) -> bool:
        if kind not in ENVELOPE_TYPES or not isinstance(payload, dict) or not self.active:
            return False
        return kind != "event" or payload.get("type") == "event_callback"  # no url_verification here

    def issue(self) -> str:
        sid = secrets.token_urlsafe(12)
        self.issued[sid] = time.time()
        base = self.emu.url
        scheme = "wss" if base.startswith("https") else "ws"
        return f"{scheme}{base[base.index(':') :]}socket/{sid}"

    async def wait_connected(self, count: int = 1, timeout: float = 5.0) -> None:
        """Until at least ``count`` sockets were ever opened and one is open now."""
        deadline = time.monotonic() + timeout
        while not (self.connections >= count and self.connected):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no Socket Mode connection #{count} within {timeout}s ({self.connections} so far)"
                )
            await asyncio.sleep(0.01)

    # ---- the WebSocket route
    async def handle(self, request: web.Request) -> web.StreamResponse:
        sid = request.match_info["sid"]
        if sid not in self.issued:
            return web.Response(status=404, text="invalid_socket_url", content_type="text/plain")
        ws = web.WebSocketResponse(autoping=True)
        self._opening += 1
        try:
            await ws.prepare(request)
            self.connections += 1
            await ws.send_json(self._hello())
            self.sockets.append(ws)
        finally:
            self._opening -= 1
        log.debug("socket %s connected (%d open)", sid, len(self.sockets))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._on_text(msg.data)
        finally:
            self.sockets.remove(ws)
            for envelope_id, (owner, fut) in list(self._pending.items()):
                if owner is ws and not fut.done():
                    fut.set_exception(SocketClosed(envelope_id))
            log.debug("socket %s closed", sid)
        return ws

    def _hello(self) -> dict:
        return {
            "type": "hello",
            "num_connections": len(self.sockets) + 1,
            "debug_info": {
                "host": "applink-emulator",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.emu.workspace.app_id},
        }

    def _on_text(self, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            log.warning("socket: not JSON: %.200s", data)
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        entry = self._pending.get(envelope_id or "")
        if entry is None:
            log.warning("socket: ack for unknown envelope %s", envelope_id)
            return
        if not entry[1].done():
            entry[1].set_result(message)

    # ---- sending
    async def _socket(self) -> web.WebSocketResponse:
        deadline = time.monotonic() + self.ack_timeout
        while True:
            open_ = [ws for ws in self.sockets if not ws.closed]
            if open_:
                return open_[-1]
            if time.monotonic() > deadline:
                raise RuntimeError(
                    "no Socket Mode connection: start the bot with SLACK_APP_TOKEN (it calls "
                    "apps.connections.open), or use emulator.connect(events_url) for HTTP"
                )
            await asyncio.sleep(0.01)

    async def deliver(self, kind: str, payload: dict, headers: dict[str, str] | None = None) -> BotResponse:
        """Send ``payload`` as an envelope and wait for the ack; a BotResponse as if it came over HTTP
        (200 with the ack's payload as the body; 408 without an ack in time; 502 if the socket closed)."""
        ws = await self._socket()
        envelope_id = str(uuid.uuid4())
        accepts = kind == "command" or (kind == "interaction" and payload.get("type") in ANSWERABLE)
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": ENVELOPE_TYPES[kind],
            "payload": payload,
            "accepts_response_payload": accepts,
        }
        if kind == "event":
            headers = {k.lower(): v for k, v in (headers or {}).items()}
            envelope["retry_attempt"] = int(headers.get("x-slack-retry-num", 0))
            envelope["retry_reason"] = headers.get("x-slack-retry-reason", "")
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending[envelope_id] = (ws, fut)
        self.envelopes.append(envelope)
        started = time.monotonic()
        try:
            await ws.send_json(envelope)
            ack = await asyncio.wait_for(fut, self.ack_timeout)
        except TimeoutError:
            return BotResponse(
                408,
                f"no ack for envelope {envelope_id} within {self.ack_timeout}s",
                elapsed=time.monotonic() - started,
            )
        except (SocketClosed, ConnectionError) as exc:
            return BotResponse(
                502, f"the socket closed before the ack ({exc})", elapsed=time.monotonic() - started
            )
        finally:
            self._pending.pop(envelope_id, None)
        body = ack.get("payload") if accepts else None  # Slack ignores a payload it did not ask for
        text = json.dumps(body) if body else ""
        return BotResponse(200, text, {"Content-Type": "application/json"}, time.monotonic() - started)

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack's ``disconnect`` message to every open socket; clients reconnect to a fresh URL."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-emulator"}}
        for ws in list(self.sockets):
            if not ws.closed:
                with contextlib.suppress(ConnectionError):
                    await ws.send_json(message)

    async def close_all(self, *_: object) -> None:
        """Close every socket (the emulator's shutdown); clients see a close frame."""
        for ws in list(self.sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")


@method("apps.connections.open")
def apps_connections_open(emu: SlackEmulator, p: Params) -> dict:
    return {"url": emu.socket.issue()}

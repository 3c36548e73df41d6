"""SlackEmulator: the aiohttp server speaking the Slack Web API, response URLs and uploads.

Routes are relative to the app root so ``emulator.app`` can be served standalone or mounted:
``POST /api/{method}``, ``POST /upload/{file_id}``, ``POST /respond/{id}``, ``GET /files/{id}/{name}``,
``GET /socket/{id}`` (Socket Mode WebSocket, see socket_mode.py).
Other code (the sandbox page) may add routes to ``emulator.app`` before ``start()``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from typing import Any

from aiohttp import web

from . import methods_chat, methods_conversations, methods_files, methods_users, methods_views  # noqa: F401
from .api import METHODS, ApiError, Params, decode_json_fields
from .calls import Call, CallLog
from .delivery import Delivery
from .expect import Expectations
from .faults import Faults
from .links import ResponseUrls, Triggers
from .respond import apply_response
from .socket_mode import APP_TOKEN_METHODS, SocketMode
from .state import Workspace

log = logging.getLogger("sandbox.emulator")
EMULATOR_KEY: web.AppKey[SlackEmulator] = web.AppKey("sandbox.emulator")


class SlackEmulator(Delivery, Expectations):
    def __init__(
        self,
        *,
        signing_secret: str = "test-signing-secret",
        bot_token: str = "xoxb-test",
        app_token: str = "xapp-test",
        workspace: Workspace | None = None,
        verification_token: str = "verification-token",
    ) -> None:
        self.signing_secret = signing_secret
        self.bot_token = bot_token
        self.app_token = app_token
        self.verification_token = verification_token
        self.workspace = workspace or Workspace()
        self.calls = CallLog()
        self.faults = Faults()
        self.triggers = Triggers()
        self.response_urls = ResponseUrls()
        self.bot_url: str | None = None
        self.base_url: str | None = None  # set by start(), or by whoever serves `app` elsewhere
        self._runner: web.AppRunner | None = None
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app[EMULATOR_KEY] = self
        self.app.router.add_post("/api/{method}", self._handle_api)
        self.app.router.add_get("/api/{method}", self._handle_api)
        self.app.router.add_post("/upload/{file_id}", self._handle_upload)
        self.app.router.add_post("/respond/{rid}", self._handle_respond)
        self.app.router.add_get("/files/{file_id}/{name}", self._handle_file)
        self.socket = SocketMode(self)
        self.app.router.add_get("/socket/{sid}", self.socket.handle)
        self.app.on_shutdown.append(self.socket.close_all)
        Delivery.__init__(self)

    # ---- lifecycle
    @property
    def url(self) -> str:
        if not self.base_url:
            raise RuntimeError(
                "the emulator is not started (or set emulator.base_url where you serve emulator.app)"
            )
        return self.base_url

    @property
    def api_url(self) -> str:
        return f"{self.url}api/"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> SlackEmulator:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        bound = sockets[0].getsockname()[1] if sockets else port
        self.base_url = f"http://{host}:{bound}/"
        log.debug("slack emulator listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        await self.close_session()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def use_socket_mode(self, on: bool = True) -> None:
        """Deliver commands, clicks and events over the Socket Mode connection even if ``bot_url`` is set
        (without this, the socket is used when one is connected and no ``bot_url`` is set)."""
        self.socket.forced = on

    # ---- call log
    def calls_to(self, method: str) -> list[Call]:
        return self.calls.to(method)

    # ---- Web API
    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict:
        """Run a Web API method in process (no HTTP, no faults); returns Slack's JSON body."""
        return await self._dispatch(
            method, Params(decode_json_fields(dict(params or {}))), token or self.bot_token
        )

    async def _dispatch(self, method: str, params: Params, token: str | None) -> dict:
        handler = METHODS.get(method)
        try:
            if handler is None:
                raise ApiError("unknown_method")
            if not token:
                raise ApiError("not_authed")
            if method in APP_TOKEN_METHODS:
                if token != self.app_token:
                    raise ApiError("not_allowed_token_type" if token == self.bot_token else "invalid_auth")
            elif token != self.bot_token:
                raise ApiError("not_allowed_token_type" if token == self.app_token else "invalid_auth")
            result = handler(self, params)
            if inspect.isawaitable(result):
                result = await result
            body = {"ok": True, **(result or {})}
        except ApiError as exc:
            body = {"ok": False, "error": exc.error, **exc.extra}
        self._record(method, params, 200, body)
        return body

    def _record(self, method: str, params: dict, status: int, body: dict) -> None:
        error = None if body.get("ok") else str(body.get("error"))
        log.debug("api %s -> %s %s", method, status, error or "ok")
        self.calls.record(Call(method, dict(params), status, error, response=body))

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await _read_params(request)
        except ValueError:
            body = {"ok": False, "error": "invalid_json"}
            self._record(method, {}, 200, body)
            return web.json_response(body)
        token = _bearer(request) or params.pop("token", None)
        params.pop("token", None)
        fault = self.faults.take(method)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status or fault.error:
                status = fault.status or 200
                error = fault.error or ("ratelimited" if status == 429 else "internal_error")
                body = {"ok": False, "error": error}
                headers = {"Retry-After": str(fault.retry_after or 1)} if status == 429 else {}
                self._record(method, params, status, body)
                return web.json_response(body, status=status, headers=headers)
        body = await self._dispatch(method, params, token)
        return web.json_response(body)

    # ---- uploads, files, response URLs
    async def _handle_upload(self, request: web.Request) -> web.Response:
        f = self.workspace.files.get(request.match_info["file_id"])
        if f is None or f.completed:
            return web.Response(status=404, text="file_not_found", content_type="text/plain")
        if request.content_type == "multipart/form-data":
            form = await request.post()
            data = next((v.file.read() for v in form.values() if isinstance(v, web.FileField)), b"")
        else:
            data = await request.read()
        self.workspace.change_file(f, content=data)
        self._record("upload", {"file_id": f.id, "bytes": len(data)}, 200, {"ok": True})
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    async def _handle_file(self, request: web.Request) -> web.Response:
        f = self.workspace.files.get(request.match_info["file_id"])
        if f is None:
            return web.Response(status=404, text="file_not_found")
        return web.Response(body=f.content, content_type="application/octet-stream")

    async def _handle_respond(self, request: web.Request) -> web.Response:
        record = self.response_urls.get(request.match_info["rid"])
        if record is None:
            return web.Response(status=404, text="invalid_url", content_type="text/plain")
        if record.uses >= self.response_urls.max_uses:
            return web.Response(status=404, text="used_url", content_type="text/plain")
        record.uses += 1
        try:
            params = await _read_params(request)
        except ValueError:
            return web.Response(status=400, text="invalid_payload", content_type="text/plain")
        if isinstance(params.get("payload"), str):
            params = Params(decode_json_fields(json.loads(params["payload"])))
        error = apply_response(self.workspace, record, params)
        status = 200 if error is None else 404 if error == "message_not_found" else 400
        body = {"ok": True} if error is None else {"ok": False, "error": error}
        self._record("response_url", {"response_url": record.id, **params}, status, body)
        if error:
            return web.Response(status=status, text=error, content_type="text/plain")
        return web.json_response(body)


def _bearer(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return None


async def _read_params(request: web.Request) -> Params:
    """Query string plus a JSON, form-encoded or multipart body; JSON strings in blocks/view/... decoded."""
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        ctype = request.content_type
        if ctype == "application/json":
            raw = await request.text()
            data = json.loads(raw) if raw.strip() else {}
            if isinstance(data, dict):
                params.update(data)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                params[key] = value.file.read() if isinstance(value, web.FileField) else value
    return Params(decode_json_fields(params))

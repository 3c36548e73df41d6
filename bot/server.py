"""Run an aiohttp application until SIGTERM/SIGINT; SIGHUP calls the app's reload hooks."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger("opsbridge.server")

RELOAD_HOOKS = web.AppKey("reload_hooks", list)


async def serve_until_stopped(app: web.Application, host: str, port: int) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("listening on http://%s:%s", host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    hooks: list[Callable[[], Awaitable[None]]] = app.get(RELOAD_HOOKS, [])
    if hooks:
        loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(_reload(hooks)))
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        await runner.cleanup()


async def _reload(hooks: list[Callable[[], Awaitable[None]]]) -> None:
    log.info("SIGHUP: reloading")
    for hook in hooks:
        try:
            await hook()
        except Exception:
            log.exception("reload failed; keeping the previous state")

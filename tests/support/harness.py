"""A running bot wired to the Slack emulator: what end-to-end tests talk to.

The bot is the real application (`bot.app.create_app`) served over HTTP on 127.0.0.1; Slack is the
emulator, reached by the real slack_sdk client through SLACK_API_URL; requests to the bot are
signed exactly as Slack signs them. Time is a FakeClock the test moves.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web

from bot.app import CONTEXT, Tuning, create_app
from bot.clock import Clock
from bot.context import Context
from bot.settings import Settings

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"
API_TOKEN = "test-api-token"
GITHUB_SECRET = "test-github-secret"


def test_environment(database_url: str, slack_api_url: str, **overrides: str) -> dict[str, str]:
    """The settings every test bot runs with, as environment variables (names from the contract)."""
    values = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "DATABASE_URL": database_url,
        "OPSBRIDGE_API_TOKEN": API_TOKEN,
        "GITHUB_WEBHOOK_SECRET": GITHUB_SECRET,
        "OPSBRIDGE_CONFIG": "/nonexistent/opsbridge.yaml",
        "PUBLIC_URL": "http://127.0.0.1:3000",
    }
    values.update(overrides)
    return values


def test_settings(database_url: str, slack_api_url: str, **overrides: str) -> Settings:
    return Settings(_env_file=None, **test_environment(database_url, slack_api_url, **overrides))


@dataclass
class RunningBot:
    app: web.Application
    runner: web.AppRunner
    url: str
    clock: Clock
    extra: dict = field(default_factory=dict)

    @property
    def ctx(self) -> Context:
        return self.app[CONTEXT]

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    async def run_due(self) -> None:
        """One engine pass at the clock's current time, then deliver what it queued."""
        await self.ctx.engine.run_due()
        await self.deliver()

    async def deliver(self, rounds: int = 50) -> None:
        """Deliver every outbox message that is due now (the background sender also does this)."""
        for _ in range(rounds):
            sent = await self.ctx.sender.deliver_due()
            if not sent:
                from storage import outbox as store

                async with self.ctx.db.sessions() as session:
                    due = await store.heads_of_lanes(session, self.clock.now())
                if not due:
                    return
                await asyncio.sleep(0.02)

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_bot(settings: Settings, clock: Clock, *, tuning: Tuning | None = None) -> RunningBot:
    tuning = tuning or Tuning(lane_interval=0.0, tick_seconds=0.5)
    app = create_app(settings, clock=clock, tuning=tuning)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return RunningBot(app=app, runner=runner, url=f"http://127.0.0.1:{port}", clock=clock)

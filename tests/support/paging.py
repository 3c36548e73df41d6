"""Helpers for the paging tests: a small team with second-scale escalation, and alert senders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp

from bot.config import load_config
from bot.config.apply import apply_config
from storage.db import Database

KEY = "fastfastfastfastfastfastfastfast"

FAST_TEAM = """
timezone: UTC
admins: [alice]
channels: {{incidents: C0INCIDENTS}}
people:
  - {{id: alice, slack: U0ALICE, role: ops}}
  - {{id: bob,   slack: U0BOB,   role: dev}}
  - {{id: carol, slack: U0CAROL, role: ops}}
  - {{id: dave,  slack: U0DAVE,  role: dev}}
  - {{id: erin,  slack: U0ERIN,  role: dev}}
teams:
  - {{id: payments, members: [alice, bob, carol, dave]}}
schedules:
  - id: ops
    team: payments
    layers: [{{name: l, rotation: weekly, start: "2026-01-05T09:00", members: [carol]}}]
    shadows: [{{person: erin, until: "2030-12-31"}}]
  - id: dev
    team: payments
    layers: [{{name: l, rotation: weekly, start: "2026-01-05T09:00", members: [bob]}}]
escalation_policies:
  - id: fast
    repeat: {repeat}
    levels:
      - {{targets: [schedule:ops], timeout: {timeout}}}
      - {{targets: [schedule:dev], timeout: {timeout}}}
services:
  - id: checkout
    team: payments
    escalation_policy: fast
    integration_keys: [{key}]
"""


def fast_team_yaml(*, timeout: str = "2s", repeat: int = 1, key: str = KEY) -> str:
    return FAST_TEAM.format(timeout=timeout, repeat=repeat, key=key)


async def apply_yaml(db: Database, text: str, tmp_path: Path) -> Path:
    path = tmp_path / "opsbridge.yaml"
    path.write_text(text)
    await apply_config(db, load_config(path))
    return path


def pd_trigger(
    summary: str = "Checkout is down",
    *,
    key: str = KEY,
    dedup_key: str | None = None,
    severity: str = "warning",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "routing_key": key,
        "event_action": "trigger",
        "payload": {"summary": summary, "source": "prometheus", "severity": severity},
    }
    if dedup_key is not None:
        body["dedup_key"] = dedup_key
    return body


async def post_json(url: str, body: Any, *, raw: bytes | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http:
        data = raw if raw is not None else None
        kwargs = (
            {"data": data, "headers": {"Content-Type": "application/json"}}
            if raw is not None
            else {"json": body}
        )
        async with http.post(url, **kwargs) as response:
            try:
                return response.status, await response.json(content_type=None)
            except ValueError:
                return response.status, await response.text()


async def quiesce(bot) -> None:
    """Stop the bot's background work while it is idle, before the app is torn down.

    The app's cleanup cancels the outbox sender and leaves a running engine pass to the loop's
    shutdown; a task cancelled in the middle of an aiosqlite call can make SQLAlchemy's connection
    terminate race aiosqlite's close and hang the loop forever. Draining first and stopping the
    engine and the sender between passes keeps these tests from tripping on it.
    """
    import asyncio

    bot.ctx.engine.shutdown()
    for _ in range(250):
        if not bot.ctx.engine._lock.locked():
            break
        await asyncio.sleep(0.02)
    await bot.deliver()
    await bot.ctx.sender.stop()

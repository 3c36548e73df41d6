"""Helpers for on-call tests: wait for the engine's first pass, apply a configuration text."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select

from bot.config import load_config
from bot.config.apply import apply_config
from bot.schedules.handoffs import run_handoffs
from storage.models import OutboxMessage

TEAM = Path(__file__).parent.parent / "fixtures" / "team.yaml"


async def settle(bot, timeout: float = 5.0) -> None:
    """Run the on-call due work at the clock's time and wait until every queued Slack call went out,
    so a test counts only what it causes. The work runs directly as well as through `run_due`:
    when the background engine is mid-pass, `run_due` returns at once. It is idempotent, so
    running it again (here, in the background, in a replica) is exactly what must be safe."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    await bot.run_due()
    await run_handoffs(bot.ctx.db, bot.clock.now())
    while True:
        await bot.deliver()
        async with bot.ctx.db.sessions() as session:
            pending = await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "pending")
            )
        if not pending:
            return
        if loop.time() > deadline:
            raise AssertionError(f"not settled: {pending} messages still pending")
        await asyncio.sleep(0.02)


async def apply_text(bot, text: str, tmp_path: Path) -> None:
    path = tmp_path / "opsbridge.yaml"
    path.write_text(text)
    await apply_config(bot.ctx.db, load_config(path))

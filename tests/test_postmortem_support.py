"""Helpers for the post-mortem tests (no tests here): incidents through the real lifecycle, clocks, DMs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from bot.incidents import lifecycle
from storage.models import IncidentRole, Setting
from tests.support import harness

TEAM = Path(__file__).parent / "fixtures" / "team.yaml"
BERLIN = ZoneInfo("Europe/Berlin")


def berlin(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BERLIN).astimezone(UTC)


async def open_incident(
    bot, *, title: str, severity: int, service: str | None = "checkout", by: str = "U0ALICE"
) -> int:
    async with bot.ctx.db.transaction() as session:
        outcome = await lifecycle.open_incident(
            session, now=bot.clock.now(), title=title, severity=severity, service_id=service, source="slack",
            declared_by=by,
        )  # fmt: skip
    bot.ctx.committed()
    return outcome.incident.id


async def acknowledge(bot, incident_id: int, by: str) -> None:
    async with bot.ctx.db.transaction() as session:
        await lifecycle.acknowledge(session, incident_id, by=by, now=bot.clock.now())
    bot.ctx.committed()


async def pin(bot, incident_id: int, by: str, text: str) -> None:
    async with bot.ctx.db.transaction() as session:
        incident = await lifecycle.load(session, incident_id)
        await lifecycle.record_event(
            session, incident, "pinned", actor=by, now=bot.clock.now(), data={"text": text}
        )


async def set_role(bot, incident_id: int, role: str, user: str) -> None:
    async with bot.ctx.db.transaction() as session:
        await session.merge(
            IncidentRole(incident_id=incident_id, role=role, slack_user_id=user, assigned_at=bot.clock.now())
        )


async def resolve(bot, incident_id: int, by: str, summary: str | None = None) -> None:
    """Resolve through the lifecycle: its observer asks for the post-mortem in the same transaction."""
    async with bot.ctx.db.transaction() as session:
        await lifecycle.resolve(session, incident_id, by=by, now=bot.clock.now(), summary=summary)
    bot.ctx.committed()


def reminders_to(slack, user: str) -> list:
    return [m for m in slack.messages_in(user) if "Reminder" in m.text_content]


def document_link(text: str) -> str:
    match = re.search(r"(https?://[^|>\s]+/postmortems/\d+\.md\?token=[^|>\s]+)", text)
    assert match, f"no document link in {text!r}"
    return match.group(1)


async def post_deploy(bot, **body) -> None:
    async with aiohttp.ClientSession() as http:
        response = await http.post(
            f"{bot.url}/api/v1/deploys", json=body, headers={"Authorization": f"Bearer {harness.API_TOKEN}"}
        )
        assert response.status in (200, 201), await response.text()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


def section(doc: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    assert match, f"no section {heading!r} in:\n{doc}"
    return match.group(1)


async def at(bot, clock, when) -> None:
    """Move the clock and let the engine and the outbox catch up."""
    clock.set(when)
    await bot.run_due()


async def a_deploy_before_the_incident(bot, clock) -> None:
    """checkout v42 to production, succeeded, Sun 22:00 in Berlin (the incidents start at 23:40)."""
    clock.set(berlin(2026, 11, 22, 22, 0))
    await post_deploy(
        bot,
        id="run-7",
        service="checkout",
        environment="production",
        version="v42",
        status="succeeded",
        actor="bob",
        url="https://ci.example.com/run/7",
        commit="abc1234def",
    )


async def a_resolved_sev1(bot, clock) -> int:
    """Sun 23:40 to Mon 09:55 in Berlin: a deploy before, paged, acknowledged, a pinned message after midnight."""
    await a_deploy_before_the_incident(bot, clock)
    clock.set(berlin(2026, 11, 22, 23, 40))
    ident = await open_incident(bot, title="Checkout returns 500", severity=1)
    clock.advance(timedelta(minutes=4))  # within level 1's 5 minutes: nobody else is paged
    await acknowledge(bot, ident, "U0ALICE")
    await set_role(bot, ident, "commander", "U0DAVE")
    await set_role(bot, ident, "dev", "U0BOB")
    clock.set(berlin(2026, 11, 23, 0, 30))
    await pin(bot, ident, "U0BOB", "Rolled back to v41 <!channel>")
    clock.set(berlin(2026, 11, 23, 9, 55))
    await resolve(bot, ident, "U0ALICE", "Rolled back v42")
    return ident


async def set_setting(bot, key: str, value) -> None:
    async with bot.ctx.db.transaction() as session:
        await session.merge(Setting(key=key, value=value))

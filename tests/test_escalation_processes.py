"""Timers that survive anything: `opsbridge serve` killed with SIGKILL, and two replicas on one PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import load_config
from bot.config.apply import apply_config
from storage.db import Database
from storage.models import Incident, OutboxMessage, Page
from tests.support.paging import fast_team_yaml, pd_trigger, post_json
from tests.support.process import ServeProcess

pytestmark = pytest.mark.slow
_names = itertools.count()


async def apply_file(database_url: str, path: Path) -> None:
    db = Database(database_url)
    try:
        await apply_config(db, load_config(path))
    finally:
        await db.dispose()


async def scalar(database_url: str, query):
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            return await session.scalar(query)
    finally:
        await db.dispose()


async def until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def dms(slack, user: str, pattern: str = "") -> list:
    return [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.params.get("channel") == user and c.ok and re.search(pattern, str(c.params.get("text", "")))
    ]


async def test_a_page_due_while_the_bot_was_killed_is_sent_at_restart_once(database_url, slack, tmp_path):
    config = tmp_path / "opsbridge.yaml"
    config.write_text(fast_team_yaml(timeout="3s", repeat=0))
    await apply_file(database_url, config)
    first = ServeProcess(
        database_url=database_url, slack_api_url=slack.api_url, config=config, log_path=tmp_path / "first.log"
    ).start()
    second = None
    try:
        await first.wait_ready()
        status, body = await post_json(
            f"{first.url}/v2/enqueue", pd_trigger("Checkout is down", dedup_key="k1")
        )
        assert status == 202, body
        await slack.expect_dm("U0CAROL", contains="level 1 of escalation policy", timeout=10)

        async def level_one_delivered() -> bool:  # so the kill loses nothing that was already sent
            pending = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "pending")
            return await scalar(database_url, pending) == 0

        await until(level_one_delivered, 10, "the level 1 messages to be marked sent")
        first.kill()

        due = await scalar(database_url, select(Incident.next_escalation_at))
        assert due is not None
        await asyncio.sleep(max((due - datetime.now(UTC)).total_seconds(), 0) + 1.5)
        assert dms(slack, "U0BOB") == []  # due, but nobody is running

        second = ServeProcess(
            database_url=database_url,
            slack_api_url=slack.api_url,
            config=config,
            log_path=tmp_path / "second.log",
        ).start()
        await second.wait_ready()
        await slack.expect_dm("U0BOB", contains="level 2 of escalation policy", timeout=10)
        await asyncio.sleep(2.5)  # a few more engine ticks: nothing is paged twice
        assert len(dms(slack, "U0BOB")) == 1
        assert len(dms(slack, "U0CAROL", r"^Page:")) == 1
        level2 = select(func.count()).select_from(Page).where(Page.level == 2)
        assert await scalar(database_url, level2) == 1
    finally:
        first.kill()
        if second is not None:
            second.stop()


SERVICES = 25  # x 2 incidents = 50; each service has its own people and channel so Slack pacing stays short


def replicas_yaml() -> str:
    people, policies, services = [], [], []
    for n in range(1, SERVICES + 1):
        people += [
            f"  - {{id: a{n:02d}, slack: U0A{n:02d}, role: ops}}",
            f"  - {{id: b{n:02d}, slack: U0B{n:02d}, role: dev}}",
        ]
        policies += [
            f"  - id: p{n:02d}",
            "    levels:",
            f"      - {{targets: [person:a{n:02d}], timeout: 3s}}",
            f"      - {{targets: [person:b{n:02d}], timeout: 1h}}",
        ]
        services += [
            f"  - id: s{n:02d}",
            "    team: everyone",
            f"    escalation_policy: p{n:02d}",
            f"    channels: {{incidents: C0SVC{n:02d}}}",
            f"    integration_keys: [key{n:02d}]",
        ]
    members = ", ".join(f"a{n:02d}, b{n:02d}" for n in range(1, SERVICES + 1))
    return "\n".join(
        [
            "timezone: UTC",
            "people:",
            *people,
            "teams:",
            f"  - {{id: everyone, members: [{members}]}}",
            "escalation_policies:",
            *policies,
            "services:",
            *services,
            "",
        ]
    )


async def test_two_replicas_on_one_postgres_page_each_step_exactly_once(request, slack, tmp_path):
    if os.environ.get("OPSBRIDGE_TEST_DB", "postgres") != "postgres":
        pytest.skip("two replicas share a PostgreSQL database; OPSBRIDGE_TEST_DB selects SQLite only")
    pg = request.getfixturevalue("pg_server")
    name = f"replicas_{os.getpid()}_{next(_names)}"
    pg.psql(f"CREATE DATABASE {name} TEMPLATE opsbridge_template")
    database_url = pg.url(name)
    for n in range(1, SERVICES + 1):
        slack.workspace.add_user(f"U0A{n:02d}", f"a{n:02d}")
        slack.workspace.add_user(f"U0B{n:02d}", f"b{n:02d}")
        slack.workspace.add_channel(f"C0SVC{n:02d}", f"svc-{n:02d}", members=[])
    config = tmp_path / "opsbridge.yaml"
    config.write_text(replicas_yaml())
    await apply_file(database_url, config)
    replicas = [
        ServeProcess(
            database_url=database_url,
            slack_api_url=slack.api_url,
            config=config,
            log_path=tmp_path / f"replica{i}.log",
        ).start()
        for i in range(2)
    ]
    try:
        await asyncio.gather(*(r.wait_ready() for r in replicas))
        sends = [
            post_json(
                f"{replicas[i % 2].url}/v2/enqueue",
                pd_trigger(f"Service {n:02d} incident {i}", key=f"key{n:02d}", dedup_key=f"d{n}-{i}"),
            )
            for n in range(1, SERVICES + 1)
            for i in range(2)
        ]
        answers = await asyncio.gather(*sends)
        assert [status for status, _ in answers] == [202] * 50

        def paged(level: str) -> int:
            return sum(len(dms(slack, f"U0{level}{n:02d}", r"^Page:")) for n in range(1, SERVICES + 1))

        async def all_level_two() -> bool:
            return paged("B") >= 50

        await until(all_level_two, 25, "50 level 2 pages")
        await asyncio.sleep(2)  # more ticks of both replicas: still nothing twice
        for n in range(1, SERVICES + 1):
            for level in ("A", "B"):
                texts = sorted(
                    c.params["text"].split(" · ")[0] for c in dms(slack, f"U0{level}{n:02d}", r"^Page:")
                )
                assert len(texts) == 2 and len(set(texts)) == 2, (level, n, texts)  # two incidents, once each
        assert await scalar(database_url, select(func.count()).select_from(Incident)) == 50
        assert await scalar(database_url, select(func.count()).select_from(Page)) == 100
    finally:
        for replica in replicas:
            replica.stop()

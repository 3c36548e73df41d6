"""Alerts in, people paged: webhook-to-page latency, and a PagerDuty v2 storm against `opsbridge serve`.

(a) Alertmanager webhooks, one at a time, each a new group: the time from sending the webhook to
the page's `chat.postMessage` arriving at the Slack emulator (p50/p99).
(b) A storm of `--events` PagerDuty v2 triggers over `--keys` dedup keys, as fast as `--concurrency`
clients can send them: events/s, incidents opened (must equal the keys), pages sent and delivered,
and the p99 of slash commands typed during the storm (the ack Slack waits 3 s for).

The bot is a real `opsbridge serve` subprocess (SQLite by default, `--database-url` for PostgreSQL);
services are spread over `--services` people and channels so Slack's one-message-per-second pacing
per channel does not dominate the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from sandbox.emulator import SlackEmulator
from tests.support.harness import SIGNING_SECRET
from tests.support.process import ServeProcess


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=10_000, help="PagerDuty events in the storm")
    parser.add_argument("--keys", type=int, default=200, help="distinct dedup keys in the storm")
    parser.add_argument("--concurrency", type=int, default=50, help="storm clients sending at once")
    parser.add_argument("--samples", type=int, default=100, help="Alertmanager webhooks timed one by one")
    parser.add_argument(
        "--services", type=int, default=50, help="services (each with its own person and channel)"
    )
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--seed", type=int, default=1)


def run(args: argparse.Namespace) -> dict:
    return asyncio.run(_run(args))


def _config(services: int) -> str:
    people, policies, svcs = [], [], []
    for n in range(1, services + 1):
        people.append(f"  - {{id: p{n:02d}, slack: U0P{n:02d}, role: ops}}")
        policies += [
            f"  - id: pol{n:02d}",
            "    levels:",
            f"      - {{targets: [person:p{n:02d}], timeout: 1h}}",
        ]
        svcs += [
            f"  - id: svc{n:02d}",
            "    team: bench",
            f"    escalation_policy: pol{n:02d}",
            f"    channels: {{incidents: C0B{n:02d}}}",
            f"    integration_keys: [benchkey{n:02d}]",
        ]
    members = ", ".join(f"p{n:02d}" for n in range(1, services + 1))
    return "\n".join(
        [
            "timezone: UTC",
            "admins: [p01]",
            "channels: {incidents: C0BINCIDENTS}",
            "people:",
            *people,
            "teams:",
            f"  - {{id: bench, members: [{members}]}}",
            "escalation_policies:",
            *policies,
            "services:",
            *svcs,
            "",
        ]
    )


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    if not ordered:
        return {"count": 0}
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def _alertmanager(group: str, name: str) -> dict:
    return {
        "version": "4",
        "groupKey": group,
        "status": "firing",
        "receiver": "opsbridge",
        "truncatedAlerts": 0,
        "groupLabels": {"alertname": name},
        "commonLabels": {"alertname": name, "severity": "warning"},
        "commonAnnotations": {"summary": "benchmark alert"},
        "externalURL": "http://alertmanager:9093",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": name, "severity": "warning"},
                "annotations": {},
                "startsAt": "2026-11-23T09:00:00Z",
                "fingerprint": group,
            }
        ],
    }


async def _latency(
    http: aiohttp.ClientSession, slack: SlackEmulator, url: str, services: int, samples: int
) -> dict:
    """One webhook at a time; a person is paged again only after their DM lane's 1 s pacing has passed."""
    last: dict[str, float] = {}
    latencies: list[float] = []
    for i in range(samples):
        n = i % services + 1
        user, name = f"U0P{n:02d}", f"BenchLatency{i}"
        wait = 1.05 - (time.monotonic() - last.get(user, -10.0))
        if wait > 0:
            await asyncio.sleep(wait)
        sent = time.time()
        async with http.post(
            f"{url}/integrations/alertmanager/benchkey{n:02d}", json=_alertmanager(f"lat-{i}", name)
        ) as response:
            assert response.status == 200, await response.text()
        call = await slack.expect_call(
            "chat.postMessage",
            where=lambda c, user=user, name=name: (
                c.params.get("channel") == user and name in str(c.params.get("text"))
            ),
            timeout=15,
        )
        latencies.append((call.at - sent) * 1000)
        last[user] = time.monotonic()
    return _percentiles(latencies)


async def _storm(
    http: aiohttp.ClientSession, slack: SlackEmulator, url: str, args: argparse.Namespace
) -> dict:
    rng = random.Random(args.seed)
    order = [i % args.keys for i in range(args.events)]
    rng.shuffle(order)
    queue = iter(order)
    statuses: dict[int, int] = {}
    done = asyncio.Event()
    slash: list[float] = []

    async def sender() -> None:
        for k in queue:
            n = k % args.services + 1
            body = {
                "routing_key": f"benchkey{n:02d}",
                "event_action": "trigger",
                "dedup_key": f"storm-{k}",
                "payload": {"summary": f"Storm alert {k}", "source": "bench", "severity": "warning"},
            }
            async with http.post(f"{url}/v2/enqueue", json=body) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1

    async def typist() -> None:
        person = slack.user("U0P01")
        while not done.is_set():
            started = time.perf_counter()
            await person.command("/incident", "list", channel="C0GENERAL")
            slash.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.05)

    typing = asyncio.create_task(typist())
    began = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(args.concurrency)))
    elapsed = time.perf_counter() - began
    done.set()
    await typing
    return {
        "seconds": round(elapsed, 2),
        "events_per_s": round(args.events / elapsed, 1),
        "statuses": statuses,
        "slash_commands_during_storm": _percentiles(slash),
    }


def _storm_pages(slack: SlackEmulator) -> int:
    return sum(
        1
        for c in slack.calls_to("chat.postMessage")
        if c.ok
        and str(c.params.get("text", "")).startswith("Page:")
        and "Storm alert" in str(c.params["text"])
    )


async def _delivered(slack: SlackEmulator, keys: int, timeout: float) -> None:
    """Wait (on the emulator's call notifications) until every storm incident's page reached Slack."""
    deadline = time.monotonic() + timeout
    while _storm_pages(slack) < keys:
        version, remaining = slack.calls.notifier.version, deadline - time.monotonic()
        if remaining <= 0:
            return
        await slack.calls.notifier.changed(version, remaining)


async def _counts(database_url: str) -> tuple[int, int]:
    from storage.db import Database
    from storage.models import Incident, Page

    db = Database(database_url)
    try:
        async with db.sessions() as session:
            incidents = await session.scalar(
                select(func.count()).select_from(Incident).where(Incident.source == "pagerduty")
            )
            pages = await session.scalar(
                select(func.count())
                .select_from(Page)
                .join(Incident, Incident.id == Page.incident_id)
                .where(Incident.source == "pagerduty", Page.is_shadow.is_(False))
            )
        return int(incidents or 0), int(pages or 0)
    finally:
        await db.dispose()


async def _run(args: argparse.Namespace) -> dict:
    slack = SlackEmulator(signing_secret=SIGNING_SECRET)
    for n in range(1, args.services + 1):
        slack.workspace.add_user(f"U0P{n:02d}", f"p{n:02d}")
        slack.workspace.add_channel(f"C0B{n:02d}", f"svc-{n:02d}", members=[f"U0P{n:02d}"])
    slack.workspace.add_channel("C0GENERAL", "general", members=["U0P01"])
    slack.workspace.add_channel("C0BINCIDENTS", "incidents", members=["U0P01"])
    await slack.start()
    workdir = Path(tempfile.mkdtemp(prefix="opsbridge-bench-alerts-"))
    database_url = args.database_url or f"sqlite+aiosqlite:///{workdir}/bench.db"
    config = workdir / "opsbridge.yaml"
    config.write_text(_config(args.services))
    server = ServeProcess(
        database_url=database_url,
        slack_api_url=slack.api_url,
        config=config,
        log_path=workdir / "serve.log",
        LOG_LEVEL="WARNING",
    )
    try:
        server.start()
        await server.wait_ready(timeout=60)
        slack.connect(f"{server.url}/slack/events")
        connector = aiohttp.TCPConnector(limit=args.concurrency + 5)
        async with aiohttp.ClientSession(connector=connector) as http:
            latency = await _latency(http, slack, server.url, args.services, args.samples)
            storm = await _storm(http, slack, server.url, args)
        await _delivered(slack, args.keys, timeout=90)
        incidents, pages = await _counts(database_url)
    finally:
        server.stop()
        await slack.stop()
    storm.update(
        events=args.events,
        keys=args.keys,
        concurrency=args.concurrency,
        incidents_opened=incidents,
        incidents_equal_keys=incidents == args.keys,
        pages_sent=pages,
        pages_delivered=_storm_pages(slack),
    )
    return {
        "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
        "webhook_to_page": latency,
        "storm": storm,
    }

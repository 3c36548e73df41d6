"""How fast a real `opsbridge serve` acks signed slash commands, beside a bare Bolt app that only acks.

Both run as subprocesses against the Slack emulator; commands are signed as Slack signs them.
Latency is measured from sending the request to its HTTP answer (the ack Slack waits 3 s for).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sandbox.emulator import SlackEmulator
from tests.support.harness import SIGNING_SECRET
from tests.support.process import ServeProcess, free_port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--requests", type=int, default=500, help="slash commands per target")
    parser.add_argument("--concurrency", type=int, default=20)


def run(args: argparse.Namespace) -> dict:
    return asyncio.run(_run(args.requests, args.concurrency))


async def _fire(slack: SlackEmulator, events_url: str, n: int, concurrency: int) -> dict:
    slack.connect(events_url)
    person = slack.user("U0ALICE")
    latencies: list[float] = []
    failures = 0
    queue = iter(range(n))

    async def worker() -> None:
        nonlocal failures
        for _ in queue:
            started = time.perf_counter()
            response = await person.command("/oncall", "help", channel="C0GENERAL")
            latencies.append((time.perf_counter() - started) * 1000)
            failures += response.status != 200

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 2),
        "max_ms": round(latencies[-1], 2),
        "requests_per_s": round(n / elapsed, 1),
        "non_200": failures,
    }


async def _run(n: int, concurrency: int) -> dict:
    slack = SlackEmulator(signing_secret=SIGNING_SECRET)
    slack.workspace.add_user("U0ALICE", "alice")
    slack.workspace.add_channel("C0GENERAL", "general", members=["U0ALICE"])
    await slack.start()
    workdir = Path(tempfile.mkdtemp(prefix="opsbridge-bench-"))
    server = ServeProcess(
        database_url=f"sqlite+aiosqlite:///{workdir}/bench.db",
        slack_api_url=slack.api_url,
        log_path=workdir / "serve.log",
        LOG_LEVEL="WARNING",
    )
    bare_port = free_port()
    bare = subprocess.Popen(
        [sys.executable, "-m", "bench.bare_bolt", str(bare_port), SIGNING_SECRET, slack.api_url]
    )
    try:
        server.start()
        await server.wait_ready()
        await _wait_http(f"http://127.0.0.1:{bare_port}/readyz")
        await _fire(slack, f"{server.url}/slack/events", min(n, 20), concurrency)  # warm-up
        opsbridge = await _fire(slack, f"{server.url}/slack/events", n, concurrency)
        bare_bolt = await _fire(slack, f"http://127.0.0.1:{bare_port}/slack/events", n, concurrency)
    finally:
        server.stop()
        bare.terminate()
        bare.wait(timeout=10)
        await slack.stop()
    return {
        "requests": n,
        "concurrency": concurrency,
        "opsbridge_serve": opsbridge,
        "bare_bolt_ack_only": bare_bolt,
    }


async def _wait_http(url: str, timeout: float = 15.0) -> None:
    import aiohttp

    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise TimeoutError(url)

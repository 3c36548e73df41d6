"""A real Alertmanager (Debian's prometheus-alertmanager) posting to the bot: firing pages, resolved closes."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.clock import SystemClock
from storage.models import Incident
from tests.support import harness
from tests.support.paging import KEY, apply_yaml, fast_team_yaml, quiesce
from tests.support.process import free_port

BINARY = os.environ.get("ALERTMANAGER_BIN", "/usr/bin/prometheus-alertmanager")

pytestmark = pytest.mark.slow

CONFIG = """
route:
  receiver: opsbridge
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: opsbridge
    webhook_configs:
      - url: {url}
        send_resolved: true
"""


@pytest.fixture
def alertmanager_binary() -> str:
    if not Path(BINARY).exists() and not shutil.which("prometheus-alertmanager"):
        if os.environ.get("CI"):
            pytest.fail(f"{BINARY} is missing in CI: install the Debian package prometheus-alertmanager")
        pytest.skip(f"no Alertmanager at {BINARY}: apt-get install prometheus-alertmanager to run this test")
    return BINARY if Path(BINARY).exists() else shutil.which("prometheus-alertmanager")


@pytest.fixture
async def live_bot(database_url, slack, tmp_path):
    """The bot on the real clock: Alertmanager's timing is real time."""
    running = await harness.start_bot(harness.test_settings(database_url, slack.api_url), SystemClock())
    slack.connect(running.events_url)
    await apply_yaml(running.ctx.db, fast_team_yaml(timeout="5m"), tmp_path)
    yield running
    await quiesce(running)
    await running.stop()


def spawn(binary: str, webhook_url: str, tmp_path: Path, port: int) -> subprocess.Popen:
    """Alertmanager on 127.0.0.1 only, clustering off (empty --cluster.listen-address), state in tmp."""
    config = tmp_path / "alertmanager.yml"
    config.write_text(CONFIG.format(url=webhook_url))
    with open(tmp_path / "alertmanager.log", "wb") as log:
        return subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.path={tmp_path / 'am-data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
                "--log.level=info",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )


async def start_alertmanager(binary: str, webhook_url: str, tmp_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = spawn(binary, webhook_url, tmp_path, port)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"alertmanager exited: {(tmp_path / 'alertmanager.log').read_text()[-2000:]}"
                )
            try:
                async with http.get(f"{url}/-/ready") as response:
                    if response.status == 200:
                        return proc, url
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    proc.kill()
    raise TimeoutError("alertmanager did not become ready")


async def post_alert(am_url: str, *, ends_at: datetime | None = None) -> None:
    now = datetime.now(UTC)
    alert = {
        "labels": {"alertname": "CheckoutDown", "severity": "warning", "service": "checkout"},
        "annotations": {"summary": "Checkout returns 500s", "description": "error ratio over 5%"},
        "startsAt": (now - timedelta(seconds=30)).isoformat().replace("+00:00", "Z"),
        "endsAt": (ends_at or now + timedelta(hours=1)).isoformat().replace("+00:00", "Z"),
        "generatorURL": "http://prometheus.example/graph?g0.expr=up",
    }
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{am_url}/api/v2/alerts", json=[alert]) as response:
            assert response.status == 200, await response.text()


async def incident_state(bot) -> str | None:
    async with bot.ctx.db.sessions() as session:
        return await session.scalar(select(Incident.state).order_by(Incident.id).limit(1))


async def test_alertmanager_firing_pages_level_one_and_resolved_closes(
    alertmanager_binary, live_bot, slack, tmp_path
):
    proc, am_url = await start_alertmanager(
        alertmanager_binary, f"{live_bot.url}/integrations/alertmanager/{KEY}", tmp_path
    )
    try:
        await post_alert(am_url)
        page = await slack.expect_dm(
            "U0CAROL", contains=["CheckoutDown: Checkout returns 500s", "Acknowledge"], timeout=20
        )
        assert "level 1 of escalation policy" in page.text_content
        await slack.expect_message("C0INCIDENTS", contains=["Paged <@U0CAROL>", "CheckoutDown"], timeout=10)
        assert await incident_state(live_bot) == "triggered"

        await post_alert(am_url, ends_at=datetime.now(UTC))  # the alert ends: Alertmanager sends "resolved"
        await slack.expect_dm("U0CAROL", contains="Resolved by alertmanager", timeout=20)
        assert await incident_state(live_bot) == "resolved"
        async with live_bot.ctx.db.sessions() as session:
            assert len((await session.scalars(select(Incident))).all()) == 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()

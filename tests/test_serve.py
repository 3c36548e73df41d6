"""`opsbridge serve` as people run it: a real process, real HTTP, the emulator as Slack."""

import time

import aiohttp
import pytest

from bot.cli import main
from tests.support.process import ServeProcess

pytestmark = pytest.mark.slow


async def test_serve_answers_a_signed_oncall_help_within_three_seconds(database_url, slack, tmp_path):
    server = ServeProcess(
        database_url=database_url, slack_api_url=slack.api_url, log_path=tmp_path / "serve.log"
    )
    server.start()
    try:
        await server.wait_ready()
        slack.connect(f"{server.url}/slack/events")
        started = time.monotonic()
        response = await slack.user("U0ALICE").command("/oncall", "help", channel="C0GENERAL")
        assert response.status == 200
        await slack.expect_ephemeral("U0ALICE", contains="/oncall override", timeout=3)
        assert time.monotonic() - started < 3
    finally:
        server.stop()


async def test_health_readiness_and_metrics_answer(database_url, slack, tmp_path):
    server = ServeProcess(
        database_url=database_url, slack_api_url=slack.api_url, log_path=tmp_path / "serve.log"
    )
    server.start()
    try:
        await server.wait_ready()
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{server.url}/healthz") as health:
                assert health.status == 200
            async with http.get(f"{server.url}/readyz") as ready:
                assert (await ready.json())["database"] == "reachable"
            async with http.get(f"{server.url}/metrics") as metrics:
                body = await metrics.text()
        assert "opsbridge_http_requests_total" in body and "opsbridge_outbox_pending" in body
    finally:
        server.stop()


def test_serve_without_a_bot_token_exits_2_naming_the_variable(monkeypatch, capsys):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir("/")  # no .env here
    assert main(["serve"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "SLACK_BOT_TOKEN" in err[0] and "README" in err[0]


def test_serve_in_http_mode_needs_the_signing_secret(monkeypatch, capsys):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.chdir("/")
    assert main(["serve"]) == 2
    assert "SLACK_SIGNING_SECRET" in capsys.readouterr().err

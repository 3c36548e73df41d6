"""`opsbridge sandbox`: the demo configuration, the emulator it seeds, and the page API answering commands."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.app import Tuning
from bot.config import load_config
from sandbox.emulator import Workspace
from sandbox.run import DEMO_CONFIG, channel_names, choose_config, run_sandbox, seed_workspace, start_sandbox

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_configuration_is_valid():
    config = load_config(DEMO_CONFIG)
    roles = {p.id: p.role for p in config.people}
    assert roles == {"alice": "ops", "carol": "ops", "bob": "dev", "dave": "dev", "erin": "dev"}
    assert [s.id for s in config.schedules] == ["shop-ops", "shop-dev"]
    levels = config.escalation_policy("shop").levels
    assert [str(t) for level in levels for t in level.targets] == [
        "schedule:shop-ops",
        "schedule:shop-dev",
        "team:shop",
    ]
    assert config.service_for_integration_key("sandbox-checkout-key").id == "checkout"
    assert config.service_for_repo("demo/checkout").id == "checkout"


def test_the_demo_is_copied_under_the_data_dir_when_there_is_no_configuration(tmp_path):
    data = tmp_path / ".opsbridge"
    chosen = choose_config(tmp_path / "opsbridge.yaml", data)
    assert chosen == data / "opsbridge.yaml"
    assert chosen.read_text() == DEMO_CONFIG.read_text()
    assert not (tmp_path / "opsbridge.yaml").exists()  # never litters the working directory
    own = tmp_path / "mine.yaml"
    own.write_text(DEMO_CONFIG.read_text())
    assert choose_config(own, data) == own


def test_the_emulator_is_seeded_with_the_configuration():
    config = load_config(DEMO_CONFIG)
    ws = Workspace()
    seed_workspace(ws, config)
    alice = ws.user("U0ALICE")
    assert (alice.name, alice.real_name, alice.email, alice.is_admin) == (
        "alice",
        "Alice Adams",
        "alice@example.com",
        True,
    )
    assert ws.user("U0DAVE").tz == "America/New_York"
    names = channel_names(config)
    assert names == {
        "C0INCIDENTS": "incidents",
        "C0DEPLOYS": "deploys",
        "C0SHOP": "shop",
        "C0SEARCHDEPLOYS": "search-deploys",
        "C0GENERAL": "general",
    }
    assert {"U0ALICE", "U0ERIN", ws.bot_user_id} <= ws.channel("C0INCIDENTS").members
    assert ws.usergroups["S0SHOPONCALL"].handle == "shop-oncall"


@pytest.fixture
async def sandbox(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no opsbridge.yaml here: the demo is used
    running = await start_sandbox(
        port=0, data_dir=tmp_path / ".opsbridge", tuning=Tuning(lane_interval=0.0, tick_seconds=0.5)
    )
    yield running
    await running.stop()


@pytest.fixture
async def http():
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


async def wait_for(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await predicate()
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"nothing after {timeout}s")


async def state_for(http, sandbox, user: str) -> dict:
    async with http.get(f"{sandbox.url}/sandbox/api/state", params={"as": user}) as res:
        assert res.status == 200
        return await res.json()


async def test_the_page_answers_oncall_help_through_the_bot(sandbox, http, tmp_path):
    assert sandbox.config_path == tmp_path / ".opsbridge" / "opsbridge.yaml"
    assert (tmp_path / ".opsbridge" / "sandbox.db").exists()
    body = {"as": "U0ALICE", "channel": "C0GENERAL", "command": "/oncall", "text": "help"}
    async with http.post(f"{sandbox.url}/sandbox/api/command", json=body) as res:
        assert res.status == 200, await res.text()
        assert (await res.json())["status"] == 200

    async def answered():
        messages = (await state_for(http, sandbox, "U0ALICE"))["messages"]["C0GENERAL"]
        return [m for m in messages if m["ephemeral"] and "/oncall" in m["text"]]

    [reply] = await wait_for(answered)
    assert "who holds the pager" in reply["text"]
    bob = await state_for(http, sandbox, "U0BOB")
    assert bob["messages"]["C0GENERAL"] == []  # ephemeral: only Alice sees it
    assert sandbox.emulator.delivered[-1].payload["command"] == "/oncall"  # a signed slash command


async def test_the_state_is_what_one_person_sees(sandbox, http):
    ws = sandbox.emulator.workspace
    ws.post(ws.dm_channel("U0BOB").id, "a page for bob")
    alice = await state_for(http, sandbox, "U0ALICE")
    bob = await state_for(http, sandbox, "U0BOB")
    assert [c["id"] for c in bob["channels"] if c["kind"] == "im"] == [ws.dm_channel("U0BOB").id]
    assert not [c for c in alice["channels"] if c["kind"] == "im"]
    people = {p["person"]: p for p in alice["people"]}
    assert people["alice"]["role"] == "ops" and people["alice"]["admin"]
    assert people["erin"]["shadow"]
    assert sum(bool(p["on_call"]) for p in people.values()) == 2  # one per schedule
    assert {s["id"] for s in alice["services"]} == {"checkout", "search"}


async def test_the_page_and_its_scripts_are_served(sandbox, http):
    async with http.get(f"{sandbox.url}/sandbox") as res:
        assert res.status == 200
        assert "text/html" in res.headers["Content-Type"]
        assert "script-src 'self'" in res.headers["Content-Security-Policy"]
        assert "/sandbox/static/app.js" in await res.text()
    for name in ("app.js", "mrkdwn.js", "blocks.js", "render.js", "state.js", "composer.js", "style.css"):
        async with http.get(f"{sandbox.url}/sandbox/static/{name}") as res:
            assert res.status == 200, name


async def test_events_stream_a_version_on_every_change(sandbox, http):
    async with http.get(f"{sandbox.url}/sandbox/api/events") as res:
        assert res.headers["Content-Type"].startswith("text/event-stream")
        first = await asyncio.wait_for(res.content.readline(), 5)
        assert first.startswith(b"data: ")
        await res.content.readline()
        async with http.post(
            f"{sandbox.url}/sandbox/api/say", json={"as": "U0CAROL", "channel": "C0GENERAL", "text": "hello"}
        ) as said:
            assert said.status == 200
        second = await asyncio.wait_for(res.content.readline(), 5)
        assert second.startswith(b"data: ") and second != first


async def test_person_actions_reach_the_bot_as_slack_sends_them(sandbox, http):
    emulator = sandbox.emulator
    posted = await emulator.call(
        "chat.postMessage",
        {
            "channel": "C0GENERAL",
            "text": "pick",
            "blocks": [
                {
                    "type": "actions",
                    "block_id": "b1",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "go",
                            "text": {"type": "plain_text", "text": "Go"},
                            "value": "1",
                        }
                    ],
                }
            ],
        },
    )
    target = {"as": "U0BOB", "channel": "C0GENERAL", "ts": posted["ts"]}
    async with http.post(f"{sandbox.url}/sandbox/api/click", json={**target, "label": "Go"}) as res:
        assert res.status == 200
    action = emulator.delivered[-1].payload
    assert action["type"] == "block_actions" and action["actions"][0]["action_id"] == "go"
    assert action["user"]["id"] == "U0BOB"
    async with http.post(f"{sandbox.url}/sandbox/api/react", json={**target, "name": "pushpin"}) as res:
        assert res.status == 200
    assert emulator.workspace.message("C0GENERAL", posted["ts"]).reactions == {"pushpin": ["U0BOB"]}
    assert emulator.delivered[-1].payload["event"]["type"] == "reaction_added"
    async with http.post(f"{sandbox.url}/sandbox/api/click", json={**target, "label": "Nope"}) as res:
        assert res.status == 409
        assert "no button 'Nope'" in (await res.json())["error"]
    async with http.post(
        f"{sandbox.url}/sandbox/api/say", json={"channel": "C0GENERAL", "text": "hi"}
    ) as res:
        assert res.status == 400  # nobody picked


async def test_a_modal_is_shown_to_its_person_and_refuses_an_empty_required_input(sandbox, http):
    ws = sandbox.emulator.workspace
    view = ws.open_view(
        "U0ALICE",
        {
            "type": "modal",
            "callback_id": "demo",
            "title": {"type": "plain_text", "text": "Demo"},
            "submit": {"type": "plain_text", "text": "Save"},
            "blocks": [
                {
                    "type": "input",
                    "block_id": "title",
                    "label": {"type": "plain_text", "text": "Title"},
                    "element": {"type": "plain_text_input", "action_id": "value"},
                }
            ],
        },
    )
    assert (await state_for(http, sandbox, "U0ALICE"))["modal"]["id"] == view.id
    assert (await state_for(http, sandbox, "U0BOB"))["modal"] is None
    body = {"as": "U0ALICE", "view_id": view.id, "values": {"title": {"value": None}}}
    async with http.post(f"{sandbox.url}/sandbox/api/submit", json=body) as res:
        assert res.status == 409
        assert "required input 'Title'" in (await res.json())["error"]


async def test_simulate_sends_alertmanager_and_deploy_events_to_the_real_endpoints(sandbox, http):
    body = {"as": "U0ALICE", "service": "checkout", "severity": "critical", "summary": "5xx > 5%"}
    async with http.post(f"{sandbox.url}/sandbox/api/simulate/alert", json=body) as res:
        fired = await res.json()
    assert fired["request"] == "POST /integrations/alertmanager/sandbox-checkout-key"
    payload = fired["payload"]
    assert payload["version"] == "4" and payload["status"] == "firing"
    assert payload["groupKey"] == '{}:{alertname="HighErrorRate", service="checkout"}'
    assert payload["alerts"][0]["labels"] == {
        "alertname": "HighErrorRate",
        "service": "checkout",
        "severity": "critical",
    }
    async with http.post(
        f"{sandbox.url}/sandbox/api/simulate/alert", json={**body, "status": "resolved"}
    ) as res:
        resolved = (await res.json())["payload"]
    assert (
        resolved["status"] == "resolved"
        and resolved["alerts"][0]["startsAt"] == payload["alerts"][0]["startsAt"]
    )
    assert resolved["alerts"][0]["fingerprint"] == payload["alerts"][0]["fingerprint"]

    deploy = {"as": "U0BOB", "service": "checkout", "environment": "production", "version": "v2.0.0"}
    async with http.post(
        f"{sandbox.url}/sandbox/api/simulate/deploy", json={**deploy, "status": "started"}
    ) as res:
        started = await res.json()
    async with http.post(
        f"{sandbox.url}/sandbox/api/simulate/deploy", json={**deploy, "status": "succeeded"}
    ) as res:
        done = await res.json()
    assert started["request"] == "POST /api/v1/deploys"
    assert started["id"] == done["id"]  # one pipeline run: the bot updates one message
    assert done["payload"] | {"status": "started"} == started["payload"]
    assert done["payload"]["actor"] == "bob"
    async with http.post(f"{sandbox.url}/sandbox/api/simulate/alert", json={"service": "nope"}) as res:
        assert res.status == 400


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_busy_port_is_reported(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        assert run_sandbox(port=busy.getsockname()[1]) == 1
    assert "cannot listen" in capsys.readouterr().err


@pytest.mark.slow
def test_opsbridge_sandbox_runs_until_ctrl_c(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("OPSBRIDGE_CONFIG", "PORT", "HOST")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == f"opsbridge sandbox: open http://127.0.0.1:{port}/sandbox"
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sandbox", timeout=5) as res:
            assert res.status == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert (tmp_path / ".opsbridge" / "opsbridge.yaml").exists()
        assert not (tmp_path / "opsbridge.yaml").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

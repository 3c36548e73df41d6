"""Fixtures: the database (SQLite and a real PostgreSQL), the clock, the Slack emulator, a running bot.

Every test that uses `database_url` (directly or through `db` or `bot`) runs on both databases.
Set OPSBRIDGE_TEST_DB=sqlite (or postgres) to run one backend while iterating.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest

from bot.clock import FakeClock
from storage.db import Database
from storage.migrate import upgrade
from tests.support.postgres import PostgresServer, find_bin_dir

BACKENDS = [b for b in ("sqlite", "postgres") if os.environ.get("OPSBRIDGE_TEST_DB", b) == b]
_counter = itertools.count()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return str(path)


@pytest.fixture(scope="session")
def pg_server():
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing in CI: .ci/run should have installed them")
        pytest.skip("no PostgreSQL server binaries (initdb) on this machine: install postgresql to run these")
    server = PostgresServer(bin_dir)
    server.start()
    server.psql("CREATE DATABASE opsbridge_template")
    upgrade(server.url("opsbridge_template"))
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, sqlite_template) -> str:
    """A fresh, migrated database for one test."""
    if request.param == "sqlite":
        path = tmp_path / "opsbridge.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    server = request.getfixturevalue("pg_server")
    name = f"t{os.getpid()}_{next(_counter)}"
    server.psql(f"CREATE DATABASE {name} TEMPLATE opsbridge_template")
    return server.url(name)


@pytest.fixture
async def db(database_url):
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def slack():
    """The Slack emulator, with the people of tests/fixtures/team.yaml and its channels."""
    from sandbox.emulator import SlackEmulator
    from tests.support.harness import BOT_TOKEN, SIGNING_SECRET

    emulator = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN)
    seed_team(emulator.workspace)
    await emulator.start()
    yield emulator
    await emulator.stop()


def seed_team(workspace) -> None:
    for user_id, name in [
        ("U0ALICE", "alice"),
        ("U0BOB", "bob"),
        ("U0CAROL", "carol"),
        ("U0DAVE", "dave"),
        ("U0ERIN", "erin"),
        ("U0ZOE", "zoe"),
    ]:
        workspace.add_user(user_id, name, email=f"{name}@example.com", tz="Europe/Berlin")
    everyone = ["U0ALICE", "U0BOB", "U0CAROL", "U0DAVE", "U0ERIN", "U0ZOE"]
    for channel_id, name in [
        ("C0INCIDENTS", "incidents"),
        ("C0DEPLOYS", "deploys"),
        ("C0PAYMENTS", "payments"),
        ("C0CHECKOUTDEPLOYS", "checkout-deploys"),
        ("C0GENERAL", "general"),
    ]:
        workspace.add_channel(channel_id, name, members=everyone)
    workspace.add_usergroup("S0PAYONCALL", "payments-oncall", users=["U0ALICE"])


@pytest.fixture
async def bot(database_url, slack, clock):
    """The real bot, serving HTTP on 127.0.0.1, talking to the emulator, on a fake clock."""
    from tests.support.harness import start_bot, test_settings

    running = await start_bot(test_settings(database_url, slack.api_url), clock)
    slack.connect(running.events_url)
    yield running
    await running.stop()


@pytest.fixture
async def team_bot(bot):
    """The bot with tests/fixtures/team.yaml applied."""
    from bot.config import load_config
    from bot.config.apply import apply_config

    await apply_config(bot.ctx.db, load_config(Path(__file__).parent / "fixtures" / "team.yaml"))
    return bot

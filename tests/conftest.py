"""Fixtures: the database (SQLite and a real PostgreSQL), the clock, the Slack emulator, a running bot.

Every test that uses `database_url` (directly or through `db` or `bot`) runs on both databases.
Set OPSBRIDGE_TEST_DB=sqlite (or postgres) to run one backend while iterating.
"""

from __future__ import annotations

import itertools
import os
import shutil

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

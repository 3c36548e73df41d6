"""Fixtures for the emulator's own tests (imported by tests/test_emulator_*.py)."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from sandbox.emulator import SlackEmulator


def seed(emulator: SlackEmulator) -> None:
    ws = emulator.workspace
    ws.add_user("U0ALICE", "alice", email="alice@example.com")
    ws.add_user("U0BOB", "bob", email="bob@example.com", tz="America/New_York")
    ws.add_channel("C0INCIDENTS", "incidents", members=["U0ALICE", "U0BOB"])
    ws.add_channel("C0SECRET", "secret", members=["U0ALICE"], is_private=True, bot_member=False)
    ws.add_usergroup("S0PAYONCALL", "payments-oncall", users=["U0ALICE"])


@pytest.fixture
async def emulator():
    emu = SlackEmulator()
    seed(emu)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def client(emulator: SlackEmulator):
    return AsyncWebClient(token=emulator.bot_token, base_url=emulator.api_url)

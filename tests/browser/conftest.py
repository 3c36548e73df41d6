"""Fixtures for the browser tests: a running sandbox and a page in Debian's headless Chromium."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from bot.app import Tuning
from sandbox.run import DEMO_CONFIG, start_sandbox

CHROMIUM = "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: .ci/run should have installed it")
    pytest.skip(reason)


@pytest.fixture
async def sandbox(tmp_path):
    running = await start_sandbox(
        port=0,
        data_dir=tmp_path / "data",
        config_path=DEMO_CONFIG,
        tuning=Tuning(lane_interval=0.0, tick_seconds=0.5),
    )
    yield running
    await running.stop()


@pytest.fixture
async def page(sandbox, tmp_path):
    """The sandbox page, open; `page.errors` collects JavaScript errors; `page.shot(name)` saves a
    screenshot under the test's temporary directory."""
    if not HAVE_CHROMIUM:
        _unavailable(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed (pip install -e '.[dev]')")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = await browser.new_page(viewport={"width": 1400, "height": 860})
        tab.set_default_timeout(10_000)
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        shots = tmp_path / "screenshots"
        shots.mkdir()
        counter = iter(range(1, 100))

        async def shot(name: str) -> Path:
            path = shots / f"{next(counter):02d}-{name}.png"
            await tab.screenshot(path=str(path))
            return path

        tab.errors = errors
        tab.shot = shot
        await tab.goto(sandbox.page_url)
        await tab.wait_for_selector("#nav .nav-item")
        try:
            yield tab
        finally:
            await browser.close()


async def eventually(predicate, timeout: float = 10.0, what: str = "condition"):
    """Poll `predicate()` (plain) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {what} within {timeout}s")

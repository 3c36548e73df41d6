"""`opsbridge serve` as a real subprocess, for tests that need a real process (restarts, kill -9)."""

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

from tests.support.harness import test_environment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeProcess:
    def __init__(
        self,
        *,
        database_url: str,
        slack_api_url: str,
        config: str | Path | None = None,
        log_path: Path | None = None,
        **env: str,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {
            **os.environ,
            **test_environment(
                database_url,
                slack_api_url,
                OPSBRIDGE_CONFIG=str(config or "/nonexistent/opsbridge.yaml"),
                HOST="127.0.0.1",
                PORT=str(self.port),
                PUBLIC_URL=self.url,
                **env,
            ),
        }
        self.proc: subprocess.Popen | None = None

    def start(self) -> ServeProcess:
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"], env=self.env, stdout=out, stderr=subprocess.STDOUT
        )
        return self

    async def wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.proc and self.proc.poll() is not None:
                    raise RuntimeError(f"opsbridge serve exited with {self.proc.returncode}: {self.log()}")
                try:
                    async with http.get(f"{self.url}/readyz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError(f"opsbridge serve did not become ready: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text()[-4000:] if self.log_path and self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye; what was not in the database is lost."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

"""The call log: every Web API call the emulator answered, in order."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .notify import Notifier


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    error: str | None = None
    at: float = field(default_factory=time.time)
    response: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


class CallLog(list):
    """A list of ``Call``; ``notifier`` wakes ``expect_call`` waiters."""

    def __init__(self) -> None:
        super().__init__()
        self.notifier = Notifier()

    def record(self, call: Call) -> Call:
        self.append(call)
        self.notifier.bump("call", call)
        return call

    def to(self, method: str) -> list[Call]:
        return [c for c in self if c.method == method]

"""Everything a handler or service needs, built once per process by `bot.app.create_app`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from bot.engine import Engine
from bot.metrics import Metrics
from bot.outbox import OutboxSender
from bot.settings import Settings
from bot.slack import SlackGateway
from storage.db import Database


@dataclass
class Context:
    settings: Settings
    db: Database
    clock: Clock
    slack: SlackGateway
    sender: OutboxSender
    engine: Engine
    metrics: Metrics
    extras: dict[str, Any] = field(default_factory=dict)

    def committed(self) -> None:
        """Call after a transaction that queued messages or due work: deliver and evaluate now."""
        self.sender.wake()
        self.engine.wake_at(self.clock.now())

"""Incident channels still to be created: a due row per incident, claimed by compare-and-set.

Creating a Slack channel must be an immediate call (its answer is the channel id), so it cannot be
an outbox row. Instead the change that wants a channel (declaring, an alert of high severity,
raising the severity) writes this row in its own transaction; whoever gets there first (the
declaring handler right after its commit, or the engine's due work) claims it by moving `due_at`
forward, creates the channel, and stores the id on the incident. The row disappears once the
channel exists or Slack refused for good.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class IncidentChannelRequest(Base):
    __tablename__ = "incident_channel_requests"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)

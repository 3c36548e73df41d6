"""Deploys and freezes: what shipped where, and when shipping was stopped.

`service_id` is a plain string, not a foreign key, on purpose: removing a service from the
configuration file must not delete its deploy history (or fail the apply), and a freeze of a
service that no longer exists simply never matches.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import JSONType, UTCDateTime


class Freeze(Base):
    """Deploys of a service (or of everything: `service_id` None) should not happen until it ends."""

    __tablename__ = "freezes"
    __table_args__ = (Index("ix_freezes_active", "ended_at", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    service_id: Mapped[str | None] = mapped_column(String(64))  # None: every service
    environment: Mapped[str | None] = mapped_column(String(64))  # None: every environment
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(32))  # Slack user id; None for automatic ones
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: until unfrozen (or resolved)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(32))  # Slack user id, or "incident:ID"
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )  # set for the automatic freeze of a sev1 incident


class Deploy(Base):
    """One deploy of one version to one environment; every event about it updates this row."""

    __tablename__ = "deploys"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_deploys_source_external_id"),
        Index("ix_deploys_service_created", "service_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(String(64))
    environment: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # started | succeeded | failed | rolled_back | cancelled
    source: Mapped[str] = mapped_column(String(16))  # api | github | pagerduty
    # The pipeline's run id ("deployment:123" / "workflow_run:456" for GitHub); None: never updated.
    external_id: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    commit: Mapped[str | None] = mapped_column(String(64))
    commit_url: Mapped[str | None] = mapped_column(Text)
    ref: Mapped[str | None] = mapped_column(String(255))  # branch or tag, when the source says
    description: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    during_freeze_id: Mapped[int | None] = mapped_column(ForeignKey("freezes.id", ondelete="SET NULL"))
    suspected_incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )  # an incident on the same service followed within the hour: a suspected change failure

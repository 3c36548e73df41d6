"""Incidents, what happened to them, who was paged, and open alert groups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import JSONType, UTCDateTime


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_escalation_due", "state", "next_escalation_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    service_id: Mapped[str | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(1024))
    description: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[int] = mapped_column(default=3)  # 1..4
    state: Mapped[str] = mapped_column(String(16), default="triggered")  # triggered | acknowledged | resolved
    status: Mapped[str] = mapped_column(String(16), default="investigating")
    source: Mapped[str] = mapped_column(String(32), default="slack")  # slack | alertmanager | pagerduty
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    declared_by: Mapped[str | None] = mapped_column(String(32))  # Slack user id, when a person declared it
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(32))
    summary: Mapped[str | None] = mapped_column(Text)
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    channel_id: Mapped[str | None] = mapped_column(String(32), index=True)
    channel_name: Mapped[str | None] = mapped_column(String(80))
    last_status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archive_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Escalation state: the database is the timer.
    policy_id: Mapped[str | None] = mapped_column(String(64))
    esc_level: Mapped[int] = mapped_column(default=0)  # number (1-based) of the level paged last; 0: none
    esc_loop: Mapped[int] = mapped_column(default=0)  # how many times the policy has repeated
    next_escalation_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IncidentRole(Base):
    __tablename__ = "incident_roles"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)  # commander | comms | ops | dev
    slack_user_id: Mapped[str] = mapped_column(String(32))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IncidentEvent(Base):
    """The timeline: MTTA, MTTR, the post-mortem and reports all read these."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(64))  # Slack user id, "system", or an integration
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class Page(Base):
    """One person paged for one incident at one escalation step."""

    __tablename__ = "pages"
    # One page per person per escalation step (manual pages have no level: NULLs never collide).
    __table_args__ = (
        UniqueConstraint("incident_id", "level", "loop", "slack_user_id", name="uq_pages_step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[int | None]
    loop: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(200))
    is_shadow: Mapped[bool] = mapped_column(default=False)
    shadowing: Mapped[str | None] = mapped_column(String(32))  # a shadow's primary (Slack user id)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class OpenAlert(Base):
    """An alert group (Alertmanager groupKey, PagerDuty dedup_key) with an open incident.

    The primary key makes a second incident for the same key impossible, even under a storm.
    """

    __tablename__ = "open_alerts"
    __table_args__ = (UniqueConstraint("incident_id", name="uq_open_alerts_incident"),)

    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)

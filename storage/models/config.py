"""What the configuration file declares: schedules, escalation policies, services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import JSONType, UTCDateTime


class Schedule(Base):
    __tablename__ = "schedules"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    timezone: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    calendar_token: Mapped[str] = mapped_column(String(64))
    # The last handoff instant the engine has announced; the next one is computed from it.
    handoff_cursor: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScheduleLayer(Base):
    __tablename__ = "schedule_layers"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    schedule_id: Mapped[str] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(64))
    rotation: Mapped[str] = mapped_column(String(16))  # daily | weekly | custom
    shift_seconds: Mapped[int | None]
    start_local: Mapped[str] = mapped_column(String(32))  # "2026-11-02T09:00" in the schedule's zone
    members: Mapped[list[str]] = mapped_column(JSONType)
    restrictions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)


class ScheduleShadow(Base):
    __tablename__ = "schedule_shadows"

    schedule_id: Mapped[str] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    until: Mapped[date | None] = mapped_column(Date)


class Override(Base):
    """Made from Slack (or a taken cover request); survives `opsbridge apply`."""

    __tablename__ = "overrides"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    schedule_id: Mapped[str] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    replaces_person_id: Mapped[str | None] = mapped_column(String(64))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="slack")  # slack | cover | cli
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CoverRequest(Base):
    __tablename__ = "cover_requests"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    schedule_id: Mapped[str] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by: Mapped[str | None] = mapped_column(String(64))
    taken_by: Mapped[str | None] = mapped_column(String(64))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    override_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScheduleNotice(Base):
    """A handoff-related notice already sent, so a restart never repeats it."""

    __tablename__ = "schedule_notices"

    schedule_id: Mapped[str] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # handoff | heads_up
    at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), primary_key=True, default="")


class EscalationPolicy(Base):
    __tablename__ = "escalation_policies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    repeat: Mapped[int] = mapped_column(default=0)


class EscalationLevel(Base):
    __tablename__ = "escalation_levels"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    policy_id: Mapped[str] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    targets: Mapped[list[str]] = mapped_column(JSONType)  # "schedule:X" | "team:X" | "person:X"
    timeout_seconds: Mapped[int]


class Service(Base):
    __tablename__ = "services"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    escalation_policy_id: Mapped[str | None] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="SET NULL")
    )
    deploy_channel: Mapped[str | None] = mapped_column(String(32))
    incident_channel: Mapped[str | None] = mapped_column(String(32))
    severity_map: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    incident_channel_min_severity: Mapped[int] = mapped_column(default=2)
    auto_freeze_on_sev1: Mapped[bool] = mapped_column(default=True)
    deploy_workflows: Mapped[list[str]] = mapped_column(JSONType, default=list)


class IntegrationKey(Base):
    __tablename__ = "integration_keys"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))


class GithubRepo(Base):
    __tablename__ = "github_repos"

    repo: Mapped[str] = mapped_column(String(200), primary_key=True)  # "owner/name", lowercased
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))

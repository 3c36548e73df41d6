"""Post-mortems and their action items: who owns them, when they are due, when to chase next."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class Postmortem(Base):
    """At most one per incident. `next_reminder_at` is the timer: the engine claims it by compare-and-set."""

    __tablename__ = "postmortems"
    __table_args__ = (Index("ix_postmortems_reminder_due", "state", "next_reminder_at"),)

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(
        String(16), default="prompted"
    )  # prompted | assigned | done | not_needed
    token: Mapped[str] = mapped_column(String(64))  # opens GET /postmortems/{incident}.md?token=T
    channel_id: Mapped[str | None] = mapped_column(String(32))  # where the prompt and the draft went
    owner: Mapped[str | None] = mapped_column(String(32))  # Slack user id
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")  # the owner's (the workspace's before)
    due_date: Mapped[date] = mapped_column(Date)
    due_explicit: Mapped[bool] = mapped_column(default=False)  # picked by a person, not the default
    requested_by: Mapped[str | None] = mapped_column(String(32))  # who ran /postmortem start, if anyone
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_by: Mapped[str | None] = mapped_column(String(32))
    draft_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(32))
    link: Mapped[str | None] = mapped_column(String(2000))  # the finished document
    reason: Mapped[str | None] = mapped_column(Text)  # why it was not needed


class ActionItem(Base):
    """Something to do after an incident; its owner is reminded until it is done."""

    __tablename__ = "postmortem_action_items"
    __table_args__ = (Index("ix_postmortem_action_items_reminder_due", "state", "next_reminder_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(32))  # Slack user id
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")  # the owner's
    due_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(32))
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(32))

"""Every model, imported so that `Base.metadata` knows the whole schema."""

from storage.models.base import Base
from storage.models.config import (
    CoverRequest,
    EscalationLevel,
    EscalationPolicy,
    GithubRepo,
    IntegrationKey,
    Override,
    Schedule,
    ScheduleLayer,
    ScheduleNotice,
    ScheduleShadow,
    Service,
)
from storage.models.deploys import Deploy, Freeze
from storage.models.incident_channels import IncidentChannelRequest
from storage.models.incidents import Incident, IncidentEvent, IncidentRole, OpenAlert, Page
from storage.models.people import Person, Team, TeamMember
from storage.models.postmortems import ActionItem, Postmortem
from storage.models.runtime import OutboxMessage, ProcessedDelivery, Setting, SlackMessage

__all__ = [
    "ActionItem",
    "Base",
    "CoverRequest",
    "Deploy",
    "EscalationLevel",
    "EscalationPolicy",
    "Freeze",
    "GithubRepo",
    "Incident",
    "IncidentChannelRequest",
    "IncidentEvent",
    "IncidentRole",
    "IntegrationKey",
    "OpenAlert",
    "OutboxMessage",
    "Override",
    "Page",
    "Person",
    "Postmortem",
    "ProcessedDelivery",
    "Schedule",
    "ScheduleLayer",
    "ScheduleNotice",
    "ScheduleShadow",
    "Service",
    "Setting",
    "SlackMessage",
    "Team",
    "TeamMember",
]

"""Pydantic models of ``opsbridge.yaml`` (see CONTRACT.md, "Configuration file").

The models check structure and single values (types, formats, time zones, durations). Checks that
look across the file (ids exist, ids unique, keys and repositories unique) live in
``bot.config.loader.reference_issues`` and run on the raw data, so that a file with structural errors
still gets its reference errors reported; ``Config``'s own validator runs them as well when a
``Config`` is built directly (the loader turns that off to avoid reporting twice).

After validation every person and schedule has a ``timezone`` (the top-level one when omitted).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from bot.config.values import (
    ChannelId,
    ClockTime,
    Day,
    Duration,
    Email,
    GithubRepo,
    Id,
    IntegrationKey,
    LocalDateTime,
    Severity,
    SlackUserId,
    TimeZoneName,
    UsergroupId,
)
from bot.durations import DURATION_FORMS

__all__ = [
    "WEEKDAYS",
    "ChannelsConfig",
    "Config",
    "EscalationLevelConfig",
    "EscalationPolicyConfig",
    "LayerConfig",
    "PersonConfig",
    "PostmortemsConfig",
    "RestrictionConfig",
    "Role",
    "Rotation",
    "ScheduleConfig",
    "ServiceChannelsConfig",
    "ServiceConfig",
    "Severity",
    "ShadowConfig",
    "Target",
    "TargetKind",
    "TeamConfig",
    "DEFAULT_SEVERITY_MAP",
]

# Validation context key: when true, Config does not run the cross-reference checks itself.
SKIP_REFERENCES = "opsbridge_skip_references"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

Role = Literal["dev", "ops"]
Rotation = Literal["daily", "weekly", "custom"]
TargetKind = Literal["schedule", "team", "person", "service"]
TARGET_KINDS: tuple[str, ...] = ("schedule", "team", "person", "service")
SEVERITIES = ("sev1", "sev2", "sev3", "sev4")

DEFAULT_SEVERITY_MAP: dict[str, str] = {
    "critical": "sev1",
    "error": "sev2",
    "warning": "sev3",
    "info": "sev4",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --- sections ------------------------------------------------------------------------------------


class ChannelsConfig(_Model):
    incidents: ChannelId | None = None
    deploys: ChannelId | None = None


class PersonConfig(_Model):
    id: Id
    slack: SlackUserId | None = None
    email: Email | None = Field(default=None, validate_default=True)
    role: Role
    timezone: TimeZoneName | None = None  # filled with the top-level timezone by Config
    name: str | None = None

    @field_validator("email")
    @classmethod
    def _slack_or_email(cls, email: str | None, info: ValidationInfo) -> str | None:
        # On a field (not the model) so that it is reported even when other fields fail; skipped
        # when slack itself was invalid (that error is reported instead).
        if email is None and "slack" in info.data and info.data["slack"] is None:
            raise ValueError(
                "is required when slack is not given: a person needs a Slack user id or an email"
            )
        return email


class TeamConfig(_Model):
    id: Id
    name: str | None = None
    members: list[str] = Field(default_factory=list)
    slack_usergroup: UsergroupId | None = None
    channel: ChannelId | None = None


def _parse_days(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError(f"must be a list of days like [mon, tue], got {value!r}")
    days: list[str] = []
    bad: list[str] = []
    for item in value:
        key = item.strip().lower() if isinstance(item, str) else None
        if key not in _DAY_NAMES:
            bad.append(repr(item))
            continue
        name = WEEKDAYS[_DAY_NAMES[key]]
        if name not in days:
            days.append(name)
    if bad:
        raise ValueError(f"unknown day {', '.join(bad)} (use {', '.join(WEEKDAYS)})")
    if not days:
        raise ValueError(f"must name at least one day ({', '.join(WEEKDAYS)})")
    return sorted(days, key=WEEKDAYS.index)


class RestrictionConfig(_Model):
    """The layer is active only on ``days`` from ``from`` (included) to ``to`` (excluded);
    ``to`` earlier than ``from`` crosses midnight (the window starts on the named day)."""

    days: Annotated[list[str], PlainValidator(_parse_days)] = Field(default_factory=lambda: list(WEEKDAYS))
    from_: ClockTime = Field(alias="from")
    to: ClockTime

    @model_validator(mode="after")
    def _non_empty(self) -> RestrictionConfig:
        if self.from_ == self.to:
            raise ValueError("from and to are the same time: the window would be empty")
        return self

    @property
    def weekdays(self) -> frozenset[int]:
        """The days as numbers, 0 = Monday."""
        return frozenset(WEEKDAYS.index(day) for day in self.days)


class LayerConfig(_Model):
    name: str
    rotation: Rotation
    shift: Duration | None = Field(default=None, validate_default=True)
    start: LocalDateTime  # naive, in the schedule's time zone
    members: list[str] = Field(min_length=1)
    restrictions: list[RestrictionConfig] = Field(default_factory=list)

    @field_validator("shift")
    @classmethod
    def _shift_iff_custom(cls, shift: timedelta | None, info: ValidationInfo) -> timedelta | None:
        # A field validator (not a model one) so that it is reported even when other fields fail.
        rotation = info.data.get("rotation")
        if rotation == "custom" and shift is None:
            raise ValueError(f"is required with rotation custom: a duration ({DURATION_FORMS})")
        if rotation in ("daily", "weekly") and shift is not None:
            raise ValueError(f"is only allowed with rotation custom (rotation {rotation} has its own length)")
        return shift

    @property
    def shift_length(self) -> timedelta:
        """The length of one shift: 1 day, 7 days or ``shift`` (wall-clock days in the schedule's zone)."""
        if self.rotation == "daily":
            return timedelta(days=1)
        if self.rotation == "weekly":
            return timedelta(days=7)
        assert self.shift is not None
        return self.shift


class ShadowConfig(_Model):
    person: str
    until: Day  # inclusive, in the schedule's time zone


class ScheduleConfig(_Model):
    id: Id
    team: str | None = None
    timezone: TimeZoneName | None = None  # filled with the top-level timezone by Config
    channel: ChannelId | None = None
    layers: list[LayerConfig] = Field(min_length=1)
    shadows: list[ShadowConfig] = Field(default_factory=list)


class Target(BaseModel):
    """An escalation target, written ``schedule:ID``, ``team:ID``, ``person:ID`` or ``service:ID``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: TargetKind
    id: str

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            kind, sep, ident = value.strip().partition(":")
            if not sep or kind not in TARGET_KINDS or not ident.strip():
                raise ValueError(
                    f"'{value}' is not a target; use schedule:ID, team:ID, person:ID or service:ID"
                )
            return {"kind": kind, "id": ident.strip()}
        if isinstance(value, dict):
            return value
        raise ValueError(
            f"must be a target like schedule:ID, team:ID, person:ID or service:ID, got {value!r}"
        )

    @model_serializer
    def _to_text(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


class EscalationLevelConfig(_Model):
    targets: list[Target] = Field(min_length=1)
    timeout: Duration = timedelta(minutes=5)


class EscalationPolicyConfig(_Model):
    id: Id
    repeat: int = Field(default=0, ge=0)
    levels: list[EscalationLevelConfig] = Field(min_length=1)


class ServiceChannelsConfig(_Model):
    deploys: ChannelId | None = None
    incidents: ChannelId | None = None


class ServiceConfig(_Model):
    id: Id
    name: str | None = None
    team: str
    escalation_policy: str | None = None
    channels: ServiceChannelsConfig = Field(default_factory=ServiceChannelsConfig)
    integration_keys: list[IntegrationKey] = Field(default_factory=list)
    github_repos: list[GithubRepo] = Field(default_factory=list)
    deploy_workflows: list[str] | None = (
        None  # workflow runs that are deploys; none listed: workflow_run is ignored
    )
    severity_map: dict[str, Severity] = Field(default_factory=lambda: dict(DEFAULT_SEVERITY_MAP))
    incident_channel_min_severity: Severity = "sev2"
    auto_freeze_on_sev1: bool = True


class PostmortemsConfig(_Model):
    required_from: Severity = "sev2"
    due_business_days: int = Field(default=5, ge=1)
    template: str | None = None  # a path; load_config makes a relative one relative to the file


class Config(_Model):
    timezone: TimeZoneName = "UTC"
    admins: list[str] = Field(default_factory=list)
    channels: ChannelsConfig = Field(default_factory=ChannelsConfig)
    people: list[PersonConfig] = Field(default_factory=list)
    teams: list[TeamConfig] = Field(default_factory=list)
    schedules: list[ScheduleConfig] = Field(default_factory=list)
    escalation_policies: list[EscalationPolicyConfig] = Field(default_factory=list)
    services: list[ServiceConfig] = Field(default_factory=list)
    postmortems: PostmortemsConfig = Field(default_factory=PostmortemsConfig)

    @model_validator(mode="after")
    def _defaults_and_references(self, info: ValidationInfo) -> Config:
        for item in [*self.people, *self.schedules]:
            if item.timezone is None:
                item.timezone = self.timezone
        if not (info.context or {}).get(SKIP_REFERENCES):
            from bot.config.loader import reference_issues

            issues = reference_issues(self.model_dump(mode="json", by_alias=True))
            if issues:
                raise ValueError("; ".join(str(issue) for issue in issues))
        return self

    # --- look-ups ------------------------------------------------------------------------------

    def person(self, person_id: str) -> PersonConfig | None:
        return next((p for p in self.people if p.id == person_id), None)

    def team(self, team_id: str) -> TeamConfig | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def schedule(self, schedule_id: str) -> ScheduleConfig | None:
        return next((s for s in self.schedules if s.id == schedule_id), None)

    def escalation_policy(self, policy_id: str) -> EscalationPolicyConfig | None:
        return next((p for p in self.escalation_policies if p.id == policy_id), None)

    def service(self, service_id: str) -> ServiceConfig | None:
        return next((s for s in self.services if s.id == service_id), None)

    def service_for_integration_key(self, key: str) -> ServiceConfig | None:
        return next((s for s in self.services if key in s.integration_keys), None)

    def service_for_repo(self, repo: str) -> ServiceConfig | None:
        """The service owning ``owner/repo`` (compared case-insensitively, as GitHub does)."""
        wanted = repo.lower()
        return next((s for s in self.services if wanted in (r.lower() for r in s.github_repos)), None)

"""PagerDuty change events (`POST /v2/change/enqueue`) read as deploys. Pure.

A change event says a change happened: there is no later event about the same change, so
each one is its own deploy, `succeeded` unless its `custom_details` say otherwise. Tools put
what we want in `custom_details` under various names; the common ones are read here
(`version`, `environment`, `status`, `actor`, `commit`, ...), and the summary fills the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.deploys.model import STATUSES, DeployEvent, is_http_url, normalize_environment

SUMMARY_LIMIT = 1024

_VERSION_KEYS = ("version", "release", "tag", "build_number", "build")
_ENVIRONMENT_KEYS = ("environment", "env", "stage")
_ACTOR_KEYS = ("actor", "user", "author", "deployer", "triggered_by")
_COMMIT_KEYS = ("commit", "sha", "revision", "git_sha")
_STATE_WORDS = {
    "passed": "succeeded", "success": "succeeded", "successful": "succeeded", "succeeded": "succeeded",
    "failed": "failed", "failure": "failed", "error": "failed",
    "cancelled": "cancelled", "canceled": "cancelled", "aborted": "cancelled",
    "rolled_back": "rolled_back", "rollback": "rolled_back",
    "started": "started", "running": "started", "in_progress": "started",
}  # fmt: skip


class InvalidChangeEvent(ValueError):
    """The body is not a change event; `errors` lists every problem, as PagerDuty does."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ChangeEvent:
    routing_key: str
    summary: str
    timestamp: str | None = None
    source: str | None = None
    custom_details: dict[str, Any] = field(default_factory=dict)
    links: list[dict[str, str]] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = str(value).strip()
    return text or None


def parse_change_event(body: Any) -> ChangeEvent:
    """Check a decoded JSON body; `InvalidChangeEvent` lists what is wrong."""
    if not isinstance(body, dict):
        raise InvalidChangeEvent(["the event must be a JSON object"])
    errors: list[str] = []
    routing_key = _text(body.get("routing_key"))
    if routing_key is None:
        errors.append("'routing_key' is missing or blank")
    payload = body.get("payload")
    if not isinstance(payload, dict):
        errors.append("'payload' is missing or not an object")
        payload = {}
    summary = _text(payload.get("summary"))
    if summary is None:
        errors.append("'payload.summary' is missing or blank")
    elif len(summary) > SUMMARY_LIMIT:
        errors.append(f"'payload.summary' is longer than {SUMMARY_LIMIT} characters")
    details = payload.get("custom_details")
    if details is not None and not isinstance(details, dict):
        errors.append("'payload.custom_details' must be an object")
    links = body.get("links", [])
    if not isinstance(links, list) or not all(isinstance(link, dict) for link in links):
        errors.append("'links' must be a list of objects with 'href' and 'text'")
        links = []
    if errors:
        raise InvalidChangeEvent(errors)
    return ChangeEvent(
        routing_key=routing_key or "",
        summary=summary or "",
        timestamp=_text(payload.get("timestamp")),
        source=_text(payload.get("source")),
        custom_details=details or {},
        links=[{"href": str(link.get("href", "")), "text": str(link.get("text", ""))} for link in links],
    )


def _first(details: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    lowered = {str(k).lower(): v for k, v in details.items()}
    for key in keys:
        value = _text(lowered.get(key))
        if value:
            return value
    return None


def _status(details: dict[str, Any]) -> str:
    word = (_first(details, ("status", "state", "build_state", "result")) or "").lower()
    if word in STATUSES:
        return word
    return _STATE_WORDS.get(word, "succeeded")


def to_deploy_event(change: ChangeEvent, *, service_id: str, at: datetime) -> DeployEvent:
    details = change.custom_details
    version = _first(details, _VERSION_KEYS)
    url = next((link["href"] for link in change.links if is_http_url(link["href"])), None)
    return DeployEvent(
        service_id=service_id,
        environment=normalize_environment(_first(details, _ENVIRONMENT_KEYS) or "production")[:64],
        version=(version or change.summary)[:200],
        status=_status(details),
        source="pagerduty",
        at=at,
        actor=(_first(details, _ACTOR_KEYS) or "")[:200] or None,
        url=url,
        commit=(_first(details, _COMMIT_KEYS) or "")[:64] or None,
        description=change.summary if version else None,
        details={"source": change.source, "timestamp": change.timestamp},
    )

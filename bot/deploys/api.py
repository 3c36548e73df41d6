"""The body of `POST /api/v1/deploys`, checked field by field. Pure.

A CI pipeline's author reads the 400 answer in a build log, so each error names the field, what
was wrong and, for `status`, the allowed values. Unknown extra fields are ignored, so a newer
pipeline template keeps working against an older bot.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.deploys.model import STATUSES, DeployEvent, is_http_url, normalize_environment

REQUIRED = ("service", "environment", "version", "status")
# field -> longest accepted value
LIMITS = {
    "service": 64,
    "environment": 64,
    "version": 200,
    "status": 16,
    "id": 200,
    "actor": 200,
    "url": 2000,
    "commit": 64,
    "description": 2000,
}


class BadField(ValueError):
    """One field of the body is wrong: which one, why, and what it may be."""

    def __init__(self, field: str, message: str, allowed: tuple[str, ...] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.allowed = allowed

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.message, "field": self.field}
        if self.allowed is not None:
            body["allowed"] = list(self.allowed)
        return body


def _value(body: dict[str, Any], name: str, *, numbers: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        kind = "a string or a number" if numbers else "a string"
        raise BadField(name, f"'{name}' must be {kind}")
    if not isinstance(value, str) and not numbers:
        raise BadField(name, f"'{name}' must be a string")
    text = str(value).strip()
    if len(text) > LIMITS[name]:
        raise BadField(name, f"'{name}' is longer than {LIMITS[name]} characters")
    return text or None


def parse_deploy_body(body: Any, *, at: datetime) -> DeployEvent:
    """A `DeployEvent` from the API body; `BadField` for the first problem found."""
    if not isinstance(body, dict):
        raise BadField("body", "the body must be a JSON object with " + ", ".join(REQUIRED))
    values = {
        "service": _value(body, "service"),
        "environment": _value(body, "environment"),
        "version": _value(body, "version", numbers=True),
        "status": _value(body, "status"),
    }
    for name in REQUIRED:
        if values[name] is None:
            allowed = STATUSES if name == "status" else None
            hint = f" (one of: {', '.join(STATUSES)})" if name == "status" else ""
            raise BadField(name, f"'{name}' is required{hint}", allowed)
    status = (values["status"] or "").lower()
    if status not in STATUSES:
        raise BadField(
            "status", f"'status' must be one of: {', '.join(STATUSES)} (got {values['status']!r})", STATUSES
        )
    url = _value(body, "url")
    if url is not None and not is_http_url(url):
        raise BadField("url", "'url' must be an http:// or https:// URL")
    return DeployEvent(
        service_id=values["service"] or "",
        environment=normalize_environment(values["environment"] or ""),
        version=values["version"] or "",
        status=status,
        source="api",
        at=at,
        external_id=_value(body, "id", numbers=True),
        actor=_value(body, "actor"),
        url=url,
        commit=_value(body, "commit"),
        description=_value(body, "description"),
    )

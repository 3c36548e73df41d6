"""Plain values every deploy source is turned into, and the small rules about them.

GitHub, the deploy API and PagerDuty change events each map their input to one `DeployEvent`
(or an `Ignored` saying why not); from there on a deploy is a deploy, whatever its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

STATUSES = ("started", "succeeded", "failed", "rolled_back", "cancelled")
TERMINAL = frozenset(STATUSES) - {"started"}
SOURCES = ("api", "github", "pagerduty")

# Environments people call production. Anything else is shown (and frozen) as itself.
_PRODUCTION_NAMES = frozenset({"production", "prod", "prd", "live"})
_SHA_RE = re.compile(r"^[0-9a-fA-F]{7,64}$")


@dataclass(frozen=True)
class DeployEvent:
    """One thing a source said about a deploy. `external_id` ties later events to the same deploy."""

    service_id: str
    environment: str
    version: str
    status: str
    source: str
    at: datetime
    external_id: str | None = None
    actor: str | None = None
    url: str | None = None
    commit: str | None = None
    commit_url: str | None = None
    ref: str | None = None
    description: str | None = None
    # Sources that may deliver out of order (GitHub) must not turn a finished deploy back into running.
    ordered: bool = True
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ignored:
    """An input that is valid but is not a deploy notification; `reason` is logged and answered."""

    reason: str


def normalize_environment(environment: str) -> str:
    return " ".join(environment.split()).lower()


def is_production(environment: str | None) -> bool:
    """`production`, `prod`, `prd`, `live`, and names starting with `prod` (`production-eu`)."""
    if not environment:
        return False
    env = normalize_environment(environment)
    return env in _PRODUCTION_NAMES or env.startswith("prod")


def environment_matches(freeze_environment: str | None, environment: str | None) -> bool:
    """Does a freeze of `freeze_environment` (None: all) cover a deploy to `environment`?

    `environment` None (a gate asking without one) is covered by every freeze, so a pipeline
    that forgets to say where it deploys is held rather than let through.
    """
    if freeze_environment is None or environment is None:
        return True
    if is_production(freeze_environment) and is_production(environment):
        return True
    return normalize_environment(freeze_environment) == normalize_environment(environment)


def next_status(current: str, incoming: str, *, ordered: bool) -> str:
    """The status after `incoming` arrives. From an unordered source a late `started` cannot
    reopen a deploy that already finished; an ordered source (a CI run retried) may."""
    if not ordered and incoming == "started" and current in TERMINAL:
        return current
    return incoming


def looks_like_sha(commit: str | None) -> bool:
    return bool(commit) and _SHA_RE.match(commit or "") is not None


def short_sha(commit: str | None) -> str | None:
    if not commit:
        return None
    return commit[:7] if looks_like_sha(commit) else commit


def github_commit_url(repo: str | None, commit: str | None) -> str | None:
    """`https://github.com/OWNER/NAME/commit/SHA` when both look right; None otherwise."""
    if not repo or not looks_like_sha(commit) or not re.match(r"^[\w.-]+/[\w.-]+$", repo):
        return None
    return f"https://github.com/{repo}/commit/{commit}"


def is_http_url(url: str | None) -> bool:
    return bool(url) and re.match(r"^https?://[^\s<>|]+$", url or "", re.IGNORECASE) is not None

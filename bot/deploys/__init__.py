"""Deploys: notifications from GitHub, any CI and PagerDuty change events; freezes; links to incidents.

| module | idea |
| --- | --- |
| `model` | `DeployEvent`, statuses, production detection (pure) |
| `github`, `pagerduty`, `api` | each source's input mapped to a `DeployEvent` or an `Ignored` (pure) |
| `service` | `record_deploy` (one living message per deploy), incident questions |
| `freezes` | freeze / unfreeze, the gate's answer, the automatic sev1 freeze |
| `notify` | channels, the developer on call, outbox messages |

For the incident lifecycle (all take an open session and `now`; queue their messages in it):
`freeze_for_incident(session, incident, now)`, `lift_incident_freeze(session, incident, now)`,
`recent_deploys(session, service_id, since)`, `mark_suspected_change_failures(session, incident, now)`;
`bot.blocks.deploys.recent_deploys_block(deploys)` renders the list for an incident's first message.

The names are re-exported lazily (PEP 562) so that importing `bot.deploys.model` from the Block Kit
builders does not import the services that use those builders.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "freeze_for_incident": "bot.deploys.freezes",
    "lift_incident_freeze": "bot.deploys.freezes",
    "matching_freeze": "bot.deploys.freezes",
    "recent_deploys": "bot.deploys.service",
    "mark_suspected_change_failures": "bot.deploys.service",
    "record_deploy": "bot.deploys.service",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'bot.deploys' has no attribute {name!r}")

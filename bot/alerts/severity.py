"""Monitoring severities (`critical`, `error`, `warning`, `info`) mapped to incident severities 1..4."""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_MAP = {"critical": "sev1", "error": "sev2", "warning": "sev3", "info": "sev4"}


def to_sev(
    severity: str | None, service_map: Mapping[str, str] | None = None, *, default: str = "warning"
) -> int:
    """The incident severity for `severity` under the service's map (the default map fills gaps).

    An unknown value (Alertmanager labels are free text) counts as `default`.
    """
    mapping = {**DEFAULT_MAP, **{k.lower(): v for k, v in (service_map or {}).items()}}
    key = (severity or default).strip().lower()
    value = mapping.get(key) or mapping.get(default) or "sev3"
    try:
        number = int(str(value).lower().removeprefix("sev"))
    except ValueError:
        number = 3
    return min(max(number, 1), 4)


def worst_sev(
    values: list[str], service_map: Mapping[str, str] | None = None, *, default: str = "warning"
) -> int:
    """The most severe incident severity among several alerts of one group (none given: `default`)."""
    return min(
        (to_sev(v, service_map, default=default) for v in values if v), default=to_sev(default, service_map)
    )

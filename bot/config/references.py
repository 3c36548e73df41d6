"""Checks across the file: every id referenced exists, ids are unique, layer starts exist in their zone.

They run on the raw YAML data, so they are reported even when the structure is invalid.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.config.issues import ConfigIssue, IssuePath, format_location, issue_at
from bot.config.model import TARGET_KINDS
from bot.config.values import parse_local_datetime
from bot.timeparse import TimeParseError, local_to_utc


def _items(data: Any, key: str) -> Iterator[tuple[IssuePath, dict[str, Any]]]:
    section = data.get(key) if isinstance(data, dict) else None
    if isinstance(section, list):
        for index, item in enumerate(section):
            if isinstance(item, dict):
                yield (key, index), item


def _strings(item: dict[str, Any], key: str, path: IssuePath) -> Iterator[tuple[IssuePath, str]]:
    values = item.get(key)
    if isinstance(values, list):
        for index, value in enumerate(values):
            if isinstance(value, str):
                yield (*path, key, index), value


_KIND_WORD = {
    "people": "person",
    "teams": "team",
    "schedules": "schedule",
    "escalation_policies": "escalation policy",
    "services": "service",
}


def reference_issues(data: Any) -> list[ConfigIssue]:
    """Checks across the file, on raw (or dumped) data; whatever cannot be read is skipped quietly
    (the structural validation reports it). Covers: ids unique per kind; every person, team,
    schedule, policy and service referenced exists; Slack ids, emails, integration keys and GitHub
    repositories unique; layer names unique in a schedule; layer starts exist in the schedule's zone."""
    if not isinstance(data, dict):
        return []
    issues: list[ConfigIssue] = []
    ids: dict[str, set[str]] = {}

    for section, word in _KIND_WORD.items():
        first_seen: dict[str, IssuePath] = {}
        for path, item in _items(data, section):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in first_seen:
                issues.append(
                    issue_at(
                        (*path, "id"),
                        f"duplicate {word} id '{ident}' (also {format_location(first_seen[ident])})",
                    )
                )
            else:
                first_seen[ident] = path
        ids[section] = set(first_seen)

    def check(path: IssuePath, value: Any, section: str) -> None:
        if isinstance(value, str) and value not in ids[section]:
            issues.append(issue_at(path, f"unknown {_KIND_WORD[section]} '{value}'"))

    def unique(
        seen: dict[str, IssuePath], path: IssuePath, value: str, what: str, shown: str | None = None
    ) -> None:
        if value in seen:
            issues.append(
                issue_at(path, f"{what} '{shown or value}' is already used at {format_location(seen[value])}")
            )
        else:
            seen[value] = path

    admins = data.get("admins")
    if isinstance(admins, list):
        for index, person in enumerate(admins):
            check(("admins", index), person, "people")

    slack_ids: dict[str, IssuePath] = {}
    emails: dict[str, IssuePath] = {}
    for path, person in _items(data, "people"):
        if isinstance(person.get("slack"), str):
            unique(slack_ids, (*path, "slack"), person["slack"], "Slack user")
        if isinstance(person.get("email"), str):
            unique(emails, (*path, "email"), person["email"].lower(), "email", person["email"])

    for path, team in _items(data, "teams"):
        for member_path, member in _strings(team, "members", path):
            check(member_path, member, "people")

    top_zone = data.get("timezone") if isinstance(data.get("timezone"), str) else "UTC"
    for path, schedule in _items(data, "schedules"):
        if "team" in schedule:
            check((*path, "team"), schedule["team"], "teams")
        zone = schedule.get("timezone") if isinstance(schedule.get("timezone"), str) else top_zone
        layer_names: dict[str, IssuePath] = {}
        layers = schedule.get("layers")
        for layer_index, layer in enumerate(layers if isinstance(layers, list) else []):
            if not isinstance(layer, dict):
                continue
            layer_path = (*path, "layers", layer_index)
            if isinstance(layer.get("name"), str):
                unique(layer_names, (*layer_path, "name"), layer["name"], "layer name")
            for member_path, member in _strings(layer, "members", layer_path):
                check(member_path, member, "people")
            if "start" in layer:
                issues.extend(_start_issues((*layer_path, "start"), layer["start"], zone))
        for shadow_path, shadow in _items(schedule, "shadows"):
            check((*path, *shadow_path, "person"), shadow.get("person"), "people")

    for path, policy in _items(data, "escalation_policies"):
        for level_path, level in _items(policy, "levels"):
            for target_path, target in _strings(level, "targets", (*path, *level_path)):
                kind, sep, ident = target.strip().partition(":")
                if sep and kind in TARGET_KINDS and ident.strip():
                    section = next(s for s, w in _KIND_WORD.items() if w == kind)
                    if ident.strip() not in ids[section]:
                        issues.append(issue_at(target_path, f"unknown {kind} '{ident.strip()}'"))

    keys: dict[str, IssuePath] = {}
    repos: dict[str, IssuePath] = {}
    for path, service in _items(data, "services"):
        if "team" in service:
            check((*path, "team"), service["team"], "teams")
        if service.get("escalation_policy") is not None:
            check((*path, "escalation_policy"), service["escalation_policy"], "escalation_policies")
        for key_path, key in _strings(service, "integration_keys", path):
            unique(keys, key_path, key, "integration key")
        for repo_path, repo in _strings(service, "github_repos", path):
            unique(repos, repo_path, repo.lower(), "GitHub repository", repo)

    return issues


def _start_issues(path: IssuePath, value: Any, zone: str) -> list[ConfigIssue]:
    try:
        start = parse_local_datetime(value)
        local_to_utc(start, zone)
    except TimeParseError as exc:
        if "does not exist" not in str(exc):
            return []  # an unknown zone: reported at the timezone itself
        return [issue_at(path, str(exc))]
    except ValueError:
        return []  # a malformed start: reported by the structural validation
    return []

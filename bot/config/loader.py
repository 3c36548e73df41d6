"""Reading ``opsbridge.yaml``: every problem is reported at once, each with its location.

``validate_config_text`` parses YAML, validates the structure with the pydantic models and checks
references across the file; ``ConfigError`` carries all the issues, in document order, and prints
one per line as ``opsbridge.yaml: schedules[1].layers[0].members[2]: unknown person 'zoe'``.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.config.model import (
    SKIP_REFERENCES,
    TARGET_KINDS,
    Config,
    _parse_local_datetime,
)
from bot.timeparse import TimeParseError, local_to_utc

__all__ = [
    "ConfigError",
    "ConfigIssue",
    "IssuePath",
    "format_location",
    "load_config",
    "reference_issues",
    "validate_config_text",
]

IssuePath = tuple[str | int, ...]


@dataclass(frozen=True)
class ConfigIssue:
    """One problem: ``location`` like ``schedules[1].layers[0].members[2]`` ("" for the whole file)."""

    location: str
    message: str
    path: IssuePath = field(default=(), compare=False)
    line: int | None = field(default=None, compare=False)  # 1-based, when known
    column: int | None = field(default=None, compare=False)  # 1-based, when known

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ConfigError(Exception):
    """An invalid configuration; ``errors`` holds every issue found, ``str()`` lists them one per line."""

    def __init__(self, errors: list[ConfigIssue], source_name: str = "opsbridge.yaml") -> None:
        self.errors = list(errors)
        self.source_name = source_name
        super().__init__(self.errors, source_name)  # args that rebuild it (pickling)

    def lines(self) -> list[str]:
        return [f"{self.source_name}: {issue}" for issue in self.errors]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def format_location(path: Iterable[str | int]) -> str:
    """``("schedules", 1, "layers", 0)`` -> ``schedules[1].layers[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _issue(path: IssuePath, message: str) -> ConfigIssue:
    return ConfigIssue(location=format_location(path), message=message, path=tuple(path))


# --- YAML ----------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's surprises for this file: ``21:00`` stays a string (not the
    sexagesimal number 1260) and dates stay strings, so the models parse them with good messages."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (
            tag,
            re.compile(r"^(?!.*:)(?:" + regexp.pattern + r")", regexp.flags)
            if tag.endswith((":int", ":float"))
            else regexp,
        )
        for tag, regexp in resolvers
        if tag != "tag:yaml.org,2002:timestamp"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


Position = tuple[int, int]  # 1-based line and column


def _parse_yaml(text: str) -> tuple[Any, dict[IssuePath, Position], list[ConfigIssue]]:
    """The document, a map from paths to positions in the text, and duplicate-key issues."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    positions: dict[IssuePath, Position] = {}
    issues: list[ConfigIssue] = []
    if node is not None:
        _walk(node, (), positions, issues)
    return data, positions, issues


def _position(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _walk(
    node: yaml.Node, path: IssuePath, positions: dict[IssuePath, Position], issues: list[ConfigIssue]
) -> None:
    positions.setdefault(path, _position(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                continue
            child = (*path, key)
            if key in seen:
                line, column = _position(key_node)
                issues.append(
                    ConfigIssue(format_location(child), f"duplicate key '{key}'", child, line, column)
                )
            seen.add(key)
            positions.setdefault(child, _position(key_node))
            _walk(value_node, child, positions, issues)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), positions, issues)


# --- pydantic errors -----------------------------------------------------------------------------


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional so that list[...] / dict[...] / models show through."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _model_at(path: IssuePath) -> type[BaseModel] | None:
    """The model class whose mapping sits at ``path`` in the file, if the path follows the schema."""
    current: Any = Config
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            found = None
            for name, info in current.model_fields.items():
                if part in (name, info.alias):
                    found = info.annotation
                    break
            if found is None:
                return None
            current = found
        elif typing.get_origin(current) is list and isinstance(part, int):
            current = typing.get_args(current)[0]
        elif typing.get_origin(current) is dict and isinstance(part, str):
            current = typing.get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _pydantic_message(error: dict[str, Any], path: IssuePath) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        model = _model_at(path[:-1])
        allowed = f" (allowed: {', '.join(_allowed_keys(model))})" if model else ""
        return f"unknown key '{path[-1]}'{allowed}" if path else f"unknown key{allowed}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "assertion_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        return f"must be {ctx.get('expected', '?')}, got {_short(value)}"
    if kind == "string_type":
        return f"must be text, got {_short(value)} (quote it in YAML)"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list, got {_short(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping (key: value), got {_short(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, got {_short(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false, got {_short(value)}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, got {_short(value)}"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    message = error["msg"]
    if value is not None and not isinstance(value, dict | list):
        message += f", got {_short(value)}"
    return message


def _structure_issues(data: Any) -> tuple[Config | None, list[ConfigIssue]]:
    try:
        return Config.model_validate(data, context={SKIP_REFERENCES: True}), []
    except ValidationError as exc:
        issues = []
        for error in exc.errors(include_url=False):
            path = tuple(error["loc"])
            issues.append(_issue(path, _pydantic_message(error, path)))
        return None, issues


# --- references ----------------------------------------------------------------------------------


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
                    _issue(
                        (*path, "id"),
                        f"duplicate {word} id '{ident}' (also {format_location(first_seen[ident])})",
                    )
                )
            else:
                first_seen[ident] = path
        ids[section] = set(first_seen)

    def check(path: IssuePath, value: Any, section: str) -> None:
        if isinstance(value, str) and value not in ids[section]:
            issues.append(_issue(path, f"unknown {_KIND_WORD[section]} '{value}'"))

    def unique(
        seen: dict[str, IssuePath], path: IssuePath, value: str, what: str, shown: str | None = None
    ) -> None:
        if value in seen:
            issues.append(
                _issue(path, f"{what} '{shown or value}' is already used at {format_location(seen[value])}")
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
                        issues.append(_issue(target_path, f"unknown {kind} '{ident.strip()}'"))

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
        start = _parse_local_datetime(value)
        local_to_utc(start, zone)
    except TimeParseError as exc:
        if "does not exist" not in str(exc):
            return []  # an unknown zone: reported at the timezone itself
        return [_issue(path, str(exc))]
    except ValueError:
        return []  # a malformed start: reported by the structural validation
    return []


# --- entry points --------------------------------------------------------------------------------


def _ordered(issues: list[ConfigIssue], positions: dict[IssuePath, Position]) -> list[ConfigIssue]:
    """Issues placed at their position in the text (the nearest enclosing one for a missing key),
    without repeats, in document order."""

    def position_of(issue: ConfigIssue) -> Position | None:
        if issue.line is not None:
            return issue.line, issue.column or 0
        path = issue.path
        while path not in positions:
            if not path:
                return None
            path = path[:-1]
        return positions[path]

    placed: list[ConfigIssue] = []
    for issue in issues:
        position = position_of(issue)
        line, column = position if position else (None, None)
        moved = ConfigIssue(issue.location, issue.message, issue.path, line, column)
        if moved not in placed:
            placed.append(moved)
    return sorted(placed, key=lambda issue: (issue.line or 0, issue.column or 0))


def validate_config_text(
    text: str, source_name: str = "opsbridge.yaml", *, base_dir: str | Path | None = None
) -> Config:
    """Validate the text of a configuration file; raises ``ConfigError`` with every issue.

    ``base_dir``, when given, is where a relative ``postmortems.template`` is looked up; the
    returned config then holds its absolute path (and a missing template is an issue).
    """
    try:
        data, positions, issues = _parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and exc.context != exc.problem:
            if exc.problem.startswith("but "):
                problem = f"{exc.context}, {exc.problem}"
            else:
                problem = f"{exc.problem} ({exc.context})"
        if mark is None:
            raise ConfigError([ConfigIssue("", f"invalid YAML: {problem}")], source_name) from None
        location = f"line {mark.line + 1}, column {mark.column + 1}"
        raise ConfigError(
            [ConfigIssue(location, f"invalid YAML: {problem}", line=mark.line + 1, column=mark.column + 1)],
            source_name,
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigIssue("", f"invalid YAML: {exc}")], source_name) from None

    if data is None:
        raise ConfigError(
            [ConfigIssue("", "the file is empty; expected a mapping with people, teams, schedules, ...")],
            source_name,
        )
    if not isinstance(data, dict):
        raise ConfigError(
            [
                ConfigIssue(
                    "", f"the file must be a mapping (key: value) at the top, got {type(data).__name__}"
                )
            ],
            source_name,
        )

    config, structural = _structure_issues(data)
    issues = [*issues, *structural, *reference_issues(data)]

    template = (
        data.get("postmortems", {}).get("template") if isinstance(data.get("postmortems"), dict) else None
    )
    resolved_template: Path | None = None
    if base_dir is not None and isinstance(template, str) and template:
        resolved_template = Path(base_dir) / Path(template).expanduser()
        if not resolved_template.is_file():
            issues.append(
                _issue(("postmortems", "template"), f"template file not found: {resolved_template}")
            )

    if issues or config is None:
        raise ConfigError(_ordered(issues, positions), source_name)
    if resolved_template is not None:
        config.postmortems.template = str(resolved_template.resolve())
    return config


def load_config(path: str | Path) -> Config:
    """Read and validate the configuration file at ``path``; raises ``ConfigError`` with every issue
    (including a missing or unreadable file)."""
    source = Path(path)
    name = str(path)
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            [
                ConfigIssue(
                    "",
                    f"configuration file not found: {source.absolute()} (set OPSBRIDGE_CONFIG or pass a path)",
                )
            ],
            name,
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            [ConfigIssue("", f"{source.absolute()} is a directory, not a file")], name
        ) from None
    except OSError as exc:
        raise ConfigError(
            [ConfigIssue("", f"cannot read {source.absolute()}: {exc.strerror or exc}")], name
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError([ConfigIssue("", f"not UTF-8 text (byte {exc.start})")], name) from None
    return validate_config_text(text, name, base_dir=source.parent)

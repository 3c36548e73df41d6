"""Reading ``opsbridge.yaml``: every problem is reported at once, each with its location.

``validate_config_text`` parses YAML, validates the structure with the pydantic models and checks
references across the file; ``ConfigError`` carries all the issues, in document order, and prints
one per line as ``opsbridge.yaml: schedules[1].layers[0].members[2]: unknown person 'zoe'``.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.config.issues import ConfigError, ConfigIssue, IssuePath, format_location, issue_at
from bot.config.model import SKIP_REFERENCES, Config
from bot.config.references import reference_issues

__all__ = [
    "ConfigError",
    "ConfigIssue",
    "IssuePath",
    "format_location",
    "load_config",
    "reference_issues",
    "validate_config_text",
]


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
            issues.append(issue_at(path, _pydantic_message(error, path)))
        return None, issues


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
                issue_at(("postmortems", "template"), f"template file not found: {resolved_template}")
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

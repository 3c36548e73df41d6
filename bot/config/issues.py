"""Configuration problems: each with its location, all reported together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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


def issue_at(path: IssuePath, message: str) -> ConfigIssue:
    return ConfigIssue(location=format_location(path), message=message, path=tuple(path))

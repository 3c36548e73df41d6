"""The Web API method registry, request parameters, errors and shared lookups.

A method handler is ``handler(emu, params) -> dict`` (plain or async) registered with
``@method("chat.postMessage")``; it raises ``ApiError("channel_not_found")`` for Slack's
``{"ok": false, "error": ...}`` answers. The ``methods_*`` modules register themselves on import.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .model import Channel, Message, User

if TYPE_CHECKING:
    from .server import SlackEmulator

Handler = Callable[["SlackEmulator", "Params"], "dict | Awaitable[dict]"]
METHODS: dict[str, Handler] = {}

# fields slack_sdk (or a caller) may send as JSON strings inside form posts
JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "files", "options", "event_payload")


class ApiError(Exception):
    def __init__(self, error: str, **extra: Any):
        super().__init__(error)
        self.error = error
        self.extra = extra


def method(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        METHODS[name] = fn
        return fn

    return register


class Params(dict):
    """Decoded request parameters with Slack's loose typing."""

    def req(self, name: str, error: str = "invalid_arguments") -> Any:
        value = self.get(name)
        if value is None or value == "":
            raise ApiError(error)
        return value

    def str(self, name: str, default: str = "") -> str:
        value = self.get(name)
        return default if value is None else str(value)

    def bool(self, name: str, default: bool = False) -> bool:
        value = self.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("1", "true", "yes")

    def int(self, name: str, default: int) -> int:
        try:
            return int(self.get(name) or default)
        except (TypeError, ValueError):
            raise ApiError("invalid_arguments") from None

    def list(self, name: str) -> list[str]:
        """A comma-separated (or JSON list) parameter as a list of non-empty strings."""
        value = self.get(name)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return [v.strip() for v in str(value).split(",") if v.strip()]

    def json(self, name: str) -> Any:
        value = self.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value) if value else None
            except ValueError:
                raise ApiError(f"invalid_{name}") from None
        return value


def decode_json_fields(params: dict) -> dict:
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                params[key] = json.loads(value)
            except ValueError:
                pass
    return params


def paginate(items: list, p: Params, default_limit: int = 100) -> tuple[list, dict]:
    """Cursor pagination like Slack's: returns (page, response_metadata)."""
    limit = p.int("limit", default_limit) or default_limit
    cursor = p.str("cursor")
    start = 0
    if cursor:
        try:
            start = int(base64.b64decode(cursor).decode().split(":", 1)[1])
        except Exception:
            raise ApiError("invalid_cursor") from None
    page = items[start : start + limit]
    end = start + limit
    next_cursor = base64.b64encode(f"next:{end}".encode()).decode() if end < len(items) else ""
    return page, {"next_cursor": next_cursor}


# ---- lookups shared by the method modules
def get_channel(emu: SlackEmulator, ref: str | None) -> Channel:
    if not ref:
        raise ApiError("channel_not_found")
    channel = emu.workspace.resolve_channel(str(ref))
    if channel is None:
        raise ApiError("channel_not_found")
    return channel


def get_user(emu: SlackEmulator, user_id: str | None) -> User:
    user = emu.workspace.user(str(user_id or ""))
    if user is None:
        raise ApiError("user_not_found")
    return user


def get_message(
    emu: SlackEmulator, channel: Channel, ts: str | None, error: str = "message_not_found"
) -> Message:
    msg = emu.workspace.message(channel.id, str(ts or ""))
    if msg is None:
        raise ApiError(error)
    return msg


def writable_channel(emu: SlackEmulator, ref: str | None) -> Channel:
    """A channel the bot may post in: archived -> is_archived, private non-member -> not_in_channel."""
    channel = get_channel(emu, ref)
    if channel.archived:
        raise ApiError("is_archived")
    if channel.is_private and emu.workspace.bot_user_id not in channel.members:
        raise ApiError("not_in_channel")
    return channel


def permalink(emu: SlackEmulator, channel: str, ts: str) -> str:
    return f"{emu.workspace.url}archives/{channel}/p{ts.replace('.', '')}"

"""What a POST to a response URL does: a new ephemeral or channel message, a replace or a delete."""

from __future__ import annotations

from typing import Any

from .blocks import BlockError, fill_ids, validate_blocks
from .links import ResponseUrl
from .model import Message
from .state import Workspace


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _original(ws: Workspace, record: ResponseUrl) -> Message | None:
    if not record.message_ts or not record.channel:
        return None
    if record.ephemeral:
        return ws.ephemeral(record.message_ts)
    return ws.message(record.channel, record.message_ts)


def apply_response(ws: Workspace, record: ResponseUrl, body: dict[str, Any]) -> str | None:
    """Apply Slack's response_url semantics; returns an error string or None."""
    if not record.channel:
        return "no_channel"
    blocks = body.get("blocks") or []
    try:
        validate_blocks(blocks)
    except BlockError:
        return "invalid_blocks"
    content = {
        "text": str(body.get("text") or ""),
        "blocks": fill_ids(list(blocks)),
        "attachments": list(body.get("attachments") or []),
    }
    original = _original(ws, record)
    if _flag(body.get("delete_original")):
        if original is None:
            return "message_not_found"
        if original.ephemeral_for:
            ws.delete_ephemeral(original)
        else:
            ws.delete_message(original)
        return None
    if _flag(body.get("replace_original")) and original is not None:
        if original.ephemeral_for:
            ws.update_ephemeral(original, **content)
        else:
            ws.update_message(original, **content)
        return None
    if not (content["text"] or content["blocks"] or content["attachments"]):
        return "no_text"
    thread_ts = body.get("thread_ts") or record.thread_ts
    if body.get("response_type") == "in_channel":
        ws.post(record.channel, thread_ts=thread_ts, **content)
        return None
    msg = ws.post_ephemeral(record.channel, record.user, thread_ts=thread_ts, **content)
    if record.kind == "command" and record.message_ts is None:
        # a later replace_original through this URL replaces this ephemeral, as in Slack
        record.message_ts, record.ephemeral = msg.ts, True
    return None

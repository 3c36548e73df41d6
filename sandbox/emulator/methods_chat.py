"""chat.*, reactions.*, pins.* methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import blocks as bk
from .api import ApiError, Params, get_channel, get_message, get_user, method, permalink, writable_channel

if TYPE_CHECKING:
    from .server import SlackEmulator


def message_content(p: Params, *, require: bool = True) -> dict:
    """text/blocks/attachments/metadata from params; Slack's no_text, invalid_blocks, msg_too_long."""
    out: dict = {}
    if "text" in p and p.get("text") is not None:
        out["text"] = p.str("text")
    blocks = p.json("blocks")
    if blocks is not None:
        try:
            bk.validate_blocks(blocks)
        except bk.BlockError as exc:
            raise ApiError(
                "invalid_blocks",
                errors=exc.errors,
                response_metadata={"messages": [f"[ERROR] {e}" for e in exc.errors]},
            ) from None
        out["blocks"] = bk.fill_ids(blocks)
    attachments = p.json("attachments")
    if attachments is not None:
        if not isinstance(attachments, list):
            raise ApiError("invalid_attachments")
        out["attachments"] = attachments
    if require and not (out.get("text") or out.get("blocks") or out.get("attachments")):
        raise ApiError("no_text")
    if len(out.get("text", "")) > 40000:
        raise ApiError("msg_too_long")
    metadata = p.json("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict) or "event_type" not in metadata:
            raise ApiError("invalid_metadata_format")
        out["metadata"] = metadata
    return out


@method("chat.postMessage")
def post_message(emu: SlackEmulator, p: Params) -> dict:
    channel = writable_channel(emu, p.get("channel"))
    content = message_content(p)
    thread_ts = p.str("thread_ts") or None
    msg = emu.workspace.post(channel.id, thread_ts=thread_ts, **content)
    if thread_ts and p.bool("reply_broadcast"):
        emu.workspace.update_message(msg, subtype="thread_broadcast")
    return {"channel": channel.id, "ts": msg.ts, "message": msg.to_slack()}


@method("chat.update")
def update(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    msg = get_message(emu, channel, p.get("ts"))
    if msg.bot_id != emu.workspace.bot_id:
        raise ApiError("cant_update_message")
    if channel.archived:
        raise ApiError("is_archived")
    content = message_content(p, require=False)
    if not content:
        raise ApiError("no_text")
    emu.workspace.update_message(msg, edited_by=emu.workspace.bot_user_id, **content)
    return {"channel": channel.id, "ts": msg.ts, "text": msg.text, "message": msg.to_slack()}


@method("chat.delete")
def delete(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    msg = get_message(emu, channel, p.get("ts"))
    if msg.bot_id != emu.workspace.bot_id:
        raise ApiError("cant_delete_message")
    emu.workspace.delete_message(msg)
    return {"channel": channel.id, "ts": msg.ts}


@method("chat.postEphemeral")
def post_ephemeral(emu: SlackEmulator, p: Params) -> dict:
    channel = writable_channel(emu, p.get("channel"))
    user = get_user(emu, p.req("user", "user_not_found"))
    if user.id not in channel.members:
        raise ApiError("user_not_in_channel")
    content = message_content(p)
    content.pop("metadata", None)
    msg = emu.workspace.post_ephemeral(channel.id, user.id, thread_ts=p.str("thread_ts") or None, **content)
    return {"message_ts": msg.ts}


@method("chat.getPermalink")
def get_permalink(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    msg = get_message(emu, channel, p.get("message_ts"))
    return {"channel": channel.id, "permalink": permalink(emu, channel.id, msg.ts)}


def _reaction_target(emu: SlackEmulator, p: Params):
    channel = get_channel(emu, p.get("channel"))
    msg = get_message(emu, channel, p.get("timestamp") or p.get("ts"), "message_not_found")
    name = p.req("name", "invalid_name").strip(":")
    return msg, name


@method("reactions.add")
def reactions_add(emu: SlackEmulator, p: Params) -> dict:
    msg, name = _reaction_target(emu, p)
    if not emu.workspace.add_reaction(msg, name, emu.workspace.bot_user_id):
        raise ApiError("already_reacted")
    return {}


@method("reactions.remove")
def reactions_remove(emu: SlackEmulator, p: Params) -> dict:
    msg, name = _reaction_target(emu, p)
    if not emu.workspace.remove_reaction(msg, name, emu.workspace.bot_user_id):
        raise ApiError("no_reaction")
    return {}


@method("reactions.get")
def reactions_get(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    msg = get_message(emu, channel, p.get("timestamp"))
    return {"type": "message", "channel": channel.id, "message": msg.to_slack()}


@method("pins.add")
def pins_add(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    msg = get_message(emu, channel, p.get("timestamp"), "message_not_found")
    if not emu.workspace.pin(msg, emu.workspace.bot_user_id):
        raise ApiError("already_pinned")
    return {}


@method("pins.remove")
def pins_remove(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    msg = get_message(emu, channel, p.get("timestamp"), "message_not_found")
    if not emu.workspace.unpin(msg):
        raise ApiError("no_pin")
    return {}


@method("pins.list")
def pins_list(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    items = [
        {
            "type": "message",
            "channel": channel.id,
            "message": m.to_slack(),
            "created_by": m.pinned_by,
            "created": int(float(m.ts)),
        }
        for m in emu.workspace.messages.get(channel.id, [])
        if m.pinned
    ]
    return {"items": items}

"""conversations.* methods."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .api import ApiError, Params, get_channel, get_user, method, paginate
from .model import Channel

if TYPE_CHECKING:
    from .server import SlackEmulator

NAME_OK = re.compile(r"^[a-z0-9_\-]+$")


def _bot(emu: SlackEmulator) -> str:
    return emu.workspace.bot_user_id


def _info(emu: SlackEmulator, channel: Channel, **kw: bool) -> dict:
    return {"channel": channel.to_slack(_bot(emu), **kw)}


def _member_channel(emu: SlackEmulator, p: Params) -> Channel:
    channel = get_channel(emu, p.get("channel"))
    if channel.archived:
        raise ApiError("is_archived")
    if _bot(emu) not in channel.members:
        raise ApiError("not_in_channel")
    return channel


@method("conversations.create")
def create(emu: SlackEmulator, p: Params) -> dict:
    name = p.str("name")
    if not name:
        raise ApiError("invalid_name_required")
    if len(name) > 80:
        raise ApiError("invalid_name_maxlength")
    if not NAME_OK.match(name):
        raise ApiError("invalid_name_specials")
    if any(c.name == name and not c.is_im for c in emu.workspace.channels.values()):
        raise ApiError("name_taken")
    channel = emu.workspace.add_channel(emu.workspace.new_id("C"), name, is_private=p.bool("is_private"))
    return _info(emu, channel)


@method("conversations.info")
def info(emu: SlackEmulator, p: Params) -> dict:
    return _info(emu, get_channel(emu, p.get("channel")), num_members=p.bool("include_num_members"))


@method("conversations.invite")
def invite(emu: SlackEmulator, p: Params) -> dict:
    channel = _member_channel(emu, p)
    user_ids = p.list("users")
    if not user_ids:
        raise ApiError("no_user")
    for uid in user_ids:
        if uid == _bot(emu):
            raise ApiError("cant_invite_self")
        get_user(emu, uid)
    new = [u for u in user_ids if u not in channel.members]
    if not new:
        raise ApiError(
            "already_in_channel",
            errors=[{"user": u, "ok": False, "error": "already_in_channel"} for u in user_ids],
        )
    emu.workspace.join(channel, new)
    return _info(emu, channel)


@method("conversations.kick")
def kick(emu: SlackEmulator, p: Params) -> dict:
    channel = _member_channel(emu, p)
    uid = get_user(emu, p.get("user")).id
    if uid not in channel.members:
        raise ApiError("not_in_channel")
    emu.workspace.change_channel(channel, members=channel.members - {uid})
    return {}


@method("conversations.join")
def join(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    if channel.is_private or channel.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.archived:
        raise ApiError("is_archived")
    out = _info(emu, channel)
    if _bot(emu) in channel.members:
        return {
            **out,
            "warning": "already_in_channel",
            "response_metadata": {"warnings": ["already_in_channel"]},
        }
    emu.workspace.join(channel, [_bot(emu)])
    return _info(emu, channel)


@method("conversations.leave")
def leave(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    if _bot(emu) not in channel.members:
        return {"not_in_channel": True}
    emu.workspace.change_channel(channel, members=channel.members - {_bot(emu)})
    return {}


@method("conversations.setTopic")
def set_topic(emu: SlackEmulator, p: Params) -> dict:
    channel = _member_channel(emu, p)
    topic = p.str("topic")
    if len(topic) > 250:
        raise ApiError("too_long")
    emu.workspace.change_channel(channel, topic=topic)
    return _info(emu, channel)


@method("conversations.setPurpose")
def set_purpose(emu: SlackEmulator, p: Params) -> dict:
    channel = _member_channel(emu, p)
    purpose = p.str("purpose")
    if len(purpose) > 250:
        raise ApiError("too_long")
    emu.workspace.change_channel(channel, purpose=purpose)
    return {**_info(emu, channel), "purpose": purpose}


@method("conversations.rename")
def rename(emu: SlackEmulator, p: Params) -> dict:
    channel = _member_channel(emu, p)
    name = p.str("name")
    if not name or len(name) > 80 or not NAME_OK.match(name):
        raise ApiError("invalid_name_specials" if name else "invalid_name_required")
    if emu.workspace.channel_by_name(name) not in (None, channel):
        raise ApiError("name_taken")
    emu.workspace.change_channel(channel, name=name)
    return _info(emu, channel)


@method("conversations.archive")
def archive(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    if channel.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.archived:
        raise ApiError("already_archived")
    if _bot(emu) not in channel.members:
        raise ApiError("not_in_channel")
    emu.workspace.change_channel(channel, archived=True)
    return {}


@method("conversations.unarchive")
def unarchive(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    if not channel.archived:
        raise ApiError("not_archived")
    emu.workspace.change_channel(channel, archived=False)
    return {}


@method("conversations.open")
def open_(emu: SlackEmulator, p: Params) -> dict:
    if p.get("channel"):
        channel = get_channel(emu, p.get("channel"))
        return {"channel": {"id": channel.id}, "no_op": True, "already_open": True}
    user_ids = [u for u in p.list("users") if u != _bot(emu)]
    if not user_ids:
        raise ApiError("users_list_not_supplied")
    if len(user_ids) > 8:
        raise ApiError("too_many_users")
    for uid in user_ids:
        get_user(emu, uid)
    existed = len(user_ids) == 1 and emu.workspace.find_dm(user_ids[0]) is not None
    if len(user_ids) == 1:
        channel = emu.workspace.dm_channel(user_ids[0])
    else:
        channel = emu.workspace.mpim_channel(user_ids)
    body = channel.to_slack(_bot(emu)) if p.bool("return_im") else {"id": channel.id}
    return {"channel": body, "no_op": existed, "already_open": existed}


def _ts_window(p: Params, messages: list) -> list:
    oldest, latest = p.str("oldest"), p.str("latest")
    inclusive = p.bool("inclusive")
    out = []
    for m in messages:
        ts = float(m.ts)
        if oldest and (ts < float(oldest) or (ts == float(oldest) and not inclusive)):
            continue
        if latest and (ts > float(latest) or (ts == float(latest) and not inclusive)):
            continue
        out.append(m)
    return out


@method("conversations.history")
def history(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    messages = list(reversed(_ts_window(p, emu.workspace.history(channel.id))))
    page, meta = paginate(messages, p)
    return {
        "messages": [m.to_slack() for m in page],
        "has_more": bool(meta["next_cursor"]),
        "pin_count": sum(1 for m in messages if m.pinned),
        "response_metadata": meta,
    }


@method("conversations.replies")
def replies(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    ts = p.str("ts")
    thread = emu.workspace.replies(channel.id, ts)
    if not thread:
        raise ApiError("thread_not_found")
    page, meta = paginate(_ts_window(p, thread), p, default_limit=1000)
    return {
        "messages": [m.to_slack() for m in page],
        "has_more": bool(meta["next_cursor"]),
        "response_metadata": meta,
    }


@method("conversations.members")
def members(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel"))
    page, meta = paginate(sorted(channel.members), p)
    return {"members": page, "response_metadata": meta}


@method("conversations.list")
def list_(emu: SlackEmulator, p: Params) -> dict:
    types = set(p.list("types") or ["public_channel"])
    chosen = []
    for c in emu.workspace.channels.values():
        kind = (
            "im"
            if c.is_im
            else "mpim"
            if c.is_mpim
            else "private_channel"
            if c.is_private
            else "public_channel"
        )
        if kind not in types or (p.bool("exclude_archived") and c.archived):
            continue
        if kind == "private_channel" and _bot(emu) not in c.members:
            continue
        chosen.append(c)
    page, meta = paginate(chosen, p)
    return {"channels": [c.to_slack(_bot(emu), num_members=True) for c in page], "response_metadata": meta}

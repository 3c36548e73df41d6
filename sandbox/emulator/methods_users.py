"""auth.test, users.*, usergroups.*, team.info methods."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .api import ApiError, Params, get_user, method, paginate
from .model import Usergroup

if TYPE_CHECKING:
    from .server import SlackEmulator

HANDLE_OK = re.compile(r"^[a-z0-9._\-]{1,21}$")


@method("auth.test")
def auth_test(emu: SlackEmulator, p: Params) -> dict:
    ws = emu.workspace
    return {
        "url": ws.url,
        "team": ws.team_name,
        "user": ws.bot_name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


@method("team.info")
def team_info(emu: SlackEmulator, p: Params) -> dict:
    ws = emu.workspace
    return {"team": {"id": ws.team_id, "name": ws.team_name, "domain": ws.domain, "url": ws.url}}


@method("bots.info")
def bots_info(emu: SlackEmulator, p: Params) -> dict:
    ws = emu.workspace
    return {
        "bot": {
            "id": ws.bot_id,
            "deleted": False,
            "name": ws.bot_name,
            "app_id": ws.app_id,
            "user_id": ws.bot_user_id,
            "updated": 1700000000,
        }
    }


@method("users.info")
def users_info(emu: SlackEmulator, p: Params) -> dict:
    return {"user": get_user(emu, p.get("user")).to_slack()}


@method("users.list")
def users_list(emu: SlackEmulator, p: Params) -> dict:
    page, meta = paginate(list(emu.workspace.users.values()), p, default_limit=200)
    return {"members": [u.to_slack() for u in page], "cache_ts": 1700000000, "response_metadata": meta}


@method("users.lookupByEmail")
def users_lookup_by_email(emu: SlackEmulator, p: Params) -> dict:
    email = p.str("email").lower()
    for user in emu.workspace.users.values():
        if user.email and user.email.lower() == email and not user.deleted:
            return {"user": user.to_slack()}
    raise ApiError("users_not_found")


@method("users.profile.get")
def users_profile_get(emu: SlackEmulator, p: Params) -> dict:
    user = get_user(emu, p.get("user") or emu.workspace.bot_user_id)
    return {"profile": user.to_slack()["profile"]}


def _group(emu: SlackEmulator, p: Params) -> Usergroup:
    group = emu.workspace.usergroups.get(p.str("usergroup"))
    if group is None:
        raise ApiError("no_such_subteam")
    return group


@method("usergroups.list")
def usergroups_list(emu: SlackEmulator, p: Params) -> dict:
    include = p.bool("include_users")
    return {"usergroups": [g.to_slack(include_users=include) for g in emu.workspace.usergroups.values()]}


@method("usergroups.create")
def usergroups_create(emu: SlackEmulator, p: Params) -> dict:
    name = p.req("name")
    handle = p.str("handle") or name.lower().replace(" ", "-")
    if not HANDLE_OK.match(handle):
        raise ApiError("invalid_handle")
    for g in emu.workspace.usergroups.values():
        if g.name == name:
            raise ApiError("name_already_exists")
        if g.handle == handle:
            raise ApiError("handle_already_exists")
    if emu.workspace.user_by_name(handle) or emu.workspace.channel_by_name(handle):
        raise ApiError("handle_already_exists")
    group = emu.workspace.add_usergroup(emu.workspace.new_id("S"), handle, name=name)
    emu.workspace.set_usergroup(group, description=p.str("description"))
    return {"usergroup": group.to_slack()}


@method("usergroups.update")
def usergroups_update(emu: SlackEmulator, p: Params) -> dict:
    group = _group(emu, p)
    fields = {k: p.str(k) for k in ("name", "handle", "description") if p.get(k) is not None}
    emu.workspace.set_usergroup(group, **fields)
    return {"usergroup": group.to_slack(include_users=p.bool("include_count", True))}


@method("usergroups.users.list")
def usergroups_users_list(emu: SlackEmulator, p: Params) -> dict:
    return {"users": list(_group(emu, p).users)}


@method("usergroups.users.update")
def usergroups_users_update(emu: SlackEmulator, p: Params) -> dict:
    group = _group(emu, p)
    users = p.list("users")
    if not users:
        raise ApiError("no_users_provided")
    for uid in users:
        user = emu.workspace.user(uid)
        if user is None or user.deleted or user.is_bot:
            raise ApiError("invalid_users")
    emu.workspace.set_usergroup(group, users=list(dict.fromkeys(users)))
    return {"usergroup": group.to_slack()}

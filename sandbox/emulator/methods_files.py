"""files.* (the v2 external upload flow) and bookmarks.* methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .api import ApiError, Params, get_channel, method, writable_channel

if TYPE_CHECKING:
    from .server import SlackEmulator


@method("files.getUploadURLExternal")
def get_upload_url(emu: SlackEmulator, p: Params) -> dict:
    filename = p.req("filename", "invalid_arguments")
    length = p.int("length", 0)
    if length <= 0:
        raise ApiError("invalid_arguments")
    f = emu.workspace.add_file(filename, user=emu.workspace.bot_user_id, url_base=emu.url)
    emu.workspace.change_file(f, title=filename)
    return {"upload_url": f"{emu.url}upload/{f.id}", "file_id": f.id}


@method("files.completeUploadExternal")
def complete_upload(emu: SlackEmulator, p: Params) -> dict:
    items = p.json("files")
    if not isinstance(items, list) or not items:
        raise ApiError("invalid_arguments")
    channel_refs = [p.str("channel_id")] if p.get("channel_id") else p.list("channels")
    channels = [writable_channel(emu, ref) for ref in channel_refs]
    files = []
    for item in items:
        f = emu.workspace.files.get(str(item.get("id") if isinstance(item, dict) else ""))
        if f is None or f.completed:
            raise ApiError("file_not_found")
        files.append(f)
        emu.workspace.change_file(
            f, title=item.get("title") or f.title, completed=True, channels=[c.id for c in channels]
        )
    thread_ts = p.str("thread_ts") or None
    for channel in channels:
        emu.workspace.post(
            channel.id,
            p.str("initial_comment"),
            files=[f.id for f in files],
            thread_ts=thread_ts,
            subtype=None,
        )
    return {"files": [f.to_slack() for f in files]}


@method("files.info")
def files_info(emu: SlackEmulator, p: Params) -> dict:
    f = emu.workspace.files.get(p.str("file"))
    if f is None:
        raise ApiError("file_not_found")
    return {"file": f.to_slack(), "content": f.content.decode("utf-8", "replace")}


@method("bookmarks.add")
def bookmarks_add(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel_id"))
    title = p.req("title", "invalid_title")
    if p.str("type", "link") != "link":
        raise ApiError("invalid_bookmark_type")
    link = p.req("link", "invalid_link")
    if not link.startswith(("http://", "https://")):
        raise ApiError("invalid_link")
    mark = emu.workspace.add_bookmark(channel.id, title, link, emoji=p.get("emoji"))
    return {"bookmark": mark.to_slack()}


@method("bookmarks.list")
def bookmarks_list(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel_id"))
    return {"bookmarks": [b.to_slack() for b in emu.workspace.bookmarks.get(channel.id, [])]}


@method("bookmarks.remove")
def bookmarks_remove(emu: SlackEmulator, p: Params) -> dict:
    channel = get_channel(emu, p.get("channel_id"))
    marks = emu.workspace.bookmarks.get(channel.id, [])
    mark = next((b for b in marks if b.id == p.str("bookmark_id")), None)
    if mark is None:
        raise ApiError("not_found")
    marks.remove(mark)
    emu.workspace.bump("bookmark", mark)
    return {}

"""`GET /postmortems/{incident}.md?token=T`: the post-mortem document, for whoever has the link."""

from __future__ import annotations

import secrets

from aiohttp import web

from bot.context import Context
from bot.postmortems.gather import render_document
from storage import postmortems as store
from storage.models import Incident


def view(ctx: Context):
    async def postmortem_document(request: web.Request) -> web.Response:
        ident = request.match_info["incident"]
        token = request.query.get("token", "")
        if not ident.isdigit() or not token:
            raise web.HTTPNotFound(text="no such post-mortem")
        async with ctx.db.sessions() as session:
            pm = await store.get(session, int(ident))
            if pm is None or not secrets.compare_digest(pm.token.encode(), token.encode()):
                raise web.HTTPNotFound(text="no such post-mortem")
            incident = await session.get(Incident, pm.incident_id)
            text = await render_document(session, incident, ctx.clock.now())
        return web.Response(
            text=text,
            content_type="text/markdown",
            charset="utf-8",
            headers={
                "Content-Disposition": f'inline; filename="postmortem-{pm.incident_id}.md"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    return postmortem_document

"""`opsbridge postmortem INCIDENT_ID`: print the incident's post-mortem document (Markdown) from the database."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.clock import SystemClock


async def document(database_url: str, incident_id: int) -> str | None:
    """The document, or None when there is no such incident."""
    from bot.postmortems.gather import render_document
    from storage.db import Database
    from storage.models import Incident

    db = Database(database_url)
    try:
        async with db.sessions() as session:
            incident = await session.get(Incident, incident_id)
            if incident is None:
                return None
            return await render_document(session, incident, SystemClock().now())
    finally:
        await db.dispose()


def cmd_postmortem(args: argparse.Namespace) -> int:
    from bot.settings import Settings

    ident = str(args.incident).lstrip("#")
    if not ident.isdigit():
        print(f"opsbridge: '{args.incident}' is not an incident id (a number, like 42)", file=sys.stderr)
        return 2
    text = asyncio.run(document(Settings().database_url, int(ident)))
    if text is None:
        print(f"opsbridge: there is no incident #{ident}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("postmortem", help="print an incident's post-mortem document (Markdown)")
    parser.add_argument("incident", metavar="INCIDENT_ID", help="the incident's number")
    parser.set_defaults(func=cmd_postmortem)

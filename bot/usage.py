"""Help and usage text for the slash commands, shown by `help`, by mistakes, and in the README."""

from __future__ import annotations

ONCALL = """*`/oncall`* — who holds the pager
• `/oncall` — everyone on call now, with their role and when their shift ends
• `/oncall SCHEDULE` — the current and next 5 shifts of a schedule, and its calendar link
• `/oncall next [SCHEDULE]` — your own next shifts
• `/oncall override SCHEDULE @user FROM TO` — put someone on call (admins, or the person being replaced)
• `/oncall cover SCHEDULE [FROM TO]` — ask the team to take your shift; the first to press *Take* gets it
Times are in your time zone: `now`, `+4h`, `18:00`, `tomorrow 09:00`, `2026-12-24 09:00`."""

INCIDENT = """*`/incident`* — run an incident
• `/incident declare TITLE [sev1|sev2|sev3|sev4] [service:NAME]` — open one (no title opens a form)
• `/incident ack` · `/incident escalate` · `/incident resolve [SUMMARY]` · `/incident reopen`
• `/incident sev N` · `/incident status [investigating|identified|monitoring:] TEXT` · `/incident timeline`
• `/incident page @user|team:NAME|service:NAME` — bring people in (service: pages its developers on call)
• `/incident role commander|comms|ops|dev @user`
• `/incident list` — open incidents
Inside an incident's channel the incident is implied; elsewhere add `#ID` (e.g. `/incident ack #42`)."""

DEPLOY = """*`/deploy`* — deployments and freezes
• `/deploy log [SERVICE]` — the last 10 deploys
• `/deploy freeze SERVICE|all [for DURATION|until TIME] REASON` — stop deploys (pipelines gate on it)
• `/deploy unfreeze SERVICE|all`
• `/deploy status [SERVICE]` — frozen or not, and the last deploy per environment"""

POSTMORTEM = """*`/postmortem`* — blameless post-mortems
• `/postmortem list` — open post-mortems and overdue action items
• `/postmortem show #ID` — the draft or the finished document
• `/postmortem assign #ID @user [due DATE]` · `/postmortem done #ID [LINK]`
• `/postmortem start #ID` — ask for one on any incident
• `/postmortem action #ID @owner TEXT [due DATE]` · `/postmortem action done N`"""

HELP = {"/oncall": ONCALL, "/incident": INCIDENT, "/deploy": DEPLOY, "/postmortem": POSTMORTEM}

MENTION_REPLY = (
    "Hi! I answer slash commands: `/oncall`, `/incident`, `/deploy` and `/postmortem`. "
    "Add `help` to any of them to see what they do."
)


def usage(command: str, problem: str | None = None) -> str:
    """The usage of `command`, after a one-line explanation of what was wrong, if anything."""
    text = HELP[command]
    return f"{problem}\n\n{text}" if problem else text

"""Blameless post-mortems: asked for when an incident resolves, drafted from its timeline, chased until done.

| module | idea |
| --- | --- |
| `business` | business days, default due dates, when reminders go out (pure) |
| `draft` | the Markdown document from plain values, through a Jinja2 template (pure) |
| `parse` | what people type after `/postmortem` (pure) |
| `gather` | the draft's plain values read from the database |
| `service` | ask, assign, due date, not needed, complete; who may do what |
| `actions` | action items: add, done |
| `reminders` | the engine's due work: reminders by compare-and-set |
| `markdown` | escaping and dates for the document (pure) |
| `cli` | `opsbridge postmortem ID` |

Hooks for other domains: `on_incident_resolved(session, incident, now)` (the incidents observer calls
it in the resolving transaction; idempotent) and `postmortem_link(session, incident_id)` (the
incident announcement shows the finished post-mortem). Completing a post-mortem calls
`bot.incidents.render.refresh`, so the announcement is rendered again with the link.
"""

from bot.postmortems.service import on_incident_resolved, postmortem_link

__all__ = ["on_incident_resolved", "postmortem_link"]

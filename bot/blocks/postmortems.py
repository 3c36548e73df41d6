"""Slack messages of the post-mortem domain: the prompt, DMs, reminders, list and show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.blocks.text import actions, button, escape, link, mention, mrkdwn, plain, section, truncate
from bot.postmortems.markdown import date_label

ASSIGN = "postmortem_assign"
DUE = "postmortem_due"
NOT_NEEDED = "postmortem_not_needed"
NOT_NEEDED_VIEW = "postmortem_not_needed_view"
PROMPT_BLOCK = "postmortem_prompt"  # the actions block id is PROMPT_BLOCK:INCIDENT_ID


@dataclass(frozen=True)
class IncidentRef:
    id: int
    title: str
    severity: int

    def mrkdwn(self) -> str:
        return f"*#{self.id} {escape(truncate(self.title, 150))}* (sev{self.severity})"


def prompt_key(incident_id: int) -> str:
    return f"postmortem:{incident_id}:prompt"


def incident_of_block(block_id: str) -> int | None:
    prefix, _, ident = (block_id or "").partition(":")
    return int(ident) if prefix == PROMPT_BLOCK and ident.isdigit() else None


def prompt(
    incident: IncidentRef,
    *,
    state: str,
    due: date,
    owner: str | None = None,
    by: str | None = None,
    reason: str | None = None,
    document: str | None = None,
) -> tuple[str, list[dict]]:
    """The message in the incident's channel, for every state of its post-mortem."""
    if state == "done":
        where = link(document, "the post-mortem") if document else "the post-mortem"
        text = f":white_check_mark: {where} of {incident.mrkdwn()} is done (owner {mention(owner)})."
        return _flat(text)
    if state == "not_needed":
        text = (
            f":heavy_minus_sign: No post-mortem for {incident.mrkdwn()}: {mention(by)} decided it is not needed. "
            f"Reason: {escape(truncate(reason or '', 1500))}"
        )
        return _flat(text)
    if owner:
        text = f":memo: Post-mortem of {incident.mrkdwn()}: owner {mention(owner)}, due *{date_label(due)}*."
    else:
        text = (
            f":memo: Time for a blameless post-mortem of {incident.mrkdwn()}. "
            f"Who will write it? Due *{date_label(due)}* (change it below)."
        )
    picker: dict = {"type": "users_select", "action_id": ASSIGN, "placeholder": plain("Assign owner")}
    if owner:
        picker["initial_user"] = owner
    due_picker = {
        "type": "datepicker",
        "action_id": DUE,
        "initial_date": due.isoformat(),
        "placeholder": plain("Due date"),
    }
    blocks = [
        section(text),
        actions(
            picker,
            due_picker,
            button("Not needed", NOT_NEEDED, str(incident.id)),
            block_id=f"{PROMPT_BLOCK}:{incident.id}",
        ),
    ]
    return text, blocks


def _flat(text: str) -> tuple[str, list[dict]]:
    return text, [section(text)]


def not_needed_modal(incident: IncidentRef) -> dict:
    return {
        "type": "modal",
        "callback_id": NOT_NEEDED_VIEW,
        "private_metadata": str(incident.id),
        "title": plain("No post-mortem"),
        "submit": plain("Record"),
        "close": plain("Cancel"),
        "blocks": [
            section(
                f"Skip the post-mortem of {incident.mrkdwn()}? The reason is recorded and shown in the channel."
            ),
            {
                "type": "input",
                "block_id": "reason",
                "label": plain("Why is no post-mortem needed?"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "reason",
                    "multiline": True,
                    "min_length": 3,
                },
            },
        ],
    }


def owner_dm(incident: IncidentRef, *, due: date, document: str, by: str | None) -> str:
    assigned = f" ({mention(by)} asked you)" if by else ""
    return (
        f":memo: You own the blameless post-mortem of {incident.mrkdwn()}{assigned}, due *{date_label(due)}*.\n"
        f"The draft, generated from the timeline: {link(document, f'postmortem-{incident.id}.md')}\n"
        f"Add action items with `/postmortem action #{incident.id} @owner TEXT [due DATE]`; when the document "
        f"is written, `/postmortem done #{incident.id} LINK`."
    )


def when_due(due: date, today: date, business_days_late: int) -> str:
    if today < due:
        return "due tomorrow" if (due - today).days == 1 else f"due *{date_label(due)}*"
    if today == due:
        return "due *today*"
    if business_days_late <= 0:
        return f"was due *{date_label(due)}*"
    plural = "s" if business_days_late != 1 else ""
    return f"*overdue* by {business_days_late} business day{plural} (was due {date_label(due)})"


def postmortem_reminder(incident: IncidentRef, *, due_text: str, document: str) -> str:
    return (
        f":alarm_clock: Reminder: the post-mortem of {incident.mrkdwn()} is {due_text}. "
        f"Draft: {link(document, f'postmortem-{incident.id}.md')}. "
        f"Done? `/postmortem done #{incident.id} LINK`."
    )


def action_reminder(item_id: int, text: str, incident: IncidentRef, *, due_text: str) -> str:
    return (
        f":alarm_clock: Reminder: action item *{item_id}* from {incident.mrkdwn()} is {due_text}: "
        f"{escape(truncate(text, 500))}\nDone? `/postmortem action done {item_id}`."
    )


def action_assigned(item_id: int, text: str, incident: IncidentRef, *, due: date, by: str) -> str:
    return (
        f":pushpin: {mention(by)} gave you action item *{item_id}* from {incident.mrkdwn()}, due "
        f"*{date_label(due)}*: {escape(truncate(text, 500))}\nWhen it is done: `/postmortem action done {item_id}`."
    )


def completed(incident: IncidentRef, *, document: str, by: str, owner: str | None) -> str:
    who = mention(owner) if owner else mention(by)
    return f":white_check_mark: The post-mortem of {incident.mrkdwn()} is done, by {who}: {link(document, 'read it')}"


def mrkdwn_reply(lines: list[str]) -> list[dict]:
    """A reply of several lines, split into sections under Slack's 3000-character limit."""
    blocks: list[dict] = []
    chunk = ""
    for line in lines:
        if chunk and len(chunk) + len(line) + 1 > 2900:
            blocks.append({"type": "section", "text": mrkdwn(chunk)})
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else truncate(line, 2900)
    if chunk:
        blocks.append({"type": "section", "text": mrkdwn(chunk)})
    return blocks[:50]

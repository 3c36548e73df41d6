"""Block Kit for on-call: who is on call, shifts, overrides, cover requests, handoffs, heads-ups.

Each builder returns `(text, blocks)`: the text is the notification and screen-reader fallback.
Names come from the configuration file and titles from incidents: both are escaped here.
Answers to one person show times in that person's zone; channel messages use Slack's `<!date>`
so every reader sees their own local time (the fallback names the schedule's zone).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.blocks.text import actions, button, context, escape, header, link, section
from bot.timeparse import format_local

TAKE_ACTION = "oncall_cover_take"


class PersonLike(Protocol):
    name: str
    slack: str | None
    role: str


def who(person: PersonLike | None) -> str:
    """`<@U0ALICE> (ops)`, or the escaped name when the person has no Slack id; `nobody` in a gap."""
    if person is None:
        return "_nobody_"
    label = f"<@{person.slack}>" if person.slack else f"*{escape(person.name)}*"
    return f"{label} ({escape(person.role)})"


def slack_date(at: datetime, tz: str) -> str:
    """A time every reader sees in their own zone; the fallback is `at` in `tz`."""
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{format_local(at, tz)}>"


def _span(start: datetime, end: datetime, tz: str) -> str:
    return f"{format_local(start, tz)} → {format_local(end, tz)}"


def _shadows(shadows: Sequence[PersonLike]) -> str:
    return "shadow: " + ", ".join(who(s) for s in shadows) if shadows else ""


def overview(reports: Sequence[Any], tz: str) -> tuple[str, list[dict]]:
    """`/oncall`: every schedule's current on-call, role and shift end, in the caller's zone `tz`."""
    if not reports:
        text = "There are no schedules yet: apply a configuration file (`opsbridge apply`)."
        return text, [section(text)]
    lines = []
    for r in reports:
        if r.current is None:
            line = f"*{escape(r.schedule_id)}*: _nobody is on call_"
        else:
            line = (
                f"*{escape(r.schedule_id)}*: {who(r.current.person)} until {format_local(r.current.end, tz)}"
            )
        shadow = _shadows(r.shadows)
        lines.append(f"{line} · {shadow}" if shadow else line)
    text = "On call now:\n" + "\n".join(lines)
    blocks = [header("On call now"), *(section(line) for line in lines)]
    blocks.append(context(f"Times in {escape(tz)}. `/oncall SCHEDULE` shows the next shifts."))
    return text, blocks


def schedule_detail(report: Any, tz: str) -> tuple[str, list[dict]]:
    """`/oncall SCHEDULE`: the current and next shifts, shadows and the calendar link."""
    name = escape(report.schedule_id)
    if report.current is None:
        now_line = "Now: _nobody is on call_"
    else:
        now_line = f"Now: {who(report.current.person)} until {format_local(report.current.end, tz)}"
    blocks = [header(f"On call: {report.schedule_id}"), section(now_line)]
    if report.shadows:
        blocks.append(section("Shadow: " + ", ".join(who(s) for s in report.shadows)))
    if report.next:
        rows = "\n".join(f"• {_span(s.start, s.end, tz)}  {who(s.person)}" for s in report.next)
        blocks.append(section(f"*Next shifts*\n{rows}"))
    else:
        blocks.append(section("_No further shifts in the next 90 days._"))
    blocks.append(
        context(f"Times in {escape(tz)} · Calendar: {link(report.calendar_url, report.calendar_url)}")
    )
    text = f"{name} — {now_line}"
    return text, blocks


def my_shifts(
    items: Sequence[tuple[str, Any]], tz: str, *, schedule: str | None = None
) -> tuple[str, list[dict]]:
    """`/oncall next`: the caller's own next shifts."""
    where = f" in *{escape(schedule)}*" if schedule else ""
    if not items:
        text = f"You have no shifts{where} in the next 90 days."
        return text, [section(text)]
    rows = "\n".join(f"• *{escape(sid)}*: {_span(s.start, s.end, tz)}" for sid, s in items)
    text = f"Your next shifts{where}:\n{rows}"
    return text, [section(text), context(f"Times in {escape(tz)}.")]


def override_done(
    schedule_id: str, person: PersonLike, replaced: PersonLike | None, start: datetime, end: datetime, tz: str
) -> tuple[str, list[dict]]:
    """The confirmation for whoever made the override."""
    instead = f" instead of {who(replaced)}" if replaced is not None else ""
    text = f"{who(person)} is on call for *{escape(schedule_id)}*{instead}, {_span(start, end, tz)}."
    return text, [section(f":white_check_mark: {text}")]


def override_notice(
    schedule_id: str, by_slack: str, start: datetime, end: datetime, tz: str
) -> tuple[str, list[dict]]:
    """A DM to the person put on call by someone else."""
    text = (
        f"<@{by_slack}> put you on call for *{escape(schedule_id)}*, {_span(start, end, tz)}. "
        "`/oncall next` shows your shifts."
    )
    return text, [section(text)]


def cover_request(
    request_id: int,
    schedule_id: str,
    requested_by: str,
    start: datetime,
    end: datetime,
    tz: str,
    *,
    taken_by: str | None = None,
) -> tuple[str, list[dict]]:
    """The ask in the team's channel; with `taken_by`, the same message without a working button."""
    ask = (
        f"<@{requested_by}> asks someone to cover *{escape(schedule_id)}* "
        f"from {slack_date(start, tz)} to {slack_date(end, tz)}."
    )
    if taken_by is not None:
        done = f":white_check_mark: Taken by <@{taken_by}>."
        return f"{ask} Taken by <@{taken_by}>.", [section(ask), context(done)]
    blocks = [
        section(ask),
        actions(
            button("Take", TAKE_ACTION, str(request_id), style="primary"), block_id=f"cover_{request_id}"
        ),
        context("The first person to press *Take* is put on call for that time."),
    ]
    return ask, blocks


def cover_asked(
    channel: str, schedule_id: str, start: datetime, end: datetime, tz: str
) -> tuple[str, list[dict]]:
    """The answer to whoever asked for cover."""
    text = f"Asked in <#{channel}> for someone to cover *{escape(schedule_id)}*, {_span(start, end, tz)}."
    return text, [section(text)]


def cover_taken(
    schedule_id: str, taker: str, requested_by: str, start: datetime, end: datetime, tz: str
) -> tuple[str, list[dict]]:
    """Told to everyone in the channel when a cover request is taken."""
    text = (
        f"<@{taker}> took the *{escape(schedule_id)}* shift asked for by <@{requested_by}>, "
        f"{slack_date(start, tz)} to {slack_date(end, tz)}."
    )
    return text, [section(f":handshake: {text}")]


def already_taken(taker: str | None) -> str:
    return f"This shift was already taken by <@{taker}>." if taker else "This shift was already taken."


def handoff(
    schedule_id: str,
    off: PersonLike | None,
    on: PersonLike | None,
    until: datetime | None,
    shadows: Sequence[PersonLike],
    incidents: Sequence[Any],
    tz: str,
) -> tuple[str, list[dict]]:
    """The handoff in the team's channel: who goes off, who comes on, shadows, open incidents."""
    name = escape(schedule_id)
    ends = f" until {slack_date(until, tz)}" if until is not None and on is not None else ""
    text = f"Handoff for *{name}*: {who(off)} goes off, {who(on)} comes on{ends}."
    blocks = [section(f":arrows_counterclockwise: {text}")]
    if shadows:
        blocks.append(section(f"Shadowing: {', '.join(who(s) for s in shadows)}"))
    if incidents:
        rows = "\n".join(
            f"• #{i.id} {escape(i.title)} (sev{i.severity}, {escape(i.state)})" for i in incidents
        )
        blocks.append(section(f"*Open incidents handed over*\n{rows}"))
    else:
        blocks.append(context("No open incidents to hand over."))
    return text, blocks


def heads_up(schedule_id: str, start: datetime, end: datetime | None, tz: str) -> tuple[str, list[dict]]:
    """The DM to the incoming person an hour before their shift."""
    until = f" until {format_local(end, tz)}" if end is not None else ""
    text = (
        f"Heads-up: your on-call shift for *{escape(schedule_id)}* starts {format_local(start, tz)}"
        f"{until}. `/oncall cover {escape(schedule_id)}` asks the team to take it."
    )
    return text, [section(f":pager: {text}")]

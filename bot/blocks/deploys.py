"""Block Kit for deploys and freezes: the living deploy message, its replies, and `/deploy` answers.

Everything a CI, GitHub or a person wrote (version, actor, branch, description, reason) goes
through `escape`/`link` here, so `<!channel>` in a commit message is shown, never broadcast.
Production is loud (a header and a red marker); other environments are a single quiet section.
Times use Slack's `<!date^…>` token, so every reader sees their own time zone.
"""

from __future__ import annotations

from datetime import datetime

from bot.blocks.text import context, escape, header, link, mention, section, truncate
from bot.deploys.model import is_http_url, is_production, short_sha
from storage.models import Deploy, Freeze

STATUS_EMOJI = {
    "started": ":hourglass_flowing_sand:",
    "succeeded": ":white_check_mark:",
    "failed": ":x:",
    "rolled_back": ":rewind:",
    "cancelled": ":no_entry_sign:",
}
STATUS_LABEL = {
    "started": "in progress",
    "succeeded": "succeeded",
    "failed": "failed",
    "rolled_back": "rolled back",
    "cancelled": "cancelled",
}
SOURCE_LABEL = {"api": "deploy API", "github": "GitHub", "pagerduty": "PagerDuty change event"}
PRODUCTION_MARK = ":red_circle: *PRODUCTION*"
OTHER_MARK = ":large_blue_circle:"


def slack_date(when: datetime, style: str = "{date_short_pretty} {time}") -> str:
    """A time every reader sees in their own zone; the fallback is UTC."""
    return f"<!date^{int(when.timestamp())}^{style}|{when:%Y-%m-%d %H:%M} UTC>"


def status_text(status: str) -> str:
    return f"{STATUS_EMOJI.get(status, ':grey_question:')} {STATUS_LABEL.get(status, escape(status))}"


def environment_text(environment: str) -> str:
    """`:red_circle: *PRODUCTION*` or `:large_blue_circle: staging`."""
    if is_production(environment):
        return f"{PRODUCTION_MARK}" + ("" if environment == "production" else f" ({escape(environment)})")
    return f"{OTHER_MARK} {escape(environment)}"


def commit_text(deploy: Deploy) -> str | None:
    """The short SHA, linked to the commit when we know where it lives."""
    if not deploy.commit:
        return None
    label = short_sha(deploy.commit) or deploy.commit
    if deploy.commit_url and is_http_url(deploy.commit_url):
        return link(deploy.commit_url, label)
    return f"`{escape(label)}`"


def run_link(deploy: Deploy, label: str = "View run") -> str | None:
    return link(deploy.url, label) if deploy.url and is_http_url(deploy.url) else None


def freezer_text(freeze: Freeze) -> str:
    if freeze.incident_id is not None:
        return f"incident #{freeze.incident_id}"
    return mention(freeze.created_by) if freeze.created_by else "someone"


def freeze_scope(freeze: Freeze) -> str:
    target = f"*{escape(freeze.service_id)}*" if freeze.service_id else "*all services*"
    return target + (f" ({escape(freeze.environment)})" if freeze.environment else "")


def freeze_line(freeze: Freeze) -> str:
    """`*checkout* (production) frozen by @alice until … : reason`."""
    until = f"until {slack_date(freeze.until)}" if freeze.until else "until unfrozen"
    return f":snowflake: {freeze_scope(freeze)} frozen by {freezer_text(freeze)} {until}: {escape(freeze.reason)}"


def headline(deploy: Deploy) -> str:
    """One line naming the deploy: used as the notification text and in replies and DMs."""
    return (
        f"*{escape(deploy.service_id)}* `{escape(truncate(deploy.version, 80))}` to "
        f"{'*PRODUCTION*' if is_production(deploy.environment) else escape(deploy.environment)}"
    )


def deploy_message(deploy: Deploy, *, freeze: Freeze | None = None) -> tuple[str, list[dict]]:
    """The living message of one deploy: (fallback text, blocks)."""
    prod = is_production(deploy.environment)
    text = (
        f"{STATUS_EMOJI.get(deploy.status, '')} {'PRODUCTION deploy: ' if prod else ''}{headline(deploy)}: "
        + (STATUS_LABEL.get(deploy.status, escape(deploy.status)))
    )
    blocks: list[dict] = []
    if prod:
        blocks.append(header(f":rocket: PRODUCTION deploy · {deploy.service_id}"))
    blocks.append(section(f"{status_text(deploy.status)} · {headline(deploy)}"))
    fields = [f"*Environment*\n{environment_text(deploy.environment)}"]
    if deploy.actor:
        fields.append(f"*By*\n{escape(truncate(deploy.actor, 100))}")
    if commit := commit_text(deploy):
        fields.append(f"*Commit*\n{commit}")
    if deploy.ref and deploy.ref != deploy.version:
        fields.append(f"*Branch*\n{escape(truncate(deploy.ref, 100))}")
    if run := run_link(deploy):
        fields.append(f"*Run*\n{run}")
    blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields[:10]]})
    if deploy.description:
        blocks.append(section(escape(truncate(deploy.description, 600))))
    if freeze is not None:
        blocks.append(section(f":warning: *Deployed during a freeze.* {freeze_line(freeze)}"))
    if deploy.suspected_incident_id is not None:
        blocks.append(
            section(
                f":rotating_light: *Suspected change failure:* incident #{deploy.suspected_incident_id} "
                "on this service began within the hour after this deploy."
            )
        )
    started = f"started {slack_date(deploy.created_at)}"
    finished = f" · finished {slack_date(deploy.finished_at)}" if deploy.finished_at else ""
    blocks.append(
        context(
            f"via {SOURCE_LABEL.get(deploy.source, escape(deploy.source))} · {started}{finished} · deploy #{deploy.id}"
        )
    )
    return text, blocks


def failure_reply(deploy: Deploy, on_call: list[str]) -> str:
    """The threaded reply under a failed deploy, naming who was told."""
    run = run_link(deploy)
    who = ", ".join(mention(u) for u in on_call)
    return (
        f":x: The deploy of {headline(deploy)} *failed*."
        + (f" {run}." if run else "")
        + (
            f" Developer on call: {who} (notified by DM)."
            if who
            else " Nobody from the service's team is on call."
        )
    )


def failure_dm(deploy: Deploy) -> str:
    run = run_link(deploy, "the run")
    by = f" (by {escape(deploy.actor)})" if deploy.actor else ""
    return (
        f":x: A deploy of {headline(deploy)} failed{by}."
        + (f" See {run}." if run else "")
        + f" You are the developer on call for *{escape(deploy.service_id)}*."
    )


def freeze_owner_dm(deploy: Deploy, freeze: Freeze) -> str:
    by = f" by {escape(deploy.actor)}" if deploy.actor else ""
    run = run_link(deploy)
    return (
        f":warning: A deploy of {headline(deploy)}{by} arrived during your freeze of {freeze_scope(freeze)} "
        f"({escape(truncate(freeze.reason, 200))})." + (f" {run}" if run else "")
    )


def freeze_announcement(freeze: Freeze) -> tuple[str, list[dict]]:
    line = freeze_line(freeze)
    return line, [section(line)]


def unfreeze_announcement(freezes: list[Freeze], by: str) -> tuple[str, list[dict]]:
    scopes = ", ".join(sorted({freeze_scope(f) for f in freezes}))
    line = f":sunny: Deploys of {scopes} are no longer frozen (by {by})."
    return line, [section(line)]


def log_line(deploy: Deploy) -> str:
    parts = [
        f"{STATUS_EMOJI.get(deploy.status, '')} {slack_date(deploy.created_at)}",
        headline(deploy),
        STATUS_LABEL.get(deploy.status, escape(deploy.status)),
    ]
    if deploy.actor:
        parts.append(f"by {escape(truncate(deploy.actor, 60))}")
    if commit := commit_text(deploy):
        parts.append(commit)
    if run := run_link(deploy, "run"):
        parts.append(run)
    if deploy.during_freeze_id is not None:
        parts.append(":warning: during a freeze")
    if deploy.suspected_incident_id is not None:
        parts.append(f":rotating_light: suspected cause of incident #{deploy.suspected_incident_id}")
    return " · ".join(parts)


def deploy_log(deploys: list[Deploy], service_id: str | None) -> tuple[str, list[dict]]:
    title = f"Last {len(deploys)} deploys" + (f" of *{escape(service_id)}*" if service_id else "")
    if not deploys:
        line = "No deploys recorded" + (f" for *{escape(service_id)}*" if service_id else "") + " yet."
        return line, [section(line)]
    body = "\n".join(log_line(d) for d in deploys)
    return title, [section(f"{title}:"), section(truncate(body, 2900))]


def recent_deploys_block(deploys: list[Deploy], limit: int = 10) -> dict | None:
    """For an incident's first message: the service's recent deploys, or None when there were none."""
    if not deploys:
        return None
    lines = [log_line(d) for d in deploys[:limit]]
    more = f"\n…and {len(deploys) - limit} more" if len(deploys) > limit else ""
    return section(truncate("*Recent deploys of this service:*\n" + "\n".join(lines) + more, 2900))


def status_section(service_id: str, freezes: list[Freeze], latest: list[Deploy]) -> str:
    """`/deploy status` for one service: frozen or not, and the last deploy per environment."""
    head = f"*{escape(service_id)}*: " + ("frozen" if freezes else ":large_green_circle: not frozen")
    lines = [head] + [f"   {freeze_line(f)}" for f in freezes]
    if latest:
        lines += [f"   {environment_text(d.environment)}: {log_line(d)}" for d in latest]
    else:
        lines.append("   no deploys recorded yet")
    return "\n".join(lines)

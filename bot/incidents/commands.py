"""What people type after `/incident`, parsed into typed requests (pure: no Slack, no database).

Slash commands are declared with `should_escape: true`, so a mention typed as `@bob` arrives as
`<@U0BOB|bob>` and a channel as `<#C0…|name>`. Words that are not understood raise `UsageError`
with a sentence that says what was expected; the handler adds the command's usage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UsageError
from bot.mentions import mentioned_user

TITLE_LIMIT = 200
DEFAULT_SEVERITY = 3  # a declared incident without sevN: pages the service's policy, no channel-wide alarm
STATUSES = ("investigating", "identified", "monitoring", "resolved")
ROLES = ("commander", "comms", "ops", "dev")
ROLE_ALIASES = {"ic": "commander", "lead": "commander", "communications": "comms"}
ROLE_LABELS = {"commander": "Incident commander", "comms": "Comms lead", "ops": "Ops lead", "dev": "Dev lead"}
TARGET_KINDS = ("team", "service", "schedule", "person")

_SEV_WORD = re.compile(r"^(?:sev|s)?(\d+)$", re.IGNORECASE)
_SEV_TOKEN = re.compile(r"(?<!\S)sev(\d+)(?!\S)", re.IGNORECASE)
_SERVICE_TOKEN = re.compile(r"(?<!\S)service:(\S*)(?!\S)", re.IGNORECASE)


@dataclass(frozen=True)
class DeclareRequest:
    title: str  # empty: open the form (prefilled with the options given)
    severity: int = DEFAULT_SEVERITY
    service: str | None = None


@dataclass(frozen=True)
class StatusRequest:
    status: str | None  # None: the status stays, the text is an update
    text: str


@dataclass(frozen=True)
class RoleRequest:
    role: str
    user_id: str


def parse_severity(word: str) -> int:
    """`1`, `sev1`, `SEV1`, `s1` -> 1; anything else, or out of 1..4, is a usage error."""
    found = _SEV_WORD.match(word.strip())
    if found is None or not 1 <= int(found.group(1)) <= 4:
        raise UsageError(f"Severity is sev1 (worst) to sev4, not `{word}`.")
    return int(found.group(1))


def check_title(title: str) -> str:
    """A title of 1 to 200 characters (surrounding spaces dropped)."""
    title = " ".join(title.split())
    if not title:
        raise UsageError("Give the incident a title, e.g. `/incident declare Checkout returns 500s sev2`.")
    if len(title) > TITLE_LIMIT:
        raise UsageError(
            f"The title is {len(title)} characters long; the limit is {TITLE_LIMIT}. Shorten it "
            "and put the details in the incident's channel."
        )
    return title


def parse_declare(text: str) -> DeclareRequest:
    """`TITLE [sevN] [service:NAME]` in any order; the options are taken out of the title.

    A word that is exactly `sevN` is the severity (so a title cannot contain one). No title at all
    means "open the form"; the title is not checked here (the form checks it too)."""
    severities = _SEV_TOKEN.findall(text)
    services = _SERVICE_TOKEN.findall(text)
    if len(severities) > 1:
        raise UsageError("Give one severity (`sev1` to `sev4`).")
    if len(services) > 1:
        raise UsageError("Give one service (`service:NAME`).")
    severity = parse_severity(severities[0]) if severities else DEFAULT_SEVERITY
    service = services[0].strip() if services else None
    if services and not service:
        raise UsageError("Name the service after `service:`, e.g. `service:checkout`.")
    title = _SERVICE_TOKEN.sub(" ", _SEV_TOKEN.sub(" ", text))
    return DeclareRequest(title=" ".join(title.split()), severity=severity, service=service)


def parse_status(text: str) -> StatusRequest:
    """`identified: root cause is X`, `monitoring the fix`, `monitoring`, or plain text (status unchanged)."""
    text = text.strip()
    if not text:
        raise UsageError("Say what is going on, e.g. `/incident status identified: bad deploy of checkout`.")
    first, _, rest = text.partition(" ")
    word = first.rstrip(":").lower()
    if word in STATUSES:
        return StatusRequest(word, rest.strip())
    head, colon, tail = text.partition(":")
    if colon and head.strip().lower() in STATUSES:
        return StatusRequest(head.strip().lower(), tail.strip())
    return StatusRequest(None, text)


def user_id(word: str) -> str | None:
    """`<@U0BOB|bob>` or `<@U0BOB>` -> `U0BOB`; None for anything else."""
    return mentioned_user(word)


def parse_role(words: list[str], caller: str) -> RoleRequest:
    """`commander @user` (also `ic`, and `me` for yourself)."""
    if len(words) != 2:
        raise UsageError("Name a role and a person, e.g. `/incident role commander @alice`.")
    role = ROLE_ALIASES.get(words[0].lower(), words[0].lower())
    if role not in ROLES:
        raise UsageError(f"`{words[0]}` is not a role: use one of {', '.join(ROLES)}.")
    who = caller if words[1].lower() in ("me", "myself") else user_id(words[1])
    if who is None:
        raise UsageError(f"Mention the person who takes the role, like `@alice` (not `{words[1]}`).")
    return RoleRequest(role, who)


def parse_targets(words: list[str]) -> list[str]:
    """`@user`, `team:NAME`, `service:NAME` (also `schedule:` and `person:`) -> lifecycle targets."""
    if not words:
        raise UsageError(
            "Who should be paged? e.g. `/incident page service:checkout` or `/incident page @bob`."
        )
    targets: list[str] = []
    for word in words:
        who = user_id(word)
        if who is not None:
            targets.append(f"slack:{who}")
            continue
        kind, colon, name = word.partition(":")
        if colon and kind.lower() in TARGET_KINDS and name:
            targets.append(f"{kind.lower()}:{name}")
            continue
        if word.startswith("<!subteam^"):
            raise UsageError("User groups cannot be paged: page `team:NAME` or people by `@name`.")
        raise UsageError(f"`{word}` is not someone to page: use `@user`, `team:NAME` or `service:NAME`.")
    return list(dict.fromkeys(targets))


_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def mentioned_users(text: str) -> set[str]:
    return {found.group(1)[1:] for found in _LINK.finditer(text) if found.group(1).startswith("@")}


def plain_from_mrkdwn(text: str, names: dict[str, str] | None = None) -> str:
    """A Slack message's text as a person reads it (for prefilling the form): `<@U1|bob>` -> `@bob`
    (`<@U1>` -> `@` and its name in `names`), `<https://x|label>` -> `label`, `<!here>` -> `@here`,
    `&lt;` -> `<`."""
    names = names or {}

    def readable(found: re.Match) -> str:
        target, label = found.group(1), found.group(2)
        if target.startswith("@"):
            return f"@{label or names.get(target[1:], target[1:])}"
        if target.startswith("#"):
            return f"#{label}" if label else target
        if target.startswith("!"):
            name = target[1:].split("^", 1)[0]
            return label or f"@{name}"
        return label or target

    text = _LINK.sub(readable, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def title_from_message(text: str, names: dict[str, str] | None = None) -> str:
    """The first line of a message, as a title to start from (at most 200 characters)."""
    first = next((line for line in plain_from_mrkdwn(text, names).splitlines() if line.strip()), "")
    first = " ".join(first.split())
    return first if len(first) <= TITLE_LIMIT else first[: TITLE_LIMIT - 1] + "…"

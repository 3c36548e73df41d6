"""The incident Block Kit builders, checked by looking at the blocks they return."""

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.blocks import incidents as b
from bot.blocks.timeline import describe, timeline

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
EVIL = "<!channel> <@U0ZOE> & <https://evil|x>"
VIEW = b.IncidentView(
    id=7,
    title="Checkout down",
    severity=2,
    state="triggered",
    status="investigating",
    created_at=T0,
    service="Checkout API",
    channel_id="C0INC7",
    roles={"commander": "U0ALICE", "dev": "U0BOB"},
    declared_by="U0ALICE",
)


def flat(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_announcement_shows_status_service_commander_and_channel():
    text, blocks = b.announcement(VIEW)
    assert text == "Incident #7 · SEV2 · Checkout down"
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert fields == [
        "*Status*\n:mag: Investigating",
        "*Service*\nCheckout API",
        "*Commander*\n<@U0ALICE>",
        "*Channel*\n<#C0INC7>",
    ]
    assert "Declared by <@U0ALICE>" in flat(blocks)


def test_announcement_once_resolved_has_the_times_summary_and_post_mortem():
    view = replace(
        VIEW,
        state="resolved",
        status="resolved",
        resolved_by="U0CAROL",
        resolved_at=T0 + timedelta(minutes=16),
        time_to_acknowledge=timedelta(minutes=4),
        time_to_resolve=timedelta(minutes=16),
        summary="Rolled back",
        postmortem="https://docs.test/pm/7",
    )
    text, blocks = b.announcement(view)
    assert text.startswith("Resolved #7")
    body = flat(blocks)
    assert "Time to acknowledge: *4m 00s*" in body and "time to resolve: *16m 00s*" in body
    assert "*Summary:* Rolled back" in body and "<https://docs.test/pm/7|Post-mortem>" in body


def test_untrusted_text_is_escaped_everywhere():
    view = replace(
        VIEW,
        title=EVIL,
        description=EVIL,
        summary=EVIL,
        last_update=EVIL,
        service=EVIL,
        links=({"href": "https://ok.test", "text": EVIL},),
    )
    rendered = [
        b.announcement(view),
        b.channel_header(view),
        b.status_update(view, "identified", "investigating", EVIL, "U0ALICE"),
        b.resolved_post(replace(view, state="resolved"), [("U0BOB", ["paged"])]),
        b.incident_list([view], T0),
    ]
    for text, blocks in rendered:
        for piece in (text, flat(blocks)):
            assert "<!channel>" not in piece and "<@U0ZOE>" not in piece and "<https://evil" not in piece
    assert "&lt;!channel&gt; &lt;@U0ZOE&gt; &amp;" in flat(b.announcement(view)[1])
    topic = b.topic(view, "@alice")
    assert "<" not in topic and ">" not in topic


def test_header_lists_roles_and_buttons_until_resolved():
    text, blocks = b.channel_header(
        VIEW, {"type": "section", "text": {"type": "mrkdwn", "text": "*Recent deploys*"}}
    )
    body = flat(blocks)
    assert (
        "Incident commander: <@U0ALICE>" in body and "Dev lead: <@U0BOB>" in body and "Comms lead: —" in body
    )
    assert "*Recent deploys*" in body
    labels = [e["text"]["text"] for blk in blocks if blk["type"] == "actions" for e in blk["elements"]]
    assert labels == ["Acknowledge", "Escalate", "Resolve"]
    _, resolved = b.channel_header(replace(VIEW, state="resolved"))
    assert not [blk for blk in resolved if blk["type"] == "actions"]
    _, acked = b.channel_header(replace(VIEW, state="acknowledged"))
    assert [e["text"]["text"] for blk in acked if blk["type"] == "actions" for e in blk["elements"]] == [
        "Escalate",
        "Resolve",
    ]


def test_topic_format_and_limit():
    assert b.topic(VIEW, "@alice") == "SEV2 · Checkout API · IC @alice · investigating"
    assert b.topic(replace(VIEW, service=None), None) == "SEV2 · IC unassigned · investigating"
    assert len(b.topic(replace(VIEW, service="x" * 400), "@alice")) <= 250


def test_resolved_post_names_who_did_what():
    view = replace(
        VIEW, state="resolved", time_to_acknowledge=None, time_to_resolve=timedelta(hours=2, minutes=5)
    )
    text, blocks = b.resolved_post(
        view, [("U0ALICE", ["incident commander", "declared it"]), ("U0BOB", ["paged"])]
    )
    body = flat(blocks)
    assert "• <@U0ALICE>: incident commander, declared it" in body and "• <@U0BOB>: paged" in body
    assert "Time to acknowledge: *—*" in body and "2h 05m" in text
    assert "archived in 7 days" in body


def test_list_orders_and_describes():
    views = [
        VIEW,
        replace(
            VIEW,
            id=8,
            severity=3,
            roles={},
            service=None,
            channel_id=None,
            created_at=T0 + timedelta(hours=1),
        ),
    ]
    text, blocks = b.incident_list(views, T0 + timedelta(hours=2))
    body = flat(blocks)
    assert text == "Open incidents: 2"
    assert "2h 00m old · <@U0ALICE> · Checkout API" in body
    assert "1h 00m old · no commander · no service" in body
    assert b.incident_list([], T0)[0].startswith("No open incidents")


def test_declare_modal_prefills_and_has_the_right_inputs():
    view = b.declare_modal(
        [("checkout", "Checkout API")],
        title="Card payments fail",
        severity=1,
        service="checkout",
        metadata={"channel": "C1", "ts": "1.2"},
    )
    assert view["callback_id"] == "declare_incident" and len(view["title"]["text"]) <= 24
    blocks = {blk["block_id"]: blk for blk in view["blocks"]}
    assert list(blocks) == ["title", "severity", "service", "description"]
    assert blocks["title"]["element"]["initial_value"] == "Card payments fail"
    assert blocks["severity"]["element"]["initial_option"]["value"] == "1"
    assert blocks["service"]["element"]["initial_option"]["value"] == "checkout"
    assert json.loads(view["private_metadata"]) == {"channel": "C1", "ts": "1.2"}
    assert "service" not in {blk["block_id"] for blk in b.declare_modal([])["blocks"]}  # no empty picker


@dataclass
class Event:
    kind: str
    at: datetime
    actor: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def test_timeline_lines_in_the_readers_zone_and_escaped():
    events = [
        Event("opened", T0, "U0ALICE", {"source": "slack", "severity": 2, "service": "checkout"}),
        Event(
            "paged", T0, "system", {"slack": "U0CAROL", "reason": "level 1 of escalation policy *payments*"}
        ),
        Event("acknowledged", T0 + timedelta(minutes=4), "U0CAROL"),
        Event("pinned", T0 + timedelta(minutes=20), "U0CAROL", {"author": "U0DAVE", "text": EVIL}),
        Event(
            "status_update",
            T0 + timedelta(hours=20),
            "U0CAROL",
            {"status": "identified", "previous": "investigating", "text": EVIL},
        ),
    ]
    text, blocks = timeline("#7 · SEV2 · x", events, "America/New_York")
    body = "\n".join(blk["text"]["text"] for blk in blocks)
    assert "times in America/New_York" in body
    assert "*Mon 23 Nov 2026*\n`04:00` :rotating_light: SEV2 declared by <@U0ALICE> for *checkout*" in body
    assert "`04:04` :ballot_box_with_check: Acknowledged by <@U0CAROL>" in body
    assert "*Mon 23 Nov 2026*" in body and "*Tue 24 Nov 2026*\n`00:00`" in body
    assert "<!channel>" not in body and "&lt;!channel&gt;" in body
    assert describe(Event("something_new", T0, "U0BOB")) == "something new by <@U0BOB>"

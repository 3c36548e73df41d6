"""The draft is a pure function of plain values: every section, escaping, a custom template."""

import re
from datetime import UTC, date, datetime

import pytest
from jinja2 import TemplateSyntaxError

from bot.postmortems.draft import (
    ActionInfo,
    DeployInfo,
    DraftInput,
    EventInfo,
    PageInfo,
    PersonInfo,
    render_draft,
)
from bot.postmortems.markdown import md


def at(d, hh, mm) -> datetime:
    return datetime(2026, 11, d, hh, mm, tzinfo=UTC)


def values(**overrides) -> DraftInput:
    base = dict(
        incident_id=42,
        title="Checkout returns 500",
        severity=1,
        state="resolved",
        created_at=at(22, 22, 40),  # Sun 23:40 in Berlin
        timezone="Europe/Berlin",
        generated_at=at(23, 9, 0),
        service="checkout",
        summary="A bad deploy broke payments.",
        acknowledged_at=at(22, 22, 47),
        acknowledged_by="U0ALICE",
        resolved_at=at(23, 8, 55),  # Mon 09:55 in Berlin
        resolved_by="U0BOB",
        declared_by="U0ALICE",
        events=[
            EventInfo(at(22, 22, 40), "opened", "U0ALICE", {"severity": 1}),
            EventInfo(
                at(22, 22, 41), "paged", "system", {"slack": "U0CAROL", "reason": "level 1 of *payments*"}
            ),
            EventInfo(at(22, 22, 47), "acknowledged", "U0ALICE", {}),
            EventInfo(at(22, 23, 30), "pinned", "U0BOB", {"text": "Rolled back to v41"}),
            EventInfo(at(23, 8, 55), "resolved", "U0BOB", {"summary": "Rolled back"}),
        ],
        pages=[
            PageInfo(at(22, 22, 41), "U0CAROL", 1, "level 1 of escalation policy *payments*"),
            PageInfo(at(22, 22, 46), "U0BOB", 2, ""),
        ],
        roles={"commander": "U0ALICE", "dev": "U0BOB"},
        people={
            "U0ALICE": PersonInfo("alice", "ops"),
            "U0BOB": PersonInfo("bob", "dev"),
            "U0CAROL": PersonInfo("carol", "ops"),
        },
        deploys=[
            DeployInfo(
                at(22, 21, 0),
                "checkout",
                "production",
                "v42",
                "succeeded",
                "bob",
                "https://ci/run/7",
                "abc123",
            ),
            DeployInfo(
                at(21, 20, 0), "checkout", "production", "v40", "succeeded", "dave"
            ),  # 26h before: out
        ],
        action_items=[ActionInfo(3, "Add a canary stage", "U0BOB", date(2026, 12, 4))],
        owner="U0BOB",
        due_date=date(2026, 11, 30),
        postmortem_state="assigned",
    )
    base.update(overrides)
    return DraftInput(**base)


def section(doc: str, heading: str) -> str:
    """The text under `## heading`, up to the next `## `."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    assert match, f"no section {heading!r} in:\n{doc}"
    return match.group(1)


def test_every_section_in_order():
    doc = render_draft(values())
    headings = re.findall(r"^## (.+)$", doc, re.M)
    assert headings == [
        "Summary", "Impact window", "Response times (MTTA and MTTR)", "Timeline", "Who was paged and who responded",
        "Deploys in the 24 hours before", "What happened", "Contributing factors", "What went well",
        "What was hard", "Action items",
    ]  # fmt: skip
    assert doc.startswith("# Post-mortem: #42 Checkout returns 500\n")
    assert (
        "| Severity | sev1 |" in doc
        and "| Service | checkout |" in doc
        and "| Due | Mon 30 Nov 2026 |" in doc
    )
    assert "blameless" in doc.lower()


def test_summary_impact_and_response_times():
    doc = render_draft(values())
    assert "A bad deploy broke payments." in section(doc, "Summary")
    impact = section(doc, "Impact window")
    assert "Started (declared): Sun 22 Nov 2026 23:40 CET" in impact
    assert "Resolved: Mon 23 Nov 2026 09:55 CET" in impact
    assert "Duration: 10h 15m" in impact
    times = section(doc, "Response times (MTTA and MTTR)")
    assert "MTTA (time to acknowledge): 7m" in times
    assert "MTTR (time to resolve): 10h 15m" in times


def test_the_timeline_has_local_times_under_each_day():
    timeline = section(values_doc := render_draft(values()), "Timeline")
    assert "All times are Europe/Berlin." in timeline
    sunday, monday = timeline.split("### Sun 22 Nov 2026")[1].split("### Mon 23 Nov 2026")
    assert "- **23:40 CET** Incident opened by alice" in sunday
    assert "- **23:41 CET** Paged carol: level 1 of payments" in sunday
    assert "- **23:47 CET** Acknowledged by alice" in sunday
    assert "- **00:30 CET** Pinned by bob: Rolled back to v41" in monday  # after midnight: the next day
    assert "- **09:55 CET** Resolved by bob: Rolled back" in monday
    assert values_doc.count("Incident opened") == 1  # not repeated from the incident row


def test_missing_events_are_taken_from_the_incident_row():
    timeline = section(render_draft(values(events=[])), "Timeline")
    assert "**23:40 CET** Incident declared by alice: Checkout returns 500" in timeline
    assert "**23:47 CET** Acknowledged by alice" in timeline
    assert "**09:55 CET** Resolved by bob: A bad deploy broke payments." in timeline


def test_who_was_paged_and_who_responded_with_dev_and_ops():
    rows = section(render_draft(values()), "Who was paged and who responded")
    assert "| Person | Dev/Ops | Paged | Responded | Incident role |" in rows
    carol = next(line for line in rows.splitlines() if line.startswith("| carol"))
    assert (
        "| Ops |" in carol
        and "Sun 22 Nov 23:41 CET — level 1 of escalation policy payments |" in carol
        and carol.endswith("| no | — |")
    )
    bob = next(line for line in rows.splitlines() if line.startswith("| bob"))
    assert "| Dev |" in bob and "Sun 22 Nov 23:46 CET (level 2)" in bob and "Mon 23 Nov 00:30 CET" in bob
    assert bob.endswith("| dev |")
    alice = next(line for line in rows.splitlines() if line.startswith("| alice"))
    assert "| Ops | no | Sun 22 Nov 23:40 CET | commander |" in alice


def test_deploys_in_the_24_hours_before():
    deploys = section(render_draft(values()), "Deploys in the 24 hours before")
    assert "Sun 22 Nov 2026 22:00 CET (1h 40m before)" in deploys
    assert "[v42 (abc123)](<https://ci/run/7>)" in deploys and "| succeeded | bob |" in deploys
    assert "v40" not in deploys
    assert "not tracked" in section(render_draft(values(deploys=None)), "Deploys in the 24 hours before")
    assert "No deploys of checkout" in section(
        render_draft(values(deploys=[])), "Deploys in the 24 hours before"
    )


def test_blameless_headings_and_recorded_action_items():
    doc = render_draft(values())
    for heading in ("What happened", "Contributing factors", "What went well", "What was hard"):
        assert "*To fill in" in section(doc, heading)
    items = section(doc, "Action items")
    assert "- [ ] #3 Add a canary stage (owner: bob, due Fri 4 Dec 2026)" in items
    done = render_draft(values(action_items=[ActionInfo(3, "Add a canary stage", "U0BOB", None, done=True)]))
    assert "- [x] #3 Add a canary stage" in section(done, "Action items")


def test_text_from_people_and_alerts_cannot_inject_markdown_or_html():
    evil = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![i](http://x/i.png)\n# Fake heading"
    doc = render_draft(
        values(title=evil, summary=evil, events=[EventInfo(at(22, 23, 0), "pinned", "U0BOB", {"text": evil})])
    )
    assert "<img" not in doc and not re.search(r"(?<!\\)\]\(", doc.replace("](<https://ci/run/7>)", ""))
    assert (
        "\n# Fake heading" not in doc and "\n\\# Fake heading" in doc
    )  # the summary keeps its lines, escaped
    assert "&lt;img src=x onerror=alert(1)&gt; \\[click\\](javascript:alert(1))" in doc
    assert md("| a | b |") == "\\| a \\| b \\|"
    assert md("- not a list") == "\\- not a list" and md("1. no") == "1\\. no"


def test_a_custom_template_gets_the_same_escaped_values():
    source = "{{ incident.title }} | {{ mtta }} | {% for d in timeline %}{{ d.date }};{% endfor %} | {{ 'a*b' | md }}"
    doc = render_draft(values(title="T <b>"), source)
    assert doc == "T &lt;b&gt; | 7m | Sun 22 Nov 2026;Mon 23 Nov 2026; | a\\*b"


def test_a_broken_template_raises():
    with pytest.raises(TemplateSyntaxError):
        render_draft(values(), "{% for %}")

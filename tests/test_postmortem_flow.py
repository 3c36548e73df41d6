"""From resolve to done through the emulator, with the clock moved by the test: an incident run with
`/incident` commands, the prompt, the owner, the draft, reminders on the right days across a weekend,
completion and the announcement's link; and a restart that loses and repeats nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.clock import FakeClock
from bot.config import load_config
from bot.config.apply import apply_config
from bot.postmortems import postmortem_link
from storage.models import IncidentRole
from storage.outbox import find_message
from tests.support import harness
from tests.support.incidents import channel_of, events, settled
from tests.test_postmortem_support import (
    TEAM,
    a_deploy_before_the_incident,
    a_resolved_sev1,
    at,
    berlin,
    document_link,
    get,
    reminders_to,
    section,
)


async def a_sev1_run_in_slack(bot, slack, clock) -> tuple[int, str]:
    """Sun 23:40 to Mon 09:55 in Berlin, through slash commands: a deploy 1h40 before, declared, paged,
    acknowledged, roles given, a message marked with :pushpin: after midnight, resolved."""
    alice = slack.user("U0ALICE")
    await a_deploy_before_the_incident(bot, clock)
    clock.set(berlin(2026, 11, 22, 23, 40))
    await alice.command(
        "/incident", "declare Checkout returns 500 sev1 service:checkout", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0ALICE", contains="You declared incident #1")
    channel = await channel_of(bot, 1)
    clock.advance(timedelta(minutes=4))  # within level 1's 5 minutes: nobody else is paged
    await alice.command("/incident", "ack", channel=channel)
    await slack.expect_ephemeral("U0ALICE", contains="You acknowledged incident #1")
    await alice.command("/incident", "role commander @dave", channel=channel)
    await settled(bot, lambda: _role(bot, "commander", "U0DAVE"), what="dave the commander")
    await alice.command("/incident", "role dev @bob", channel=channel)
    await settled(bot, lambda: _role(bot, "dev", "U0BOB"), what="bob the dev lead")
    clock.set(berlin(2026, 11, 23, 0, 30))
    said = await slack.user("U0BOB").say(channel, "Rolled back to v41 <!channel>")
    await alice.react(said, "pushpin")
    await settled(bot, lambda: events(bot, kind="pinned"), what="the pushpin captured")
    clock.set(berlin(2026, 11, 23, 9, 55))
    await alice.command("/incident", "resolve Rolled back v42", channel=channel)
    await slack.expect_ephemeral("U0ALICE", contains="You resolved incident #1")
    await bot.deliver()
    return 1, channel


async def _role(bot, role: str, user: str) -> bool:
    async with bot.ctx.db.sessions() as session:
        row = await session.get(IncidentRole, (1, role))
    return row is not None and row.slack_user_id == user


async def test_from_resolve_to_done(team_bot, slack, clock):
    bot = team_bot
    ident, channel = await a_sev1_run_in_slack(bot, slack, clock)

    # 1. The prompt, in the incident's channel.
    prompt = await slack.expect_message(channel, contains="Time for a blameless post-mortem")
    assert (
        f"#{ident} Checkout returns 500" in prompt.text_content and "Mon 30 Nov 2026" in prompt.text_content
    )
    assert prompt.buttons == ["Not needed"]

    # 2. Carol picks Bob as the owner: Bob gets the draft's link and the due date, the prompt shows him.
    clock.set(berlin(2026, 11, 23, 10, 0))
    await slack.user("U0CAROL").select(prompt, "Assign owner", "U0BOB")
    dm = await slack.expect_dm("U0BOB", contains="You own the blameless post-mortem")
    assert "due *Mon 30 Nov 2026*" in dm.text_content and "<@U0CAROL> asked you" in dm.text_content
    await slack.expect_message(
        channel, where=lambda m: m.ts == prompt.ts and "owner <@U0BOB>" in m.text_content
    )

    # 3. The draft is uploaded to the channel as a file...
    await slack.expect_call("files.completeUploadExternal")
    upload = next(f for f in slack.workspace.files.values() if f.name == f"postmortem-{ident}.md")
    assert upload.channels == [channel]
    assert upload.content.decode().startswith(f"# Post-mortem: #{ident} Checkout returns 500")

    # ... and served at its link, section by section.
    url = document_link(dm.text_content).replace("http://127.0.0.1:3000", bot.url)
    status, doc = await get(url)
    assert status == 200
    assert "| Severity | sev1 |" in doc and "| Post-mortem owner | bob |" in doc
    assert "Rolled back v42" in section(doc, "Summary")
    impact = section(doc, "Impact window")
    assert "Sun 22 Nov 2026 23:40 CET" in impact and "Mon 23 Nov 2026 09:55 CET" in impact
    times = section(doc, "Response times (MTTA and MTTR)")
    assert "MTTA (time to acknowledge): 4m" in times and "MTTR (time to resolve): 10h 15m" in times
    timeline = section(doc, "Timeline")
    sunday, monday = timeline.split("### Sun 22 Nov 2026")[1].split("### Mon 23 Nov 2026")
    assert "**23:40 CET** Incident opened by alice" in sunday
    assert "**23:40 CET** Paged alice" in sunday and "**23:40 CET** Paged erin (shadow)" in sunday
    assert "**23:44 CET** Acknowledged by alice" in sunday
    assert "**23:44 CET** dave is commander by alice" in sunday
    assert "**00:30 CET** Pinned by alice: Rolled back to v41 @channel (bob)" in monday
    assert "**09:55 CET** Resolved by alice: Rolled back v42" in monday
    people = section(doc, "Who was paged and who responded")
    assert re.search(
        r"^\| alice \| Ops \| Sun 22 Nov 23:40 CET — level 1 of escalation policy payments "
        r"\| Sun 22 Nov 23:40 CET \| — \|$",
        people,
        re.M,
    )
    assert re.search(r"^\| erin \| Dev \| Sun 22 Nov 23:40 CET as a shadow .*\| no \| — \|$", people, re.M)
    assert re.search(r"^\| bob \| Dev \| no \| Mon 23 Nov 00:30 CET \| dev \|$", people, re.M)
    assert re.search(r"^\| dave \| Dev \| no \| — \| commander \|$", people, re.M)
    deploys = section(doc, "Deploys in the 24 hours before")
    assert "Sun 22 Nov 2026 22:00 CET (1h 40m before) | checkout | production" in deploys and "v42" in deploys
    for heading in (
        "What happened",
        "Contributing factors",
        "What went well",
        "What was hard",
        "Action items",
    ):
        assert "To fill in" in section(doc, heading)
    assert (await get(url.replace("token=", "token=x")))[0] == 404
    assert (await get(f"{bot.url}/postmortems/{ident}.md"))[0] == 404

    # 4. Reminders: the business day before (Friday), the due date (Monday), then every 2 business days.
    await at(bot, clock, berlin(2026, 11, 26, 16, 0))
    await at(bot, clock, berlin(2026, 11, 27, 8, 59))
    assert reminders_to(slack, "U0BOB") == []
    await at(bot, clock, berlin(2026, 11, 27, 9, 0))
    first = await slack.expect_dm("U0BOB", contains="Reminder")
    assert "due *Mon 30 Nov 2026*" in first.text_content and document_link(first.text_content)
    for day in (27, 28, 29):  # later on Friday, and the weekend: nothing more
        await at(bot, clock, berlin(2026, 11, day, 12, 0))
    await slack.expect_no_message("U0BOB", within=0.3)
    await at(bot, clock, berlin(2026, 11, 30, 9, 0))
    await slack.expect_dm("U0BOB", contains="due *today*")
    await at(bot, clock, berlin(2026, 12, 1, 9, 0))
    await slack.expect_no_message("U0BOB", within=0.3)
    await at(bot, clock, berlin(2026, 12, 2, 9, 0))
    await slack.expect_dm("U0BOB", contains="*overdue* by 2 business days")
    assert len(reminders_to(slack, "U0BOB")) == 3

    # 5. Done: not by Carol (neither owner, commander nor admin); Bob with the document's link.
    await slack.user("U0CAROL").command(
        "/postmortem", f"done #{ident} https://docs.example.com/pm-{ident}", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0CAROL", contains="the incident commander or an admin may complete")
    await slack.user("U0BOB").command(
        "/postmortem", f"done #{ident} https://docs.example.com/pm-{ident}", channel="C0GENERAL"
    )
    await slack.expect_ephemeral("U0BOB", contains="is done")
    await slack.expect_message(
        "C0INCIDENTS", contains=f"The post-mortem of *#{ident} Checkout returns 500* (sev1) is done"
    )
    async with bot.ctx.db.sessions() as session:
        assert await postmortem_link(session, ident) == f"https://docs.example.com/pm-{ident}"
        announcement = await find_message(session, f"incident:{ident}:announcement")

    # 6. The learning loop: the incident's announcement links the finished post-mortem.
    await bot.deliver()
    await slack.expect_message(
        "C0INCIDENTS",
        where=lambda m: (
            m.ts == announcement.ts and f"<https://docs.example.com/pm-{ident}|Post-mortem>" in m.text_content
        ),
    )

    # 7. No reminder after it is done.
    await at(bot, clock, berlin(2026, 12, 4, 9, 0))
    await at(bot, clock, berlin(2026, 12, 8, 9, 0))
    await slack.expect_no_message("U0BOB", within=0.3)
    assert len(reminders_to(slack, "U0BOB")) == 3


async def test_a_restart_in_the_middle_loses_and_repeats_nothing(database_url, slack):
    clock = FakeClock()
    settings = harness.test_settings(database_url, slack.api_url)
    first = await harness.start_bot(settings, clock)
    slack.connect(first.events_url)
    await apply_config(first.ctx.db, load_config(TEAM))
    ident = await a_resolved_sev1(first, clock)
    prompt = await slack.expect_message("C0INCIDENTS", contains="Time for a blameless post-mortem")
    await slack.user("U0CAROL").select(prompt, "Assign owner", "U0BOB")
    await slack.expect_dm("U0BOB", contains="You own")
    await at(first, clock, berlin(2026, 11, 27, 9, 0))
    await slack.expect_dm("U0BOB", contains="Reminder")
    # Monday's reminder is claimed and queued, but Slack fails and the bot stops before it is delivered.
    slack.faults.add(method="chat.postMessage", status=500, times=None)
    await at(first, clock, berlin(2026, 11, 30, 9, 0))
    await first.stop()
    slack.faults.clear()
    assert len(reminders_to(slack, "U0BOB")) == 1

    second = await harness.start_bot(settings, clock)
    slack.connect(second.events_url)
    try:
        clock.advance(timedelta(minutes=10))  # past the retry back-off
        await second.run_due()
        await slack.expect_dm("U0BOB", contains="due *today*")
        for _ in range(3):  # more passes at the same time: nothing again
            await second.run_due()
        await slack.expect_no_message("U0BOB", within=0.3)
        await at(second, clock, berlin(2026, 12, 2, 9, 0))
        await slack.expect_dm("U0BOB", contains="overdue")
        assert len(reminders_to(slack, "U0BOB")) == 3
        await slack.user("U0BOB").command("/postmortem", f"done #{ident}", channel="C0GENERAL")
        await slack.expect_message("C0INCIDENTS", contains="is done")
    finally:
        await second.stop()

"""The deploy message, read as blocks: production stands out, status has an emoji, links are links,
and whatever CI wrote stays text."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.blocks.deploys import deploy_log, deploy_message, failure_dm, recent_deploys_block, status_section
from storage.models import Deploy, Freeze

SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def make(**fields) -> Deploy:
    values = dict(
        id=7,
        service_id="checkout",
        environment="production",
        version="v1.4.2",
        status="started",
        source="api",
        external_id="run-1",
        actor="bob",
        url="https://ci.example.com/runs/1",
        commit=SHA,
        commit_url=f"https://github.com/acme/checkout/commit/{SHA}",
        ref="main",
        description=None,
        details={},
        created_at=AT,
        updated_at=AT,
        finished_at=None,
        during_freeze_id=None,
        suspected_incident_id=None,
    )
    values.update(fields)
    return Deploy(**values)


def texts(blocks: list[dict]) -> str:
    return json.dumps(blocks)


def test_production_has_a_header_and_a_red_marker_staging_does_not():
    _, prod = deploy_message(make())
    _, staging = deploy_message(make(environment="staging"))
    assert prod[0]["type"] == "header" and "PRODUCTION" in prod[0]["text"]["text"]
    assert ":red_circle: *PRODUCTION*" in texts(prod)
    assert all(b["type"] != "header" for b in staging)
    assert "PRODUCTION" not in texts(staging) and ":large_blue_circle: staging" in texts(staging)
    prod_text, _ = deploy_message(make())
    staging_text, _ = deploy_message(make(environment="staging"))
    assert "PRODUCTION" in prod_text and "PRODUCTION" not in staging_text


@pytest.mark.parametrize("env", ["prod", "Production-EU", "live"])
def test_other_names_for_production_are_production(env):
    _, blocks = deploy_message(make(environment=env.lower()))
    assert blocks[0]["type"] == "header"


@pytest.mark.parametrize(
    ("status", "emoji", "label"),
    [
        ("started", ":hourglass_flowing_sand:", "in progress"),
        ("succeeded", ":white_check_mark:", "succeeded"),
        ("failed", ":x:", "failed"),
        ("rolled_back", ":rewind:", "rolled back"),
        ("cancelled", ":no_entry_sign:", "cancelled"),
    ],
)
def test_each_status_has_its_emoji(status, emoji, label):
    text, blocks = deploy_message(make(status=status))
    assert text.startswith(emoji) and label in text
    assert f"{emoji} {label}" in texts(blocks)


def test_short_sha_links_to_the_commit_and_the_run_is_linked():
    _, blocks = deploy_message(make())
    dumped = texts(blocks)
    assert f"<https://github.com/acme/checkout/commit/{SHA}|f95f852>" in dumped
    assert "<https://ci.example.com/runs/1|View run>" in dumped
    assert "*By*\\nbob" in dumped
    assert "deploy #7" in dumped


def test_a_commit_without_a_known_repository_is_shown_unlinked():
    _, blocks = deploy_message(make(commit_url=None))
    assert "`f95f852`" in texts(blocks) and "/commit/" not in texts(blocks)


def test_a_non_http_run_url_is_not_a_link():
    _, blocks = deploy_message(make(url="javascript:alert(1)"))
    assert "View run" not in texts(blocks)


def test_untrusted_text_is_escaped_everywhere():
    evil = make(
        version="<!channel> 1.0",
        actor="<!here|here> mallory",
        ref="<@U0ZOE> branch",
        description="rm -rf & <!everyone> <https://evil.example|click>",
    )
    text, blocks = deploy_message(evil)
    dumped = text + texts(blocks)
    for raw in ("<!channel>", "<!here", "<@U0ZOE>", "<!everyone>", "<https://evil"):
        assert raw not in dumped
    assert "&lt;!channel&gt; 1.0" in dumped and "&amp;" in dumped
    assert "<!channel>" not in failure_dm(evil)


def test_a_deploy_during_a_freeze_carries_a_warning():
    freeze = Freeze(
        id=3,
        service_id="checkout",
        environment=None,
        reason="Black Friday <!channel>",
        created_by="U0ALICE",
        start_at=AT,
        until=None,
        incident_id=None,
    )
    _, blocks = deploy_message(make(during_freeze_id=3), freeze=freeze)
    dumped = texts(blocks)
    assert ":warning: *Deployed during a freeze.*" in dumped and "<@U0ALICE>" in dumped
    assert "Black Friday &lt;!channel&gt;" in dumped


def test_a_suspected_change_failure_is_shown():
    _, blocks = deploy_message(make(suspected_incident_id=12))
    assert "Suspected change failure" in texts(blocks) and "incident #12" in texts(blocks)


def test_log_status_and_recent_blocks():
    deploys = [make(id=i, version=f"v{i}") for i in range(3)]
    text, blocks = deploy_log(deploys, "checkout")
    assert "Last 3 deploys" in text and "v2" in texts(blocks)
    assert deploy_log([], None)[0].startswith("No deploys")
    assert recent_deploys_block([]) is None
    assert "Recent deploys" in recent_deploys_block(deploys)["text"]["text"]
    assert "not frozen" in status_section("checkout", [], deploys[:1])

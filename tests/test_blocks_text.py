"""Untrusted text never becomes a mention, a broadcast or a link."""

from bot.blocks.text import escape, link, section


def test_escape_neutralises_broadcasts_and_mentions():
    assert (
        escape("<!channel> <@U123> & <https://evil|x>")
        == "&lt;!channel&gt; &lt;@U123&gt; &amp; &lt;https://evil|x&gt;"
    )


def test_link_label_is_escaped_and_url_cannot_break_out():
    assert link("https://ci.example/run|1>", "<!here>") == "<https://ci.example/run%7C1%3E|&lt;!here&gt;>"


def test_section_carries_mrkdwn_text():
    assert section("*bold*") == {"type": "section", "text": {"type": "mrkdwn", "text": "*bold*"}}

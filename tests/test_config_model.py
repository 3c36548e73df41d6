from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import (
    DEFAULT_SEVERITY_MAP,
    Config,
    ConfigError,
    ConfigIssue,
    Target,
    load_config,
    validate_config_text,
)

# The contract's example, plus the people (carol, dave, erin) and the schedule (payments-dev) it refers to.
EXAMPLE = """\
timezone: Europe/Berlin            # default for schedules and times typed in Slack
admins: [alice]                    # who may change schedules, freezes and settings from Slack
channels: {incidents: C0INCIDENTS, deploys: C0DEPLOYS}
people:
  - {id: alice, slack: U0ALICE, role: ops, timezone: Europe/Berlin}
  - {id: bob,   slack: U0BOB,   role: dev}
  - {id: carol, slack: U0CAROL, role: ops, timezone: America/New_York}
  - {id: dave,  slack: U0DAVE,  role: ops}
  - {id: erin,  email: erin@example.com, role: dev, name: Erin E.}
teams:
  - {id: payments, members: [alice, bob], slack_usergroup: S0PAYONCALL}   # usergroup holds who is on call now
schedules:
  - id: payments-ops
    team: payments
    timezone: Europe/Berlin
    layers:                        # a later layer wins where layers overlap; overrides win over all
      - {name: weekly, rotation: weekly, start: "2026-11-02T09:00", members: [alice, carol]}
      - {name: weekend, rotation: daily, start: "2026-11-07T09:00", members: [dave],
         restrictions: [{days: [sat, sun], from: "09:00", to: "21:00"}]}
    shadows: [{person: erin, until: "2027-01-31"}]   # copied on pages and handoffs; cannot acknowledge for the primary
  - id: payments-dev
    team: payments
    layers:
      - {name: devs, rotation: custom, shift: 12h, start: "2026-11-02T08:00", members: [bob, erin]}
escalation_policies:
  - id: payments
    repeat: 1                      # run all levels once more before giving up
    levels:
      - {targets: [schedule:payments-ops], timeout: 5m}
      - {targets: [schedule:payments-dev], timeout: 10m}      # the owning developers
      - {targets: [team:payments], timeout: 15m}
services:
  - id: checkout
    team: payments                 # the developers who own it
    escalation_policy: payments
    channels: {deploys: C0CHECKOUTDEPLOYS}
    integration_keys: [0123456789abcdef0123456789abcdef]
    github_repos: [acme/checkout]
"""


def errors_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        validate_config_text(text, "opsbridge.yaml")
    return [(issue.location, issue.message) for issue in info.value.errors]


def locations_of(text: str) -> list[str]:
    return [location for location, _ in errors_of(text)]


def minimal(extra: str = "") -> str:
    return "people:\n  - {id: alice, slack: U0ALICE, role: ops}\n" + extra


# --- the example -----------------------------------------------------------------------------------


def test_contract_example_validates():
    config = validate_config_text(EXAMPLE, "opsbridge.yaml")
    assert config.timezone == "Europe/Berlin"
    assert config.admins == ["alice"]
    assert config.channels.incidents == "C0INCIDENTS"
    assert config.channels.deploys == "C0DEPLOYS"
    assert [p.id for p in config.people] == ["alice", "bob", "carol", "dave", "erin"]
    bob = config.person("bob")
    assert bob is not None and bob.role == "dev" and bob.slack == "U0BOB"
    assert bob.timezone == "Europe/Berlin"  # from the top level
    assert config.person("carol").timezone == "America/New_York"
    assert config.person("erin").email == "erin@example.com" and config.person("erin").slack is None
    assert config.team("payments").slack_usergroup == "S0PAYONCALL"

    ops = config.schedule("payments-ops")
    assert ops.team == "payments" and ops.timezone == "Europe/Berlin"
    weekly, weekend = ops.layers
    assert weekly.rotation == "weekly" and weekly.shift is None
    assert weekly.start == datetime(2026, 11, 2, 9, 0) and weekly.start.tzinfo is None
    assert weekly.shift_length == timedelta(days=7)
    assert weekly.members == ["alice", "carol"]
    restriction = weekend.restrictions[0]
    assert restriction.days == ["sat", "sun"] and restriction.weekdays == frozenset({5, 6})
    assert (restriction.from_, restriction.to) == (time(9, 0), time(21, 0))
    assert ops.shadows[0].person == "erin" and ops.shadows[0].until == date(2027, 1, 31)

    dev = config.schedule("payments-dev")
    assert dev.timezone == "Europe/Berlin"
    assert dev.layers[0].shift == timedelta(hours=12) == dev.layers[0].shift_length

    policy = config.escalation_policy("payments")
    assert policy.repeat == 1
    assert [level.timeout for level in policy.levels] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=15),
    ]
    assert policy.levels[0].targets == [Target(kind="schedule", id="payments-ops")]
    assert str(policy.levels[2].targets[0]) == "team:payments"

    checkout = config.service("checkout")
    assert checkout.team == "payments" and checkout.escalation_policy == "payments"
    assert checkout.channels.deploys == "C0CHECKOUTDEPLOYS" and checkout.channels.incidents is None
    assert checkout.integration_keys == ["0123456789abcdef0123456789abcdef"]
    assert checkout.github_repos == ["acme/checkout"]
    assert checkout.severity_map == DEFAULT_SEVERITY_MAP
    assert checkout.incident_channel_min_severity == "sev2"
    assert checkout.auto_freeze_on_sev1 is True
    assert checkout.deploy_workflows is None
    assert config.service_for_integration_key("0123456789abcdef0123456789abcdef") is checkout
    assert config.service_for_repo("ACME/checkout") is checkout
    assert config.service_for_repo("acme/other") is None

    assert config.postmortems.required_from == "sev2"
    assert config.postmortems.due_business_days == 5
    assert config.postmortems.template is None


def test_load_config_reads_a_file(tmp_path: Path):
    path = tmp_path / "opsbridge.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    assert load_config(path).schedule("payments-ops") is not None
    assert load_config(str(path)).timezone == "Europe/Berlin"


def test_defaults():
    config = validate_config_text(minimal())
    assert config.timezone == "UTC"
    assert config.person("alice").timezone == "UTC"
    assert config.admins == [] and config.teams == [] and config.services == []
    assert config.channels.incidents is None


def test_optional_sections_and_fields():
    text = minimal(
        """\
teams:
  - {id: web, name: Web, members: [alice], channel: C0WEB}
escalation_policies:
  - id: web
    levels: [{targets: ["person:alice", "service:site"]}]
services:
  - id: site
    name: The site
    team: web
    channels: {incidents: C0SITEINC}
    deploy_workflows: [deploy.yml, Release]
    severity_map: {critical: sev1, page: SEV2}
    incident_channel_min_severity: sev3
    auto_freeze_on_sev1: false
postmortems: {required_from: sev1, due_business_days: 3}
"""
    )
    config = validate_config_text(text)
    policy = config.escalation_policies[0]
    assert policy.repeat == 0
    assert policy.levels[0].timeout == timedelta(minutes=5)
    assert [str(t) for t in policy.levels[0].targets] == ["person:alice", "service:site"]
    site = config.service("site")
    assert site.deploy_workflows == ["deploy.yml", "Release"]
    assert site.severity_map == {"critical": "sev1", "page": "sev2"}
    assert site.incident_channel_min_severity == "sev3"
    assert site.auto_freeze_on_sev1 is False
    assert config.postmortems.required_from == "sev1" and config.postmortems.due_business_days == 3


def test_unquoted_times_and_dates_are_read_as_written():
    # YAML 1.1 would read 21:00 as the number 1260 and 2027-01-31 as a date object.
    text = minimal(
        """\
schedules:
  - id: s
    layers:
      - name: nights
        rotation: daily
        start: 2026-11-02T21:00
        members: [alice]
        restrictions: [{days: [Mon, tuesday], from: 21:00, to: 07:00}]
    shadows: [{person: alice, until: 2027-01-31}]
"""
    )
    layer = validate_config_text(text).schedules[0].layers[0]
    assert layer.start == datetime(2026, 11, 2, 21, 0)
    assert layer.restrictions[0].from_ == time(21, 0) and layer.restrictions[0].to == time(7, 0)
    assert layer.restrictions[0].days == ["mon", "tue"]


def test_restriction_days_default_to_every_day():
    text = minimal(
        """\
schedules:
  - id: s
    layers:
      - {name: day, rotation: daily, start: "2026-11-02T09:00", members: [alice],
         restrictions: [{from: "09:00", to: "17:00"}]}
"""
    )
    restriction = validate_config_text(text).schedules[0].layers[0].restrictions[0]
    assert restriction.weekdays == frozenset(range(7))


def test_config_built_directly_also_checks_references():
    with pytest.raises(ValidationError, match="unknown person 'zoe'"):
        Config.model_validate({"admins": ["zoe"]})
    config = Config.model_validate({"people": [{"id": "a", "email": "a@example.com", "role": "dev"}]})
    assert config.person("a").timezone == "UTC"


def test_dump_round_trips():
    config = validate_config_text(EXAMPLE)
    dumped = config.model_dump(mode="json", by_alias=True)
    assert dumped["escalation_policies"][0]["levels"][0] == {
        "targets": ["schedule:payments-ops"],
        "timeout": "5m",
    }
    assert dumped["schedules"][0]["layers"][1]["restrictions"][0] == {
        "days": ["sat", "sun"],
        "from": "09:00",
        "to": "21:00",
    }
    assert Config.model_validate(dumped) == config


# --- each kind of error, with its location ---------------------------------------------------------


def test_unknown_person_in_a_layer():
    text = EXAMPLE.replace("members: [alice, carol]}", "members: [alice, carol, zoe]}")
    assert errors_of(text) == [("schedules[0].layers[0].members[2]", "unknown person 'zoe'")]


def test_error_line_format():
    text = EXAMPLE.replace("members: [bob, erin]", "members: [bob, erin, zoe]")
    with pytest.raises(ConfigError) as info:
        validate_config_text(text, "opsbridge.yaml")
    assert str(info.value) == "opsbridge.yaml: schedules[1].layers[0].members[2]: unknown person 'zoe'"
    assert info.value.errors == [ConfigIssue("schedules[1].layers[0].members[2]", "unknown person 'zoe'")]
    assert info.value.errors[0].line == 24


@pytest.mark.parametrize(
    ("old", "new", "location", "message"),
    [
        ("admins: [alice]", "admins: [alice, zoe]", "admins[1]", "unknown person 'zoe'"),
        ("members: [alice, bob]", "members: [alice, zoe]", "teams[0].members[1]", "unknown person 'zoe'"),
        ("{person: erin,", "{person: zoe,", "schedules[0].shadows[0].person", "unknown person 'zoe'"),
        (
            "    team: payments\n    timezone: Europe/Berlin",
            "    team: nopes\n    timezone: Europe/Berlin",
            "schedules[0].team",
            "unknown team 'nopes'",
        ),
        (
            "[schedule:payments-dev]",
            "[schedule:nope]",
            "escalation_policies[0].levels[1].targets[0]",
            "unknown schedule 'nope'",
        ),
        (
            "[team:payments]",
            "[team:payments, person:zoe]",
            "escalation_policies[0].levels[2].targets[1]",
            "unknown person 'zoe'",
        ),
        (
            "[team:payments]",
            "[service:nope]",
            "escalation_policies[0].levels[2].targets[0]",
            "unknown service 'nope'",
        ),
        (
            "escalation_policy: payments",
            "escalation_policy: nope",
            "services[0].escalation_policy",
            "unknown escalation policy 'nope'",
        ),
        (
            "    team: payments                 # the",
            "    team: nope                 # the",
            "services[0].team",
            "unknown team 'nope'",
        ),
        (
            "slack: U0DAVE",
            "slack: U0BOB",
            "people[3].slack",
            "Slack user 'U0BOB' is already used at people[1].slack",
        ),
        (
            "{name: weekend,",
            "{name: weekly,",
            "schedules[0].layers[1].name",
            "layer name 'weekly' is already used at schedules[0].layers[0].name",
        ),
        (
            "timezone: Europe/Berlin            #",
            "timezone: Europe/Berlinn            #",
            "timezone",
            "unknown time zone 'Europe/Berlinn' (use an IANA name such as Europe/Berlin)",
        ),
        (
            "role: ops, timezone: Europe/Berlin}",
            "role: ops, timezone: Berlin}",
            "people[0].timezone",
            "unknown time zone 'Berlin' (use an IANA name such as Europe/Berlin)",
        ),
        ("role: dev}", "role: admin}", "people[1].role", "must be 'dev' or 'ops', got 'admin'"),
        (
            "{id: bob,   slack: U0BOB,   role: dev}",
            "{id: bob, role: dev}",
            "people[1].email",
            "is required when slack is not given: a person needs a Slack user id or an email",
        ),
        ("slack: U0BOB", "slack: bob", "people[1].slack", "'bob' is not a Slack user id like U0123ABCD"),
        (
            "{id: bob,   slack: U0BOB,   role: dev}",
            "{id: bob,   slack: U0BOB}",
            "people[1].role",
            "is required",
        ),
        (
            "incidents: C0INCIDENTS",
            "incidents: '#incidents'",
            "channels.incidents",
            "'#incidents' is not a Slack channel id like C0123ABCD (not a #name)",
        ),
        (
            "rotation: weekly",
            "rotation: monthly",
            "schedules[0].layers[0].rotation",
            "must be 'daily', 'weekly' or 'custom', got 'monthly'",
        ),
        (
            "rotation: daily, start",
            "rotation: daily, shift: 8h, start",
            "schedules[0].layers[1].shift",
            "is only allowed with rotation custom (rotation daily has its own length)",
        ),
        (
            'start: "2026-11-02T09:00"',
            'start: "2026-11-02 9am"',
            "schedules[0].layers[0].start",
            "must be a local date and time \"YYYY-MM-DDTHH:MM\", got '2026-11-02 9am'",
        ),
        (
            'start: "2026-11-02T09:00"',
            'start: "2026-02-30T09:00"',
            "schedules[0].layers[0].start",
            "'2026-02-30T09:00' is not a valid date and time (day is out of range for month)",
        ),
        (
            'start: "2026-11-02T09:00"',
            'start: "2027-03-28T02:30"',
            "schedules[0].layers[0].start",
            "2027-03-28 02:30 does not exist in Europe/Berlin (clocks move forward at 02:00)",
        ),
        (
            'from: "09:00"',
            'from: "9h"',
            "schedules[0].layers[1].restrictions[0].from",
            "must be a time of day \"HH:MM\" (00:00 to 23:59), got '9h'",
        ),
        (
            'to: "21:00"',
            'to: "24:00"',
            "schedules[0].layers[1].restrictions[0].to",
            "must be a time of day \"HH:MM\" (00:00 to 23:59), got '24:00'",
        ),
        (
            'to: "21:00"',
            'to: "09:00"',
            "schedules[0].layers[1].restrictions[0]",
            "from and to are the same time: the window would be empty",
        ),
        (
            'until: "2027-01-31"',
            'until: "2027-13-01"',
            "schedules[0].shadows[0].until",
            "'2027-13-01' is not a valid date (month must be in 1..12)",
        ),
        (
            "timeout: 5m",
            "timeout: 5",
            "escalation_policies[0].levels[0].timeout",
            "a duration needs a unit: use 30s, 5m, 2h, 1d, 1w or a combination such as 1h30m, got 5",
        ),
        (
            "timeout: 10m",
            "timeout: 10 minutes",
            "escalation_policies[0].levels[1].timeout",
            "'10 minutes' is not a duration; use 30s, 5m, 2h, 1d, 1w or a combination such as 1h30m",
        ),
        (
            "timeout: 15m",
            "timeout: 0s",
            "escalation_policies[0].levels[2].timeout",
            "a duration must be longer than zero",
        ),
        ("repeat: 1", "repeat: -1", "escalation_policies[0].repeat", "must be at least 0, got -1"),
        (
            "repeat: 1",
            "repeat: twice",
            "escalation_policies[0].repeat",
            "must be a whole number, got 'twice'",
        ),
        (
            "[schedule:payments-ops]",
            "[payments-ops]",
            "escalation_policies[0].levels[0].targets[0]",
            "'payments-ops' is not a target; use schedule:ID, team:ID, person:ID or service:ID",
        ),
        ("[schedule:payments-ops]", "[]", "escalation_policies[0].levels[0].targets", "must not be empty"),
        (
            "github_repos: [acme/checkout]",
            "github_repos: [checkout]",
            "services[0].github_repos[0]",
            "'checkout' is not a GitHub repository \"owner/repo\"",
        ),
        (
            "integration_keys: [0123456789abcdef0123456789abcdef]",
            "integration_keys: [12345]",
            "services[0].integration_keys[0]",
            "must be text, got 12345 (quote it in YAML)",
        ),
        (
            "    github_repos: [acme/checkout]\n",
            "    github_repos: [acme/checkout]\n    auto_freeze_on_sev1: maybe\n",
            "services[0].auto_freeze_on_sev1",
            "must be true or false, got 'maybe'",
        ),
        (
            "    github_repos: [acme/checkout]\n",
            "    github_repos: [acme/checkout]\n    incident_channel_min_severity: sev5\n",
            "services[0].incident_channel_min_severity",
            "must be 'sev1', 'sev2', 'sev3' or 'sev4', got 'sev5'",
        ),
        (
            "    github_repos: [acme/checkout]\n",
            "    github_repos: [acme/checkout]\n    severity_map: {critical: urgent}\n",
            "services[0].severity_map.critical",
            "must be 'sev1', 'sev2', 'sev3' or 'sev4', got 'urgent'",
        ),
        ("admins: [alice]", "admins: alice", "admins", "must be a list, got 'alice'"),
    ],
)
def test_each_kind_of_error_reports_its_location(old, new, location, message):
    assert old in EXAMPLE
    assert errors_of(EXAMPLE.replace(old, new, 1)) == [(location, message)]


def test_duplicate_ids_are_refused():
    text = EXAMPLE.replace("  - {id: erin,", "  - {id: bob, slack: U0BOB2, role: dev}\n  - {id: erin,")
    assert errors_of(text) == [("people[4].id", "duplicate person id 'bob' (also people[1])")]
    text = EXAMPLE.replace(
        "escalation_policies:\n",
        "  - {id: payments-ops, layers: [{name: x, rotation: daily, "
        "start: '2026-11-02T09:00', members: [bob]}]}\nescalation_policies:\n",
    )
    assert errors_of(text) == [
        ("schedules[2].id", "duplicate schedule id 'payments-ops' (also schedules[0])")
    ]


def test_a_bad_id_is_refused_and_its_references_reported():
    text = EXAMPLE.replace("  - id: payments-dev", "  - id: payments dev")
    assert errors_of(text) == [
        (
            "schedules[1].id",
            "'payments dev' is not a valid id (letters, digits, '-', '_' and '.', starting with a letter or digit)",
        ),
        ("escalation_policies[0].levels[1].targets[0]", "unknown schedule 'payments-dev'"),
    ]


def test_custom_rotation_without_shift_is_refused():
    text = EXAMPLE.replace("rotation: custom, shift: 12h,", "rotation: custom,")
    assert errors_of(text) == [
        (
            "schedules[1].layers[0].shift",
            "is required with rotation custom: a duration (30s, 5m, 2h, 1d, 1w or a combination such as 1h30m)",
        )
    ]


def test_bad_timezone_is_refused():
    text = EXAMPLE.replace(
        "    timezone: Europe/Berlin\n    layers:", "    timezone: Europe/Atlantis\n    layers:"
    )
    assert errors_of(text) == [
        (
            "schedules[0].timezone",
            "unknown time zone 'Europe/Atlantis' (use an IANA name such as Europe/Berlin)",
        )
    ]


@pytest.mark.parametrize(
    ("old", "new", "location", "allowed"),
    [
        (
            "{id: bob,   slack: U0BOB,",
            "{id: bob, phone: 555, slack: U0BOB,",
            "people[1].phone",
            "id, slack, email, role, timezone, name",
        ),
        (
            "admins: [alice]",
            "admins: [alice]\npagers: []",
            "pagers",
            "timezone, admins, channels, people, teams, schedules, escalation_policies, services, postmortems",
        ),
        (
            'to: "21:00"}',
            'to: "21:00", tz: UTC}',
            "schedules[0].layers[1].restrictions[0].tz",
            "days, from, to",
        ),
        (
            "{targets: [team:payments], timeout: 15m}",
            "{targets: [team:payments], timeout: 15m, wait: 1m}",
            "escalation_policies[0].levels[2].wait",
            "targets, timeout",
        ),
        (
            "channels: {deploys: C0CHECKOUTDEPLOYS}",
            "channels: {deploy: C0CHECKOUTDEPLOYS}",
            "services[0].channels.deploy",
            "deploys, incidents",
        ),
    ],
)
def test_unknown_key_is_refused_with_its_location(old, new, location, allowed):
    key = location.rsplit(".", 1)[-1]
    assert errors_of(EXAMPLE.replace(old, new, 1)) == [
        (location, f"unknown key '{key}' (allowed: {allowed})")
    ]


@pytest.mark.parametrize("days", ["[sat, sunday, funday]", "[saturday, 7]", "[]", "weekend"])
def test_restriction_day_names_are_validated(days):
    text = EXAMPLE.replace("days: [sat, sun]", f"days: {days}")
    ((location, message),) = errors_of(text)
    assert location == "schedules[0].layers[1].restrictions[0].days"
    assert "mon, tue, wed, thu, fri, sat, sun" in message


def test_restriction_day_message_names_the_bad_day():
    text = EXAMPLE.replace("days: [sat, sun]", "days: [sat, funday]")
    assert errors_of(text) == [
        (
            "schedules[0].layers[1].restrictions[0].days",
            "unknown day 'funday' (use mon, tue, wed, thu, fri, sat, sun)",
        )
    ]


def test_integration_keys_and_repos_are_unique_across_services():
    text = EXAMPLE + (
        "  - id: checkout-v2\n"
        "    team: payments\n"
        "    integration_keys: [0123456789abcdef0123456789abcdef, fresh-key]\n"
        "    github_repos: [Acme/Checkout, acme/checkout-v2]\n"
    )
    assert errors_of(text) == [
        (
            "services[1].integration_keys[0]",
            "integration key '0123456789abcdef0123456789abcdef' is already used at services[0].integration_keys[0]",
        ),
        (
            "services[1].github_repos[0]",
            "GitHub repository 'Acme/Checkout' is already used at services[0].github_repos[0]",
        ),
    ]


def test_duplicate_yaml_key_is_refused():
    text = EXAMPLE.replace("    repeat: 1 ", "    repeat: 1\n    repeat: 2 ")
    assert errors_of(text) == [("escalation_policies[0].repeat", "duplicate key 'repeat'")]


# --- many errors at once ---------------------------------------------------------------------------


def test_multiple_errors_are_reported_together_in_document_order():
    text = (
        EXAMPLE.replace("admins: [alice]", "admins: [alice, zed]")
        .replace("role: dev}", "role: admin}")
        .replace("members: [alice, carol]}", "members: [alice, carol, zoe]}")
        .replace("rotation: custom, shift: 12h,", "rotation: custom,")
        .replace("days: [sat, sun]", "days: [sat, funday]")
        .replace("[schedule:payments-dev]", "[schedule:nope, team:payments]")
        .replace("timeout: 10m", "timeout: 10")
        .replace("    escalation_policy: payments", "    escalation_policy: payments\n    colour: blue")
    )
    with pytest.raises(ConfigError) as info:
        validate_config_text(text, "opsbridge.yaml")
    assert str(info.value).splitlines() == [
        "opsbridge.yaml: admins[1]: unknown person 'zed'",
        "opsbridge.yaml: people[1].role: must be 'dev' or 'ops', got 'admin'",
        "opsbridge.yaml: schedules[0].layers[0].members[2]: unknown person 'zoe'",
        "opsbridge.yaml: schedules[0].layers[1].restrictions[0].days: unknown day 'funday' "
        "(use mon, tue, wed, thu, fri, sat, sun)",
        "opsbridge.yaml: schedules[1].layers[0].shift: is required with rotation custom: a duration "
        "(30s, 5m, 2h, 1d, 1w or a combination such as 1h30m)",
        "opsbridge.yaml: escalation_policies[0].levels[1].targets[0]: unknown schedule 'nope'",
        "opsbridge.yaml: escalation_policies[0].levels[1].timeout: a duration needs a unit: "
        "use 30s, 5m, 2h, 1d, 1w or a combination such as 1h30m, got 10",
        "opsbridge.yaml: services[0].colour: unknown key 'colour' (allowed: id, name, team, escalation_policy, "
        "channels, integration_keys, github_repos, deploy_workflows, severity_map, incident_channel_min_severity, "
        "auto_freeze_on_sev1)",
    ]
    assert len(info.value.errors) == 8


def test_reference_errors_are_reported_even_when_structure_fails():
    text = minimal(
        """\
teams:
  - {id: t, members: [alice, ghost], colour: red}
schedules:
  - id: s
    team: t
    layers: []
    shadows: [{person: phantom, until: someday}]
"""
    )
    assert errors_of(text) == [
        ("teams[0].members[1]", "unknown person 'ghost'"),
        ("teams[0].colour", "unknown key 'colour' (allowed: id, name, members, slack_usergroup, channel)"),
        ("schedules[0].layers", "must not be empty"),
        ("schedules[0].shadows[0].person", "unknown person 'phantom'"),
        ("schedules[0].shadows[0].until", "must be a date \"YYYY-MM-DD\", got 'someday'"),
    ]


# --- the file itself -------------------------------------------------------------------------------


def test_yaml_syntax_error_gives_line_and_column():
    text = "timezone: UTC\npeople:\n  - {id: alice, slack: U0ALICE, role: ops\nteams: []\n"
    with pytest.raises(ConfigError) as info:
        validate_config_text(text, "opsbridge.yaml")
    (issue,) = info.value.errors
    assert issue.location.startswith("line 4, column ")
    assert issue.message.startswith("invalid YAML: ")
    assert str(info.value).startswith("opsbridge.yaml: line 4, column ")


def test_yaml_indentation_error_gives_line_and_column():
    text = "people:\n  - id: a\n   role: dev\n"
    assert locations_of(text) == ["line 3, column 4"]


def test_missing_file_gives_a_clear_error(tmp_path: Path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "configuration file not found" in str(info.value)
    assert str(path) in str(info.value)


def test_empty_file_and_non_mapping_are_refused():
    assert errors_of("") == [("", "the file is empty; expected a mapping with people, teams, schedules, ...")]
    assert errors_of("- a\n- b\n") == [("", "the file must be a mapping (key: value) at the top, got list")]


def test_errors_from_a_file_are_prefixed_with_its_path(tmp_path: Path):
    path = tmp_path / "opsbridge.yaml"
    path.write_text(minimal("admins: [zoe]\n"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: admins[0]: unknown person 'zoe'"


def test_postmortem_template_is_resolved_next_to_the_file(tmp_path: Path):
    (tmp_path / "pm.md").write_text("# {{ title }}\n", encoding="utf-8")
    path = tmp_path / "opsbridge.yaml"
    path.write_text(minimal("postmortems: {template: pm.md}\n"), encoding="utf-8")
    assert load_config(path).postmortems.template == str((tmp_path / "pm.md").resolve())

    path.write_text(minimal("postmortems: {template: missing.md}\n"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"postmortems\.template: template file not found"):
        load_config(path)

"""The Slack emulator: one fake of Slack for tests, the sandbox page and benchmarks.

emulator = SlackEmulator()
emulator.workspace.add_user("U0ALICE", "alice", email="alice@example.com")
await emulator.start()                       # emulator.api_url -> http://127.0.0.1:PORT/api/
emulator.connect("http://127.0.0.1:3000/slack/events")
alice = emulator.user("U0ALICE")
await alice.command("/oncall", "help", channel="C0INCIDENTS")
await emulator.expect_ephemeral("U0ALICE", contains="Usage")
"""

from .calls import Call, CallLog
from .delivery import BotResponse
from .faults import Fault, Faults
from .model import Bookmark, Channel, File, Message, User, Usergroup, View
from .notify import Change
from .person import Person
from .server import EMULATOR_KEY, SlackEmulator
from .signing import sign, signed_headers
from .state import Workspace

__all__ = [
    "EMULATOR_KEY",
    "Bookmark",
    "BotResponse",
    "Call",
    "CallLog",
    "Change",
    "Channel",
    "Fault",
    "Faults",
    "File",
    "Message",
    "Person",
    "SlackEmulator",
    "User",
    "Usergroup",
    "View",
    "Workspace",
    "sign",
    "signed_headers",
]

// The composer: slash commands (with completion) and plain messages, sent as the chosen person.
import { el } from "./blocks.js";
import { api, currentChannelId, store } from "./state.js";
import { toast } from "./toast.js";

const $ = (id) => document.getElementById(id);

// What the commands take (CONTRACT.md); the first word after the command completes.
const COMMANDS = [
  ["/oncall", "", "everyone on call now"],
  ["/oncall", "SCHEDULE", "current and next shifts, calendar link"],
  ["/oncall next", "[SCHEDULE]", "your own next shifts"],
  ["/oncall override", "SCHEDULE @user FROM TO", "put someone on call"],
  ["/oncall cover", "SCHEDULE [FROM TO]", "ask the team to take your shift"],
  ["/oncall help", "", "what /oncall does"],
  ["/incident declare", "", "opens a form"],
  ["/incident declare", "TITLE [sev1|sev2|sev3|sev4] [service:NAME]", "open an incident"],
  ["/incident ack", "[#ID]", "acknowledge"],
  ["/incident escalate", "[#ID]", "page the next level now"],
  ["/incident resolve", "[SUMMARY]", "end it"],
  ["/incident sev", "N", "change severity"],
  ["/incident status", "TEXT", "post a status update"],
  ["/incident page", "@user|team:NAME|service:NAME", "bring people in"],
  ["/incident role", "commander|comms|ops|dev @user", "assign a role"],
  ["/incident list", "", "open incidents"],
  ["/incident help", "", "what /incident does"],
  ["/deploy log", "[SERVICE]", "the last deploys"],
  ["/deploy freeze", "SERVICE|all [for DURATION|until TIME] REASON", "stop deploys"],
  ["/deploy unfreeze", "SERVICE|all", "allow deploys again"],
  ["/deploy status", "[SERVICE]", "frozen or not, last deploys"],
  ["/deploy help", "", "what /deploy does"],
  ["/postmortem list", "", "open post-mortems"],
  ["/postmortem show", "#ID", "the draft or the document"],
  ["/postmortem assign", "#ID @user", "give it an owner"],
  ["/postmortem done", "#ID", "mark it finished"],
  ["/postmortem help", "", "what /postmortem does"],
];

function suggestionsFor(text) {
  if (!text.startsWith("/") || text.includes("\n")) return [];
  const typed = text.toLowerCase();
  const out = [];
  for (const [cmd, args, what] of COMMANDS) {
    if (cmd.startsWith(typed.trimEnd()) || (typed.startsWith(cmd + " ") && args && !typed.slice(cmd.length + 1).includes(" "))) {
      out.push({ insert: cmd + (args ? " " : ""), cmd, args, what });
    }
  }
  if (typed.startsWith("/oncall ") && !typed.slice(8).includes(" ")) {
    for (const id of store.state?.schedules || []) {
      if (("/oncall " + id).startsWith(typed)) out.push({ insert: `/oncall ${id}`, cmd: `/oncall ${id}`, args: "", what: "schedule" });
    }
  }
  return out.filter((s) => s.insert.trim() !== text.trim() || s.args).slice(0, 9);
}

let items = [];
let highlighted = -1;

function showSuggestions() {
  const input = $("input");
  const list = $("suggestions");
  items = suggestionsFor(input.value);
  highlighted = -1;
  list.replaceChildren();
  list.hidden = items.length === 0;
  items.forEach((s, i) => {
    const li = el("li", "suggestion");
    li.appendChild(el("span", "s-cmd", s.cmd));
    if (s.args) li.appendChild(el("span", "s-args", " " + s.args));
    li.appendChild(el("span", "s-what", s.what));
    li.addEventListener("mousedown", (e) => {
      e.preventDefault();
      accept(i);
    });
    list.appendChild(li);
  });
}

function move(delta) {
  if (!items.length) return;
  highlighted = (highlighted + delta + items.length) % items.length;
  [...$("suggestions").children].forEach((li, i) => li.classList.toggle("active", i === highlighted));
}

function accept(i) {
  const input = $("input");
  input.value = items[i].insert;
  input.focus();
  showSuggestions();
  if (!items.length) $("suggestions").hidden = true;
}

export async function send(text) {
  text = text.trim();
  if (!text) return;
  if (!store.me) {
    toast("Pick who you are first (top left).", "error");
    return;
  }
  const channel = currentChannelId();
  try {
    if (text.startsWith("/")) {
      const command = text.split(/\s+/)[0];
      const res = await api("command", { channel, command, text: text.slice(command.length).trim() });
      if (res.error) toast(res.error, "error");
    } else {
      const thread = store.thread && store.thread.channel === channel ? store.thread.ts : null;
      await api("say", { channel, text, thread_ts: thread });
    }
  } catch (err) {
    toast(err.message, "error");
  }
}

export function renderThreadChip() {
  const chip = $("thread-chip");
  chip.replaceChildren();
  const t = store.thread;
  chip.hidden = !(t && t.channel === currentChannelId());
  if (chip.hidden) return;
  chip.appendChild(el("span", null, "Replying in thread "));
  const x = chip.appendChild(el("button", "chip-x", "×"));
  x.type = "button";
  x.title = "Back to the channel";
  x.addEventListener("click", () => {
    store.thread = null;
    renderThreadChip();
  });
}

export function setupComposer() {
  const form = $("composer");
  const input = $("input");
  input.addEventListener("input", () => {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
    showSuggestions();
  });
  input.addEventListener("keydown", (e) => {
    if (!$("suggestions").hidden) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        move(e.key === "ArrowDown" ? 1 : -1);
        return;
      }
      if (e.key === "Tab" || (e.key === "Enter" && highlighted >= 0)) {
        e.preventDefault();
        accept(Math.max(highlighted, 0));
        return;
      }
      if (e.key === "Escape") {
        $("suggestions").hidden = true;
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("blur", () => setTimeout(() => { $("suggestions").hidden = true; }, 100));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value;
    input.value = "";
    input.style.height = "auto";
    $("suggestions").hidden = true;
    await send(text);
  });
  document.addEventListener("sandbox:thread", () => {
    renderThreadChip();
    input.focus();
  });
}

// The sidebar, the channel header and the message list (threads, ephemerals, reactions).
import { el, renderAttachments, renderBlocks } from "./blocks.js";
import { mrkdwn, plain } from "./mrkdwn.js";
import { api, currentChannelId, dmChannel, markRead, setView, store, unreadCount } from "./state.js";
import { toast } from "./toast.js";

const $ = (id) => document.getElementById(id);

export function blockContext(where) {
  return {
    users: store.users,
    channels: store.channels,
    me: store.me,
    userList: store.state.users,
    channelList: store.state.channels,
    act: (action) => perform(action, where),
  };
}

// A button press or a selection in a message (where = {channel, ts, ephemeral}) or a view ({view_id}).
export async function perform(action, where) {
  try {
    const body = { ...where, action_id: action.action_id, block_id: action.block_id };
    const res = action.kind === "click"
      ? await api("click", { ...body, label: action.label })
      : await api("select", { ...body, value: action.value });
    if (res.error) toast(res.error, "error");
  } catch (err) {
    toast(err.message, "error");
  }
}

// ---- sidebar

function navItem(label, { active, unread, classes = [], onClick, badge, prefix }) {
  const a = el("a", ["nav-item", ...classes].join(" "));
  a.href = "#";
  if (prefix) a.appendChild(el("span", "nav-prefix", prefix));
  a.appendChild(el("span", "nav-label", label));
  if (active) a.classList.add("active");
  if (unread) a.classList.add("unread");
  if (badge) a.appendChild(el("span", "badge", String(badge)));
  a.addEventListener("click", (e) => {
    e.preventDefault();
    onClick();
  });
  return a;
}

export function renderSidebar() {
  const nav = $("nav");
  nav.replaceChildren();
  const st = store.state;
  const view = store.view;
  nav.appendChild(el("div", "nav-section", "Channels"));
  const channels = st.channels
    .filter((c) => c.kind === "channel" || c.kind === "private")
    .sort((a, b) => a.archived - b.archived || a.name.localeCompare(b.name));
  for (const c of channels) {
    const count = unreadCount(c.id);
    const active = view.kind === "channel" && view.id === c.id;
    const classes = [c.member ? "" : "not-member", c.archived ? "archived" : "", c.name.startsWith("inc-") ? "incident" : ""];
    nav.appendChild(navItem(c.name, {
      active, unread: count > 0 && !active, classes: classes.filter(Boolean), prefix: c.kind === "private" ? "◆" : "#",
      badge: null, onClick: () => setView({ kind: "channel", id: c.id }),
    }));
  }
  nav.appendChild(el("div", "nav-section", "Direct messages"));
  const dm = dmChannel();
  const dmUnread = dm ? unreadCount(dm.id) : 0;
  const appActive = view.kind === "app";
  nav.appendChild(navItem(st.bot.name, {
    active: appActive, unread: dmUnread > 0 && !appActive, badge: !appActive && dmUnread ? dmUnread : null,
    classes: ["app-dm"], prefix: "⚙", onClick: () => setView({ kind: "app", tab: "messages" }),
  }));
  for (const c of st.channels.filter((x) => x.kind === "mpim")) {
    const count = unreadCount(c.id);
    const active = view.kind === "channel" && view.id === c.id;
    nav.appendChild(navItem(c.name.replace(/^mpdm-|-1$/g, "").split("--").join(", "), {
      active, unread: count > 0 && !active, badge: !active && count ? count : null, prefix: "◎",
      onClick: () => setView({ kind: "channel", id: c.id }),
    }));
  }
}

// ---- header

export function renderHeader() {
  const header = $("channel-header");
  header.replaceChildren();
  const tabs = $("tabs");
  const view = store.view;
  if (view.kind === "app") {
    header.appendChild(el("span", "channel-title", store.state.bot.name));
    header.appendChild(el("span", "app-tag", "APP"));
    tabs.hidden = false;
    tabs.replaceChildren();
    for (const [tab, label] of [["home", "Home"], ["messages", "Messages"]]) {
      const b = el("button", "tab" + (view.tab === tab ? " active" : ""), label);
      b.type = "button";
      b.dataset.tab = tab;
      b.addEventListener("click", () => setView({ kind: "app", tab }));
      tabs.appendChild(b);
    }
    return;
  }
  tabs.hidden = true;
  const channel = store.channels.get(view.id);
  if (!channel) return;
  header.appendChild(el("span", "channel-title", (channel.kind === "private" ? "◆ " : "# ") + channel.name));
  if (channel.archived) header.appendChild(el("span", "archived-tag", "archived"));
  if (channel.topic) header.appendChild(el("span", "channel-topic")).appendChild(plain(channel.topic, true));
  if (!channel.member) header.appendChild(el("span", "not-member-note", "You are not a member: sending a message joins"));
}

// ---- messages

function initials(name) {
  return (name || "?").split(/[\s._-]+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase();
}

function timeOf(ts) {
  return new Date(parseFloat(ts) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function author(msg) {
  const user = store.users.get(msg.user);
  if (msg.bot_id || user?.is_bot) return { name: store.state.bot.name, bot: true };
  return { name: user ? user.real_name : msg.user || "someone", bot: false };
}

function reactionBar(msg) {
  const bar = el("div", "reactions");
  for (const r of msg.reactions || []) {
    const chip = el("button", "reaction" + (r.users.includes(store.me) ? " mine" : ""));
    chip.type = "button";
    chip.title = r.users.map((u) => store.users.get(u)?.name || u).join(", ");
    chip.append(plain(`:${r.name}: `), String(r.count));
    chip.addEventListener("click", () => react(msg, r.name));
    bar.appendChild(chip);
  }
  return bar;
}

async function react(msg, name) {
  try {
    await api("react", { channel: msg.channel, ts: msg.ts, name });
  } catch (err) {
    toast(err.message, "error");
  }
}

function toolbar(msg) {
  const bar = el("div", "msg-tools");
  if (!msg.ephemeral) {
    for (const [name, glyph] of [["pushpin", "📌"], ["eyes", "👀"], ["white_check_mark", "✅"]]) {
      const b = el("button", "tool react-" + name, glyph);
      b.type = "button";
      b.title = `React with :${name}:`;
      b.addEventListener("click", () => react(msg, name));
      bar.appendChild(b);
    }
    const reply = el("button", "tool reply", "💬");
    reply.type = "button";
    reply.title = "Reply in thread";
    reply.addEventListener("click", () => {
      store.thread = { channel: msg.channel, ts: msg.thread_ts || msg.ts };
      document.dispatchEvent(new CustomEvent("sandbox:thread"));
    });
    bar.appendChild(reply);
  }
  return bar;
}

function messageNode(msg) {
  const who = author(msg);
  const node = el("div", "msg" + (msg.ephemeral ? " ephemeral" : "") + (who.bot ? " from-bot" : ""));
  node.dataset.ts = msg.ts;
  node.appendChild(el("div", "avatar" + (who.bot ? " bot" : ""), who.bot ? "⚙" : initials(who.name)));
  const body = node.appendChild(el("div", "msg-body"));
  const meta = body.appendChild(el("div", "msg-meta"));
  meta.appendChild(el("span", "msg-author", who.name));
  if (who.bot) meta.appendChild(el("span", "app-tag", "APP"));
  meta.appendChild(el("span", "msg-time", timeOf(msg.ts)));
  if (msg.edited) meta.appendChild(el("span", "msg-edited", "(edited)"));
  if (msg.pinned_to) meta.appendChild(el("span", "msg-pinned", "pinned"));
  const content = body.appendChild(el("div", "msg-content"));
  const ctx = blockContext({ channel: msg.channel, ts: msg.ts, ephemeral: msg.ephemeral });
  if (msg.blocks?.length) content.appendChild(renderBlocks(msg.blocks, ctx));
  else content.appendChild(mrkdwn(msg.text, ctx));
  if (msg.attachments?.length) content.appendChild(renderAttachments(msg.attachments, ctx));
  if (msg.reactions?.length) body.appendChild(reactionBar(msg));
  if (msg.ephemeral) body.appendChild(el("div", "ephemeral-note", "Only visible to you"));
  node.appendChild(toolbar(msg));
  return node;
}

function threadNode(parent, replies) {
  const wrap = el("div", "msg-group");
  wrap.appendChild(messageNode(parent));
  if (replies.length) {
    const thread = wrap.appendChild(el("div", "thread"));
    thread.appendChild(el("div", "thread-count", `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`));
    replies.forEach((r) => thread.appendChild(messageNode(r)));
  }
  return wrap;
}

// Top-level messages with their replies; an orphan reply (parent not loaded) shows on its own.
function groups(messages) {
  const byTs = new Map(messages.map((m) => [m.ts, m]));
  const replies = new Map();
  const top = [];
  for (const m of messages) {
    const isReply = m.thread_ts && m.thread_ts !== m.ts && byTs.has(m.thread_ts) && m.subtype !== "thread_broadcast";
    if (isReply) {
      if (!replies.has(m.thread_ts)) replies.set(m.thread_ts, []);
      replies.get(m.thread_ts).push(m);
    } else top.push(m);
  }
  return top.map((m) => ({ key: (m.ephemeral ? "e" : "m") + m.ts, parent: m, replies: replies.get(m.ts) || [] }));
}

const rendered = new Map(); // key -> {sig, node}
let renderedChannel = null;

export function renderMessages() {
  const box = $("messages");
  const channelId = currentChannelId();
  const messages = store.state.messages[channelId] || [];
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  if (renderedChannel !== channelId + store.me) {
    rendered.clear();
    box.replaceChildren();
    delete box.dataset.scrolled;
    renderedChannel = channelId + store.me;
  }
  if (!messages.length) {
    const empty = el("div", "empty");
    empty.textContent = store.view.kind === "app"
      ? "Your direct messages with the app appear here: pages, reminders, answers. Try /oncall."
      : "No messages yet.";
    box.replaceChildren(empty);
    rendered.clear();
    return;
  }
  box.querySelector(".empty")?.remove();
  const keep = new Set();
  let previous = null;
  for (const g of groups(messages)) {
    const sig = JSON.stringify([g.parent, g.replies, store.state.users.length]);
    const old = rendered.get(g.key);
    let node = old?.node;
    if (!old || old.sig !== sig) {
      node = threadNode(g.parent, g.replies);
      node.dataset.key = g.key;
      if (old) {
        old.node.replaceWith(node);
        node.classList.add("updated");
      }
      rendered.set(g.key, { sig, node });
    }
    keep.add(g.key);
    const expected = previous ? previous.nextSibling : box.firstChild;
    if (expected !== node) box.insertBefore(node, expected);
    previous = node;
  }
  for (const [key, { node }] of rendered) {
    if (!keep.has(key)) {
      node.remove();
      rendered.delete(key);
    }
  }
  if (atBottom || !box.dataset.scrolled) box.scrollTop = box.scrollHeight;
  box.dataset.scrolled = "1";
  if (document.visibilityState === "visible") markRead(channelId === "dm" ? null : channelId);
}

export function forgetRendered() {
  renderedChannel = null;
}

// The page's state: who you are, the workspace as you see it, what you have read, live updates.

const params = new URLSearchParams(location.search);

export const store = {
  me: params.get("as") || localStorage.getItem("sandbox.as") || "",
  state: null, // the last /sandbox/api/state answer
  users: new Map(),
  channels: new Map(),
  view: JSON.parse(sessionStorage.getItem("sandbox.view") || "null") || { kind: "channel", id: null },
  thread: null, // {channel, ts}: the composer answers in this thread
  listeners: [],
};

export function onUpdate(fn) {
  store.listeners.push(fn);
}

function notify() {
  store.listeners.forEach((fn) => fn(store.state));
}

export class ApiError extends Error {}

export async function api(path, body = {}) {
  const res = await fetch(`/sandbox/api/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ as: store.me, ...body }),
  });
  let data;
  try {
    data = await res.json();
  } catch {
    data = { ok: false, error: `HTTP ${res.status}` };
  }
  if (!res.ok || data.ok === false) throw new ApiError(data.error || `HTTP ${res.status}`);
  return data;
}

let loading = null;
let again = false;

// Fetch the state; calls made while one is running coalesce into one more fetch.
export async function refresh() {
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    do {
      again = false;
      const me = store.me;
      const res = await fetch(`/sandbox/api/state?as=${encodeURIComponent(me)}`);
      if (!res.ok) throw new Error(`state: HTTP ${res.status}`);
      const state = await res.json();
      if (me !== store.me) again = true; // switched person meanwhile
      else {
        store.state = state;
        store.users = new Map(state.users.map((u) => [u.id, u]));
        store.channels = new Map(state.channels.map((c) => [c.id, c]));
        initReadMarks();
        notify();
      }
    } while (again);
  })();
  try {
    await loading;
  } finally {
    loading = null;
  }
}

export function setMe(userId) {
  store.me = userId;
  store.thread = null;
  localStorage.setItem("sandbox.as", userId);
  const url = new URL(location.href);
  url.searchParams.set("as", userId);
  history.replaceState(null, "", url);
  return refresh();
}

export function setView(view) {
  store.view = view;
  store.thread = null;
  sessionStorage.setItem("sandbox.view", JSON.stringify(view));
  notify();
}

// ---- live updates

export function connectEvents(onStatus) {
  let source;
  let timer = null;
  const open = () => {
    source = new EventSource("/sandbox/api/events");
    source.onopen = () => onStatus(true);
    source.onmessage = () => {
      clearTimeout(timer);
      timer = setTimeout(() => refresh().catch(() => {}), 40);
    };
    source.onerror = () => onStatus(false); // EventSource reconnects by itself
  };
  open();
  return () => source.close();
}

// ---- unread marks, per person, kept in localStorage

function marksKey() {
  return `sandbox.read.${store.me}`;
}

function readMarks() {
  return JSON.parse(localStorage.getItem(marksKey()) || "null");
}

function latestTs(channelId) {
  const msgs = store.state?.messages[channelId] || [];
  return msgs.length ? msgs[msgs.length - 1].ts : "0";
}

// The first time a person opens the page, what is already there counts as read.
function initReadMarks() {
  if (!store.me || readMarks()) return;
  const marks = {};
  for (const c of store.state.channels) marks[c.id] = latestTs(c.id);
  localStorage.setItem(marksKey(), JSON.stringify(marks));
}

export function markRead(channelId) {
  if (!channelId || !store.me) return;
  const marks = readMarks() || {};
  const latest = latestTs(channelId);
  if (marks[channelId] !== latest) {
    marks[channelId] = latest;
    localStorage.setItem(marksKey(), JSON.stringify(marks));
  }
}

// Messages from others newer than the mark (a channel never seen counts from its start).
export function unreadCount(channelId) {
  const mark = parseFloat((readMarks() || {})[channelId] || "0");
  return (store.state?.messages[channelId] || []).filter(
    (m) => parseFloat(m.ts) > mark && m.user !== store.me,
  ).length;
}

// ---- conveniences

export function dmChannel() {
  return store.state?.channels.find((c) => c.kind === "im") || null;
}

export function currentChannelId() {
  const v = store.view;
  if (v.kind === "app") return dmChannel()?.id || "dm";
  return v.id;
}

export function person(userId) {
  return store.state?.people.find((p) => p.user === userId) || null;
}

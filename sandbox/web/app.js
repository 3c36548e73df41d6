// Wires the page together: the person picker, the views, live updates.
import { el } from "./blocks.js";
import { renderThreadChip, setupComposer } from "./composer.js";
import { renderHome, renderModal } from "./modal.js";
import { forgetRendered, renderHeader, renderMessages, renderSidebar } from "./render.js";
import { fillSimulate, setupSimulate } from "./simulate.js";
import { connectEvents, onUpdate, person, refresh, setMe, setView, store, unreadCount } from "./state.js";

const $ = (id) => document.getElementById(id);
let pickerSig = "";

function describe(p) {
  const parts = [p.role === "ops" ? "Ops" : "Dev"];
  if (p.admin) parts.push("admin");
  if (p.shadow) parts.push("shadow");
  if (p.on_call.length) parts.push("on call");
  return parts.join(", ");
}

function renderPicker() {
  const people = store.state.people;
  const sig = JSON.stringify([people, store.me]);
  if (sig === pickerSig) return;
  pickerSig = sig;
  const who = $("who");
  who.replaceChildren();
  if (!store.me) who.appendChild(el("option", null, "Choose who you are…")).value = "";
  for (const p of people) {
    const opt = el("option", null, `${p.name} (${describe(p)})`);
    opt.value = p.user;
    opt.dataset.person = p.person;
    who.appendChild(opt);
  }
  who.value = store.me;
  const info = $("who-info");
  info.replaceChildren();
  const me = person(store.me);
  if (!me) return;
  info.appendChild(el("span", "role-tag " + me.role, me.role));
  if (me.admin) info.appendChild(el("span", "role-tag admin", "admin"));
  if (me.shadow) info.appendChild(el("span", "role-tag shadow", "shadow"));
  for (const schedule of me.on_call) info.appendChild(el("span", "role-tag oncall", `on call: ${schedule}`));
}

function ensureView() {
  const v = store.view;
  if (v.kind === "app") return;
  if (v.id && store.channels.has(v.id)) return;
  const first = store.state.channels.find((c) => c.name === "incidents") ||
    store.state.channels.find((c) => c.kind === "channel");
  store.view = first ? { kind: "channel", id: first.id } : { kind: "app", tab: "messages" };
}

function renderAll() {
  if (!store.state) return;
  ensureView();
  renderPicker();
  renderSidebar();
  renderHeader();
  const home = store.view.kind === "app" && store.view.tab === "home";
  $("messages").hidden = home;
  $("composer").hidden = home || !store.me;
  if (!home) renderMessages();
  renderHome(home && Boolean(store.me));
  renderModal();
  renderThreadChip();
  fillSimulate();
  $("welcome").hidden = Boolean(store.me);
  const unread = store.state.channels.reduce((n, c) => n + unreadCount(c.id), 0);
  document.title = (unread ? `(${unread}) ` : "") + "opsbridge sandbox";
}

function main() {
  setupComposer();
  setupSimulate();
  onUpdate(renderAll);
  $("who").addEventListener("change", (e) => {
    forgetRendered();
    setMe(e.target.value);
  });
  document.addEventListener("click", (e) => {
    const link = e.target.closest?.("a.channel-link");
    if (!link) return;
    e.preventDefault();
    if (store.channels.has(link.dataset.channel)) setView({ kind: "channel", id: link.dataset.channel });
  });
  document.addEventListener("visibilitychange", renderAll);
  connectEvents((up) => $("live").classList.toggle("down", !up));
  refresh().catch((err) => console.error(err));
}

main();

// Modals opened by views.open (submitted as view_submission) and the App Home tab (views.publish).
import { collectValues, el, renderBlocks, textOf } from "./blocks.js";
import { plain } from "./mrkdwn.js";
import { blockContext } from "./render.js";
import { api, store } from "./state.js";
import { toast } from "./toast.js";

const $ = (id) => document.getElementById(id);
let shown = null; // "id:hash" of the modal on screen, so typing survives live updates

export function renderModal() {
  const root = $("modal-root");
  const view = store.state.modal;
  if (!view) {
    root.replaceChildren();
    shown = null;
    return;
  }
  const sig = `${view.id}:${view.hash}`;
  if (sig === shown) return;
  shown = sig;
  const backdrop = el("div", "modal-backdrop");
  const modal = backdrop.appendChild(el("form", "modal"));
  modal.setAttribute("role", "dialog");
  modal.setAttribute("aria-modal", "true");
  modal.noValidate = true;
  modal.dataset.viewId = view.id;
  modal.dataset.callbackId = view.callback_id || "";
  const head = modal.appendChild(el("div", "modal-head"));
  head.appendChild(el("h2", "modal-title")).appendChild(plain(textOf(view.title)));
  const x = head.appendChild(el("button", "modal-x", "×"));
  x.type = "button";
  x.title = "Close";
  x.addEventListener("click", () => close(view));
  const body = modal.appendChild(el("div", "modal-body"));
  body.appendChild(renderBlocks(view.blocks, blockContext({ view_id: view.id })));
  const foot = modal.appendChild(el("div", "modal-foot"));
  const cancel = foot.appendChild(el("button", "btn", textOf(view.close) || "Cancel"));
  cancel.type = "button";
  cancel.addEventListener("click", () => close(view));
  if (view.submit) {
    const submit = foot.appendChild(el("button", "btn primary modal-submit", textOf(view.submit)));
    submit.type = "submit";
  }
  const clear = (e) => {
    const wrap = e.target.closest(".bk-input-block");
    if (!wrap?.classList.contains("has-error")) return;
    wrap.classList.remove("has-error");
    wrap.querySelector(".bk-error").textContent = "";
  };
  modal.addEventListener("input", clear);
  modal.addEventListener("change", clear);
  modal.addEventListener("submit", (e) => {
    e.preventDefault();
    submit(view, modal);
  });
  root.replaceChildren(backdrop);
  modal.querySelector("input, textarea, select")?.focus();
}

function showErrors(form, errors) {
  form.querySelectorAll(".bk-input-block").forEach((wrap) => {
    const message = errors[wrap.dataset.blockId] || "";
    wrap.classList.toggle("has-error", Boolean(message));
    wrap.querySelector(".bk-error").textContent = message;
  });
}

async function submit(view, form) {
  const values = collectValues(form);
  const missing = {};
  for (const block of view.blocks.filter((b) => b.type === "input" && !b.optional)) {
    const entry = values[block.block_id] || {};
    const value = Object.values(entry)[0];
    if (value == null || (Array.isArray(value) && !value.length)) missing[block.block_id] = "Please complete this required field.";
  }
  showErrors(form, missing);
  if (Object.keys(missing).length) return;
  const button = form.querySelector(".modal-submit");
  if (button) button.disabled = true;
  try {
    const res = await api("submit", { view_id: view.id, values });
    showErrors(form, res.errors || {}); // the view stays as typed: errors come back for the same hash
  } catch (err) {
    toast(err.message, "error");
  } finally {
    if (button) button.disabled = false;
  }
}

async function close(view) {
  try {
    await api("close", { view_id: view.id });
  } catch (err) {
    toast(err.message, "error");
  }
}

// ---- App Home

let homeOpenedFor = null;

export function renderHome(active) {
  const box = $("home");
  box.hidden = !active;
  if (!active) {
    homeOpenedFor = null;
    return;
  }
  if (homeOpenedFor !== store.me) {
    homeOpenedFor = store.me; // app_home_opened, as Slack sends it each time the tab is opened
    api("home").catch((err) => toast(err.message, "error"));
  }
  const view = store.state.home;
  const sig = view ? `${store.me}:${view.id}:${view.hash}` : `${store.me}:none`;
  if (box.dataset.sig === sig) return;
  box.dataset.sig = sig;
  box.replaceChildren();
  if (!view) {
    box.appendChild(el("div", "empty", `${store.state.bot.name} has not published a Home tab for you yet.`));
    return;
  }
  box.appendChild(renderBlocks(view.blocks, blockContext({ view_id: view.id })));
}

// Block Kit to DOM: header, section (text, fields, accessory), context, divider, actions, image,
// input (in modals), rich_text and markdown; interactive elements call ctx.act(action).
// Every string from a block goes through textContent (via mrkdwn()/plain()).
import { mrkdwn, plain, emojify } from "./mrkdwn.js";

export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function textObject(obj, ctx) {
  if (obj == null) return document.createDocumentFragment();
  if (typeof obj === "string") return mrkdwn(obj, ctx);
  if (obj.type === "mrkdwn") return obj.verbatim ? plain(obj.text, false) : mrkdwn(obj.text, ctx);
  return plain(obj.text, obj.emoji !== false);
}

export function textOf(obj) {
  return obj == null ? "" : typeof obj === "string" ? obj : String(obj.text ?? "");
}

function safeUrl(url) {
  return /^(https?:|data:image\/)/i.test(String(url || "")) ? String(url) : "";
}

function options(element) {
  if (element.option_groups) {
    return element.option_groups.map((g) => ({ label: textOf(g.label), options: g.options || [] }));
  }
  return [{ label: null, options: element.options || [] }];
}

// <select> for static/users/conversations selects; first option is the placeholder.
function selectNode(element, ctx, initial) {
  const select = el("select", "bk-select");
  select.dataset.type = element.type;
  const multi = element.type.startsWith("multi_");
  if (multi) select.multiple = true;
  else select.appendChild(el("option", null, emojify(textOf(element.placeholder)) || "Choose…")).value = "";
  const add = (parent, value, label) => {
    const opt = el("option", null, emojify(label));
    opt.value = value;
    parent.appendChild(opt);
  };
  const kind = element.type.replace(/^multi_/, "");
  if (kind === "users_select") {
    ctx.userList.filter((u) => !u.is_bot).forEach((u) => add(select, u.id, `${u.real_name} (@${u.name})`));
  } else if (["conversations_select", "channels_select"].includes(kind)) {
    ctx.channelList.filter((c) => c.kind !== "im").forEach((c) => add(select, c.id, "#" + c.name));
  } else {
    for (const group of options(element)) {
      const parent = group.label ? select.appendChild(el("optgroup")) : select;
      if (group.label) parent.label = group.label;
      group.options.forEach((o) => add(parent, o.value, textOf(o.text)));
    }
  }
  const chosen = [].concat(initial ?? []).map(String);
  for (const opt of select.options) opt.selected = chosen.includes(opt.value);
  return select;
}

function initialOf(element) {
  if (element.initial_option) return element.initial_option.value;
  if (element.initial_options) return element.initial_options.map((o) => o.value);
  return element.initial_user ?? element.initial_users ?? element.initial_conversation ??
    element.initial_channel ?? element.initial_conversations ?? element.initial_date ??
    element.initial_time ?? element.initial_value ?? null;
}

function confirmOk(element) {
  const c = element.confirm;
  if (!c) return true;
  return window.confirm(`${textOf(c.title)}\n\n${textOf(c.text)}`);
}

// An interactive element. In a modal's input block (ctx.form) it is a form control whose value is
// read on submit; elsewhere it acts at once.
export function elementNode(element, ctx, blockId, form = false) {
  const act = (extra) => ctx.act({ block_id: blockId, action_id: element.action_id, ...extra });
  const t = element.type;
  let node;
  if (t === "button") {
    node = el("button", "bk-button" + (element.style ? " " + element.style : ""));
    node.type = "button";
    node.appendChild(plain(textOf(element.text)));
    node.addEventListener("click", () => {
      if (!confirmOk(element)) return;
      if (safeUrl(element.url)) window.open(element.url, "_blank", "noopener");
      act({ kind: "click", label: textOf(element.text) });
    });
    return node;
  }
  if (t === "overflow") {
    node = selectNode({ ...element, placeholder: { text: "⋯" } }, ctx, null);
    node.classList.add("overflow");
  } else if (t.endsWith("select")) {
    node = selectNode(element, ctx, initialOf(element));
  } else if (["datepicker", "timepicker"].includes(t)) {
    node = el("input", "bk-input");
    node.type = t === "datepicker" ? "date" : "time";
    if (initialOf(element)) node.value = initialOf(element);
  } else if (t === "plain_text_input" || t.endsWith("_input")) {
    node = el(element.multiline ? "textarea" : "input", "bk-input");
    if (!element.multiline) node.type = t === "number_input" ? "number" : t === "email_text_input" ? "email" : "text";
    node.placeholder = textOf(element.placeholder);
    if (element.initial_value != null) node.value = element.initial_value;
    if (element.max_length) node.maxLength = element.max_length;
  } else if (["checkboxes", "radio_buttons"].includes(t)) {
    node = el("div", "bk-choices");
    const chosen = [].concat(initialOf(element) ?? []).map(String);
    (element.options || []).forEach((o) => {
      const label = el("label", "bk-choice");
      const box = el("input");
      box.type = t === "checkboxes" ? "checkbox" : "radio";
      box.name = `${blockId}:${element.action_id}`;
      box.value = o.value;
      box.checked = chosen.includes(String(o.value));
      label.append(box, textObject(o.text, ctx));
      node.appendChild(label);
    });
  } else {
    return el("span", "bk-unsupported", `[${t}]`);
  }
  node.dataset.type = t;
  node.dataset.actionId = element.action_id || "";
  node.dataset.blockId = blockId || "";
  if (!form) node.addEventListener("change", () => act({ kind: "select", value: readValue(node) }));
  return node;
}

export function readValue(node) {
  const t = node.dataset.type;
  if (node.tagName === "SELECT") {
    if (node.multiple) return [...node.selectedOptions].map((o) => o.value);
    return node.value || null;
  }
  if (t === "checkboxes") return [...node.querySelectorAll("input:checked")].map((i) => i.value);
  if (t === "radio_buttons") return node.querySelector("input:checked")?.value ?? null;
  const value = node.value;
  return value === "" ? null : value;
}

function imageNode(block, cls) {
  const img = el("img", cls);
  img.alt = textOf(block.alt_text);
  img.title = textOf(block.alt_text);
  const src = safeUrl(block.image_url);
  if (src) img.src = src;
  img.loading = "lazy";
  img.referrerPolicy = "no-referrer";
  return img;
}

function richText(node, ctx) {
  const span = el("span");
  for (const part of node.elements || []) {
    if (part.type === "text") {
      const s = el(part.style?.code ? "code" : part.style?.bold ? "b" : part.style?.italic ? "i" : "span");
      s.textContent = part.text;
      span.appendChild(s);
    } else if (part.type === "link") {
      span.appendChild(mrkdwn(`<${part.url}|${part.text || part.url}>`, ctx));
    } else if (part.type === "user") {
      span.appendChild(mrkdwn(`<@${part.user_id}>`, ctx));
    } else if (part.type === "channel") {
      span.appendChild(mrkdwn(`<#${part.channel_id}>`, ctx));
    } else if (part.type === "emoji") {
      span.appendChild(plain(`:${part.name}:`));
    } else if (part.elements) {
      span.appendChild(richText(part, ctx));
    }
  }
  return span;
}

function blockNode(block, ctx) {
  const id = block.block_id;
  switch (block.type) {
    case "header": {
      const h = el("div", "bk-header");
      h.appendChild(textObject(block.text, ctx));
      return h;
    }
    case "divider":
      return el("hr", "bk-divider");
    case "section": {
      const s = el("div", "bk-section");
      const main = s.appendChild(el("div", "bk-section-main"));
      if (block.text) main.appendChild(el("div", "bk-text")).appendChild(textObject(block.text, ctx));
      if (block.fields?.length) {
        const grid = main.appendChild(el("div", "bk-fields"));
        block.fields.forEach((f) => grid.appendChild(el("div", "bk-field")).appendChild(textObject(f, ctx)));
      }
      if (block.accessory) {
        const acc = s.appendChild(el("div", "bk-accessory"));
        acc.appendChild(block.accessory.type === "image"
          ? imageNode(block.accessory, "bk-thumb") : elementNode(block.accessory, ctx, id));
      }
      return s;
    }
    case "context": {
      const c = el("div", "bk-context");
      (block.elements || []).forEach((e) => {
        if (e.type === "image") c.appendChild(imageNode(e, "bk-context-img"));
        else c.appendChild(el("span")).appendChild(textObject(e, ctx));
      });
      return c;
    }
    case "actions": {
      const a = el("div", "bk-actions");
      (block.elements || []).forEach((e) => a.appendChild(elementNode(e, ctx, id)));
      return a;
    }
    case "image": {
      const f = el("figure", "bk-image");
      if (block.title) f.appendChild(el("figcaption")).appendChild(textObject(block.title, ctx));
      f.appendChild(imageNode(block, "bk-img"));
      return f;
    }
    case "input": {
      const wrap = el("div", "bk-input-block");
      wrap.dataset.blockId = id;
      const label = wrap.appendChild(el("label", "bk-label"));
      label.appendChild(textObject(block.label, ctx));
      if (block.optional) label.appendChild(el("span", "bk-optional", " (optional)"));
      wrap.appendChild(elementNode(block.element || {}, ctx, id, true));
      if (block.hint) wrap.appendChild(el("div", "bk-hint")).appendChild(textObject(block.hint, ctx));
      wrap.appendChild(el("div", "bk-error"));
      return wrap;
    }
    case "rich_text": {
      const r = el("div", "bk-rich");
      r.appendChild(richText(block, ctx));
      return r;
    }
    case "markdown": {
      const m = el("div", "bk-text");
      m.appendChild(mrkdwn(block.text, ctx));
      return m;
    }
    default:
      return el("div", "bk-unsupported", `[unsupported block: ${block.type}]`);
  }
}

export function renderBlocks(blocks, ctx) {
  const frag = document.createDocumentFragment();
  (blocks || []).forEach((b) => frag.appendChild(blockNode(b, ctx)));
  return frag;
}

export function renderAttachments(attachments, ctx) {
  const frag = document.createDocumentFragment();
  for (const a of attachments || []) {
    const box = el("div", "attachment");
    if (/^#[0-9a-f]{3,6}$/i.test(a.color || "")) box.style.borderLeftColor = a.color;
    else box.classList.add("color-" + (["good", "warning", "danger"].includes(a.color) ? a.color : "default"));
    for (const key of ["pretext", "title", "text"]) {
      if (a[key]) box.appendChild(el("div", "att-" + key)).appendChild(mrkdwn(a[key], ctx));
    }
    if (a.fields?.length) {
      const grid = box.appendChild(el("div", "bk-fields"));
      a.fields.forEach((f) => {
        const cell = grid.appendChild(el("div", "bk-field"));
        cell.appendChild(el("b", null, f.title || ""));
        cell.appendChild(el("br"));
        cell.appendChild(mrkdwn(f.value || "", ctx));
      });
    }
    if (a.blocks) box.appendChild(renderBlocks(a.blocks, ctx));
    frag.appendChild(box);
  }
  return frag;
}

// Values of a modal's input blocks, shaped {block_id: {action_id: value}} as view_submission has them.
export function collectValues(root) {
  const values = {};
  root.querySelectorAll(".bk-input-block").forEach((wrap) => {
    const control = wrap.querySelector("[data-action-id]");
    if (!control) return;
    values[wrap.dataset.blockId] = { [control.dataset.actionId]: readValue(control) };
  });
  return values;
}

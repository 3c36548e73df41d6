// Slack mrkdwn to DOM nodes. Message text is untrusted: it only ever becomes text nodes
// (textContent), never markup. Slack's own escaping (&amp; &lt; &gt;) is undone into those text
// nodes; formatting (*bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes, <links|labels>,
// <@U…> and <#C…> mentions) is added as elements around them.

const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">" };

export const EMOJI = {
  pushpin: "📌", rotating_light: "🚨", white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌",
  warning: "⚠️", fire: "🔥", pager: "📟", rocket: "🚀", eyes: "👀", wave: "👋", tada: "🎉",
  red_circle: "🔴", large_orange_circle: "🟠", large_yellow_circle: "🟡", large_green_circle: "🟢",
  large_blue_circle: "🔵", white_circle: "⚪", black_circle: "⚫", hourglass: "⌛",
  hourglass_flowing_sand: "⏳", bell: "🔔", no_bell: "🔕", lock: "🔒", unlock: "🔓",
  calendar: "📅", memo: "📝", clipboard: "📋", mag: "🔍", bulb: "💡", construction: "🚧",
  arrow_up: "⬆️", arrow_down: "⬇️", arrow_right: "➡️", leftwards_arrow_with_hook: "↩️",
  ice_cube: "🧊", snowflake: "❄️", busts_in_silhouette: "👥", bust_in_silhouette: "👤",
  information_source: "ℹ️", speech_balloon: "💬", link: "🔗", stopwatch: "⏱️", clock3: "🕒",
  thumbsup: "👍", "+1": "👍", ok_hand: "👌", sos: "🆘", siren: "🚨", bookmark: "🔖",
  package: "📦", gear: "⚙️", zap: "⚡", boom: "💥", skull: "💀", sunny: "☀️", moon: "🌙",
  house: "🏠", point_right: "👉", ballot_box_with_check: "☑️", heavy_multiplication_x: "✖️",
  large_red_square: "🟥", large_green_square: "🟩", rewind: "⏪", fast_forward: "⏩", repeat: "🔁",
  ambulance: "🚑", mega: "📣", loudspeaker: "📢", shield: "🛡️", calendar_spiral: "🗓️", date: "📅",
  hammer_and_wrench: "🛠️", wrench: "🔧", chart_with_upwards_trend: "📈", busts: "👥", raised_hand: "✋", checkered_flag: "🏁", scroll: "📜",
};

export function decode(text) {
  return String(text ?? "").replace(/&(amp|lt|gt);/g, (m) => ENTITIES[m]);
}

export function emojify(text) {
  return String(text ?? "").replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
}

function el(tag, cls) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  return node;
}

// Plain text (with \n as line breaks) appended as text nodes.
function appendText(parent, text) {
  String(text).split("\n").forEach((line, i) => {
    if (i) parent.appendChild(el("br"));
    if (line) parent.appendChild(document.createTextNode(line));
  });
}

// A `plain_text` object: no formatting, optional :emoji:.
export function plain(text, emoji = true) {
  const frag = document.createDocumentFragment();
  appendText(frag, emoji ? emojify(text) : String(text ?? ""));
  return frag;
}

const SAFE_URL = /^(https?:|mailto:)/i;

function linkNode(body, ctx) {
  const bar = body.indexOf("|");
  const target = bar >= 0 ? body.slice(0, bar) : body;
  const label = bar >= 0 ? body.slice(bar + 1) : "";
  if (target.startsWith("@")) {
    const user = ctx.users?.get(target.slice(1));
    const node = el("span", "mention");
    node.textContent = "@" + (user ? user.name : decode(label) || target.slice(1));
    if (user && user.id === ctx.me) node.classList.add("mention-me");
    return node;
  }
  if (target.startsWith("#")) {
    const channel = ctx.channels?.get(target.slice(1));
    const node = el("a", "channel-link");
    node.href = "#";
    node.textContent = "#" + (channel ? channel.name : decode(label) || target.slice(1));
    node.dataset.channel = target.slice(1);
    return node;
  }
  if (target.startsWith("!")) {
    const node = el("span", "mention");
    const word = target.slice(1).split("^")[0];
    if (["here", "channel", "everyone"].includes(word)) node.textContent = "@" + word;
    else if (word === "subteam") node.textContent = decode(label) || "@group";
    else if (word === "date") { node.className = "date"; node.textContent = decode(label) || target; }
    else node.textContent = decode(label) || target;
    return node;
  }
  const url = decode(target);
  if (!SAFE_URL.test(url)) return document.createTextNode("<" + decode(body) + ">");
  const a = el("a");
  a.href = url;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  a.textContent = emojify(decode(label || target));
  return a;
}

// Earliest-first scan of inline tokens. Emphasis needs a non-word character (or the edge) on
// both sides, as in Slack, so snake_case_names and 2*3*4 stay as they are.
const INLINE = /`([^`\n]+)`|<([^<>\n]+)>|([*_~])(?=\S)([^\n]*?\S)\3/g;
const WRAP = { "*": "b", _: "i", "~": "s" };
const WORD = /[A-Za-z0-9]/;

function inline(parent, text, ctx, depth = 0) {
  let pos = 0;
  INLINE.lastIndex = 0;
  const re = new RegExp(INLINE.source, "g");
  let m;
  while ((m = re.exec(text))) {
    if (m[3]) {
      const before = m.index > 0 ? text[m.index - 1] : "";
      const after = text[m.index + m[0].length] || "";
      const inner = m[4];
      if (WORD.test(before) || WORD.test(after) || inner.includes(m[3]) || depth > 4) {
        re.lastIndex = m.index + 1;
        continue;
      }
    }
    if (m.index > pos) appendText(parent, emojify(decode(text.slice(pos, m.index))));
    if (m[1] !== undefined) {
      const code = el("code");
      code.textContent = decode(m[1]);
      parent.appendChild(code);
    } else if (m[2] !== undefined) {
      parent.appendChild(linkNode(m[2], ctx));
    } else {
      const wrap = el(WRAP[m[3]]);
      inline(wrap, m[4], ctx, depth + 1);
      parent.appendChild(wrap);
    }
    pos = m.index + m[0].length;
  }
  if (pos < text.length) appendText(parent, emojify(decode(text.slice(pos))));
}

function lines(parent, text, ctx) {
  const all = text.split("\n");
  let i = 0;
  while (i < all.length) {
    if (/^(&gt;|>)/.test(all[i])) {
      const quote = el("blockquote");
      const taken = [];
      while (i < all.length && /^(&gt;|>)/.test(all[i])) taken.push(all[i++].replace(/^(&gt;|>) ?/, ""));
      inline(quote, taken.join("\n"), ctx);
      parent.appendChild(quote);
    } else {
      const taken = [];
      while (i < all.length && !/^(&gt;|>)/.test(all[i])) taken.push(all[i++]);
      const span = el("span", "line");
      inline(span, taken.join("\n"), ctx);
      parent.appendChild(span);
    }
  }
}

// mrkdwn text to a DocumentFragment. ctx: {users: Map(id -> user), channels: Map(id -> channel), me}.
export function mrkdwn(text, ctx = {}) {
  const frag = document.createDocumentFragment();
  const parts = String(text ?? "").split("```");
  parts.forEach((part, i) => {
    const isCode = i % 2 === 1 && i < parts.length - 1;
    if (isCode) {
      const pre = el("pre", "code-block");
      pre.textContent = decode(part.replace(/^\n/, "").replace(/\n$/, ""));
      frag.appendChild(pre);
    } else if (part) {
      lines(frag, i % 2 === 1 ? "```" + part : part, ctx);
    }
  });
  return frag;
}

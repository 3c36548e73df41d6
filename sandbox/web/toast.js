// A short notice at the bottom of the page (errors from the bot or the emulator, results).
let timer = null;

export function toast(text, kind = "info") {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.className = "toast " + kind;
  box.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 8000 : 4000);
}

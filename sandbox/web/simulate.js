// The Simulate panel: the outside world calling the bot's real HTTP endpoints
// (Alertmanager's webhook, a CI pipeline's deploy events), through the page's API.
import { el } from "./blocks.js";
import { api, store } from "./state.js";
import { toast } from "./toast.js";

const $ = (id) => document.getElementById(id);
let filled = false;

function log(result) {
  const list = $("sim-log");
  const item = el("li", result.status < 300 ? "ok" : "fail");
  item.appendChild(el("span", "sim-status", String(result.status)));
  item.appendChild(el("span", "sim-request", " " + result.request));
  if (result.status >= 300) item.appendChild(el("div", "sim-body", result.body));
  item.title = JSON.stringify(result.payload, null, 2);
  list.prepend(item);
  while (list.children.length > 8) list.lastChild.remove();
}

async function run(path, body, done) {
  try {
    const result = await api(path, body);
    log(result);
    if (result.status >= 300) toast(`${result.request} answered ${result.status}`, "error");
    else if (done) done(result);
  } catch (err) {
    toast(err.message, "error");
  }
}

function alertBody(status) {
  return {
    service: $("sim-alert-service").value,
    alertname: $("sim-alertname").value,
    severity: $("sim-severity").value,
    summary: $("sim-summary").value,
    status,
  };
}

function nextVersion() {
  const input = $("sim-version");
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(input.value.trim());
  if (m) input.value = `v${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

function deployBody(status) {
  return {
    service: $("sim-deploy-service").value,
    environment: $("sim-env").value,
    version: $("sim-version").value,
    status,
  };
}

export function fillSimulate() {
  if (filled || !store.state) return;
  filled = true;
  for (const id of ["sim-alert-service", "sim-deploy-service"]) {
    const select = $(id);
    for (const s of store.state.services) {
      if (id === "sim-alert-service" && !s.alerts) continue;
      const opt = el("option", null, s.name === s.id ? s.id : `${s.name} (${s.id})`);
      opt.value = s.id;
      select.appendChild(opt);
    }
  }
}

export function setupSimulate() {
  $("sim-toggle").addEventListener("click", () => {
    document.body.classList.toggle("sim-closed");
  });
  $("sim-fire").addEventListener("click", () => run("simulate/alert", alertBody("firing"), () =>
    toast("Alert sent: watch the on-call person's DM (and #incidents).")));
  $("sim-resolve").addEventListener("click", () => run("simulate/alert", alertBody("resolved")));
  $("sim-deploy-start").addEventListener("click", () => run("simulate/deploy", deployBody("started"), (r) => {
    $("sim-run").textContent = `run ${r.id}`;
  }));
  $("sim-deploy-ok").addEventListener("click", () => run("simulate/deploy", deployBody("succeeded"), nextVersion));
  $("sim-deploy-fail").addEventListener("click", () => run("simulate/deploy", deployBody("failed")));
}

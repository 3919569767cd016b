// One operation: its facts, and its log (one item per task for batch creates), shown in pages.
//
// The API returns a log whole, which for a 100,000-task operation is tens of megabytes, so a
// large log loads only when asked, and the table renders 200 items at a time.

import { get, requireSignIn } from "./api.js";
import { byId, count, failPage, h, row, say, setDownload, statusBadge, when } from "./dom.js";
import { countsText, objectLink, progressCell, unfinished } from "./operation-cells.js";

const operationId = document.body.dataset.operationId;
const SHOWN = 200;
const AUTOLOAD_ITEMS = 2000;
const POLL_MS = 1000;

let log = [];
let shown = 0;

function fact(term, value) {
  return h("div", {}, h("dt", {}, term), h("dd", {}, value));
}

function showOperation(operation) {
  byId("title").textContent = `Operation ${operation.type}`;
  document.title = `${operation.type} · Talaka`;
  const params = Object.entries(operation.parameters || {}).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  byId("operation-facts").replaceChildren(
    fact("Id", h("code", {}, operation.id)),
    fact("Type", h("code", {}, operation.type)),
    fact("Status", statusBadge(operation.status)),
    fact("Progress", progressCell(operation)),
    fact("Counts", countsText(operation.details) || "—"),
    fact("Object", objectLink(operation.parameters) || "—"),
    fact("Parameters", params.join(", ") || "—"),
    fact("Submitted", when(operation.submitted)),
    fact("Started", when(operation.started) || "—"),
    fact("Finished", when(operation.finished) || "—"));
}

function itemRow(item) {
  const input = item.input || {};
  const index = input.__item_idx ?? "";
  let details;
  if (item.success) {
    details = Object.entries(item.output || {}).map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`).join(", ");
  } else {
    details = h("ul", { class: "plain" }, Object.entries(item.output || {}).map(([path, problem]) =>
      h("li", {}, h("code", {}, path), " ", h("code", {}, problem?.code || ""), " ", problem?.message || "")));
  }
  return row(String(index), h("code", {}, item.type), item.success ? "ok" : "failed", details);
}

function visible() {
  return byId("log-failed-only").checked ? log.filter((item) => !item.success) : log;
}

function showMore(reset) {
  const body = byId("log-table").querySelector("tbody");
  const items = visible();
  if (reset) {
    body.replaceChildren();
    shown = 0;
  }
  body.append(...items.slice(shown, shown + SHOWN).map(itemRow));
  shown = Math.min(items.length, shown + SHOWN);
  byId("log-more").hidden = shown >= items.length;
  if (!items.length) body.append(row(h("td", { colspan: 4 }, "No items.")));
}

async function loadLog() {
  const button = byId("log-load");
  button.disabled = true;
  say(byId("log-summary"), "Loading the log…");
  try {
    ({ data: log } = await get(`/operations/${encodeURIComponent(operationId)}/log`));
  } catch (error) {
    say(byId("log-summary"), error.message, "error");
    button.disabled = false;
    return;
  }
  const byType = new Map();
  for (const item of log) {
    const key = `${item.type} ${item.success ? "ok" : "failed"}`;
    byType.set(key, (byType.get(key) || 0) + 1);
  }
  const parts = [...byType].map(([key, value]) => `${key}: ${count(value)}`);
  say(byId("log-summary"), log.length ? `${count(log.length)} items. ${parts.join(", ")}.` : "The log is empty.");
  const failures = log.some((item) => !item.success);
  byId("log-failed-only-row").hidden = !failures;
  byId("log-failed-only").checked = failures;
  const download = byId("log-download");
  setDownload(download, log.map((item) => JSON.stringify(item)).join("\n") + "\n", `operation-${operationId}-log.jsonl`, "application/x-ndjson");
  download.hidden = false;
  button.hidden = true;
  showMore(true);
}

async function start() {
  say(byId("page-status"), "Loading the operation…");
  let operation;
  try {
    ({ data: operation } = await get("/operations/" + encodeURIComponent(operationId)));
  } catch (error) {
    failPage(error, `operation with id ${operationId}`);
    return;
  }
  showOperation(operation);
  byId("content").hidden = false;
  say(byId("page-status"), "");
  byId("log-load").addEventListener("click", loadLog);
  byId("log-more").addEventListener("click", () => showMore(false));
  byId("log-failed-only").addEventListener("change", () => showMore(true));
  while (unfinished(operation)) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    try {
      ({ data: operation } = await get("/operations/" + encodeURIComponent(operationId)));
      showOperation(operation);
    } catch {
      // Try again on the next tick.
    }
  }
  const items = Number(operation.details?.items_count ?? 0);
  if (items <= AUTOLOAD_ITEMS) await loadLog();
  else say(byId("log-summary"), `The log has about ${count(items)} items; it loads when you ask.`);
}

if (requireSignIn()) start();
